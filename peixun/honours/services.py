"""Writes of honours: selections and their quotas, nominations with evidence, the bureau's review,
the public notice and its objections, the final list (quotas and the ethics veto enforced), and
the titles' guidance log, annual reviews, renewal and end. Every change is audited in the
transaction that makes it."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from peixun.accounts.models import User
from peixun.audit import events
from peixun.honours import selectors
from peixun.honours.exceptions import (
    AlreadyNominatedError,
    AlreadyReviewedError,
    EthicsVetoError,
    NoQuotaError,
    NotAllowedError,
    NotDueError,
    NothingAcceptedError,
    NoticeClosedError,
    NoticeNotOverError,
    OutsideSelectionError,
    PendingNominationsError,
    PendingObjectionsError,
    QuotaExceededError,
    ReasonRequiredError,
    SelectionClosedError,
)
from peixun.honours.models import (
    AnnualReview,
    Evidence,
    Family,
    Guidance,
    Honour,
    HonourKind,
    HonourStatus,
    Nomination,
    NominationStatus,
    Objection,
    ObjectionStatus,
    Quota,
    ReviewOutcome,
    Selection,
    SelectionStatus,
)
from peixun.honours.rules import quotas as quota_rules
from peixun.honours.rules import states, terms
from peixun.lib.dates import format_date_zh
from peixun.orgs.models import Org, Person


@dataclass(frozen=True)
class EvidenceFile:
    """An evidence file already checked by peixun.lib.uploads: its safe name, kind and bytes."""

    name: str
    kind: str
    data: bytes


def _actor(actor: User | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


def _record(
    action: str, actor: User | None, target: Any, org_path: str, request: HttpRequest | None, **changes: Any
) -> None:
    events.record(
        action=action, actor=_actor(actor), target=target, org_path=org_path, request=request, changes=changes
    )


# The honours shipped, from the seeds (002 §一): ethics honours of a year with their yearly numbers
# (E6), titles held five years with the yearly obligations of A13 and the year's numbers (E7; 特级
# is conferred above the district, so its quota starts at 0). The bureau edits all of it.
DEFAULT_KINDS = (
    ("师德模范", Family.ETHICS, 0, 10, 0, 0),
    ("师德先进个人", Family.ETHICS, 0, 30, 0, 0),
    ("特级教师", Family.TITLE, 5, 0, 24, 48),
    ("区名师", Family.TITLE, 5, 20, 24, 48),
    ("骨干教师", Family.TITLE, 5, 200, 24, 48),
)


def ensure_default_kinds() -> None:
    """Create the shipped honours that are missing (idempotent; never changes an edited one)."""
    for order, (name, family, years, quota, concentrated, guidance) in enumerate(DEFAULT_KINDS):
        HonourKind.objects.get_or_create(
            name=name,
            defaults={
                "family": family,
                "term_years": years,
                "default_quota": quota,
                "min_concentrated_hours": Decimal(concentrated),
                "min_guidance_hours": Decimal(guidance),
                "order": order,
            },
        )


# --- Selections ----------------------------------------------------------------------------------


@transaction.atomic
def create_selection(
    *,
    org: Org,
    family: str,
    year: int,
    name: str,
    nominations_close_on: date,
    actor: User,
    request: HttpRequest | None = None,
) -> Selection:
    """A year's selection of one family of honours, with each honour's default quota."""
    selection = Selection.objects.create(
        org=org,
        family=family,
        year=year,
        name=name.strip(),
        nominations_close_on=nominations_close_on,
        created_by=_actor(actor),
    )
    made = Quota.objects.bulk_create(
        [Quota(selection=selection, kind=kind, count=kind.default_quota) for kind in selectors.kinds(family)]
    )
    _record(
        "honours_selection_created",
        actor,
        selection,
        org.path,
        request,
        name=selection.name,
        year=year,
        quotas="，".join(f"{quota.kind.name}{quota.count}名" for quota in made),
    )
    return selection


@transaction.atomic
def set_quotas(
    *, selection: Selection, counts: dict[int, int], actor: User, request: HttpRequest | None = None
) -> Selection:
    """Change the quotas (by honour id) of a selection not yet final."""
    selection = Selection.objects.select_for_update().get(pk=selection.pk)
    if selection.status == SelectionStatus.FINAL:
        raise NotAllowedError(status=selection.get_status_display())
    changed = []
    for quota in selection.quotas.select_related("kind"):
        count = counts.get(quota.kind_id)
        if count is not None and count != quota.count:
            changed.append(f"{quota.kind.name}：{quota.count} → {count}")
            quota.count = count
            quota.save(update_fields=["count"])
    if changed:
        _record(
            "honours_quotas_saved", actor, selection, selection.org.path, request, quotas="；".join(changed)
        )
    return selection


# --- Nominations ---------------------------------------------------------------------------------


def _check_veto(person: Person, year: int) -> None:
    if selectors.vetoed_people_in([person.pk], year):
        raise EthicsVetoError(name=person.name, year=year)


@transaction.atomic
def nominate(
    *,
    selection: Selection,
    person: Person,
    kind: HonourKind,
    statement: str,
    files: list[EvidenceFile],
    actor: User,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> Nomination:
    """A school's nomination (or a returned one corrected and sent again)."""
    today = today or timezone.localdate()
    selection = Selection.objects.select_for_update().select_related("org").get(pk=selection.pk)
    if selection.status != SelectionStatus.OPEN or today > selection.nominations_close_on:
        raise SelectionClosedError(date=format_date_zh(selection.nominations_close_on))
    if not selection.quotas.filter(kind=kind).exists():
        raise NoQuotaError(kind=kind.name)
    if not person.org.path.startswith(selection.org.path):
        raise OutsideSelectionError(name=person.name, org=selection.org.name)
    _check_veto(person, selection.year)
    nomination = Nomination.objects.filter(selection=selection, person=person).first()
    if nomination is not None and nomination.status != NominationStatus.RETURNED:
        raise AlreadyNominatedError(name=person.name)
    before = nomination.status if nomination else ""
    if nomination is None:
        nomination = Nomination(selection=selection, person=person, nominated_by=_actor(actor))
    nomination.kind = kind
    nomination.org_path = person.org.path
    nomination.statement = statement.strip()[:2000]
    nomination.status = states.next_state(before, states.SUBMIT)
    nomination.save()
    for file in files:
        Evidence.objects.create(
            nomination=nomination, name=file.name[:255], kind=file.kind, size=len(file.data), data=file.data
        )
    _record(
        "honours_nominated",
        actor,
        nomination,
        nomination.org_path,
        request,
        person=person.name,
        honour=kind.name,
        selection=selection.name,
        files=len(files),
    )
    return nomination


