"""Writes for delivery (keyword-only, typed, atomic, audited), split by subject: lessons,
attendance, leave, coursework and outside results."""
