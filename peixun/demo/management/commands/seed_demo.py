"""`manage.py seed_demo --scale small|district|city|province [--once] [--seed N]`: a synthetic region
with realistic teachers and one demo account per role, for trying Peixun out and for benchmarks.

Scales (peixun.demo.plan.SCALES): small — one county, 20 schools, ~1,000 teachers (the `make run`
default); district — one county, 100 schools, ~8,000; city — ten counties, ~60,000; province — 13
cities, 95 counties, ~532,000. `--once` does nothing when a demo region already exists, so
`make run` can call it every time.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from peixun.demo import region as demo
from peixun.demo.plan import SCALES


class Command(BaseCommand):
    help = "Create a synthetic demo region with its teachers and one demo account per role."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            default="small",
            # "tiny" is for tests and stays out of the help.
            choices=[*demo.PUBLIC_SCALES, "tiny"],
            metavar="{" + ",".join(demo.PUBLIC_SCALES) + "}",
            help="; ".join(f"{name}: {SCALES[name].description}" for name in demo.PUBLIC_SCALES),
        )
        parser.add_argument("--once", action="store_true", help="Do nothing if demo data already exists.")
        parser.add_argument(
            "--seed", type=int, default=2026, help="Random seed (the same seed, the same region)."
        )

    def handle(self, *args, scale: str, once: bool, seed: int, **options):
        if demo.demo_exists():
            if once:
                if options["verbosity"] >= 1:
                    self.stdout.write(_("Demo data already present: nothing to do."))
                return
            raise CommandError(_("Demo data already exists. Use a fresh database, or --once to skip."))

        def progress(message: str) -> None:
            if options["verbosity"] >= 2:
                self.stdout.write(f"  {message}")

        try:
            result = demo.seed(scale=scale, seed=seed, progress=progress)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] >= 1:
            self.stdout.write(
                _("Demo data created: %(orgs)s organisations, %(people)s people in %(seconds).1f s.")
                % {"orgs": result.orgs, "people": result.people, "seconds": result.seconds}
            )
            self.stdout.write(demo.format_logins(demo.demo_logins()))
