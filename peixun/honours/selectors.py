"""Reads of honours: a selection's nominations and quota counts, the public notice's list, the
title holders with their yearly progress (A13, from the ledger and the guidance log), the titles
due for renewal or removal, a teacher's own honours, and `titles_for` for tutor selection (C2)."""

from collections import Counter
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from peixun.assessment.selectors import vetoed_people
from peixun.core.choices import Mode
from peixun.honours.models import (
    AnnualReview,
    Family,
    Guidance,
    Honour,
    HonourKind,
    HonourStatus,
    Nomination,
    NominationStatus,
    ReviewOutcome,
    Selection,
    SelectionStatus,
)
from peixun.honours.rules import terms
from peixun.ledger.selectors import hours_by_mode
from peixun.orgs.models import Person

# Titles whose term ends within this many days are listed as due.
DUE_WINDOW_DAYS = 180
HELD = (HonourStatus.ACTIVE,)


def kinds(family: str | None = None) -> QuerySet[HonourKind]:
    queryset = HonourKind.objects.filter(active=True)
    return queryset.filter(family=family) if family else queryset


def nominations(selection: Selection) -> QuerySet[Nomination]:
    return (
        Nomination.objects.filter(selection=selection)
        .select_related("kind", "person", "person__org")
        .prefetch_related("evidence")
    )


def quota_table(selection: Selection) -> list[dict]:
    """Per honour of the selection: its quota, and the nominations waiting, accepted and conferred."""
    counts = Counter(
        (row["kind_id"], row["status"])
        for row in Nomination.objects.filter(selection=selection).values("kind_id", "status")
    )
    return [
        {
            "kind": quota.kind,
            "quota": quota.count,
            "submitted": counts[(quota.kind_id, NominationStatus.SUBMITTED)],
            "accepted": counts[(quota.kind_id, NominationStatus.ACCEPTED)],
            "conferred": counts[(quota.kind_id, NominationStatus.CONFERRED)],
            "over": counts[(quota.kind_id, NominationStatus.ACCEPTED)] > quota.count,
        }
        for quota in selection.quotas.select_related("kind")
    ]


def vetoed_people_in(person_ids, year: int) -> set[int]:
    """Those with an ethics veto in the year (assessment's record, D10): no honour for them."""
    return vetoed_people(person_ids, year)


def public_rows(selection: Selection) -> QuerySet[Nomination]:
    """Who the public notice lists: the accepted nominees while in notice, the conferred once final
    (names and schools only; never an ID number)."""
    shown = (
        NominationStatus.CONFERRED if selection.status == SelectionStatus.FINAL else NominationStatus.ACCEPTED
    )
    return Nomination.objects.filter(selection=selection, status=shown).select_related("kind", "person__org")


def notices() -> QuerySet[Selection]:
    """Selections in public notice now, and those made final in the last year."""
    today = timezone.localdate()
    return (
        Selection.objects.filter(
            status__in=[SelectionStatus.NOTICE, SelectionStatus.FINAL], year__gte=today.year - 1
        )
        .select_related("org")
        .order_by("-notice_starts_on", "-id")
    )


def held_titles(queryset: QuerySet[Honour]) -> QuerySet[Honour]:
    return queryset.filter(kind__family=Family.TITLE, status__in=HELD).select_related(
        "person", "person__org", "kind"
    )


def progress_of(honours: list[Honour], school_year: int) -> dict[int, terms.Progress]:
    """Each title's progress on its yearly obligations in the school year: concentrated training
    hours from the ledger, guidance hours from the holder's log."""
    start, end = terms.school_year_bounds(school_year)
    people = {honour.person_id for honour in honours}
    ledger = hours_by_mode(people, start, end)
    guidance = {
        row["person_id"]: row["total"] or Decimal(0)
        for row in Guidance.objects.filter(person_id__in=people, given_on__gte=start, given_on__lte=end)
        .values("person_id")
        .annotate(total=Sum("hours"))
    }
    return {
        honour.pk: terms.Progress(
            concentrated=terms.Obligation(
                honour.kind.min_concentrated_hours,
                ledger.get(honour.person_id, {}).get(Mode.CONCENTRATED, Decimal(0)),
            ),
            guidance=terms.Obligation(
                honour.kind.min_guidance_hours, guidance.get(honour.person_id, Decimal(0))
            ),
        )
        for honour in honours
    }


def due(queryset: QuerySet[Honour], today: date) -> list[Honour]:
    """Held titles whose term ends within DUE_WINDOW_DAYS or has ended, soonest first."""
    return [
        honour
        for honour in held_titles(queryset).order_by("ends_on", "id")
        if terms.is_due(honour.ends_on, today, DUE_WINDOW_DAYS)
    ]


def warned_last_year(honour_ids, school_year: int) -> set[int]:
    return set(
        AnnualReview.objects.filter(
            honour_id__in=list(honour_ids), school_year=school_year - 1, outcome=ReviewOutcome.WARN
        ).values_list("honour_id", flat=True)
    )


def reviews_of(honour_ids, school_year: int) -> QuerySet[AnnualReview]:
    return AnnualReview.objects.filter(honour_id__in=list(honour_ids), school_year=school_year)


def mine(person: Person) -> QuerySet[Honour]:
    return Honour.objects.filter(person=person).select_related("kind").prefetch_related("reviews")


def guidance_of(person: Person, school_year: int) -> QuerySet[Guidance]:
    start, end = terms.school_year_bounds(school_year)
    return Guidance.objects.filter(person=person, given_on__gte=start, given_on__lte=end)


def titles_for(person_ids, on: date | None = None) -> dict[int, list[str]]:
    """The programme titles (特级教师, 区名师, 骨干教师 …) each person holds on a day, by their
    names, highest first (a removed title counts until the day it was removed): what tutor
    selection reads to choose 学科带头人/骨干 first (RULES C2)."""
    on = on or timezone.localdate()
    found: dict[int, list[str]] = {}
    rows = (
        Honour.objects.filter(
            person_id__in=list(person_ids),
            kind__family=Family.TITLE,
            starts_on__lte=on,
            ends_on__gte=on,
        )
        .order_by("kind__order", "kind_id")
        .values_list("person_id", "kind__name")
    )
    for person_id, name in rows:
        names = found.setdefault(person_id, [])
        if name not in names:
            names.append(name)
    return found


def titles_held_today(person_ids, on: date | None = None) -> dict[int, list[str]]:
    """The programme titles each person holds on a day and still holds — not removed, ended or
    renewed, within their term — by their names, highest first (tutor selection, RULES C2)."""
    on = on or timezone.localdate()
    found: dict[int, list[str]] = {}
    rows = (
        Honour.objects.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=on),
            person_id__in=list(person_ids),
            kind__family=Family.TITLE,
            status__in=HELD,
            starts_on__lte=on,
        )
        .order_by("kind__order", "kind_id")
        .values_list("person_id", "kind__name")
    )
    for person_id, name in rows:
        names = found.setdefault(person_id, [])
        if name not in names:
            names.append(name)
    return found
