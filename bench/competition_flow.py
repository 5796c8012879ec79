"""One competition from the school round to the final through the services, end to end (issue 18;
RULES E3–E5, D10): a county of 100 schools (15 small ones of 1–3 entrants) and 2,000 round-1
entrants, written in bulk (not timed), then, timed step by step through the real services
(`peixun.competitions.tests.flow`, the same code as the test): judges, round-1 marks for everyone
(`import_scores`), results, quotas, each school's nominations, the draw published, run and
verified, round 2 marked, the final quotas, nominations and draw, the final marked through the
judge's xlsx sheet, an ethics veto, the awards drafted (公示), one objection upheld for
falsification, and the awards finalised with their numbers. Prints one line per step

    competition_flow: <step> seconds=… count=… [what]

and one per check (the draws re-run identical, the vetoed teacher awardless, the disqualified
entry's award revoked, every final award numbered, the xlsx marks stored) with ok|FAILED.
PostgreSQL at BENCH_DATABASE_URL + "_competition" (recreated) when it answers, else SQLite in a
temporary folder.

    python -m bench.competition_flow [--schools 100] [--entrants 2000]
"""

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from bench import common


def sizes(schools: int, entrants: int, seed: int = 2026) -> list[int]:
    """School sizes from 1 to ~60 summing to `entrants`, the first 15 small (1–3)."""
    rng = random.Random(seed)
    weights = [rng.paretovariate(1.5) for _ in range(schools)]
    made = [max(1, round(entrants * w / sum(weights))) for w in weights]
    made[:15] = [rng.randint(1, 3) for _ in range(min(15, schools))]
    made[made.index(max(made))] += entrants - sum(made)
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=100)
    parser.add_argument("--entrants", type=int, default=2000)
    parser.add_argument("--run", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run:
        return run(args.schools, args.entrants)
    url = common.bench_url("_competition")
    reason = common.postgres_reachable(url)
    with tempfile.TemporaryDirectory(prefix="peixun-bench-competition-") as tmp:
        if reason is None:
            print(f"# competition_flow: preparing {common.database_name(url)}", flush=True)
            common.recreate_database(url)
        else:
            print(f"# competition_flow: PostgreSQL unreachable ({reason}); using SQLite", flush=True)
            url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        common.manage(url, "migrate", "--no-input", "-v", "0")
        return common.run_child(
            "bench.competition_flow",
            url,
            "--run",
            "--schools",
            str(args.schools),
            "--entrants",
            str(args.entrants),
        )


def run(schools: int, entrants: int) -> int:
    common.setup_django()
    from peixun.competitions.tests import flow as competition_flow

    school_sizes = sizes(schools, entrants)
    started = time.perf_counter()
    flow = competition_flow.build(code="320313", sizes=school_sizes, year=2026, old_every=5)
    small = sum(1 for n in school_sizes if n <= 3)
    print(
        f"competition_flow: setup (bulk, not timed) seconds={time.perf_counter() - started:.2f} "
        f"schools={schools} ({small} of 1–3 entrants) entrants={sum(school_sizes)}",
        flush=True,
    )
    total = time.perf_counter()
    competition_flow.run(flow)
    total = time.perf_counter() - total
    for step in flow.steps:
        note = f" {step.note}" if step.note else ""
        print(
            f"competition_flow: {step.name} seconds={step.seconds:.2f} count={step.count}{note}", flush=True
        )
    print(f"competition_flow: all steps seconds={total:.2f}", flush=True)
    for name, ok in flow.checks.items():
        print(f"competition_flow: check {name}: {'ok' if ok else 'FAILED'}", flush=True)
    return 0 if flow.checks and all(flow.checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
