"""manage.py rotate_id_keys

Re-encrypt every stored ID number under the first (newest) of ID_ENCRYPTION_KEYS. Run it after
putting a new key in front; when it has finished the old key can be dropped (docs/operations.md).
"""

from django.core.management.base import BaseCommand

from peixun.orgs.services import reencrypt_id_numbers


class Command(BaseCommand):
    help = "Re-encrypt every ID number with the newest key of ID_ENCRYPTION_KEYS."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, **options) -> None:
        count = reencrypt_id_numbers(batch_size=options["batch_size"])
        self.stdout.write(f"re-encrypted {count} ID numbers")