def _move(
    nomination: Nomination,
    action: str,
    actor: User | None,
    request: HttpRequest | None,
    *,
    note: str = "",
    audit: str,
) -> None:
    before = nomination.status
    try:
        nomination.status = states.next_state(before, action)
    except states.NotAllowed:
        raise NotAllowedError(status=nomination.get_status_display()) from None
    if note:
        nomination.note = note[:500]
    nomination.save()
    _record(
        audit,
        actor,
        nomination,
        nomination.org_path,
        request,
        person=nomination.person.name,
        honour=nomination.kind.name,
        status=[str(NominationStatus(before).label), str(nomination.get_status_display())],
        **({"note": note} if note else {}),
    )


def _locked(nomination: Nomination) -> Nomination:
    return (
        Nomination.objects.select_for_update()
        .select_related("selection", "selection__org", "kind", "person", "person__org")
        .get(pk=nomination.pk)
    )


@transaction.atomic
def review_nomination(
    *, nomination: Nomination, accept: bool, note: str, actor: User, request: HttpRequest | None = None
) -> Nomination:
    """The bureau accepts a nomination, or returns it to the school with the reason."""
    nomination = _locked(nomination)
    if nomination.selection.status != SelectionStatus.OPEN:
        raise NotAllowedError(status=nomination.selection.get_status_display())
    note = note.strip()
    if accept:
        _check_veto(nomination.person, nomination.selection.year)
        _move(nomination, states.ACCEPT, actor, request, note=note, audit="honours_nomination_reviewed")
    else:
        if not note:
            raise ReasonRequiredError
        _move(nomination, states.RETURN, actor, request, note=note, audit="honours_nomination_reviewed")
    return nomination


# --- Public notice and objections ----------------------------------------------------------------


@transaction.atomic
def publish_notice(
    *, selection: Selection, starts_on: date, ends_on: date, actor: User, request: HttpRequest | None = None
) -> Selection:
    """Publish the accepted nominations for public notice (公示) between two dates."""
    selection = Selection.objects.select_for_update().select_related("org").get(pk=selection.pk)
    if selection.status != SelectionStatus.OPEN:
        raise NotAllowedError(status=selection.get_status_display())
    nominations = selection.nominations.all()
    waiting = nominations.filter(status=NominationStatus.SUBMITTED).count()
    if waiting:
        raise PendingNominationsError(count=waiting)
    if not nominations.filter(status=NominationStatus.ACCEPTED).exists():
        raise NothingAcceptedError
    selection.status = SelectionStatus.NOTICE
    selection.notice_starts_on, selection.notice_ends_on = starts_on, ends_on
    selection.save(update_fields=["status", "notice_starts_on", "notice_ends_on"])
    _record(
        "honours_notice_published",
        actor,
        selection,
        selection.org.path,
        request,
        name=selection.name,
        dates=f"{format_date_zh(starts_on)}—{format_date_zh(ends_on)}",
    )
    return selection


