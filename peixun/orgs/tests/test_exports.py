"""The roster export: the template's columns, masked by default, no live formulas, and a revealed
export imports back with every row unchanged."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from peixun.orgs.exports import people_csv, people_workbook
from peixun.orgs.imports import apply_people_file
from peixun.orgs.imports.people import TEMPLATE_COLUMNS
from peixun.orgs.models import Person
from peixun.testing.factories import make_person

pytestmark = pytest.mark.django_db

PAYLOADS = ["=1+1", "+1", "-1", "@SUM(A1)", '=HYPERLINK("http://x")']


def sheet_of(content: bytes):
    return load_workbook(io.BytesIO(content)).active


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_payloads_in_names_and_subjects_stay_text(world, payload):
    make_person(world.school_a1, payload, subjects=[payload])
    sheet = sheet_of(people_workbook(Person.objects.filter(name=payload), reveal=False))
    name_cell, subject_cell = sheet.cell(row=2, column=1), sheet.cell(row=2, column=8)
    for cell in (name_cell, subject_cell):
        assert cell.data_type == "s"
        assert cell.value == payload


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_payloads_are_neutralised_in_csv(world, payload):
    make_person(world.school_a1, payload, subjects=[payload])
    text = people_csv(Person.objects.filter(name=payload), reveal=False).decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(text)))[1]
    assert row[0] == "'" + payload
    assert row[7] == "'" + payload


def test_export_has_the_template_columns_and_masks_ids_by_default(world):
    sheet = sheet_of(people_workbook(Person.objects.filter(pk=world.teacher_a1.pk), reveal=False))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == TEMPLATE_COLUMNS
    number = world.teacher_a1.reveal_id_number()
    assert rows[1][3] == world.teacher_a1.id_masked
    assert number not in str(rows)
    assert rows[1][5] == "S0001"
    assert rows[1][6] == "小学"
    assert rows[1][8] == "一级"


def test_a_revealed_export_reimports_with_every_row_unchanged(world):
    make_person(
        world.school_b1,
        "欧阳 Nana",
        gender="male",
        birth_date=date(1975, 12, 1),
        mobile="13912345678",
        section="vocational",
        subjects=["数学", "信息技术"],
        title="professor",
        roles=["principal", "head_teacher"],
        hire_date=date(1999, 9, 1),
        status="retired",
    )
    people = Person.objects.select_related("org")
    content = people_workbook(people, reveal=True)
    summary = apply_people_file(content, "export.xlsx", scope_orgs=None, actor=None)
    assert summary.errors == []
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, people.count())


def test_export_without_loaded_orgs_fetches_codes_in_one_query(world, django_assert_num_queries):
    people = list(Person.objects.all())
    with django_assert_num_queries(1):
        content = people_workbook(people, reveal=False)
    codes = {row[5] for row in sheet_of(content).iter_rows(min_row=2, values_only=True)}
    assert codes == {"S0001", "S0002", "S0003", "S0004", "S9001"}
