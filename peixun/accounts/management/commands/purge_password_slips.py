"""`manage.py purge_password_slips`: delete the slips of newly issued initial passwords whose hour
has passed (they are refused from then on anyway; this removes even their encrypted passwords).
Issuing new slips purges too; run it every quarter of an hour beside `training_tick`
(docs/operations.md, ADR 0033)."""

from django.core.management.base import BaseCommand

from peixun.accounts.services import purge_password_slips


class Command(BaseCommand):
    help = "Delete the initial password slips whose hour has passed."

    def handle(self, *args, **options):
        deleted = purge_password_slips()
        if options["verbosity"] >= 1:
            self.stdout.write(f"password slips deleted: {deleted}")
