"""Remove the project archives past their retention period (docs/operations.md, §13)."""

from django.core.management.base import BaseCommand

from peixun.quality.services import sweep_archives


class Command(BaseCommand):
    help = "Remove the project archive files kept past PROJECT_ARCHIVE_KEEP_DAYS."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"removed {sweep_archives()} archive file(s)")
