"""Change requests (变更申请) through the pages, in Chinese: the organiser opens one from an approved
project's page on a form filled with the values in force, the approver finds it in the inbox and the
list and sees only the differences before → after, approves or returns it with a comment."""

from datetime import timedelta

import pytest
from django.urls import reverse

from peixun.testing.factories import make_project
from peixun.testing.htmlforms import form_data
from peixun.training.models import ChangeRequest, Cohort, Enrolment, Notice
from peixun.training.services import changes as svc
from peixun.training.services import enrolment

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(world, teachers):
    project = make_project(
        world.county_a, title="2026年班主任专题培训", capacity=10, created_by=world.centre_staff
    )
    for person in teachers[:3]:
        enrolment.enrol(project=project, person=person, actor=None)
    cohort = Cohort.objects.create(project=project, number=1, name="第1班")
    Enrolment.objects.filter(project=project).update(cohort=cohort)
    project.refresh_from_db()
    return project


def text(response) -> str:
    return response.content.decode()


def open_form(client, project) -> tuple[str, dict]:
    url = reverse("training:change-new", args=[project.pk])
    return url, form_data(text(client.get(url)), "change-form")


def test_the_organiser_requests_a_change_from_the_project_page_on_a_form_filled_with_the_values_in_force(
    client, world, project
):
    client.force_login(world.centre_staff)
    page = text(client.get(reverse("training:project-detail", args=[project.pk])))
    assert "申请变更" in page and reverse("training:change-new", args=[project.pk]) in page
    url, data = open_form(client, project)
    assert data["capacity"] == "10"
    assert data["classes-0-name"] == "第1班"
    assert data["audience"] == str(world.county_a.pk)
    body = text(client.get(url))
    assert "当前已占用 3 个名额" in body
    data.update(
        {
            "capacity": "20",
            "reason": "报名人数超出预期。",
            "classes-TOTAL_FORMS": "2",
            "classes-1-name": "第2班",
        }
    )
    response = client.post(url, data)
    change = ChangeRequest.objects.get(project=project)
    assert response.status_code == 302 and response["Location"] == reverse(
        "training:change-detail", args=[change.pk]
    )
    # Only what was changed is a difference: times the form gives to the minute and the unused
    # look-back years of the target rules read the same as before.
    assert [row.field for row in svc.change_differences(change)] == ["capacity", "classes"]
    assert (change.capacity, change.status, [line["name"] for line in change.classes]) == (
        20,
        "pending",
        ["第1班", "第2班"],
    )
    page = text(client.get(reverse("training:project-detail", args=[project.pk])))
    assert "变更申请待审批" in page
    assert reverse("training:change-new", args=[project.pk]) not in page  # one open request at a time


def test_a_capacity_below_the_places_taken_comes_back_on_the_form_in_chinese_with_what_to_do(
    client, world, project
):
    client.force_login(world.centre_staff)
    url, data = open_form(client, project)
    data.update({"capacity": "2", "reason": "减少名额。"})
    body = text(client.post(url, data))
    assert "总名额不能少于已占用的 3 个名额" in body
    assert "先处理报名或候补" in body
    assert 'value="2"' in body  # what was typed is kept
    assert not ChangeRequest.objects.exists()


def test_the_form_refuses_dates_as_the_project_form_does(client, world, project):
    client.force_login(world.centre_staff)
    url, data = open_form(client, project)
    data.update({"ends_on": (project.starts_on - timedelta(days=1)).isoformat(), "reason": "改期。"})
    body = text(client.post(url, data))
    assert "结束日期不能早于开始日期" in body or "项目不能在开始之前结束" in body
    assert not ChangeRequest.objects.exists()


def test_a_class_with_trainees_cannot_be_removed_on_the_form(client, world, project):
    client.force_login(world.centre_staff)
    url, data = open_form(client, project)
    data.update({"classes-0-DELETE": "on", "reason": "合并班级。"})
    body = text(client.post(url, data))
    assert "“第1班”还有 3 名学员，不能删除" in body
    assert not ChangeRequest.objects.exists()


def test_the_approver_finds_the_request_in_the_inbox_and_sees_only_the_differences_in_chinese(
    client, world, project
):
    change = svc.submit_change(
        project=project,
        actor=world.centre_staff,
        proposal=svc.Proposal(**{**svc.proposal_of_project(project).__dict__, "capacity": 20}),
        reason="报名人数超出预期。",
    )
    client.force_login(world.county_admin)
    inbox = text(client.get(reverse("training:inbox")))
    assert "变更申请" in inbox and reverse("training:change-detail", args=[change.pk]) in inbox
    listing = text(client.get(reverse("training:change-list")))
    assert "2026年班主任专题培训" in listing and "待审批" in listing
    body = text(client.get(reverse("training:change-detail", args=[change.pk])))
    assert "变更前" in body and "变更后" in body
    assert "总名额" in body and ">10<" in body and ">20<" in body
    assert "结束日期" not in body  # unchanged: not listed
    assert "报名人数超出预期。" in body
    assert "批准并生效" in body and "退回" in body


