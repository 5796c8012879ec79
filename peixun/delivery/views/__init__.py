"""Delivery pages, split by subject: lessons and the calendar, check-in and the register, leave,
coursework, and the teacher's own pages."""
