"""manage.py create_admin USERNAME --org CODE [--role ROLE]

The first administrator of a new installation (docs/operations.md §3): an account with a role over
an org already imported, and a temporary password printed once, to be changed at the first sign-in.
Later accounts are made in the app by that administrator.
"""

from django.core.management.base import BaseCommand, CommandError

from peixun.accounts.services import AccountError, create_administrator
from peixun.orgs.models import GrantRole, Org


class Command(BaseCommand):
    help = "Create an administrator account with a temporary password (printed once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--org", required=True, help="Code (单位代码) of the org the role covers.")
        parser.add_argument(
            "--role",
            default=GrantRole.BUREAU_ADMIN,
            choices=[role for role in GrantRole.values if role != GrantRole.TEACHER],
        )

    def handle(self, *args, **options) -> None:
        org = Org.objects.filter(code=options["org"]).first()
        if org is None:
            code = options["org"]
            raise CommandError(f"no org with code {code!r}: import the org tree first (import_orgs)")
        try:
            user, password = create_administrator(username=options["username"], org=org, role=options["role"])
        except AccountError as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(f"created {user.get_username()} ({options['role']} of {org.code} {org.name})")
        self.stdout.write(f"temporary password, shown once: {password}")
