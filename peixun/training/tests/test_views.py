"""The training pages through the test client, HTMX requests included."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from peixun.testing.factories import make_person, make_project
from peixun.training.models import AnnualPlan, CodeImport, Enrolment, LearningCode, Notice, PlanItem, Project
from peixun.training.services import enrolment as svc

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HTMX = {"HTTP_HX_REQUEST": "true", **EN}


def page(response) -> str:
    return response.content.decode()


def test_a_teacher_sees_the_projects_they_may_enrol_in_first_and_why_not_for_the_rest(client, world):
    open_one = make_project(world.county_a, title="语文骨干", targets={"subjects": ["语文"]})
    closed_to_me = make_project(world.county_a, title="初中数学", targets={"sections": ["junior"]})
    make_project(world.county_b, title="西山项目")  # another county's: not shown at all
    make_project(world.county_a, title="草稿项目", status="draft")  # not published: not shown
    client.force_login(world.teacher_user)
    body = page(client.get(reverse("training:project-list"), **EN))
    assert body.index(open_one.title) < body.index(closed_to_me.title)
    assert "For Junior secondary teachers only." in body
    assert "西山项目" not in body and "草稿项目" not in body


def test_staff_see_the_projects_they_organise_including_drafts_with_a_constant_number_of_queries(
    client, world
):
    client.force_login(world.centre_staff)
    make_project(world.county_a, status="draft", title="草稿项目")
    client.get(reverse("training:project-list"), **EN)  # the first request of a session writes it
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("training:project-list"), **EN)
    for _ in range(10):
        make_project(world.county_a)
    with CaptureQueriesContext(connection) as many:
        body = page(client.get(reverse("training:project-list"), **EN))
    assert "草稿项目" in body
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_list_search_answers_htmx_with_the_results_alone(client, world):
    make_project(world.county_a, title="信息技术提升")
    client.force_login(world.city_admin)
    response = client.get(reverse("training:project-list"), {"q": "信息"}, HTTP_HX_TARGET="results", **HTMX)
    assert "信息技术提升" in page(response)
    assert "<html" not in page(response)


def form_data(world, **overrides) -> dict:
    now = timezone.localtime()
    data = {
        "organiser": world.county_a.pk,
        "title": "2026年班主任专题培训",
        "project_type": "head_teacher",
        "level": "county",
        "category": "knowledge_skills",
        "mode": "concentrated",
        "hours_credited": "30",
        "credit_class": "A",
        "enrol_opens_at": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "enrol_closes_at": (now + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
        "starts_on": (now + timedelta(days=10)).date().isoformat(),
        "ends_on": (now + timedelta(days=12)).date().isoformat(),
        "capacity": "40",
        "min_size": "10",
        "waitlist": "on",
        "confirm_hours": "48",
        "fee_per_trainee": "120",
        "fee_payer": "school",
        "enrolment_mode": "self",
        "approval_chain": "none",
        "quota_mode": "none",
        "lottery_weighted": "on",
        "lottery_lookback_years": "3",
        "class_size": "100",
        "group_by": "town",
        "audience": [world.county_a.pk],
        "t_roles": ["head_teacher"],
        "t_max_age_male": "52",
        "t_max_age_female": "47",
        "courses-TOTAL_FORMS": "2",
        "courses-INITIAL_FORMS": "0",
        "courses-0-name": "班级管理",
        "courses-0-hours": "20",
        "courses-0-category": "knowledge_skills",
        "courses-0-required": "on",
        "courses-0-assessed": "on",
        "courses-1-name": "自学",
        "courses-1-hours": "10",
        "courses-1-category": "knowledge_skills",
        "budget-TOTAL_FORMS": "1",
        "budget-INITIAL_FORMS": "0",
        "budget-0-kind": "experts",
        "budget-0-item": "专家费",
        "budget-0-amount": "6000",
        "trainers-TOTAL_FORMS": "1",
        "trainers-INITIAL_FORMS": "0",
        "trainers-0-name": "李老师",
        "trainers-0-role": "expert",
        "trainers-0-affiliation": "师范大学",
    }
    data.update(overrides)
    return data


def test_creating_a_project_with_courses_budget_trainers_rules_and_a_document(client, world):
    client.force_login(world.centre_staff)
    assert client.get(reverse("training:project-create"), **EN).status_code == 200
    data = form_data(
        world, attachment=SimpleUploadedFile("实施方案.pdf", b"%PDF-1.4 plan", "application/pdf")
    )
    response = client.post(reverse("training:project-create"), data, **EN)
    project = Project.objects.get(title="2026年班主任专题培训")
    assert response["Location"] == reverse("training:project-detail", args=[project.pk])
    assert project.status == "draft"
    assert [c.name for c in project.courses.all()] == ["班级管理", "自学"]
    assert not project.courses.get(name="自学").required
    assert project.targets == {"roles": ["head_teacher"], "max_age_male": 52, "max_age_female": 47}
    assert project.budget_lines.get().amount == Decimal("6000")
    document = project.attachments.get()
    download = client.get(reverse("training:attachment", args=[project.pk, document.pk]))
    assert download.content == b"%PDF-1.4 plan"
    assert "attachment" in download["Content-Disposition"]


def test_a_trainer_name_starting_like_a_formula_is_refused_in_the_form(client, world):
    client.force_login(world.centre_staff)
    data = form_data(world, **{"trainers-0-name": '=HYPERLINK("http://x.example")'})
    response = client.post(reverse("training:project-create"), data)
    assert response.status_code == 200 and not Project.objects.exists()
    assert "姓名不能以 =、+、- 或 @ 开头" in response.content.decode()


def test_a_form_with_errors_keeps_everything_typed(client, world):
    client.force_login(world.centre_staff)
    data = form_data(world, hours_credited="30.3", **{"courses-1-hours": "abc"})
    response = client.post(reverse("training:project-create"), data, **EN)
    body = page(response)
    assert response.status_code == 200
    assert "Hours go in steps of 0.5." in body
    assert "班级管理" in body and "专家费" in body and "李老师" in body
    assert 'data-keep="project-new"' in body  # the page script also keeps a copy in the browser
    assert not Project.objects.exists()


def test_the_detail_page_offers_the_moves_the_user_may_make(client, world):
    project = make_project(world.county_a, status="submitted")
    client.force_login(world.county_admin)
    body = page(client.get(reverse("training:project-detail", args=[project.pk]), **EN))
    assert 'data-testid="move-approve"' in body and 'data-testid="move-reject"' in body
    client.force_login(world.centre_staff)
    body = page(client.get(reverse("training:project-detail", args=[project.pk]), **EN))
    assert 'data-testid="move-approve"' not in body and 'data-testid="move-recall"' in body
    response = client.post(reverse("training:project-move", args=[project.pk, "approve"]), **EN)
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == "submitted"  # refused: centre staff do not approve


def test_rejecting_from_the_page_needs_a_reason_and_tells_the_organiser(client, world):
    project = make_project(world.county_a, status="submitted", created_by=world.centre_staff)
    client.force_login(world.county_admin)
    client.post(reverse("training:project-move", args=[project.pk, "reject"]), {"reason": ""}, **EN)
    project.refresh_from_db()
    assert project.status == "submitted"
    client.post(reverse("training:project-move", args=[project.pk, "reject"]), {"reason": "预算过高"}, **EN)
    project.refresh_from_db()
    assert (project.status, project.status_reason) == ("rejected", "预算过高")
    client.force_login(world.centre_staff)
    notices = page(client.get(reverse("training:notices"), **EN))
    assert "预算过高" in notices


def test_a_teacher_enrols_with_htmx_and_gets_the_box_back(client, world):
    project = make_project(world.county_a)
    client.force_login(world.teacher_user)
    box = page(client.get(reverse("training:project-detail", args=[project.pk]), **EN))
    assert 'data-testid="enrol-button"' in box
    response = client.post(reverse("training:enrol", args=[project.pk]), HTTP_HX_TARGET="enrol-box", **HTMX)
    body = page(response)
    assert 'data-testid="my-status"' in body and "Enrolled" in body
    assert "<html" not in body
    assert Enrolment.objects.get(project=project, person=world.teacher_a1).status == "enrolled"


def test_a_teacher_who_is_not_eligible_sees_why_on_the_project(client, world):
    project = make_project(world.county_a, targets={"titles": ["senior"]})
    client.force_login(world.teacher_user)
    body = page(client.get(reverse("training:project-detail", args=[project.pk]), **EN))
    assert 'data-testid="why-not"' in body and "For the titles Senior only." in body


def test_a_refused_enrolment_says_why_with_each_eligibility_reason(client, world):
    project = make_project(world.county_a, targets={"titles": ["senior"]})
    client.force_login(world.teacher_user)
    response = client.post(reverse("training:enrol", args=[project.pk]), **EN)
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == "You are not eligible for this project. For the titles Senior only."


def test_a_teacher_cannot_leave_a_mandatory_project_but_may_ask_for_an_exemption(client, world):
    project = make_project(world.county_a, enrolment_mode="mandatory")
    svc.enrol_mandatory(project=project, actor=world.county_admin)
    enrolment = Enrolment.objects.get(project=project, person=world.teacher_a1)
    client.force_login(world.teacher_user)
    client.post(reverse("training:enrolment-withdraw", args=[enrolment.pk]), **EN)
    enrolment.refresh_from_db()
    assert enrolment.status == "enrolled"
    client.post(
        reverse("training:exemption-request", args=[enrolment.pk]), {"reason": "health", "note": "住院"}, **EN
    )
    assert enrolment.exemptions.get().status == "pending_school"
    client.force_login(world.coordinator_a1)
    inbox = page(client.get(reverse("training:inbox"), **EN))
    assert 'data-testid="inbox-exemptions"' in inbox and "住院" in inbox


def test_the_school_approves_in_its_inbox(client, world):
    project = make_project(world.county_a, approval_chain="school")
    enrolment = svc.enrol(project=project, person=world.teacher_a1, actor=world.teacher_user)
    client.force_login(world.coordinator_a1)
    assert world.teacher_a1.name in page(client.get(reverse("training:inbox"), **EN))
    client.post(reverse("training:enrolment-decide", args=[enrolment.pk]), {"decision": "approve"}, **EN)
    enrolment.refresh_from_db()
    assert enrolment.status == "enrolled"
    assert Notice.objects.filter(user=world.teacher_user, kind="enrolment_approved").exists()


def test_a_coordinator_sees_only_their_schools_enrolments_and_exports_them(client, world):
    project = make_project(world.county_a)
    svc.enrol(project=project, person=world.teacher_a1, actor=None)
    svc.enrol(project=project, person=world.teacher_a2, actor=None)
    client.force_login(world.coordinator_a1)
    body = page(client.get(reverse("training:project-enrolments", args=[project.pk]), **EN))
    assert world.teacher_a1.name in body and world.teacher_a2.name not in body
    export = client.get(reverse("training:enrolments-export", args=[project.pk]))
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [world.teacher_a1.name]


def test_a_coordinator_reads_their_own_schools_count_beside_the_projects_places(client, world):
    """The heading's figures are the project's places; the list below is the coordinator's
    schools only, so the page says how many of those are in (found on the walk of issue 13)."""
    project = make_project(world.county_a, capacity=2, waitlist=True)
    svc.enrol(project=project, person=world.teacher_a1, actor=None)
    svc.enrol(project=project, person=world.teacher_a2, actor=None)
    svc.enrol(project=project, person=make_person(world.school_a1, "候补老师"), actor=None)
    client.force_login(world.coordinator_a1)
    body = page(client.get(reverse("training:project-enrolments", args=[project.pk])))
    assert "名额 2 / 2" in body
    assert "您负责的学校：已报名 1 人，候补 1 人。" in body
    client.force_login(world.centre_staff)
    body = page(client.get(reverse("training:project-enrolments", args=[project.pk])))
    assert "名额 2 / 2" in body and 'data-testid="in-scope"' not in body


def test_a_coordinator_nominates_teachers_of_their_school(client, world):
    project = make_project(world.county_a, enrolment_mode="nomination")
    other = make_person(world.school_a1, "孙老师")
    client.force_login(world.coordinator_a1)
    body = page(client.get(reverse("training:nominate", args=[project.pk]), **EN))
    assert "孙老师" in body and world.teacher_a2.name not in body  # another school's teacher
    client.post(
        reverse("training:nominate", args=[project.pk]), {"person": [other.pk, world.teacher_a2.pk]}, **EN
    )
    assert list(Enrolment.objects.filter(project=project).values_list("person__name", "status")) == [
        ("孙老师", "nominated")
    ]


def test_quotas_by_hand_and_in_proportion(client, world):
    project = make_project(world.county_a, capacity=10)
    client.force_login(world.centre_staff)
    assert world.school_a1.name in page(client.get(reverse("training:quotas", args=[project.pk]), **EN))
    client.post(
        reverse("training:quotas", args=[project.pk]),
        {f"quota-{world.school_a1.pk}": "6", f"quota-{world.school_a2.pk}": "4"},
        **EN,
    )
    assert dict(project.quotas.values_list("org__name", "quota")) == {
        world.school_a1.name: 6,
        world.school_a2.name: 4,
    }
    client.post(reverse("training:quotas", args=[project.pk]), {f"quota-{world.school_a1.pk}": "11"}, **EN)
    assert project.quotas.get(org=world.school_a1).quota == 6  # more than the capacity: refused
    client.post(reverse("training:quotas", args=[project.pk]), {"action": "proportional"}, **EN)
    project.refresh_from_db()
    assert project.quota_mode == "proportional"


def test_the_lottery_page_shows_the_seed_and_the_re_run_check(client, world, teachers):
    project = make_project(world.county_a, enrolment_mode="lottery", capacity=2)
    for person in teachers:
        svc.enrol(project=project, person=person, actor=None)
    Project.objects.filter(pk=project.pk).update(enrol_closes_at=timezone.now() - timedelta(minutes=1))
    client.force_login(world.centre_staff)
    client.post(reverse("training:lottery", args=[project.pk]), {"seed": "公开种子2026"}, **EN)
    client.force_login(world.teacher_user)
    body = page(client.get(reverse("training:lottery", args=[project.pk]), **EN))
    assert "公开种子2026" in body and "gives the same result" in body


def test_classes_tutors_moves_and_the_roster(client, world, teachers):
    project = make_project(world.county_a, class_size=3)
    for person in teachers:
        svc.enrol(project=project, person=person, actor=None)
    make_person(world.school_a2, "学科带头人甲", roles=["subject_leader"], subjects=["语文"])
    client.force_login(world.centre_staff)
    client.post(reverse("training:cohorts", args=[project.pk]), {"action": "form"}, **EN)
    client.post(reverse("training:cohorts", args=[project.pk]), {"action": "tutors"}, **EN)
    cohorts = list(project.cohorts.order_by("number"))
    assert [c.enrolments.count() for c in cohorts] == [3, 2]
    assert cohorts[0].tutor.name == "学科带头人甲"
    body = page(client.get(reverse("training:cohorts", args=[project.pk]), **EN))
    assert body.count('data-testid="cohort-card"') == 2
    moved = cohorts[0].enrolments.first()
    client.post(reverse("training:enrolment-move", args=[moved.pk]), {"cohort": cohorts[1].pk}, **EN)
    assert cohorts[1].enrolments.count() == 3
    roster = client.get(reverse("training:cohort-roster", args=[cohorts[1].pk]))
    sheet = load_workbook(io.BytesIO(roster.content)).worksheets[0]
    assert sheet.max_row == 4  # the header and three trainees


def test_learning_codes_handed_out_and_a_registration_list_finds_who_never_registered(
    client, world, teachers
):
    project = make_project(world.county_a, uses_learning_codes=True)
    for person in teachers[:3]:
        svc.enrol(project=project, person=person, actor=None)
    client.force_login(world.centre_staff)
    client.post(reverse("training:codes", args=[project.pk]), {"action": "generate"}, **EN)
    assert LearningCode.objects.filter(project=project, school=world.school_a1).count() == 3
    client.force_login(world.coordinator_a1)
    client.post(
        reverse("training:codes", args=[project.pk]),
        {"action": "issue_all", "school": world.school_a1.pk},
        **EN,
    )
    codes = list(LearningCode.objects.filter(project=project).order_by("code"))
    assert all(code.person_id for code in codes)
    client.force_login(world.centre_staff)
    listing = f"学习码,姓名\n{codes[0].code},x\n{codes[1].code},y\n".encode()
    response = client.post(
        reverse("training:codes", args=[project.pk]),
        {"action": "upload", "file": SimpleUploadedFile("reg.csv", listing)},
        **EN,
    )
    job = CodeImport.objects.get()
    assert response["Location"] == reverse("training:code-import", args=[job.pk])
    assert job.status == "valid" and job.matched == 2
    client.post(reverse("training:code-import", args=[job.pk]), **EN)
    assert LearningCode.objects.filter(project=project, registered_at__isnull=False).count() == 2
    body = page(client.get(reverse("training:codes", args=[project.pk]), **EN))
    assert body.count('data-testid="code-row"') == 1  # given out, never registered


def test_a_registration_list_with_unknown_codes_changes_nothing(client, world):
    project = make_project(world.county_a, uses_learning_codes=True)
    client.force_login(world.centre_staff)
    client.post(
        reverse("training:codes", args=[project.pk]),
        {"action": "upload", "file": SimpleUploadedFile("reg.csv", "学习码\nNOPE123\n".encode())},
        **EN,
    )
    job = CodeImport.objects.get()
    assert job.status == "invalid"
    assert "不属于本项目" in page(client.get(reverse("training:code-import", args=[job.pk]), **EN))


def test_an_annual_plan_compares_planned_and_actual_and_makes_draft_projects(client, world):
    client.force_login(world.county_admin)
    client.post(
        reverse("training:plan-list"),
        {"org": world.county_a.pk, "year": 2026, "title": "东湖区2026年培训计划"},
        **EN,
    )
    plan = AnnualPlan.objects.get()
    item = {
        "project_type": "all_staff",
        "level": "county",
        "mode": "remote",
        "planned_hours": "12",
        "planned_budget": "5000",
    }
    client.post(
        reverse("training:plan-detail", args=[plan.pk]),
        {"title": "师德培训", "planned_trainees": "600", **item},
        **EN,
    )
    client.post(
        reverse("training:plan-detail", args=[plan.pk]),
        {"title": "骨干培训", "planned_trainees": "60", **item},
        **EN,
    )
    first = PlanItem.objects.get(title="师德培训")
    response = client.post(reverse("training:plan-item-project", args=[first.pk]), **EN)
    project = Project.objects.get(plan_item=first)
    assert response["Location"] == reverse("training:project-edit", args=[project.pk])
    Project.objects.filter(pk=project.pk).update(places_taken=0)
    body = page(client.get(reverse("training:plan-detail", args=[plan.pk]), **EN))
    assert "660" in body  # planned trainees in total
    assert body.count('data-testid="plan-row"') == 2


def test_api_keys_are_shown_once_and_can_be_revoked(client, world):
    client.force_login(world.county_admin)
    response = client.post(
        reverse("apikeys:list"),
        {
            "name": "学习平台",
            "org": world.county_a.pk,
            "role": "centre_staff",
            "actions": ["projects:read"],
            "rate_limit": 120,
        },
        **EN,
    )
    body = page(response)
    assert 'data-testid="secret"' in body
    secret = body.split('<code class="user-select-all text-break">')[1].split("</code>")[0]
    make_project(world.county_a, title="平台可见")
    api = client.__class__()
    listing = api.get("/api/v1/training/projects", HTTP_X_API_KEY=secret)
    assert listing.status_code == 200 and listing.json()["items"][0]["title"] == "平台可见"
    from peixun.api.models import ApiKey

    key = ApiKey.objects.get()
    client.post(reverse("apikeys:revoke", args=[key.pk]), **EN)
    assert api.get("/api/v1/training/projects", HTTP_X_API_KEY=secret).status_code == 401


def test_the_enrolments_export_gives_enrolment_times_in_beijing_time(client, world):
    from datetime import UTC, datetime

    project = make_project(world.county_a)
    enrolment = svc.enrol(project=project, person=world.teacher_a1, actor=None)
    near_midnight = datetime(2026, 3, 1, 17, 30, tzinfo=UTC)  # 2026年3月2日 01:30 in Beijing
    Enrolment.objects.filter(pk=enrolment.pk).update(created_at=near_midnight)
    client.force_login(world.coordinator_a1)
    export = client.get(reverse("training:enrolments-export", args=[project.pk]))
    header, row = load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True)
    assert header[-1] == "报名时间（北京时间）"
    assert row[-1] == datetime(2026, 3, 2, 1, 30)  # noqa: DTZ001 - openpyxl reads naive values


def test_the_projects_history_shows_changed_times_in_beijing_time(client, world):
    from datetime import UTC, datetime

    from peixun.audit import events

    project = make_project(world.county_a)
    closes = datetime(2026, 3, 1, 17, 30, tzinfo=UTC)  # 2026年3月2日 01:30 in Beijing
    events.record(
        action="project_updated",
        target=project,
        org_path=world.county_a.path,
        changes={"enrol_closes_at": [None, str(closes)]},
    )
    client.force_login(world.county_admin)
    body = page(client.get(reverse("training:project-detail", args=[project.pk])))
    history = body[body.index('data-testid="history"') :]
    assert "2026年3月2日 01:30" in history
    assert "+00:00" not in history


SUBJECT_HEADER = '<th scope="col" class="d-none d-lg-table-cell">学科</th>'


def test_the_enrolment_list_labels_the_draw_number_and_shows_subject_only_when_a_row_has_one(client, world):
    project = make_project(world.county_a)
    svc.enrol(project=project, person=world.teacher_a1, actor=None)
    svc.enrol(project=project, person=world.teacher_a2, actor=None)
    Enrolment.objects.filter(project=project).update(subject="")
    Enrolment.objects.filter(project=project, person=world.teacher_a1).update(lottery_rank=3)
    client.force_login(world.centre_staff)
    url = reverse("training:project-enrolments", args=[project.pk])
    body = page(client.get(url))
    assert "抽签序号 3" in body and "#3" not in body
    assert SUBJECT_HEADER not in body
    Enrolment.objects.filter(project=project, person=world.teacher_a2).update(subject="语文")
    body = page(client.get(url))
    assert SUBJECT_HEADER in body
    assert "语文" in body
