"""Every benchmark, in order: `make bench` (never part of `make test`). Exit status 1 when one
misses its target or fails."""

import sys
import time

from bench import certificates, enrolment, import_people, ledger, pages, people_list, schoolbased

BENCHMARKS = (
    ("import_people", import_people.main),
    ("people_list", people_list.main),
    ("ledger", ledger.main),
    ("enrolment", enrolment.main),
    ("certificates", certificates.main),
    ("schoolbased", schoolbased.main),
    ("pages", pages.main),
)


def main() -> int:
    failures = 0
    for name, run in BENCHMARKS:
        print(f"== {name} ==", flush=True)
        started = time.perf_counter()
        status = run([])
        failures += status != 0
        print(
            f"== {name}: {'ok' if status == 0 else 'FAILED'} in {time.perf_counter() - started:.0f} s ==",
            flush=True,
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
