"""No export carries a live formula. Names, titles, phone numbers, classes, audit lines and import
errors holding formula-looking text (= + - @, tab and CR before one, DDE) are put in the data,
bypassing the forms that refuse them (old data, or a field without that check), then every export
download of the app is fetched as the role that uses it and read back with openpyxl: no cell is a
formula, and the planted text comes back as text. The CSV writer prefixes a quote (OWASP). A guard
fails when a new export URL appears that this walk does not fetch."""

import csv
import io
import re
from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from peixun.audit import events
from peixun.competitions import services as competition_services
from peixun.competitions.models import Award, Judge
from peixun.delivery.tests.helpers import running_project
from peixun.finance import services as finance
from peixun.honours.tests.matrix import honours_objects
from peixun.imports.models import ImportJob
from peixun.interest.models import InterestGroup, Student
from peixun.interest.tests.matrix import interest_objects
from peixun.orgs.exports import people_csv
from peixun.orgs.models import Org, Person
from peixun.quality import services as quality_services
from peixun.quality.models import Trainer
from peixun.records.models import QualificationCertificate
from peixun.surveys.models import Response
from peixun.surveys.tests.factories import make_template
from peixun.surveys.tests.factories import open_survey as open_a_survey
from peixun.testing import hostile
from peixun.testing.factories import give_hours
from peixun.training.models import Cohort, Project

pytestmark = pytest.mark.django_db

F = hostile.FORMULAS
# Export URLs fetched elsewhere or needing a one-time object, with the reason; every other URL whose
# route ends in .xlsx or names an export is fetched below.
NOT_WALKED = {
    "accounts:slips-download": "one-time slips; written by peixun.accounts.slips through peixun.lib.xlsx",
    "ledger:what-if-export": "needs a what-if run; written through peixun.lib.xlsx (what_if_workbook)",
    "imports:changes": "needs a checked import; written through peixun.lib.xlsx (_changes_workbook)",
    "assessment:scheme-export": "YAML, not a spreadsheet",
    "policies:export": "YAML, not a spreadsheet",
    "training:change-list": "a page (change requests), not a download",
    "accounts:recovery-codes-download": "the user's own recovery codes as plain text, no spreadsheet",
    "schoolbased:registration-export": "needs a year-end registration; written through peixun.lib.xlsx",
    "schoolbased:activity-export": "needs a school activity; written through peixun.lib.xlsx",
    "quality:archive-download": "a zip of files; its workbooks are written by peixun.lib.xlsx",
}


QUERIES = {"accounts:list": {"format": "xlsx"}, "finance:subsidies-export": {"year": "2026"}}


def _export_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, f"{pattern.namespace}:" if pattern.namespace else prefix)
            elif isinstance(pattern, URLPattern) and pattern.name:
                route = str(pattern.pattern)
                if re.search(r"\.xlsx$|export|errors/$|changes/$|download/$", route):
                    names.add(prefix + pattern.name)

    walk(get_resolver().url_patterns)
    return names


@pytest.fixture
def planted(world):
    running = running_project(world)
    Person.objects.filter(pk=world.teacher_a1.pk).update(name=F[0], mobile=F[1])
    for person, value in zip(running.teachers[1:], F[2:], strict=False):
        Person.objects.filter(pk=person.pk).update(name=value)
    Project.objects.filter(pk=running.project.pk).update(title=F[6])
    Cohort.objects.filter(pk=running.cohort.pk).update(name=F[5])
    Org.objects.filter(pk=world.school_b1.pk).update(name=F[3])
    give_hours(world.teacher_a1, title=F[4], organiser=F[6])
    events.record(
        action="project_updated",
        actor=world.city_admin,
        target=running.project,
        org_path=running.project.organiser.path,
        changes={"title": [F[4], F[6]]},
    )
    return running


def _cells(content: bytes) -> list[object]:
    book = load_workbook(io.BytesIO(content))
    values: list[object] = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                values.append(cell.value)
    return values


