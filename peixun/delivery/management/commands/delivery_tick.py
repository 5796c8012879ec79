"""`manage.py delivery_tick`: close every lesson that has ended (those not marked become absent,
their results are recomputed), then let the apps above act on the time (delivery.hooks.clock_ticked:
results whose work just passed its due date are recomputed). Idempotent; run it every few minutes
beside `training_tick` (docs/operations.md)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from peixun.delivery import hooks
from peixun.delivery.services.attendance import close_due_lessons


class Command(BaseCommand):
    help = "Close the lessons that have ended; unmarked trainees become absent."

    def handle(self, *args, **options):
        now = timezone.now()
        closed = close_due_lessons(now)
        hooks.clock_ticked.run(now=now)
        if options["verbosity"] >= 1:
            self.stdout.write(f"lessons closed: {closed}")
