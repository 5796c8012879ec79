"""Honours for the tests, made through the services as the bureau and a school would."""

from datetime import date, timedelta

from django.utils import timezone

from peixun.honours import services
from peixun.honours.models import Family, Honour, HonourKind
from peixun.honours.rules import terms
from peixun.lib import uploads

PDF = b"%PDF-1.4\n% evidence\n"
STATEMENT = "长期扎根乡村教学一线，关爱学生，师德高尚，事迹突出，获评市优秀班主任。"


def kind(name: str) -> HonourKind:
    services.ensure_default_kinds()
    return HonourKind.objects.get(name=name)


def selection(org, actor, family: str = Family.ETHICS, year: int | None = None, **fields):
    year = year or timezone.localdate().year
    return services.create_selection(
        org=org,
        family=family,
        year=year,
        name=fields.pop("name", f"{year}年度评选"),
        nominations_close_on=fields.pop("nominations_close_on", timezone.localdate() + timedelta(days=30)),
        actor=actor,
    )


def nominate(sel, person, actor, kind_name: str = "师德模范"):
    return services.nominate(
        selection=sel,
        person=person,
        kind=kind(kind_name),
        statement=STATEMENT,
        files=[services.EvidenceFile("事迹材料.pdf", uploads.PDF, PDF)],
        actor=actor,
    )


def in_notice(org, person, actor, kind_name: str = "师德模范", family: str = Family.ETHICS):
    """A selection in public notice from today for ten days, with `person` accepted."""
    sel = selection(org, actor, family=family)
    nomination = nominate(sel, person, actor, kind_name)
    services.review_nomination(nomination=nomination, accept=True, note="", actor=actor)
    today = timezone.localdate()
    services.publish_notice(selection=sel, starts_on=today, ends_on=today + timedelta(days=10), actor=actor)
    nomination.refresh_from_db()
    sel.refresh_from_db()
    return sel, nomination


def title(person, kind_name: str = "骨干教师", starts_on: date | None = None) -> Honour:
    held = kind(kind_name)
    starts_on = starts_on or timezone.localdate() - timedelta(days=400)
    return Honour.objects.create(
        person=person,
        kind=held,
        org_path=person.org.path,
        year=starts_on.year,
        starts_on=starts_on,
        ends_on=terms.term_end(starts_on, held.term_years),
    )
