"""Tell teachers and their schools of qualification certificates due for registration (G7): run
daily (it also runs with `delivery_tick`); each due date is told once."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from peixun.records import services


class Command(BaseCommand):
    help = "Send the reminders of teacher qualification certificates due for registration."

    def handle(self, *args, **options) -> None:
        told = services.send_reminders(today=timezone.localdate())
        self.stdout.write(f"{told} certificate(s) reminded")
