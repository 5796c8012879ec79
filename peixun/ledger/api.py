"""The ledger part of /api/v1/: a person's hours (every credit entry, and where they stand under
the policy that governs them), the entries a project posted, and the compliance of an org's units.
Read only, within the caller's `ledger.view` / `compliance.view` subtree; the same access
functions and selectors as the pages. Ledger level: it knows projects only by the entries'
source reference ("project:<id>")."""

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from peixun.core.apiscope import needs
from peixun.core.schemas import ErrorOut
from peixun.ledger import selectors
from peixun.ledger.access import access_hours_person, access_org, has_perm, path_q, scope_paths
from peixun.ledger.models import CreditEntry
from peixun.orgs.models import Org

router = Router(tags=["ledger"])
ERRORS = {403: ErrorOut, 404: ErrorOut}


class EntryOut(Schema):
    id: int
    person_id: int
    name: str
    hours: Decimal
    category: str
    level: str
    mode: str
    credit_class: str
    earned_on: date
    source: str
    source_ref: str
    title: str
    organiser: str
    reverses_id: int | None


class StandingOut(Schema):
    person_id: int
    name: str
    policy: str | None
    compliant: bool | None
    required_hours: Decimal | None
    counted_hours: Decimal | None
    shortfall_hours: Decimal | None
    missing: list[str]
    entries: list[EntryOut]


class UnitOut(Schema):
    org_id: int
    name: str
    people: int
    governed: int
    compliant: int
    short: int
    exempt: int
    ungoverned: int
    pending: int
    rate: Decimal | None


class ComplianceOut(Schema):
    org_id: int
    name: str
    people: int
    governed: int
    compliant: int
    short: int
    rate: Decimal | None
    shortfall_hours: Decimal
    units: list[UnitOut]


def _entry_out(entry: CreditEntry) -> dict:
    return {
        **{name: getattr(entry, name) for name in EntryOut.model_fields if name not in ("name",)},
        "name": entry.person.name,
    }


@router.get("/people/{person_id}/hours", response={200: StandingOut, **ERRORS}, url_name="person-hours")
@needs("ledger:read")
def person_hours(request: HttpRequest, person_id: int):
    """A teacher's credit entries, newest first, and their standing today."""
    person = access_hours_person(request.user, person_id)
    standing = selectors.standing(person)
    result = standing.result
    return {
        "person_id": person.pk,
        "name": person.name,
        "policy": standing.version.policy.name if standing.version else None,
        "compliant": result.compliant if result else None,
        "required_hours": result.required_hours if result else None,
        "counted_hours": result.counted_hours if result else None,
        "shortfall_hours": result.shortfall_hours if result else None,
        "missing": standing.missing,
        "entries": [_entry_out(e) for e in standing.entries],
    }


@router.get("/entries", response={200: list[EntryOut], **ERRORS}, url_name="entries")
@needs("ledger:read")
@paginate(LimitOffsetPagination)
def entries(request: HttpRequest, project_id: int):
    """The entries a project posted when it closed (and their reversals, when it was reopened),
    for the teachers in the caller's subtree."""
    if not has_perm(request.user, "ledger.view"):
        return []
    return [
        _entry_out(e)
        for e in CreditEntry.objects.filter(
            path_q(scope_paths(request.user, "ledger.view"), "person__org__path"),
            source_ref=f"project:{project_id}",
        )
        .select_related("person")
        .order_by("person__name_pinyin", "pk")
    ]


@router.get("/orgs/{org_id}/compliance", response={200: ComplianceOut, **ERRORS}, url_name="compliance")
@needs("compliance:read")
def compliance(request: HttpRequest, org_id: int):
    """How many teachers of the org's subtree meet their hours requirement, unit by unit."""
    org: Org = access_org(request.user, org_id, perm="compliance.view")
    rows = selectors.units(org)
    summary, _hours = selectors.figures(org, rows)
    return {
        "org_id": org.pk,
        "name": org.name,
        **{name: summary[name] for name in ("people", "governed", "compliant", "short", "rate")},
        "shortfall_hours": summary["shortfall"],
        "units": [
            {
                "org_id": row["org"].pk,
                "name": row["org"].name,
                **{n: row[n] for n in UnitOut.model_fields if n not in ("org_id", "name")},
            }
            for row in rows
        ],
    }
