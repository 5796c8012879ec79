"""Demo data: a synthetic region (org tree, teachers, one account per role) with training, hours,
lessons, results and certificates in every state — `manage.py seed_demo` — and `manage.py serve`."""
