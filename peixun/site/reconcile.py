"""Reconciliation: the invariants that must hold whatever was killed, restarted or restored
(`manage.py reconcile`, run after every fault trial and every restore; docs/operations.md §8).

Each check reads only, and answers how many things it looked at and which broke the invariant:

- places taken: every project's `places_taken` equals its enrolments that hold a place;
- ledger rollups: every stored monthly rollup equals the sum of its entries;
- certificates: every valid certificate stands on a result that qualifies for it;
- background runs: no run RUNNING whose worker is gone (past its lease, or its process dead);
- imports and mandatory enrolments: none half-applied (an import marked applied is done and
  dropped its file, one done by an apply is marked applied; an applied mandatory enrolment holds
  exactly the rows it counted).

It sits in site, the top layer, because it reads training, ledger, assessment, certificates and
imports together; it writes nothing (ADR 0052).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from peixun.assessment.models import Result
from peixun.certificates.models import Certificate, CertificateKind
from peixun.core import runs
from peixun.imports.models import ImportJob, ImportStep
from peixun.ledger.compliance import rollup_differences
from peixun.training.models import HOLDING, Enrolment, MandatoryRun, Project

SHOWN = 10  # examples printed per broken invariant


@dataclass
class Check:
    """One invariant's outcome: how many things were looked at, and those that break it."""

    name: str
    checked: int = 0
    broken: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.broken


def places() -> Check:
    check = Check(str(_("Places taken equal the enrolments holding a place")))
    projects = Project.objects.annotate(
        holding=Count("enrolments", filter=Q(enrolments__status__in=HOLDING))
    ).values_list("pk", "places_taken", "holding")
    for pk, taken, holding in projects:
        check.checked += 1
        if taken != holding:
            check.broken.append(f"project={pk} places_taken={taken} holding={holding}")
    return check


def rollups() -> Check:
    check = Check(str(_("Ledger rollups equal the sum of their entries")))
    cells, differences = rollup_differences()
    check.checked = cells
    for key, entries, stored in differences:
        check.broken.append(f"person={key[0]} month={key[1]} entries={entries} rollup={stored}")
    return check


def certificates() -> Check:
    check = Check(str(_("Every valid certificate stands on a result that qualifies")))
    passed = Result.objects.filter(enrolment=OuterRef("enrolment_id"), passed=True)
    excellent = Result.objects.filter(enrolment=OuterRef("enrolment_id"), excellent=True)
    valid = Certificate.objects.filter(revoked_at__isnull=True)
    check.checked = valid.count()
    broken = (
        valid.annotate(passed=Exists(passed), excellent=Exists(excellent))
        .filter(
            Q(kind=CertificateKind.EXCELLENT, excellent=False)
            | (~Q(kind=CertificateKind.EXCELLENT) & Q(passed=False))
        )
        .values_list("pk", "number")
    )
    check.broken = [f"certificate={pk} number={number}" for pk, number in broken]
    return check


def background_runs() -> Check:
    check = Check(str(_("No background run left running by a worker that is gone")))
    for model in runs.run_models():
        for run in model._default_manager.filter(state=runs.RunState.RUNNING):
            check.checked += 1
            if run.is_stale():
                check.broken.append(f"{model._meta.label}={run.pk} worker={run.worker}")
    return check


def half_applied() -> Check:
    check = Check(str(_("No import or mandatory enrolment half-applied")))
    jobs = ImportJob.objects.filter(step=ImportStep.APPLY)
    check.checked += jobs.count()
    for pk in jobs.filter(
        Q(applied_at__isnull=False) & (~Q(state=runs.RunState.DONE) | ~Q(content=b""))
        | Q(applied_at__isnull=True, state=runs.RunState.DONE)
    ).values_list("pk", flat=True):
        check.broken.append(f"import={pk}")
    applied = MandatoryRun.objects.filter(applied_at__isnull=False, undone_at__isnull=True)
    check.checked += applied.count()
    written = dict(
        Enrolment.objects.filter(mandatory_run__in=applied)
        .values_list("mandatory_run")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for pk, enrolled, waitlisted in applied.values_list("pk", "enrolled", "waitlisted"):
        if written.get(pk, 0) != enrolled + waitlisted:
            check.broken.append(f"mandatory={pk} rows={written.get(pk, 0)} counted={enrolled + waitlisted}")
    return check


CHECKS: tuple[Callable[[], Check], ...] = (places, rollups, certificates, background_runs, half_applied)


def reconcile() -> list[Check]:
    """Every invariant's outcome, in order."""
    return [check() for check in CHECKS]
