"""Every benchmark, in order: `make bench` (never part of `make test`). Exit status 1 when one
misses its target or fails."""

import subprocess
import sys
import time

from bench import (
    certificates,
    competition,
    competition_flow,
    enrolment,
    import_people,
    ledger,
    load_checkin,
    pages,
    people_list,
    restore_check,
    schoolbased,
    survey_rush,
)

BENCHMARKS = (
    ("import_people", import_people.main),
    ("people_list", people_list.main),
    ("ledger", ledger.main),
    ("enrolment", enrolment.main),
    ("certificates", certificates.main),
    ("schoolbased", schoolbased.main),
    ("competition", competition.main),
    ("competition_flow", competition_flow.main),
    ("survey_rush", survey_rush.main),
    ("pages", pages.main),
    ("load_checkin", load_checkin.main),
    ("faults", lambda argv: _own_process("bench.faults", argv)),
    ("restore_check", restore_check.main),
)


def _own_process(module: str, argv: list[str]) -> int:
    """A benchmark that sets Django up in its own process (its own database)."""
    return subprocess.run([sys.executable, "-m", module, *argv], check=False).returncode  # noqa: S603


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
