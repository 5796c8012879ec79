"""A county of 100 schools and 2,000 round-1 entrants through the E3 quotas and the district draw,
then 10 % of the round-2 entrants to the final: the pure rules only (peixun.competitions.rules),
timed, with the draw re-run to show the same inputs give the same result.

    python -m bench.competition
"""

import random
import time
from decimal import Decimal

from peixun.competitions.rules import draw, quotas


def main(argv: list[str] | None = None, *, schools: int = 100, entrants: int = 2000, seed: int = 2026) -> int:
    rng = random.Random(seed)
    # Sizes from 1 to ~60 (small rural schools included), summing to `entrants`.
    weights = [rng.paretovariate(1.5) for _ in range(schools)]
    sizes = [max(1, round(entrants * w / sum(weights))) for w in weights]
    sizes[:15] = [rng.randint(1, 3) for _ in range(15)]  # small rural schools
    sizes[sizes.index(max(sizes))] += entrants - sum(sizes)
    key = 0
    pairs: list[tuple[int, int]] = []
    for school, size in enumerate(sizes, start=1):
        for _ in range(size):
            key += 1
            pairs.append((key, school))
    started = time.perf_counter()
    by_school = quotas.quotas(dict(enumerate(sizes, start=1)), Decimal("0.30"), Decimal("0.60"))
    nominated: set[int] = set()
    for school, q in by_school.items():
        nominated.update([k for k, s in pairs if s == school][: q.nominated])
    candidates = [(k, s) for k, s in pairs if k not in nominated]
    drawn_quotas = {school: q.drawn for school, q in by_school.items() if q.drawn}
    drawn = draw.run(candidates, seed="bench-seed", quotas=drawn_quotas)
    elapsed = time.perf_counter() - started
    again = draw.run(list(reversed(candidates)), seed="bench-seed", quotas=drawn_quotas)
    round_two = len(nominated) + len(drawn)
    small = sum(1 for n in sizes if n <= 3)
    final = quotas.quota(round_two, Decimal("0.10"), Decimal("0.60"))
    print(f"competition: {schools} schools, {sum(sizes)} entrants ({small} schools of 1–3)")
    print(f"competition: round 2 {round_two} places = {len(nominated)} nominated + {len(drawn)} drawn")
    print(f"competition: final {final.places} places = {final.nominated} + {final.drawn}")
    print(f"competition: quotas and draw in {elapsed * 1000:.1f} ms; re-run identical: {again == drawn}")
    return 0 if again == drawn else 1


if __name__ == "__main__":
    raise SystemExit(main())
