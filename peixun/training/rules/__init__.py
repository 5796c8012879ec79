"""The training rules as plain Python over frozen dataclasses, with no Django import: who may take
part (eligibility), the project lifecycle's one transition table, school quotas, the reproducible
lottery, and the grouping of trainees into classes with their tutors. Tested without a database
(peixun/lib/tests/test_no_django.py checks that they stay framework-free)."""
