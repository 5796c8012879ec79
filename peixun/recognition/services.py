"""Writes of recognition: declare, correct and resubmit, withdraw, review at the school and at the
bureau (posting the approved hours once), and a project's rule on recognised training. Every state
change is a Step of the declaration's history and an audit event, in the transaction that makes it.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from peixun.accounts.models import User
from peixun.audit import events
from peixun.ledger.models import Source
from peixun.ledger.services import post_credit
from peixun.lib.dates import format_date_zh
from peixun.orgs.models import Person
from peixun.recognition import selectors
from peixun.recognition.exceptions import (
    DuplicateCertificateError,
    DuplicateOverrideRequiredError,
    NotAllowedError,
    ReasonRequiredError,
)
from peixun.recognition.models import Declaration, Origin, ProjectRule, Status, Step
from peixun.recognition.rules import dedup, states
from peixun.training.models import Project

SCHOOL = "school"
BUREAU = "bureau"
FIELDS = (
    "provider",
    "course",
    "level",
    "category",
    "mode",
    "starts_on",
    "ends_on",
    "hours",
    "certificate_no",
)


@dataclass(frozen=True)
class Proof:
    name: str
    kind: str
    data: bytes


def _shown(declaration: Declaration) -> dict:
    """The declaration's fields as the audit log shows them (codes turned to words there)."""
    return {
        "provider": declaration.provider,
        "course": declaration.course,
        "level": declaration.get_level_display(),
        "category": declaration.get_category_display(),
        "dates": f"{format_date_zh(declaration.starts_on)}—{format_date_zh(declaration.ends_on)}",
        "hours": str(declaration.hours),
        "certificate_no": declaration.certificate_no,
    }


def _move(
    declaration: Declaration,
    action: str,
    actor: User | None,
    *,
    note: str = "",
    request: HttpRequest | None = None,
    audit_action: str = "recognition_reviewed",
    changes: dict | None = None,
) -> None:
    before = declaration.status
    try:
        declaration.status = states.next_state(before, action)
    except states.NotAllowed:
        label = Status(before).label if before else ""
        raise NotAllowedError(status=label) from None
    declaration.save()
    Step.objects.create(
        declaration=declaration,
        action=action,
        before=before,
        after=declaration.status,
        actor=actor if actor is not None and actor.is_authenticated else None,
        note=note[:500],
    )
    events.record(
        action=audit_action,
        actor=actor,
        target=declaration,
        org_path=declaration.org_path,
        request=request,
        changes={
            "person": declaration.person.name,
            "status": [str(Status(before).label) if before else "", str(declaration.get_status_display())],
            **({"note": note} if note else {}),
            **(changes or {}),
        },
    )


def _apply(declaration: Declaration, data: dict, proof: Proof | None) -> None:
    for field in FIELDS:
        if field in data:
            setattr(declaration, field, data[field])
    declaration.provider = " ".join(declaration.provider.split())
    declaration.course = " ".join(declaration.course.split())
    declaration.certificate_no = declaration.certificate_no.strip()
    declaration.certificate_key = dedup.certificate_key(declaration.certificate_no)
    try:
        declaration.hours = Decimal(str(declaration.hours)).quantize(Decimal("0.1"))
    except InvalidOperation:
        raise ValueError("hours") from None
    if proof is not None:
        declaration.proof_name = proof.name[:255]
        declaration.proof_kind = proof.kind
        declaration.proof_size = len(proof.data)
        declaration.proof = proof.data


@transaction.atomic
def declare(
    *, person: Person, data: dict, proof: Proof | None, actor: User, request: HttpRequest | None = None
) -> Declaration:
    """A teacher's declaration (checked by the form first), sent to their school."""
    declaration = Declaration(person=person, org_path=person.org.path, created_by=actor, status="")
    _apply(declaration, data, proof)
    _move(
        declaration,
        states.SUBMIT,
        actor,
        request=request,
        audit_action="recognition_declared",
        changes=_shown(declaration),
    )
    return declaration


def _locked(declaration: Declaration) -> Declaration:
    return (
        Declaration.objects.select_for_update().select_related("person", "person__org").get(pk=declaration.pk)
    )