def test_no_export_carries_a_live_formula(client, world, planted):
    project, cohort = planted.project, planted.cohort
    teacher = world.teacher_a1
    Trainer.objects.create(
        keeper=world.county_a, org_path=world.county_a.path, name=F[0][:50], unit=F[3][:100]
    )
    quality_services.generate_summary(project=project, actor=world.county_admin)
    client.force_login(world.city_admin)
    data = hostile.formula_csv(["姓名", "性别", "证件类型"], [[value, "女", "居民身份证"] for value in F])
    client.post(reverse("imports:upload-people"), {"org": world.city.pk, "file": io.BytesIO(data)})
    job = ImportJob.objects.get()
    QualificationCertificate.objects.create(
        person=teacher,
        org_path=teacher.org.path,
        number="Q-F-1",
        kind="primary",
        subject=F[2],
        issuer=F[3],
        issued_on=date(2015, 1, 1),
        due_on=date(2020, 1, 1),
    )
    Person.objects.filter(pk=teacher.pk).update(roles=["head_teacher"])
    contest = competition_services.create_competition(
        organiser=world.county_a, name=F[6], year=2026, actor=world.county_admin
    )
    entry = competition_services.enter(
        competition=contest, person=teacher, subject="语文", actor=world.county_admin
    )
    Award.objects.create(competition=contest, entry=entry, level="first")
    school_round = contest.stages.get(number=1)
    Judge.objects.create(item=school_round.items.all()[0], group=entry.group, user=world.tutor_a1)
    honours, _far = honours_objects(world)
    Project.objects.filter(pk=project.pk).update(fee_per_trainee=120)
    statement = finance.issue_statement(
        school=world.school_a1,
        period_from=project.starts_on,
        period_to=project.starts_on,
        actor=world.city_admin,
    )
    finance.generate_subsidies(school=world.school_a1, year=2026, actor=world.city_admin)
    interest, _far = interest_objects(world)
    for student, value in zip(Student.objects.filter(school=world.school_a1), F[2:], strict=False):
        Student.objects.filter(pk=student.pk).update(name=value)
    InterestGroup.objects.filter(pk=interest["interest_group"]["pk"]).update(name=F[5], textbook=F[4])
    walks = [
        (world.county_admin, "competitions:entries-export", [contest.pk]),
        (world.county_admin, "competitions:stage-export", [contest.stages.get(number=1).pk]),
        (world.county_admin, "competitions:awards-export", [contest.pk]),
        (world.tutor_a1, "competitions:judge-sheet", [school_round.pk]),
        (world.city_admin, "orgs:people-export", []),
        (world.city_admin, "ledger:person-transcript", [teacher.pk]),
        (world.city_admin, "ledger:compliance-export", []),
        (world.city_admin, "certificates:person-archive-xlsx", [teacher.pk]),
        (world.city_admin, "certificates:person-appraisal-xlsx", [teacher.pk]),
        (world.city_admin, "certificates:org-appraisal-xlsx", [world.school_a1.pk]),
        (world.city_admin, "site:audit-export", []),
        (world.city_admin, "imports:errors", [job.pk]),
        *(
            (world.city_admin, f"imports:template-{kind}", [])
            for kind in ("people", "orgs", "credits", "outside", "recognition", "budgets")
        ),
        (world.city_admin, "recognition:inbox-export", ["bureau"]),
        (world.city_admin, "records:due-export", []),
        (world.city_admin, "records:head-teachers-export", []),
        (world.city_admin, "records:degrees-export", []),
        (world.city_admin, "schoolbased:activities-export", []),
        (world.city_admin, "participation:daily-export", []),
        (world.county_admin, "imports:template-scores", []),
        (world.county_admin, "training:enrolments-export", [project.pk]),
        (world.county_admin, "training:cohort-roster", [cohort.pk]),
        (world.county_admin, "delivery:attendance-export", [project.pk]),
        (world.county_admin, "delivery:completeness-export", [project.pk]),
        (world.county_admin, "assessment:results-export", [project.pk]),
        (world.county_admin, "assessment:scores-template", [cohort.pk]),
        (world.county_admin, "quality:trainers-export", []),
        (world.county_admin, "quality:summary-file", [project.pk, "summary.xlsx"]),
        (world.county_admin, "quality:summary-file", [project.pk, "roster.xlsx"]),
        (world.teacher_user, "ledger:mine-transcript", []),
        (world.teacher_user, "certificates:archive-xlsx", []),
        (world.teacher_user, "recognition:mine-export", []),
        (world.city_admin, "honours:selection-export", [honours["selection"]["pk"]]),
        (world.city_admin, "honours:holders-export", []),
        (world.city_admin, "honours:due-export", []),
        (world.coordinator_a1, "honours:school-export", []),
        (world.teacher_user, "honours:mine-export", []),
        (world.city_admin, "finance:overview-export", []),
        (world.city_admin, "finance:statement-export", [statement.pk]),
        (world.city_admin, "finance:report-export", []),
        (world.city_admin, "finance:subsidies-export", []),
        (world.city_admin, "returns:export", []),
        (world.city_admin, "interest:subsidy-export", [interest["interest_term"]["pk"]]),
        (world.coordinator_a1, "interest:school-export", [world.school_a1.pk]),
        (world.coordinator_a1, "interest:group-export", [interest["interest_group"]["pk"]]),
    ]
    walks.append((world.city_admin, "accounts:list", []))  # ?format=xlsx
    survey = open_a_survey(project, make_template(project.organiser), actor=world.county_admin)
    Response.objects.create(survey=survey, answers={str(survey.items[3]["id"]): F[1]})
    walks += [
        (world.county_admin, "surveys:export", [survey.pk]),
        (world.county_admin, "surveys:list-export", []),
    ]
    walked = {name for _user, name, _args in walks}
    missing = _export_names() - walked - set(NOT_WALKED)
    assert not missing, f"export URLs not walked for formulas: {sorted(missing)}"
    texts: list[str] = []
    for user, name, args in walks:
        client.force_login(user)
        response = client.get(reverse(name, args=args), QUERIES.get(name, {}))
        assert response.status_code == 200, name
        assert response["Content-Disposition"].startswith("attachment"), name
        texts += [value for value in _cells(response.content) if isinstance(value, str)]
    planted_back = {value for value in F if value in texts}
    assert {F[0], F[1], F[2], F[6]} <= planted_back, planted_back  # the formulas came back, as text


def test_the_csv_export_prefixes_every_formula_lead(world):
    people = list(Person.objects.all())
    for person, value in zip(people, F, strict=False):
        person.name = value
        person.mobile = value
    rows = list(csv.reader(io.StringIO(people_csv(people, reveal=False).decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert cells and not [cell for cell in cells if cell.startswith(hostile.FORMULA_LEADS)]
    assert "'" + F[0] in cells and "'" + F[4] in cells
