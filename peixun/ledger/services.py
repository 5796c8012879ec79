"""Writes to the ledger: the one posting service every module that grants hours uses, and the one
helper that reverses an entry.

`post_credit` is idempotent by its key: a retried or concurrent posting with the same key returns
the entry already there and writes nothing (the key is unique in the database; the insert runs in
a savepoint and a conflict is answered with the existing row). The person's row is locked first
(on PostgreSQL), so postings for one person queue and each refreshes their compliance with every
earlier posting in view. Lock order, for any service posting for several people: persons by
primary key.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peixun.accounts.models import User
from peixun.audit import events
from peixun.core import runs
from peixun.ledger import compliance
from peixun.ledger.exceptions import (
    FutureDateError,
    InvalidHoursError,
    NotReversibleError,
    ReasonRequiredError,
    UnknownCodeError,
)
from peixun.ledger.models import Category, CreditClass, CreditEntry, Level, Mode, RecomputeRun, Source
from peixun.orgs.models import Org, Person
from peixun.policies.models import PolicyVersion, WhatIfRun
from peixun.policies.rules import codes

TAG_MAX = 40


@dataclass(frozen=True)
class Posted:
    entry: CreditEntry
    created: bool


def _hours(value: object) -> Decimal:
    try:
        hours = Decimal(str(value))
    except InvalidOperation:
        raise InvalidHoursError from None
    if (
        not hours.is_finite()
        or hours == 0
        or (hours * 2) != (hours * 2).to_integral_value()
        or abs(hours) >= 10000
    ):
        raise InvalidHoursError
    return hours.quantize(Decimal("0.1"))


# The field names a refusal shows (the codes' own names never reach a user).
FIELD_LABELS = {
    "category": _("category"),
    "level": _("level"),
    "mode": _("mode"),
    "credit_class": _("credit class"),
    "source": _("source"),
    "tag": _("tag"),
}


def _check_code(field: str, value: str, choices: type[models.Choices]) -> None:
    if value not in choices.values:
        raise UnknownCodeError(field=FIELD_LABELS[field], value=value)


def _tags(tags: Iterable[object] | None) -> list[str]:
    """The tags of the closed list (codes.TAGS), an old code read as the tag it stands for."""
    cleaned = sorted({codes.canonical_tag(str(tag)) for tag in tags or () if str(tag).strip()})
    for tag in cleaned:
        if tag not in codes.TAGS:
            raise UnknownCodeError(field=FIELD_LABELS["tag"], value=tag[:TAG_MAX])
    return cleaned


def _lock(person: Person) -> None:
    Person.objects.select_for_update().filter(pk=person.pk).values_list("pk", flat=True).first()


@transaction.atomic
def post_credit(
    *,
    person: Person,
    hours: Decimal | int | float | str,
    category: str,
    level: str,
    mode: str,
    earned_on: date,
    source: str,
    title: str,
    idempotency_key: str,
    tags: Iterable[str] = (),
    credit_class: str = "A",
    source_ref: str = "",
    organiser: str = "",
    reason: str = "",
    author: User | None = None,
    refresh: bool = True,
    audit: bool = False,
    request: HttpRequest | None = None,
) -> Posted:
    """Post hours to a person's ledger, once per idempotency key.

    Validates (non-zero 0.5 steps, known codes, not dated in the future, a reason for an
    adjustment), locks the person, inserts the entry, adds it to the rollups and — unless the
    caller refreshes many people itself (`refresh=False`) — re-evaluates the person. Manual
    grants and adjustments are also written to the audit log (`audit=True`); every entry is its
    own record of who posted what and when."""
    amount = _hours(hours)
    for field, value, choices in (
        ("category", category, Category),
        ("level", level, Level),
        ("mode", mode, Mode),
        ("credit_class", credit_class, CreditClass),
        ("source", source, Source),
    ):
        _check_code(field, value, choices)
    if earned_on > timezone.localdate():
        raise FutureDateError
    if source == Source.ADJUSTMENT and not reason.strip():
        raise ReasonRequiredError
    _lock(person)
    entry = CreditEntry(
        person=person,
        hours=amount,
        category=category,
        tags=_tags(tags),
        level=level,
        mode=mode,
        credit_class=credit_class,
        earned_on=earned_on,
        source=source,
        source_ref=source_ref[:100],
        title=title.strip()[:200],
        organiser=organiser.strip()[:200],
        idempotency_key=idempotency_key,
        author=author if author is not None and author.is_authenticated else None,
        reason=reason.strip(),
    )
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        existing = CreditEntry.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return Posted(existing, created=False)
    compliance.add_to_rollups(entry)
    if audit:
        events.record(
            action="credit_posted",
            actor=author,
            target=entry,
            org_path=person.org.path,
            request=request,
            changes={"person": person.pk, "hours": str(amount), "source": source, "reason": entry.reason},
        )
    if refresh:
        compliance.refresh([person.pk])
    return Posted(entry, created=True)


@transaction.atomic
def reverse_entry(
    *, entry: CreditEntry, author: User | None, reason: str, request: HttpRequest | None = None
) -> CreditEntry:
    """Post the reversal of an entry: the same attributes, the opposite hours, the reason. An entry
    is reversed at most once and a reversal is not itself reversed (post a new entry instead)."""
    if not reason.strip():
        raise ReasonRequiredError
    if entry.is_reversal or CreditEntry.objects.filter(reverses=entry).exists():
        raise NotReversibleError
    person = entry.person
    _lock(person)
    reversal = CreditEntry(
        person=person,
        hours=-entry.hours,
        category=entry.category,
        tags=entry.tags,
        level=entry.level,
        mode=entry.mode,
        credit_class=entry.credit_class,
        earned_on=entry.earned_on,
        source=entry.source,
        source_ref=entry.source_ref,
        title=entry.title,
        organiser=entry.organiser,
        idempotency_key=f"reversal:{entry.pk}",
        author=author if author is not None and author.is_authenticated else None,
        reason=reason.strip(),
        reverses=entry,
    )
    try:
        with transaction.atomic():
            reversal.save()
    except IntegrityError:
        raise NotReversibleError from None
    compliance.add_to_rollups(reversal)
    events.record(
        action="credit_reversed",
        actor=author,
        target=entry,
        org_path=person.org.path,
        request=request,
        changes={"person": person.pk, "hours": str(reversal.hours), "reason": reversal.reason},
    )
    compliance.refresh([person.pk])
    return reversal


def start_recompute(*, org: Org | None = None, actor: User | None = None) -> RecomputeRun:
    """Queue a rebuild of the rollups and results under `org` (everyone for None)."""
    run = RecomputeRun.objects.create(org=org, actor=actor if actor and actor.is_authenticated else None)
    return runs.enqueue(run)


def run_recompute_again(*, run: RecomputeRun, actor: User, request: HttpRequest | None = None) -> bool:
    """Queue an interrupted or failed recompute again (a rebuild computes the same results however
    often it runs); False when it is neither."""
    was = run.shown_state
    with transaction.atomic():
        try:
            run = runs.run_again(run=run, actor=actor)
        except runs.NotRestartable:
            return False
        events.record(
            action="background_run_restarted",
            actor=actor,
            target=run,
            org_path=run.org.path if run.org else "",
            changes={"recompute": run.pk, "was": was},
            request=request,
        )
    return True


def start_what_if(*, version: PolicyVersion, org: Org, as_of: date, actor: User) -> WhatIfRun:
    """Queue a what-if run of `version` over the people under `org` (peixun.ledger.whatif)."""
    run = WhatIfRun.objects.create(version=version, org=org, as_of=as_of, actor=actor)
    return runs.enqueue(run)


def run_what_if_again(*, run: WhatIfRun, actor: User, request: HttpRequest | None = None) -> bool:
    """Queue an interrupted or failed what-if run again (it only reads); False when it is neither."""
    was = run.shown_state
    with transaction.atomic():
        try:
            run = runs.run_again(run=run, actor=actor)
        except runs.NotRestartable:
            return False
        version = run.version
        events.record(
            action="background_run_restarted",
            actor=actor,
            target=version,
            org_path=version.policy.org.path,
            request=request,
            changes={
                "policy": version.policy.code,
                "version": version.number,
                "what_if": run.pk,
                "org": run.org.name,
                "was": was,
            },
        )
    return True
