"""`manage.py training_tick`: make the training moves that are due by the clock (open and close
enrolment windows, draw lotteries, cancel projects below their minimum size, release unused quotas,
lapse unconfirmed offers, start projects). Safe to run as often as wanted; run it every few
minutes (cron or a systemd timer, docs/operations.md)."""

from django.core.management.base import BaseCommand

from peixun.training.services.clock import tick


class Command(BaseCommand):
    help = "Make the training moves that are due by the clock."

    def handle(self, *args, **options):
        report = tick()
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"opened={len(report.opened)} closed={len(report.closed)} cancelled={len(report.cancelled)} "
                f"released={len(report.released)} expired={report.expired} started={len(report.started)}"
            )
