"""Shared by import_people and import_orgs: run a check or an apply and report it as text or JSON."""

import json
from collections.abc import Callable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from peixun.orgs.imports import ImportRejected, ImportSummary


def add_common_arguments(parser) -> None:
    parser.add_argument("file", help="an .xlsx or .csv file")
    parser.add_argument("--dry-run", action="store_true", help="check the file and write nothing")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")


def read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise CommandError(
            _("Cannot read %(path)s: %(reason)s") % {"path": path, "reason": error.strerror}
        ) from None


def run(
    command: BaseCommand,
    options: dict,
    *,
    check: Callable[[], ImportSummary],
    apply: Callable[[], ImportSummary],
) -> None:
    """Print the summary; exit 1 (CommandError) when the file has errors, in which case nothing
    was written."""
    if options["dry_run"]:
        summary = check()
    else:
        try:
            summary = apply()
        except ImportRejected as rejected:
            summary = rejected.summary
    if options["format"] == "json":
        command.stdout.write(json.dumps(summary.as_json(), ensure_ascii=False))
    else:
        command.stdout.write(
            _("new %(created)d, updated %(updated)d, unchanged %(unchanged)d, errors %(errors)d")
            % {
                "created": summary.created,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
                "errors": len(summary.errors),
            }
        )
        for error in summary.errors:
            command.stdout.write(
                _("row %(row)d, %(column)s: %(message)s")
                % {"row": error.row, "column": error.column or "-", "message": error.message}
            )
    if summary.errors:
        raise CommandError(_("The file has errors; nothing was written."), returncode=1)
    if options["format"] == "text":
        message = _("The file is valid (dry run: nothing written).") if options["dry_run"] else _("Applied.")
        command.stdout.write(command.style.SUCCESS(message))
