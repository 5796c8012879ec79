"""The ledger pages through the client: 我的学时, a person's hours with grants and reversals, the
transcript, and the compliance report with its drill-down and export."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from peixun.audit.models import AuditEvent
from peixun.ledger.models import ComplianceResult, CreditEntry
from peixun.testing.factories import adopt_preset, give_hours, make_person

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def give(person, hours, key, **fields):
    return give_hours(person, hours, key, **fields).entry


def grant_data(**overrides) -> dict:
    data = {
        "title": "班主任专题培训",
        "hours": "30",
        "category": "knowledge_skills",
        "level": "city",
        "mode": "concentrated",
        "credit_class": "A",
        "earned_on": timezone.localdate().isoformat(),
        "source": "direct",
        "reason": "教育局直接登记（A17）",
        "token": "tok-1",
    }
    data.update(overrides)
    return data


def test_a_teacher_sees_their_standing_and_what_is_still_missing(client, world):
    adopt_preset(world.city)
    give(world.teacher_a1, 60, "k1", category="ethics_literacy", tags=["ethics"], level="city")
    client.force_login(world.teacher_user)
    page = client.get(reverse("ledger:mine")).content.decode()
    assert "五年一周期 360 学时" in page
    assert "总学时还差 300.0 学时" in page
    assert "知识与技能还差 140.0 学时" in page
    assert "新课标解读" in page
    assert world.teacher_a1.reveal_id_number() not in page


def test_an_account_without_a_person_sees_how_to_get_linked(client, world):
    client.force_login(world.city_admin)
    response = client.get(reverse("ledger:mine"), **EN)
    assert response.status_code == 200
    assert "not linked to a teacher record" in response.content.decode()


def test_the_transcript_holds_every_entry_and_the_standing_and_no_live_formula(client, world):
    adopt_preset(world.city)
    give(world.teacher_a1, 12, "k1", title='=HYPERLINK("http://x")')
    client.force_login(world.teacher_user)
    response = client.get(reverse("ledger:mine-transcript"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    entries = list(book["学时记录"].iter_rows(values_only=True))
    assert entries[1][1] == '=HYPERLINK("http://x")'
    assert book["学时记录"]["B2"].data_type == "s"  # text, not a formula
    lines = [row[0] for row in book["达标情况"].iter_rows(values_only=True)]
    assert "总学时" in lines


def test_staff_grant_hours_once_per_submitted_form_and_it_is_audited(client, world):
    adopt_preset(world.city)
    client.force_login(world.centre_staff)
    url = reverse("ledger:grant", args=[world.teacher_a1.pk])
    assert client.post(url, grant_data()).status_code == 302
    assert client.post(url, grant_data()).status_code == 302  # the same form again: a double click
    entry = CreditEntry.objects.get()
    assert (entry.hours, entry.source, entry.author) == (Decimal("30.0"), "direct", world.centre_staff)
    assert AuditEvent.objects.filter(action="credit_posted", actor=world.centre_staff).count() == 1
    assert ComplianceResult.objects.get(person=world.teacher_a1).counted_hours == 30


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"hours": "0.3"}, "hours"),
        ({"hours": "-5"}, "hours"),  # only an adjustment takes hours away
        ({"reason": ""}, "reason"),
        ({"earned_on": "2099-01-01"}, "earned_on"),
    ],
)
def test_a_bad_grant_is_answered_with_the_form_and_writes_nothing(client, world, overrides, field):
    client.force_login(world.centre_staff)
    response = client.post(reverse("ledger:grant", args=[world.teacher_a1.pk]), grant_data(**overrides))
    assert response.status_code == 400
    assert field in response.context["grant_form"].errors
    assert not CreditEntry.objects.exists()


def test_an_adjustment_may_take_hours_away_with_a_reason(client, world):
    give(world.teacher_a1, 40, "k1")
    client.force_login(world.city_admin)
    data = grant_data(hours="-10", source="adjustment", reason="多登记了 10 学时", token="tok-2")
    assert client.post(reverse("ledger:grant", args=[world.teacher_a1.pk]), data).status_code == 302
    assert sum(CreditEntry.objects.values_list("hours", flat=True)) == 30


def test_staff_reverse_an_entry_with_a_reason_and_schools_may_not(client, world):
    entry = give(world.teacher_a1, 40, "k1")
    url = reverse("ledger:reverse", args=[entry.pk])
    client.force_login(world.coordinator_a1)
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(world.county_admin)
    client.post(url, {"reason": ""})
    assert CreditEntry.objects.count() == 1
    client.post(url, {"reason": "登记错误"})
    reversal = CreditEntry.objects.get(reverses=entry)
    assert reversal.hours == -40 and reversal.author == world.county_admin
    page = client.get(reverse("ledger:person", args=[world.teacher_a1.pk]), **EN).content.decode()
    assert "Reversal: 登记错误" in page


def test_the_compliance_report_counts_drills_down_and_filters_by_rule(
    client, world, django_assert_max_num_queries
):
    adopt_preset(world.city)
    for index in range(3):
        make_person(world.school_a2, f"教师{index}")
    give(world.teacher_a1, 60, "k1", category="ethics_literacy", tags=["ethics"])
    from peixun.ledger import compliance

    compliance.rebuild()
    client.force_login(world.county_admin)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("ledger:compliance"))
    summary = response.context["summary"]
    assert (summary["governed"], summary["compliant"], summary["short"]) == (5, 0, 5)
    children = {item["org"].name: item["governed"] for item in response.context["children"]}
    assert children == {"东湖实验小学": 1, "东湖第一中学": 4}
    rules = {item["rule"]: item["short"] for item in response.context["rules"]}
    assert rules["ethics"] == 4  # teacher_a1 has the 60 ethics hours
    filtered = client.get(reverse("ledger:compliance"), {"rule": "ethics"})
    assert world.teacher_a1.pk not in [item.person_id for item in filtered.context["page"].object_list]
    drill = client.get(reverse("ledger:compliance"), {"org": world.school_a1.pk})
    assert drill.context["summary"]["governed"] == 1
    assert client.get(reverse("ledger:compliance"), {"org": world.school_b1.pk}).status_code == 404


def test_the_report_costs_the_same_queries_whatever_the_number_of_schools_and_people(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from peixun.ledger import compliance
    from peixun.testing.factories import make_org

    adopt_preset(world.city)
    compliance.rebuild()
    client.force_login(world.city_admin)
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("ledger:compliance"))
    for index in range(6):
        school = make_org(f"新学校{index}", "school", world.county_b)
        for number in range(3):
            make_person(school, f"老师{index}{number}")
    compliance.rebuild()
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("ledger:compliance"), {"org": world.county_b.pk})
    assert len(after) <= len(before) + 1


def test_the_report_export_lists_the_people_short_with_masked_ids(client, world):
    adopt_preset(world.city)
    from peixun.ledger import compliance

    compliance.rebuild()
    client.force_login(world.county_admin)
    response = client.get(reverse("ledger:compliance-export"))
    rows = list(load_workbook(io.BytesIO(response.content))["达标情况"].iter_rows(values_only=True))
    assert rows[0][0] == "姓名"
    names = {row[0] for row in rows[1:]}
    assert names == {world.teacher_a1.name, world.teacher_a2.name}
    assert all("*" in row[1] for row in rows[1:])


def test_my_hours_suggests_open_trainings_that_would_close_a_gap(client, world):
    from peixun.testing.factories import make_project

    adopt_preset(world.city)
    ethics = make_project(
        world.county_a, title="师德专题网络研修", category="ethics_literacy", tags=["ethics"]
    )
    make_project(world.county_a, title="实践体验项目", category="practice")
    closed = make_project(world.county_a, title="未开放的项目", status="draft")
    client.force_login(world.teacher_user)
    response = client.get(reverse("ledger:mine"))
    suggestions = {item.project.title: item.counts_toward for item in response.context["suggestions"]}
    assert "师德教育" in suggestions[ethics.title]
    assert "师德与素养" in suggestions[ethics.title]
    assert closed.title not in suggestions
    assert "师德专题网络研修" in response.content.decode()


# --- What is missing, per requirement; counts that agree; the per-unit sheet (issue 13) ------------


def _ethics_short(person, key="full"):
    """360 hours in every category and level share, but none tagged ethics: only 师德教育 is short."""
    give(person, 60, f"{key}-1", category="ethics_literacy", level="city")
    give(person, 60, f"{key}-2", category="ethics_literacy", level="county")
    give(person, 60, f"{key}-3", category="knowledge_skills", level="county")
    give(person, 80, f"{key}-4", category="knowledge_skills", level="school", mode="school_based")
    give(person, 100, f"{key}-5", category="practice", level="school", mode="school_based")


def test_people_short_only_of_a_requirement_are_listed_with_what_is_missing_on_it_not_zero(client, world):
    adopt_preset(world.city)
    _ethics_short(world.teacher_a1)
    result = ComplianceResult.objects.get(person=world.teacher_a1)
    assert (result.compliant, result.shortfall_hours) == (False, 0)
    client.force_login(world.county_admin)
    page = client.get(reverse("ledger:compliance")).content.decode()
    assert "师德教育还差 60.0 学时" in page
    assert "总学时还差 0.0 学时" not in page
    sheet = load_workbook(io.BytesIO(client.get(reverse("ledger:compliance-export")).content))["达标情况"]
    header, *rows = sheet.iter_rows(values_only=True)
    row = dict(zip(header, next(row for row in rows if row[0] == world.teacher_a1.name), strict=True))
    assert row["尚未完成（各项还差）"] == "师德教育还差 60.0 学时"
    assert row["总学时还差"] == 0


def test_the_list_names_the_total_and_each_requirement_still_short(client, world):
    adopt_preset(world.city)
    give(world.teacher_a1, 60, "k1", category="ethics_literacy", tags=["ethics"], level="city")
    client.force_login(world.county_admin)
    response = client.get(reverse("ledger:compliance"))
    item = next(
        item for item in response.context["page"].object_list if item.person_id == world.teacher_a1.pk
    )
    missing = dict(item.missing_items)
    assert missing["总学时"] == 300
    assert missing["知识与技能"] == 140
    assert "师德教育" not in missing
    page = response.content.decode()
    assert "总学时还差 300.0 学时" in page
    assert "知识与技能还差 140.0 学时" in page


def test_a_result_stored_before_the_hours_were_kept_lists_the_requirements_by_name(client, world):
    adopt_preset(world.city)
    ComplianceResult.objects.filter(person=world.teacher_a1).update(shortfalls={})
    client.force_login(world.county_admin)
    page = client.get(reverse("ledger:compliance")).content.decode()
    assert "知识与技能" in page
    assert "还差 None" not in page


def test_people_without_a_result_are_not_counted_as_without_a_policy_and_every_count_adds_up(client, world):
    adopt_preset(world.city)
    make_person(world.school_a2, "新来的老师")  # a policy governs her; no result stored yet
    client.force_login(world.county_admin)
    response = client.get(reverse("ledger:compliance"))
    summary, units = response.context["summary"], response.context["children"]
    assert (summary["people"], summary["governed"], summary["ungoverned"], summary["pending"]) == (3, 2, 0, 1)
    for name in ("people", "governed", "compliant", "short", "ungoverned", "pending"):
        assert summary[name] == sum(item[name] for item in units)
    assert {item["org"].name: item["pending"] for item in units} == {"东湖实验小学": 0, "东湖第一中学": 1}
    page = response.content.decode()
    assert 'data-testid="ungoverned"' not in page
    assert "1 人尚未计算" in page


def test_people_no_policy_governs_are_counted_per_unit_and_in_the_headline(client, world):
    adopt_preset(world.county_a)  # 西山县 has none
    client.force_login(world.city_admin)
    response = client.get(reverse("ledger:compliance"))
    summary = response.context["summary"]
    units = {item["org"].name: item for item in response.context["children"]}
    assert (summary["ungoverned"], units["西山县"]["ungoverned"], units["东湖区"]["ungoverned"]) == (2, 2, 0)
    assert summary["people"] == sum(item["people"] for item in units.values())
    assert summary["pending"] == 0
    assert "2 人无适用政策" in response.content.decode()


def test_the_orgs_own_people_are_a_unit_of_their_own(client, world):
    adopt_preset(world.city)
    make_person(world.county_a, "教育局干部")
    from peixun.ledger import compliance

    compliance.rebuild()
    client.force_login(world.county_admin)
    response = client.get(reverse("ledger:compliance"))
    own = [item for item in response.context["children"] if item["own"]]
    assert [(item["org"], item["people"], item["governed"]) for item in own] == [(world.county_a, 1, 1)]
    assert response.context["summary"]["people"] == 3
    assert "东湖区（本级）" in response.content.decode()


def test_the_workbook_opens_with_a_summary_per_unit_that_matches_the_page(client, world):
    adopt_preset(world.city)
    _ethics_short(world.teacher_b1, "b1")
    for index in range(3):
        make_person(world.school_b2, f"教师{index}")
    from peixun.ledger import compliance

    compliance.rebuild()
    make_person(world.school_b2, "尚未计算的老师")
    client.force_login(world.city_admin)
    summary = client.get(reverse("ledger:compliance"), {"org": world.county_b.pk}).context["summary"]
    response = client.get(reverse("ledger:compliance-export"), {"org": world.county_b.pk})
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["各单位汇总", "达标情况"]
    header, *rows = book["各单位汇总"].iter_rows(values_only=True)
    assert header == ("单位", "人数", "达标", "未达标", "免修", "无适用政策", "尚未计算", "达标率（%）")
    units = {row[0]: row[1:] for row in rows}
    assert units["西山中心小学"] == (1, 0, 1, 0, 0, 0, 0)
    assert units["西山高级中学"] == (5, 0, 4, 0, 0, 1, 0)
    total = units["合计：西山县"]
    assert total == (6, 0, 5, 0, 0, 1, 0)
    assert total[:6] == (
        summary["people"],
        summary["compliant"],
        summary["short"],
        summary["exempt"],
        summary["ungoverned"],
        summary["pending"],
    )


def test_my_hours_says_the_total_is_reached_and_which_requirement_is_still_short(client, world):
    adopt_preset(world.city)
    _ethics_short(world.teacher_a1)
    client.force_login(world.teacher_user)
    page = client.get(reverse("ledger:mine")).content.decode()
    assert "总学时已达到，但还有 1 项要求未完成" in page
    assert "师德教育还差 60.0 学时" in page
    assert "还差 0.0" not in page


def test_my_hours_shows_the_hours_an_adjustment_took_away(client, world):
    adopt_preset(world.city)
    _ethics_short(world.teacher_a1)
    give(
        world.teacher_a1,
        -20,
        "adj",
        source="adjustment",
        reason="重复登记",
        category="practice",
        level="school",
    )
    client.force_login(world.teacher_user)
    page = client.get(reverse("ledger:mine")).content.decode()
    assert "已扣除调减 20.0 学时" in page
    assert "总学时还差 20.0 学时（已按调减 20.0 学时核算）" in page
    assert "实践体验还差 20.0 学时（已按调减 20.0 学时核算）" in page
    assert 'data-testid="total-met"' not in page
