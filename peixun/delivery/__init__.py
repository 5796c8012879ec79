"""Delivery: lessons, check-in and attendance, leave, coursework and outside results, with hooks for
changed marks, the absence limit and the trainee's page. Layer 10."""
