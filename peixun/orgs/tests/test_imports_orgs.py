"""The org import: parents later in the file, unknown parents, cycles, moves, scope, idempotence."""

import pytest

from peixun.audit.models import AuditEvent
from peixun.imports.tests.files import ORGS_HEADER, csv_file, xlsx_file
from peixun.orgs.imports import ImportRejected, apply_orgs_file, check_orgs_file
from peixun.orgs.models import Org
from peixun.orgs.vocabulary import ORG_KIND

pytestmark = pytest.mark.django_db


def org_file(*rows) -> bytes:
    return xlsx_file(ORGS_HEADER, [dict(zip(ORGS_HEADER, row, strict=True)) for row in rows])


def check(data, scope=None):
    return check_orgs_file(data, "orgs.xlsx", scope_orgs=scope)


def apply(data, scope=None, actor=None):
    return apply_orgs_file(data, "orgs.xlsx", scope_orgs=scope, actor=actor)


def assert_paths_consistent() -> None:
    for org in Org.objects.select_related("parent"):
        expected = (org.parent.path if org.parent else "") + f"{org.pk:08d}/"
        assert org.path == expected, org.code
        assert org.depth == expected.count("/") - 1


def test_a_parent_may_come_later_in_the_file(world):
    data = org_file(
        ("S0101", "南湖小学", "学校", "T01"),
        ("T01", "南湖街道", "街道", "P01"),
        ("P01", "江南省", "省", ""),
    )
    summary = apply(data)
    assert (summary.created, summary.updated, summary.unchanged) == (3, 0, 0)
    school = Org.objects.get(code="S0101")
    assert school.kind == "school"
    assert school.parent.code == "T01"
    assert school.parent.kind == "town"
    assert school.parent.parent.code == "P01"
    assert school.depth == 2
    assert_paths_consistent()


def test_new_orgs_may_hang_under_existing_ones(world):
    apply(org_file(("S0102", "东湖第二小学", "学校", "C320705")))
    school = Org.objects.get(code="S0102")
    assert school.parent == world.county_a
    assert school.is_within(world.city)
    assert_paths_consistent()


def test_unknown_parents_are_errors(world):
    summary = check(org_file(("S0103", "某小学", "学校", "NOPE")))
    assert [(error.row, error.column) for error in summary.errors] == [(2, "上级代码")]
    assert "NOPE" in summary.errors[0].message


def test_a_cycle_in_the_file_is_reported_on_each_row_in_it(world):
    summary = check(org_file(("A", "甲", "区县", "B"), ("B", "乙", "区县", "A"), ("C", "丙", "学校", "A")))
    assert [(error.row, error.column) for error in summary.errors] == [(2, "上级代码"), (3, "上级代码")]
    assert "循环" in summary.errors[0].message


def test_a_cycle_through_the_database_is_reported(world):
    # The county would move under one of its own schools.
    summary = check(org_file(("C320705", "东湖区", "区县", "S0001")))
    assert [(error.row, error.column) for error in summary.errors] == [(2, "上级代码")]
    assert "循环" in summary.errors[0].message


def test_an_org_may_not_be_its_own_parent(world):
    summary = check(org_file(("X1", "某单位", "其他单位", "X1")))
    assert [error.column for error in summary.errors] == ["上级代码"]


def test_duplicate_codes_and_unknown_types_are_errors(world):
    summary = check(org_file(("X1", "甲", "学校", "S0001"), ("X1", "乙", "大学", "S0001")))
    assert [(error.row, error.column) for error in summary.errors] == [(3, "单位代码"), (3, "类型")]
    assert "第 2 行" in summary.errors[0].message
    assert "培训机构" in summary.errors[1].message


def test_existing_orgs_are_renamed_and_moved_with_their_subtree(world):
    data = org_file(
        ("S0001", "东湖实验小学（新校区）", "学校", "C320705"),
        ("C320705", "东湖区", "区县", "C320706"),  # county A moves under county B
    )
    summary = apply(data, actor=world.city_admin)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 2, 0)
    world.school_a1.refresh_from_db()
    assert world.school_a1.name == "东湖实验小学（新校区）"
    assert world.school_a1.is_within(world.county_b)
    assert_paths_consistent()
    events = {event.target_id: event.changes for event in AuditEvent.objects.filter(action="org_updated")}
    assert events[str(world.county_a.pk)] == {"parent": ["C320700", "C320706"]}
    assert events[str(world.school_a1.pk)]["name"][1] == "东湖实验小学（新校区）"


def test_a_move_before_its_new_parent_is_created_works(world):
    data = org_file(("S0004", "西山高级中学", "学校", "T9"), ("T9", "新镇", "镇", "C320706"))
    apply(data)
    world.school_b2.refresh_from_db()
    assert world.school_b2.parent.code == "T9"
    assert_paths_consistent()


def test_importing_the_same_org_file_twice_changes_nothing(world):
    data = csv_file(
        ORGS_HEADER, [{"单位代码": "S0105", "单位名称": "新小学", "类型": "学校", "上级代码": "C320705"}]
    )
    assert apply(data).created == 1
    events = AuditEvent.objects.count()
    second = apply(data)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 1)
    assert AuditEvent.objects.count() == events + 1


def test_an_existing_tree_reimports_unchanged(world):
    rows = [
        (org.code, org.name, ORG_KIND.word_for(org.kind), org.parent.code if org.parent else "")
        for org in Org.objects.select_related("parent")
    ]
    summary = apply(org_file(*rows))
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, len(rows))


def test_one_bad_row_writes_nothing(world):
    before = Org.objects.count()
    with pytest.raises(ImportRejected):
        apply(org_file(("N1", "新单位", "学校", "C320705"), ("N2", "", "学校", "C320705")))
    assert Org.objects.count() == before


def test_a_scoped_admin_may_not_create_roots_or_touch_orgs_outside(world):
    scope = world.county_a.subtree()
    summary = check(
        org_file(
            ("N1", "新学校", "学校", "C320705"),  # fine: under the county
            ("N2", "新区", "区县", ""),  # a new root
            ("S0003", "西山中心小学", "学校", "C320706"),  # another county's school
            ("N3", "新学校", "学校", "C320706"),  # a parent outside the scope
        ),
        scope=scope,
    )
    assert [(error.row, error.column) for error in summary.errors] == [
        (3, "上级代码"),
        (4, "单位代码"),
        (5, "上级代码"),
    ]


def test_a_scoped_admin_may_keep_a_parent_outside_the_scope(world):
    summary = check(org_file(("C320705", "东湖区", "区县", "C320700")), scope=world.county_a.subtree())
    assert summary.errors == []
    assert summary.unchanged == 1
