"""Writes for import jobs: accept an upload (refusing a bad file at once), queue its check, queue
the apply of a checked file, and run a stopped job's step again.

The uploaded bytes hold ID numbers, so they are stored encrypted with the ID vault (like
Person.id_number_encrypted) and dropped once the file is applied.
"""

from collections.abc import Callable

from django.db import transaction
from django.http import HttpRequest

from peixun.accounts.models import User
from peixun.accounts.selectors import people_without_account_in_scope
from peixun.accounts.services import Issued, prepare_passwords, provision_teacher_accounts
from peixun.audit import events
from peixun.core import runs
from peixun.core.runs import RunState
from peixun.imports.content import seal
from peixun.imports.models import ImportJob, ImportKind, ImportStep
from peixun.lib import tabular, uploads
from peixun.orgs.access import has_perm
from peixun.orgs.imports.common import chunked, sha256
from peixun.orgs.models import Org, Person


class ImportNotReady(Exception):
    """Apply (or run again) was asked for a job that is not (or no longer) ready for it."""


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
            actor=actor,
            org=org,
            filename=uploads.safe_filename(filename),
            content=seal(data),
            sha256=sha256(data),
        )
    # After commit, so a worker in another process finds the job; the test backend runs it here.
    return runs.enqueue(job)


def apply_import(*, job: ImportJob, actor: User, create_accounts: bool = False) -> ImportJob:
    """Queue the apply of a checked job. Only a clean, checked job moves on to the apply, once: a
    second click or a concurrent request raises ImportNotReady. `create_accounts` (the people
    roster, for an actor who may create accounts): the apply also creates the accounts of the
    people in the file who have none, in its one transaction."""
    job.refresh_from_db(fields=["errors", "step", "state"])
    if job.errors:
        raise ImportNotReady
    claimed = ImportJob.objects.filter(pk=job.pk, step=ImportStep.CHECK, state=RunState.DONE).update(
        step=ImportStep.APPLY,
        state=RunState.QUEUED,
        applied_by=actor,
        actor=actor,
        create_accounts=create_accounts and may_create_accounts(job, actor),
        done=0,
        started_at=None,
        heartbeat_at=None,
        finished_at=None,
        worker="",
    )
    if not claimed:
        raise ImportNotReady
    return runs.enqueue(job)


def may_create_accounts(job: ImportJob, user: User) -> bool:
    """Whether applying `job` may create accounts for its people: a people roster, applied by a
    user who creates teacher accounts (`accounts.provision`)."""
    return job.kind == ImportKind.PEOPLE and has_perm(user, "accounts.provision")


def create_accounts(*, person_ids: list[int], actor: User, passwords: list[tuple[str, str]]) -> Issued:
    """Inside an apply's transaction: the accounts of the active people among `person_ids` who have
    none and lie in the actor's scope for creating accounts, with their initial passwords (made
    beforehand by `prepare_account_passwords`) handed over as the accounts app does (slips)."""
    people: list[Person] = []
    without = people_without_account_in_scope(actor).select_related("org")
    for chunk in chunked(sorted(person_ids)):
        people += without.filter(pk__in=chunk)
    return provision_teacher_accounts(people=people, actor=actor, passwords=passwords)


def prepare_account_passwords(
    job: ImportJob, progress: Callable[[int, int], None] | None = None
) -> list[tuple[str, str]]:
    """The hashed initial passwords for the new people of a checked roster, made before the apply's
    transaction (hashing is slow by design); people already on the roster without an account get
    theirs hashed inside it."""
    return prepare_passwords(job.created_count, progress=progress)


def run_again(*, job: ImportJob, actor: User, request: HttpRequest | None = None) -> ImportJob:
    """Queue an interrupted or failed job's step again (the check, or the apply: an apply that
    was interrupted wrote nothing, and one that did write is marked applied and writes nothing
    again). ImportNotReady for a job that is neither interrupted nor failed."""
    was = job.shown_state
    with transaction.atomic():
        try:
            job = runs.run_again(run=job, actor=actor)
        except runs.NotRestartable:
            raise ImportNotReady from None
        events.record(
            action="background_run_restarted",
            actor=actor,
            target=job,
            org_path=job.org.path if job.org else "",
            changes={"step": job.step, "was": was},
            request=request,
        )
    job.refresh_from_db()
    return job
