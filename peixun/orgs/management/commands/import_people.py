"""manage.py import_people FILE --org CODE [--dry-run] [--format text|json]

Import a roster into the subtree of the org CODE (rows naming an org outside it are errors; a
blank 单位代码 means CODE itself). Exit 0 when applied (or valid on a dry run), 1 when the file
has errors, in which case nothing is written. --format json prints one JSON object:
{"created": n, "updated": n, "unchanged": n, "errors": [{"row": n, "column": "证件号码", "message": "…"}]}.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from peixun.orgs.imports import apply_people_file, check_people_file
from peixun.orgs.management.commands._import_output import add_common_arguments, read_file, run
from peixun.orgs.models import Org


class Command(BaseCommand):
    help = "Import people (a roster .xlsx or .csv) into an org's subtree, all or nothing."

    def add_arguments(self, parser) -> None:
        add_common_arguments(parser)
        parser.add_argument(
            "--org", required=True, metavar="CODE", help="the org whose subtree the rows belong to"
        )

    def handle(self, *args, **options) -> None:
        org = Org.objects.filter(code=options["org"]).first()
        if org is None:
            raise CommandError(_("No organisation has the code %(code)s.") % {"code": options["org"]})
        data = read_file(options["file"])
        filename = options["file"]
        scope = org.subtree()
        run(
            self,
            options,
            check=lambda: check_people_file(data, filename, scope_orgs=scope, default_org=org),
            apply=lambda: apply_people_file(data, filename, scope_orgs=scope, actor=None, default_org=org),
        )
