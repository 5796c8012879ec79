"""Benchmarks, run by `make bench` (never by `make test`). Each prints its figures as plain lines.

    python -m bench.run_all          every benchmark, in order
    python -m bench.import_people    roster import of 50,000 rows (SQLite and PostgreSQL, with COPY)
    python -m bench.people_list      people list over 500,000 people (PostgreSQL)

PostgreSQL comes from BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/peixun_bench);
a part that needs it is skipped with a message when the server does not answer.
"""
