"""我的报名 for every account linked to a person, whatever their roles (issue 13, defect 6)."""

import pytest
from django.urls import reverse

from peixun.testing.factories import make_person, make_project
from peixun.training.services import enrolment as svc

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_centre_staff_with_a_person_record_reach_their_waitlisted_and_withdrawn_places_from_the_menu(
    client, world
):
    staff_person = make_person(world.school_a1, "孙敏", section="primary", subjects=["语文"])
    world.centre_staff.person = staff_person
    world.centre_staff.save(update_fields=["person"])
    full = make_project(world.county_a, capacity=1, title="满员项目")
    svc.enrol(project=full, person=world.teacher_a1, actor=world.teacher_user)
    waitlisted = svc.enrol(project=full, person=staff_person, actor=world.centre_staff)
    assert waitlisted.status == "waitlisted"
    left = make_project(world.county_a, title="已退出项目")
    svc.withdraw_enrolment(
        enrolment=svc.enrol(project=left, person=staff_person, actor=world.centre_staff),
        actor=world.centre_staff,
        as_teacher=True,
    )
    client.force_login(world.centre_staff)

    menu = {
        entry["url"]
        for item in client.get(reverse("site:home")).context["nav_items"]
        for entry in item.get("children") or [item]
    }
    assert reverse("training:my") in menu

    body = client.get(reverse("training:my"), **EN).content.decode()
    assert body.count('data-testid="my-enrolment"') == 2
    assert "满员项目" in body and "Number 1 on the waitlist." in body
    assert "已退出项目" in body and "Withdrawn" in body


def test_staff_without_a_person_record_have_no_my_training_in_the_menu(client, world):
    client.force_login(world.centre_staff)
    menu = {
        entry["url"]
        for item in client.get(reverse("site:home")).context["nav_items"]
        for entry in item.get("children") or [item]
    }
    assert reverse("training:my") not in menu and reverse("delivery:my") not in menu
