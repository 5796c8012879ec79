"""Writes for import jobs: accept an upload (refusing a bad file at once), queue its check, and
queue the apply of a checked file.

The uploaded bytes hold ID numbers, so they are stored encrypted with the ID vault (like
Person.id_number_encrypted) and dropped once the file is applied.
"""

from django.db import transaction

from peixun.accounts.models import User
from peixun.imports import tasks
from peixun.imports.content import seal
from peixun.imports.models import ImportJob, ImportKind, ImportStatus
from peixun.lib import tabular
from peixun.orgs.imports.common import sha256
from peixun.orgs.models import Org


class ImportNotReady(Exception):
    """Apply was asked for a job that is not (or no longer) ready to apply."""


def start_import(*, kind: str, data: bytes, filename: str, actor: User, org: Org | None = None) -> ImportJob:
    """Store an uploaded file as a new job and queue its check. Raises tabular.TableError (with a
    Chinese message) at once for a file that is too big, not a table, an old .xls or a zip bomb."""
    if kind not in ImportKind.values:
        raise ValueError(f"unknown import kind {kind!r}")
    if tabular.sniff_format(data, filename) == "xlsx":
        tabular.check_zip(data)
    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=kind,
            created_by=actor,
            org=org,
            filename=filename[:255],
            content=seal(data),
            sha256=sha256(data),
        )
    # After commit, so a worker in another process finds the job; the test backend runs it here.
    tasks.check_import.enqueue(job.pk)
    job.refresh_from_db()
    return job


def apply_import(*, job: ImportJob, actor: User) -> ImportJob:
    """Queue the apply of a checked job. Only a VALID job moves to APPLYING, once: a second click
    or a concurrent request raises ImportNotReady."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.VALID).update(
        status=ImportStatus.APPLYING, applied_by=actor, processed_rows=0
    )
    if not claimed:
        raise ImportNotReady
    tasks.apply_import.enqueue(job.pk)
    job.refresh_from_db()
    return job
