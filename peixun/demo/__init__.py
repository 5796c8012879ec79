"""Demo data: a synthetic region with training, hours, lessons, results and certificates in every
state (`manage.py seed_demo`), and `manage.py serve`, which prints its logins. Top layer."""
