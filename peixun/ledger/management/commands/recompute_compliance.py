"""`manage.py recompute_compliance [--org CODE] [--as-of YYYY-MM-DD] [--check]`: rebuild the rollups
of an org subtree (everyone by default) from the raw entries and re-evaluate everyone's compliance
under the policy that governs them; with --check, only compare the stored rollups with the sums
of the entries and report any difference (exit 1), changing nothing."""

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from peixun.ledger import compliance
from peixun.orgs.models import Org


class Command(BaseCommand):
    help = "Rebuild the credit rollups and compliance results (or check the rollups with --check)."

    def add_arguments(self, parser):
        parser.add_argument("--org", help="Only this organisation's subtree (its code).")
        parser.add_argument("--as-of", help="Evaluate as of this day (YYYY-MM-DD; default today).")
        parser.add_argument(
            "--check", action="store_true", help="Compare rollups with entries; change nothing."
        )

    def handle(self, *args, org: str | None, as_of: str | None, check: bool, **options):
        path = ""
        if org:
            found = Org.objects.filter(code=org).first()
            if found is None:
                raise CommandError(f"没有代码为 {org} 的单位")
            path = found.path
        if check:
            self._check(path)
            return
        try:
            day = date.fromisoformat(as_of) if as_of else None
        except ValueError:
            raise CommandError(f"--as-of：“{as_of}”不是 YYYY-MM-DD 格式的日期") from None
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            if options["verbosity"] >= 2 or done == total:
                self.stdout.write(f"  {done}/{total}")

        count = compliance.rebuild(org_path=path, as_of=day, progress=progress)
        self.stdout.write(f"recomputed people={count} seconds={time.perf_counter() - started:.1f}")

    def _check(self, path: str) -> None:
        cells, differences = compliance.rollup_differences(path)
        self.stdout.write(f"checked cells={cells} differences={len(differences)}")
        for key, expected, stored in differences[:20]:
            self.stdout.write(
                f"  person={key[0]} month={key[1]} {key[2:]}: entries={expected} rollup={stored}"
            )
        if differences:
            raise CommandError("汇总与明细不一致，请运行 recompute_compliance 重建")
