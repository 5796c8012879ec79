"""The password hasher: Argon2id with the parameters the OWASP Password Storage Cheat Sheet
recommends (19 MiB of memory, 2 passes, 1 lane), ADR 0058.

Django's own Argon2 defaults (100 MiB, 2 passes, 8 lanes) cost about 0.3 s of processor time per
sign-in on this 2-core machine, and ten times that in wall time when a lesson's thousand trainees
sign in together; these cost about 0.03 s and remain memory-hard. The algorithm name stays
`argon2`, so every stored hash still verifies; a hash made with other parameters is rehashed with
these at the user's next sign-in (Django's `must_update`)."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2Hasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
