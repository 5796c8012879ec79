"""A project's history and the audit log say what happened in words: the status and the move as
the page names them, the mandatory enrolment's way in Chinese, a project's name not a teacher's
职称, the class size not the places (found on the walk of issue 13)."""

import pytest
from django.urls import reverse

from peixun.audit.models import AuditEvent
from peixun.audit.templatetags.audit import audit_changes
from peixun.testing.factories import make_project
from peixun.training.services import move_project
from peixun.training.services.cohorts import form_cohorts

pytestmark = pytest.mark.django_db


def test_the_history_names_the_status_and_the_move_not_their_codes(client, world):
    project = make_project(world.county_a, status="submitted", title="班主任专题培训")
    move_project(project=project, action="approve", actor=world.county_admin)
    client.force_login(world.centre_staff)
    page = client.get(reverse("training:project-detail", args=[project.pk])).content.decode()
    history = page.split('data-testid="history"')[1].split("</ul>")[0]
    # PostgreSQL's jsonb keeps the keys in its own order.
    assert "状态：已提交 → 已通过" in history and "操作：审核通过" in history
    assert "submitted" not in history and "approve" not in history


def test_a_new_project_is_logged_with_its_name_and_a_teacher_keeps_their_title():
    created = AuditEvent(
        action="project_created", changes={"title": [None, "班主任专题培训"], "organiser": "东湖区"}
    )
    assert audit_changes(created) == "项目名称：— → 班主任专题培训；主办单位：东湖区"
    updated = AuditEvent(action="person_updated", changes={"title": ["second", "first"]})
    assert audit_changes(updated).startswith("职称：")


def test_forming_classes_is_logged_with_the_class_size(world):
    project = make_project(world.county_a, class_size=45)
    form_cohorts(project=project, actor=world.centre_staff)
    event = AuditEvent.objects.get(action="cohorts_formed")
    assert "每班人数：45" in audit_changes(event)


def test_a_mandatory_enrolment_is_logged_with_the_way_chosen_in_chinese():
    event = AuditEvent(action="enrolments_mandatory", changes={"option": "order", "enrolled": 6})
    assert audit_changes(event) == "处理方式：按规则顺序报满名额，其余候补；已报名：6"
