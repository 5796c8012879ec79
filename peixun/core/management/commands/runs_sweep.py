"""`manage.py runs_sweep`: mark interrupted every background run whose worker is gone (no
heartbeat within RUN_LEASE_SECONDS, or its process dead on this host), and fail its django-tasks
row if that is stuck RUNNING (peixun.core.runs). Safe to run as often as wanted; run it every
minute next to training_tick (docs/operations.md). `serve` runs it before starting the worker."""

from django.core.management.base import BaseCommand

from peixun.core import runs


class Command(BaseCommand):
    help = "Mark interrupted the background runs whose worker stopped."

    def handle(self, *args, **options):
        count = runs.sweep()
        if options["verbosity"] >= 1:
            self.stdout.write(f"interrupted={count}")
