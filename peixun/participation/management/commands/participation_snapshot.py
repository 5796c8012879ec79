"""`manage.py participation_snapshot [--day YYYY-MM-DD] [--days N]`: take (or take again) the daily
participation snapshot of a day, or of the N days up to it. Idempotent: a day taken again replaces
its rows. The clock (`delivery_tick`) takes today's on every tick; run this after midnight for
yesterday's final figures, or to fill past days."""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from peixun.participation.services import take_snapshot


class Command(BaseCommand):
    help = "Take the daily participation snapshot (per school and training) of a day."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--day", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--days", type=int, default=1, help="how many days up to --day")

    def handle(self, *args, **options) -> None:
        try:
            last = date.fromisoformat(options["day"]) if options["day"] else timezone.localdate()
        except ValueError:
            raise CommandError("--day: use YYYY-MM-DD") from None
        if not 1 <= options["days"] <= 366:
            raise CommandError("--days: 1 to 366")
        for back in range(options["days"] - 1, -1, -1):
            day = last - timedelta(days=back)
            rows = take_snapshot(day)
            if options["verbosity"] >= 1:
                self.stdout.write(f"{day}: {rows} rows")
