"""Writes for policies: create a policy with its first draft, save a draft, adopt a version (those
who act on an adoption — the ledger recomputes everyone it governs — register with
peixun.policies.hooks). Every change is audited."""

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.http import HttpRequest
from django.utils import timezone

from peixun.accounts.models import User
from peixun.audit import events
from peixun.orgs.models import Org
from peixun.policies import hooks
from peixun.policies.exceptions import InvalidDocumentError, NotDraftError, OverlapError
from peixun.policies.models import Policy, PolicyVersion, VersionStatus
from peixun.policies.rules import PolicyInvalid, parse_policy


def resolve(text: str) -> dict:
    """The resolved policy (presets merged) as JSON data, or InvalidDocumentError."""
    try:
        return parse_policy(text).model_dump(mode="json")
    except PolicyInvalid as invalid:
        raise InvalidDocumentError(invalid.problems) from None


@transaction.atomic
def create_policy(
    *,
    org: Org,
    text: str,
    effective_from: date,
    actor: User,
    note: str = "",
    filename: str = "",
    request: HttpRequest | None = None,
) -> PolicyVersion:
    """A new policy bound to `org`, from a document, as draft version 1. The document's `code`
    and `name` name the policy; a second policy with the same code on the same org is refused.
    `filename` when the document was imported from a file (audited)."""
    resolved = resolve(text)
    policy, created = Policy.objects.get_or_create(
        org=org, code=resolved["code"], defaults={"name": resolved["name"], "created_by": actor}
    )
    number = (policy.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = PolicyVersion.objects.create(
        policy=policy,
        number=number,
        text=text,
        resolved=resolved,
        effective_from=effective_from,
        note=note,
        created_by=actor,
    )
    changes: dict[str, Any] = {"number": number, "created": created}
    if filename:
        changes["filename"] = filename
    _audit("policy_saved", actor, version, request, changes)
    return version


@transaction.atomic
def save_draft(
    *,
    version: PolicyVersion,
    text: str,
    effective_from: date,
    actor: User,
    note: str = "",
    filename: str = "",
    request: HttpRequest | None = None,
) -> PolicyVersion:
    """Change a draft's document or start date; an adopted version is frozen. `filename` when the
    document was imported from a file (audited)."""
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_draft:
        raise NotDraftError
    resolved = resolve(text)
    before = {"effective_from": version.effective_from.isoformat(), "text_length": len(version.text)}
    version.text, version.resolved, version.effective_from, version.note = (
        text,
        resolved,
        effective_from,
        note,
    )
    version.policy.name = resolved["name"]
    version.save(update_fields=["text", "resolved", "effective_from", "note"])
    version.policy.save(update_fields=["name"])
    after = {"effective_from": effective_from.isoformat(), "text_length": len(text)}
    changes = events.diff(before, after)
    if filename:
        changes["filename"] = filename
    _audit("policy_saved", actor, version, request, changes)
    return version


@transaction.atomic
def new_draft(*, policy: Policy, actor: User, request: HttpRequest | None = None) -> PolicyVersion:
    """A new draft starting from the policy's latest version text (to change an adopted policy)."""
    latest = policy.versions.order_by("-number").first()
    text = latest.text if latest else ""
    start = max(timezone.localdate(), (latest.effective_from + timedelta(days=1)) if latest else date.min)
    return create_policy(org=policy.org, text=text, effective_from=start, actor=actor, request=request)


@transaction.atomic
def adopt(*, version: PolicyVersion, actor: User, request: HttpRequest | None = None) -> PolicyVersion:
    """Put a draft in force from its start date. The policy's version in force until then ends the
    day before; a version starting on or after that day is refused (versions never overlap).
    Queues the recompute of the people under the policy's org once committed."""
    version = PolicyVersion.objects.select_for_update().select_related("policy__org").get(pk=version.pk)
    if not version.is_draft:
        raise NotDraftError
    adopted = PolicyVersion.objects.select_for_update().filter(
        policy=version.policy, status=VersionStatus.ADOPTED
    )
    clash = adopted.filter(effective_from__gte=version.effective_from).order_by("effective_from").first()
    if clash is not None:
        raise OverlapError(day=clash.effective_from.isoformat())
    adopted.filter(Q(effective_until__isnull=True) | Q(effective_until__gte=version.effective_from)).update(
        effective_until=version.effective_from - timedelta(days=1)
    )
    version.status = VersionStatus.ADOPTED
    version.adopted_by = actor
    version.adopted_at = timezone.now()
    version.save(update_fields=["status", "adopted_by", "adopted_at"])
    _audit("policy_adopted", actor, version, request, {"effective_from": version.effective_from.isoformat()})
    # The ledger recomputes everyone the policy governs (policies.hooks: its step, once committed).
    hooks.adopted.run(version=version, actor=actor)
    return version


def record_export(*, version: PolicyVersion, actor: User, request: HttpRequest | None = None) -> None:
    """Audit a version written to a file."""
    _audit("policy_exported", actor, version, request, {})


def _audit(
    action: str, actor: User, version: PolicyVersion, request: HttpRequest | None, changes: dict[str, Any]
) -> None:
    events.record(
        action=action,
        actor=actor,
        target=version,
        org_path=version.policy.org.path,
        request=request,
        changes={"policy": version.policy.code, "version": version.number, **changes},
    )