@transaction.atomic
def resubmit(
    *,
    declaration: Declaration,
    data: dict,
    proof: Proof | None,
    actor: User,
    request: HttpRequest | None = None,
) -> Declaration:
    """A returned declaration, corrected, sent to the school again."""
    declaration = _locked(declaration)
    if declaration.status != Status.RETURNED:
        raise NotAllowedError(status=declaration.get_status_display())
    _apply(declaration, data, proof)
    _move(
        declaration,
        states.RESUBMIT,
        actor,
        request=request,
        audit_action="recognition_changed",
        changes=_shown(declaration),
    )
    return declaration


@transaction.atomic
def withdraw(*, declaration: Declaration, actor: User, request: HttpRequest | None = None) -> Declaration:
    declaration = _locked(declaration)
    _move(declaration, states.WITHDRAW, actor, request=request, audit_action="recognition_changed")
    return declaration


def _post(declaration: Declaration, actor: User | None) -> None:
    posted = post_credit(
        person=declaration.person,
        hours=declaration.hours,
        category=declaration.category,
        level=declaration.level,
        mode=declaration.mode,
        earned_on=min(declaration.ends_on, timezone.localdate()),
        source=Source.RECOGNITION,
        title=declaration.course,
        organiser=declaration.provider,
        source_ref=f"认定{declaration.pk}",
        idempotency_key=f"recognition:{declaration.pk}",
        author=actor,
    )
    declaration.credit_entry_id = posted.entry.pk
    declaration.save(update_fields=["credit_entry_id", "updated_at"])


@transaction.atomic
def review(
    *,
    declaration: Declaration,
    step: str,
    approve: bool,
    actor: User,
    note: str = "",
    override: str = "",
    request: HttpRequest | None = None,
) -> Declaration:
    """The school's (`step="school"`) or the bureau's decision. A return needs a reason. The
    bureau's approval posts the hours once; a declaration with duplicates is approved only with an
    override and its reason, and never when the same certificate was already approved."""
    declaration = _locked(declaration)
    note = note.strip()
    if not approve and not note:
        raise ReasonRequiredError
    if step == SCHOOL:
        action = states.SCHOOL_APPROVE if approve else states.SCHOOL_RETURN
        declaration.school_note = note[:500]
    else:
        action = states.BUREAU_APPROVE if approve else states.BUREAU_RETURN
        declaration.bureau_note = note[:500]
    expected = Status.PENDING_SCHOOL if step == SCHOOL else Status.PENDING_BUREAU
    if declaration.status != expected:
        raise NotAllowedError(status=declaration.get_status_display())
    changes: dict = {}
    if action == states.BUREAU_APPROVE:
        found = selectors.duplicates(declaration)
        blocking = [f for f in found if f.blocks]
        if blocking:
            other = blocking[0].declaration
            raise DuplicateCertificateError(number=declaration.certificate_no, name=other.person.name)  # type: ignore[union-attr]  # a blocking duplicate is a declaration
        if found:
            if not override.strip():
                raise DuplicateOverrideRequiredError
            declaration.override_reason = override.strip()[:500]
            changes["override_reason"] = declaration.override_reason
    _move(declaration, action, actor, note=note, request=request, changes=changes)
    if declaration.status == Status.APPROVED:
        _post(declaration, actor)
    return declaration


def import_declaration(*, person: Person, data: dict, import_key: str, actor: User | None) -> Declaration:
    """One imported platform row: an approved declaration, posted (inside the import's
    transaction)."""
    declaration = Declaration(
        person=person,
        org_path=person.org.path,
        created_by=actor,
        status="",
        origin=Origin.IMPORTED,
        import_key=import_key,
    )
    _apply(declaration, data, None)
    declaration.status = states.next_state("", states.IMPORT)
    declaration.save()
    Step.objects.create(declaration=declaration, action=states.IMPORT, after=declaration.status, actor=actor)
    _post(declaration, actor)
    return declaration


@transaction.atomic
def set_project_rule(
    *, project: Project, exempts: bool, actor: User, request: HttpRequest | None = None
) -> ProjectRule:
    rule, _created = ProjectRule.objects.select_for_update().get_or_create(project=project)
    was = rule.city_level_exempts
    rule.city_level_exempts = exempts
    rule.updated_by = actor
    rule.save()
    events.record(
        action="recognition_rule_saved",
        actor=actor,
        target=project,
        org_path=project.organiser.path,
        request=request,
        changes={"city_level_exempts": [was, exempts]},
    )
    return rule
