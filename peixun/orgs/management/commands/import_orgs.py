"""manage.py import_orgs FILE [--dry-run] [--format text|json]

Import organisations (单位代码, 单位名称, 类型, 上级代码). Exit 0 when applied (or valid on a dry
run), 1 when the file has errors, in which case nothing is written. --format json prints the same
JSON summary as import_people.
"""

from django.core.management.base import BaseCommand

from peixun.orgs.imports import apply_orgs_file, check_orgs_file
from peixun.orgs.management.commands._import_output import add_common_arguments, read_file, run


class Command(BaseCommand):
    help = "Import organisations (an .xlsx or .csv file), all or nothing."

    def add_arguments(self, parser) -> None:
        add_common_arguments(parser)

    def handle(self, *args, **options) -> None:
        data = read_file(options["file"])
        filename = options["file"]
        run(
            self,
            options,
            check=lambda: check_orgs_file(data, filename, scope_orgs=None),
            apply=lambda: apply_orgs_file(data, filename, scope_orgs=None, actor=None),
        )
