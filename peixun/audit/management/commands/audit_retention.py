"""Archive old audit events to a compressed file; never delete one.

    manage.py audit_retention --archive-dir /var/backups/peixun/audit [--before 2026-05-01]

Events older than AUDIT_RETENTION_DAYS (190 by default, never under six months: 网络安全法 第21条)
that no earlier archive in the directory holds are written, oldest first, one JSON object a line, to
`audit-<first id>-<last id>.jsonl.gz` (written to a temporary name, then renamed). Run it again and
it carries on after the last archived event. A `--before` date younger than the retention period is
refused. The rows stay in the table, which refuses UPDATE, DELETE and TRUNCATE (migrations 0002 and
0003): the archive is a copy to keep offline, as docs/operations.md §13 describes.
"""

import gzip
import hashlib
import json
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from peixun.audit.checks import SIX_MONTHS_DAYS
from peixun.audit.models import AuditEvent

ARCHIVE_NAME = re.compile(r"audit-(\d+)-(\d+)\.jsonl\.gz")
FIELDS = (
    "id",
    "created_at",
    "actor_id",
    "actor_name",
    "action",
    "target_type",
    "target_id",
    "target_repr",
    "org_path",
    "changes",
    "ip_address",
)


def last_archived_id(directory: Path) -> int:
    ids = [
        int(match.group(2)) for path in directory.iterdir() if (match := ARCHIVE_NAME.fullmatch(path.name))
    ]
    return max(ids, default=0)


def _line(row: dict) -> bytes:
    row["created_at"] = row["created_at"].isoformat()
    return (json.dumps(row, ensure_ascii=False, sort_keys=True, default=str) + "\n").encode()


class Command(BaseCommand):
    help = "Archive audit events older than AUDIT_RETENTION_DAYS to a compressed file (never deletes)."

    def add_arguments(self, parser):
        parser.add_argument("--archive-dir", required=True, type=Path, help="directory of the archives")
        parser.add_argument(
            "--before",
            type=date.fromisoformat,
            help="archive events before this day (YYYY-MM-DD); at most the retention period ago",
        )

    def handle(self, *args, archive_dir: Path, before: date | None, **options):
        days = settings.AUDIT_RETENTION_DAYS
        if days < SIX_MONTHS_DAYS:
            raise CommandError(f"AUDIT_RETENTION_DAYS is {days}: audit events are kept at least 183 days.")
        oldest_allowed = timezone.now() - timedelta(days=days)
        cutoff = oldest_allowed
        if before is not None:
            cutoff = timezone.make_aware(datetime.combine(before, time.min))
            if cutoff > oldest_allowed:
                raise CommandError(
                    f"Refused: events after {timezone.localtime(oldest_allowed):%Y-%m-%d} are younger than "
                    f"{days} days and stay in the log untouched. Give an earlier --before day."
                )
        archive_dir.mkdir(parents=True, exist_ok=True)
        after = last_archived_id(archive_dir)
        rows = (
            AuditEvent.objects.filter(id__gt=after, created_at__lt=cutoff)
            .order_by("id")
            .values(*FIELDS)
            .iterator(chunk_size=5000)
        )
        partial = archive_dir / "audit-partial.jsonl.gz"
        digest = hashlib.sha256()
        count, first, last = 0, 0, 0
        with gzip.open(partial, "wb") as archive:
            for row in rows:
                first = first or row["id"]
                last = row["id"]
                line = _line(row)
                digest.update(line)
                archive.write(line)
                count += 1
        if count == 0:
            partial.unlink()
            self.stdout.write(f"Nothing to archive: no event before {cutoff:%Y-%m-%d} after id {after}.")
            return
        final = archive_dir / f"audit-{first}-{last}.jsonl.gz"
        partial.rename(final)
        self.stdout.write(
            f"Archived {count} events (ids {first}–{last}, before {cutoff:%Y-%m-%d}) to {final}; "
            f"sha256 of the lines {digest.hexdigest()}. The events stay in the database."
        )
