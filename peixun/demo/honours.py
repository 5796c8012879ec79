"""The demo's honours: the county's ethics selection of the year in public notice, with two
teachers of the demo school accepted, and one of them holding a 骨干教师 title, so the bureau's,
the school's, the teacher's and the public pages show something."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model

from peixun.honours import services
from peixun.honours.models import Family, Honour, HonourKind
from peixun.honours.rules import terms
from peixun.lib import uploads
from peixun.orgs.models import GrantRole, Org, Person

EVIDENCE = b"%PDF-1.4\n% demo evidence\n"
STATEMENTS = (
    "扎根乡村教学二十年，资助困难学生十余名，所带班级多次获评区先进班集体。",
    "坚持家访全覆盖，关爱留守儿童，主动承担送教下乡任务，深受家长好评。",
)


def seed_honours(*, school: Org, county: Org, today: date) -> None:
    users = get_user_model().objects
    author = users.filter(grants__role=GrantRole.BUREAU_ADMIN).order_by("pk").first()
    if author is None:
        return
    services.ensure_default_kinds()
    selection = services.create_selection(
        org=county,
        family=Family.ETHICS,
        year=today.year,
        name=f"{today.year}年度区师德模范、师德先进个人评选",
        nominations_close_on=today,
        actor=author,
    )
    people = list(Person.objects.filter(org=school).order_by("pk")[:2])
    kinds = list(HonourKind.objects.filter(family=Family.ETHICS).order_by("order"))
    for person, kind, statement in zip(people, kinds, STATEMENTS, strict=False):
        nomination = services.nominate(
            selection=selection,
            person=person,
            kind=kind,
            statement=statement,
            files=[services.EvidenceFile("事迹材料.pdf", uploads.PDF, EVIDENCE)],
            actor=author,
            today=today,
        )
        services.review_nomination(nomination=nomination, accept=True, note="", actor=author)
    if people:
        services.publish_notice(
            selection=selection, starts_on=today, ends_on=today + timedelta(days=7), actor=author
        )
        # The demo teacher's account holds the title, so their phone page shows its obligations.
        account = users.filter(grants__role=GrantRole.TEACHER, person__org=school).first()
        holder = account.person if account is not None and account.person is not None else people[0]
        backbone = HonourKind.objects.get(name="骨干教师")
        starts = today - timedelta(days=400)
        Honour.objects.create(
            person=holder,
            kind=backbone,
            org_path=holder.org.path,
            year=starts.year,
            starts_on=starts,
            ends_on=terms.term_end(starts, backbone.term_years),
        )
