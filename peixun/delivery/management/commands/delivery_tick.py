"""`manage.py delivery_tick`: close every lesson that has ended (those not marked become absent,
their results are recomputed). Idempotent; run it every few minutes beside `training_tick`
(docs/operations.md)."""

from django.core.management.base import BaseCommand

from peixun.delivery.services.attendance import close_due_lessons


class Command(BaseCommand):
    help = "Close the lessons that have ended; unmarked trainees become absent."

    def handle(self, *args, **options):
        closed = close_due_lessons()
        if options["verbosity"] >= 1:
            self.stdout.write(f"lessons closed: {closed}")