def test_the_approver_approves_and_the_project_takes_the_new_capacity(client, world, project):
    change = svc.submit_change(
        project=project,
        actor=world.centre_staff,
        proposal=svc.Proposal(**{**svc.proposal_of_project(project).__dict__, "capacity": 20}),
        reason="增加名额。",
    )
    client.force_login(world.county_admin)
    response = client.post(
        reverse("training:change-decide", args=[change.pk]), {"decision": "approve"}, follow=True
    )
    assert "变更已批准，并已应用到项目" in text(response)
    project.refresh_from_db()
    change.refresh_from_db()
    assert (project.capacity, change.status) == (20, "approved")
    assert "已批准" in text(response)
    history = text(client.get(reverse("training:project-detail", args=[project.pk])))
    assert "变更已批准并生效" in history


def test_returning_needs_a_comment_and_the_organiser_edits_and_submits_again(client, world, project):
    change = svc.submit_change(
        project=project,
        actor=world.centre_staff,
        proposal=svc.Proposal(**{**svc.proposal_of_project(project).__dict__, "capacity": 30}),
        reason="增加名额。",
    )
    client.force_login(world.county_admin)
    decide = reverse("training:change-decide", args=[change.pk])
    response = client.post(decide, {"decision": "return", "comment": ""}, follow=True)
    assert "请填写意见" in text(response)
    assert ChangeRequest.objects.get(pk=change.pk).status == "pending"
    client.post(decide, {"decision": "return", "comment": "请改为 15 人。"})
    assert ChangeRequest.objects.get(pk=change.pk).status == "returned"

    client.force_login(world.centre_staff)
    notice = Notice.objects.get(user=world.centre_staff, kind="change_returned")
    assert notice.url == reverse("training:change-detail", args=[change.pk])
    body = text(client.get(reverse("training:change-detail", args=[change.pk])))
    assert "已退回" in body and "请改为 15 人。" in body and "修改后重新提交" in body
    edit = reverse("training:change-edit", args=[change.pk])
    data = form_data(text(client.get(edit)), "change-form")
    assert data["capacity"] == "30" and data["reason"] == "增加名额。"
    data.update({"capacity": "15", "reason": "按意见改为 15 人。"})
    assert client.post(edit, data).status_code == 302
    change.refresh_from_db()
    assert (change.status, change.capacity) == ("pending", 15)


def test_the_organiser_withdraws_a_request(client, world, project):
    change = svc.submit_change(
        project=project,
        actor=world.centre_staff,
        proposal=svc.Proposal(**{**svc.proposal_of_project(project).__dict__, "capacity": 30}),
        reason="增加名额。",
    )
    client.force_login(world.centre_staff)
    response = client.post(reverse("training:change-withdraw", args=[change.pk]), follow=True)
    assert "变更申请已撤回，项目保持不变" in text(response)
    assert ChangeRequest.objects.get(pk=change.pk).status == "withdrawn"


def test_out_of_scope_and_unpermitted_users_are_refused(client, world, project):
    change = svc.submit_change(
        project=project,
        actor=world.centre_staff,
        proposal=svc.Proposal(**{**svc.proposal_of_project(project).__dict__, "capacity": 30}),
        reason="增加名额。",
    )
    detail = reverse("training:change-detail", args=[change.pk])
    client.force_login(world.outsider)  # a bureau admin of another city
    assert client.get(detail).status_code == 404
    assert (
        client.post(reverse("training:change-decide", args=[change.pk]), {"decision": "approve"}).status_code
        == 404
    )
    client.force_login(world.teacher_user)
    assert client.get(detail).status_code == 403
    client.force_login(world.centre_staff)  # manages the project, may not decide
    assert (
        client.post(reverse("training:change-decide", args=[change.pk]), {"decision": "approve"}).status_code
        == 403
    )
    assert ChangeRequest.objects.get(pk=change.pk).status == "pending"


def test_a_draft_project_offers_no_change_request(client, world):
    draft = make_project(world.county_a, status="draft")
    client.force_login(world.centre_staff)
    page = text(client.get(reverse("training:project-detail", args=[draft.pk])))
    assert "申请变更" not in page
    response = client.get(reverse("training:change-new", args=[draft.pk]), follow=True)
    assert "只有已批准且尚未结项的项目才能申请变更" in text(response)


def test_the_edit_page_of_an_approved_project_points_to_the_change_request(client, world, project):
    client.force_login(world.centre_staff)
    response = client.get(reverse("training:project-edit", args=[project.pk]), follow=True)
    body = text(response)
    assert "已批准的项目不能直接编辑" in body and "申请变更" in body


def test_the_inbox_links_the_list_of_change_requests_for_staff_only(client, world):
    client.force_login(world.county_admin)
    assert reverse("training:change-list") in text(client.get(reverse("training:inbox")))
    client.force_login(world.teacher_user)
    assert reverse("training:change-list") not in text(client.get(reverse("training:inbox")))