@transaction.atomic
def raise_objection(
    *,
    nomination: Nomination,
    text: str,
    contact: str,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> Objection:
    """Anyone's objection to a nominee, taken only while the notice runs."""
    today = today or timezone.localdate()
    selection = nomination.selection
    start, end = selection.notice_starts_on, selection.notice_ends_on
    if (
        selection.status != SelectionStatus.NOTICE
        or start is None
        or end is None
        or not start <= today <= end
    ):
        raise NoticeClosedError(
            start=format_date_zh(start) if start else "—", end=format_date_zh(end) if end else "—"
        )
    objection = Objection.objects.create(
        nomination=nomination, text=text.strip()[:2000], contact=contact.strip()[:100]
    )
    _record(
        "honours_objection_raised",
        None,
        nomination,
        nomination.org_path,
        request,
        person=nomination.person.name,
        honour=nomination.kind.name,
    )
    return objection


@transaction.atomic
def decide_objection(
    *, objection: Objection, uphold: bool, note: str, actor: User, request: HttpRequest | None = None
) -> Objection:
    """Uphold an objection (the nomination is removed from the list) or dismiss it, with the finding."""
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    nomination = _locked(objection.nomination)
    if objection.status != ObjectionStatus.PENDING or nomination.selection.status != SelectionStatus.NOTICE:
        raise NotAllowedError(status=objection.get_status_display())
    note = note.strip()
    if not note:
        raise ReasonRequiredError
    objection.status = ObjectionStatus.UPHELD if uphold else ObjectionStatus.DISMISSED
    objection.note = note[:500]
    objection.decided_by = _actor(actor)
    objection.save(update_fields=["status", "note", "decided_by"])
    if uphold and nomination.status == NominationStatus.ACCEPTED:
        _move(nomination, states.REMOVE, actor, request, note=note, audit="honours_nomination_reviewed")
    _record(
        "honours_objection_decided",
        actor,
        nomination,
        nomination.org_path,
        request,
        person=nomination.person.name,
        outcome=str(objection.get_status_display()),
        note=note,
    )
    return objection


# --- Final ---------------------------------------------------------------------------------------


@transaction.atomic
def finalise(
    *, selection: Selection, actor: User, request: HttpRequest | None = None, today: date | None = None
) -> Selection:
    """Make the list final once the notice is over: every objection decided, no vetoed nominee, each
    honour within its quota (E6, E7). The accepted are conferred their honour (a title for its
    term from today); the rest are not."""
    today = today or timezone.localdate()
    selection = Selection.objects.select_for_update().select_related("org").get(pk=selection.pk)
    if selection.status != SelectionStatus.NOTICE:
        raise NotAllowedError(status=selection.get_status_display())
    if selection.notice_ends_on is not None and today <= selection.notice_ends_on:
        raise NoticeNotOverError(date=format_date_zh(selection.notice_ends_on))
    pending = Objection.objects.filter(
        nomination__selection=selection, status=ObjectionStatus.PENDING
    ).count()
    if pending:
        raise PendingObjectionsError(count=pending)
    accepted = list(
        selection.nominations.filter(status=NominationStatus.ACCEPTED).select_related(
            "kind", "person", "person__org"
        )
    )
    vetoed = selectors.vetoed_people_in([row.person_id for row in accepted], selection.year)
    for row in accepted:
        if row.person_id in vetoed:
            raise EthicsVetoError(name=row.person.name, year=selection.year)
    chosen: dict[str, int] = {}
    for row in accepted:
        chosen[row.kind.name] = chosen.get(row.kind.name, 0) + 1
    limits = {quota.kind.name: quota.count for quota in selection.quotas.select_related("kind")}
    over = quota_rules.excesses(chosen, limits)
    if over:
        first = over[0]
        raise QuotaExceededError(
            kind=first.kind, quota=first.quota, chosen=first.chosen, over=first.chosen - first.quota
        )
    for row in accepted:
        _move(row, states.CONFER, actor, request, audit="honours_nomination_reviewed")
        Honour.objects.create(
            person=row.person,
            kind=row.kind,
            org_path=row.org_path,
            year=selection.year,
            nomination=row,
            starts_on=today,
            ends_on=terms.term_end(today, row.kind.term_years) if row.kind.family == Family.TITLE else None,
        )
    for row in selection.nominations.filter(
        status__in=[NominationStatus.SUBMITTED, NominationStatus.RETURNED]
    ):
        row.status = NominationStatus.NOT_CONFERRED
        row.save(update_fields=["status", "updated_at"])
    selection.status = SelectionStatus.FINAL
    selection.finalised_at = timezone.now()
    selection.save(update_fields=["status", "finalised_at"])
    _record(
        "honours_selection_finalised",
        actor,
        selection,
        selection.org.path,
        request,
        name=selection.name,
        conferred="，".join(f"{name}{count}名" for name, count in chosen.items()),
    )
    return selection


# --- Titles: guidance, annual review, renewal ----------------------------------------------------


@transaction.atomic
def log_guidance(
    *,
    person: Person,
    given_on: date,
    hours: Decimal,
    place: str,
    description: str,
    actor: User,
    request: HttpRequest | None = None,
) -> Guidance:
    guidance = Guidance.objects.create(
        person=person, given_on=given_on, hours=hours, place=place.strip(), description=description.strip()
    )
    _record(
        "honours_guidance_logged",
        actor,
        guidance,
        person.org.path,
        request,
        person=person.name,
        date=format_date_zh(given_on),
        hours=str(hours),
        place=guidance.place,
    )
    return guidance


def _locked_honour(honour: Honour) -> Honour:
    return (
        Honour.objects.select_for_update().select_related("kind", "person", "person__org").get(pk=honour.pk)
    )


@transaction.atomic
def review_title(
    *,
    honour: Honour,
    school_year: int,
    outcome: str,
    note: str,
    actor: User,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> AnnualReview:
    """The yearly review of a title holder: the hours counted are stored with the outcome; a
    warning or a removal says why; a removal ends the title today."""
    today = today or timezone.localdate()
    honour = _locked_honour(honour)
    if honour.status != HonourStatus.ACTIVE:
        raise NotAllowedError(status=honour.get_status_display())
    if honour.reviews.filter(school_year=school_year).exists():
        raise AlreadyReviewedError(year=school_year)
    note = note.strip()
    if outcome != ReviewOutcome.PASS and not note:
        raise ReasonRequiredError
    progress = selectors.progress_of([honour], school_year)[honour.pk]
    review = AnnualReview.objects.create(
        honour=honour,
        school_year=school_year,
        concentrated_hours=progress.concentrated.done,
        guidance_hours=progress.guidance.done,
        outcome=outcome,
        note=note[:500],
        reviewed_by=_actor(actor),
    )
    if outcome == ReviewOutcome.REMOVE:
        honour.status = HonourStatus.REMOVED
        honour.ends_on = max(today, honour.starts_on)
        honour.reason = note[:500]
        honour.save(update_fields=["status", "ends_on", "reason"])
    _record(
        "honours_title_reviewed",
        actor,
        honour,
        honour.org_path,
        request,
        person=honour.person.name,
        honour=honour.kind.name,
        school_year=school_year,
        concentrated=str(progress.concentrated.done),
        guidance=str(progress.guidance.done),
        outcome=str(review.get_outcome_display()),
        **({"note": note} if note else {}),
    )
    return review


@transaction.atomic
def close_term(
    *,
    honour: Honour,
    renew: bool,
    note: str,
    actor: User,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> Honour:
    """At term end (within the due window): renew the title for a new term from the day after the
    old one ends, or end it, with the reason."""
    today = today or timezone.localdate()
    honour = _locked_honour(honour)
    if honour.status != HonourStatus.ACTIVE or honour.ends_on is None:
        raise NotAllowedError(status=honour.get_status_display())
    if not terms.is_due(honour.ends_on, today, selectors.DUE_WINDOW_DAYS):
        raise NotDueError(date=format_date_zh(honour.ends_on))
    note = note.strip()
    if not renew and not note:
        raise ReasonRequiredError
    honour.status = HonourStatus.RENEWED if renew else HonourStatus.ENDED
    honour.reason = note[:500]
    honour.save(update_fields=["status", "reason"])
    result = honour
    if renew:
        starts = honour.ends_on + timedelta(days=1)
        result = Honour.objects.create(
            person=honour.person,
            kind=honour.kind,
            org_path=honour.person.org.path,
            year=starts.year,
            renews=honour,
            starts_on=starts,
            ends_on=terms.term_end(starts, honour.kind.term_years),
        )
    _record(
        "honours_title_renewed" if renew else "honours_title_ended",
        actor,
        honour,
        honour.org_path,
        request,
        person=honour.person.name,
        honour=honour.kind.name,
        until=format_date_zh(result.ends_on) if result.ends_on else "",
        **({"note": note} if note else {}),
    )
    return result


@transaction.atomic
def save_kind(*, kind: HonourKind, data: dict, actor: User, request: HttpRequest | None = None) -> HonourKind:
    """The bureau's edit of an honour's rules (term, default quota, yearly obligations)."""
    changed = {}
    for field, value in data.items():
        if getattr(kind, field) != value:
            changed[field] = [str(getattr(kind, field)), str(value)]
            setattr(kind, field, value)
    if changed:
        kind.save()
        _record("honours_kind_saved", actor, kind, "", request, name=kind.name, **changed)
    return kind
