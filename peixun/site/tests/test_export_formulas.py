"""No export carries a live formula. Names, titles, phone numbers, classes, audit lines and import
errors holding formula-looking text (= + - @, tab and CR before one, DDE) are put in the data,
bypassing the forms that refuse them (old data, or a field without that check), then every export
download of the app is fetched as the role that uses it and read back with openpyxl: no cell is a
formula, and the planted text comes back as text. The CSV writer prefixes a quote (OWASP). A guard
fails when a new export URL appears that this walk does not fetch."""

import csv
import io
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from peixun.audit import events
from peixun.delivery.tests.helpers import running_project
from peixun.imports.models import ImportJob
from peixun.orgs.exports import people_csv
from peixun.orgs.models import Org, Person
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
}


QUERIES = {"accounts:list": {"format": "xlsx"}}


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
    client.force_login(world.city_admin)
    data = hostile.formula_csv(["姓名", "性别", "证件类型"], [[value, "女", "居民身份证"] for value in F])
    client.post(reverse("imports:upload-people"), {"org": world.city.pk, "file": io.BytesIO(data)})
    job = ImportJob.objects.get()
    walks = [
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
            for kind in ("people", "orgs", "credits", "outside", "recognition")
        ),
        (world.city_admin, "recognition:inbox-export", ["bureau"]),
        (world.county_admin, "imports:template-scores", []),
        (world.county_admin, "training:enrolments-export", [project.pk]),
        (world.county_admin, "training:cohort-roster", [cohort.pk]),
        (world.county_admin, "delivery:attendance-export", [project.pk]),
        (world.county_admin, "delivery:completeness-export", [project.pk]),
        (world.county_admin, "assessment:results-export", [project.pk]),
        (world.county_admin, "assessment:scores-template", [cohort.pk]),
        (world.teacher_user, "ledger:mine-transcript", []),
        (world.teacher_user, "certificates:archive-xlsx", []),
        (world.teacher_user, "recognition:mine-export", []),
    ]
    walks.append((world.city_admin, "accounts:list", []))  # ?format=xlsx
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
