"""One message per action: a page shows each flash message once — the base layout shows them, and
a page or an HTMX partial that shows them itself does not repeat them on the full page."""

import html
import re

import pytest
from django.urls import reverse

from peixun.testing.factories import make_project
from peixun.training.models import Enrolment, Project
from peixun.training.services import enrolment as svc

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
ALERT = re.compile(r'role="alert">(.*?)</div>', re.S)


def alerts(response) -> list[str]:
    assert response.status_code == 200
    found = ALERT.findall(response.content.decode())
    return [html.unescape(re.sub(r"<[^>]+>", "", text)).strip() for text in found]


def assert_each_message_once(response) -> None:
    shown = alerts(response)
    assert shown, "the action shows a message"
    assert len(shown) == len(set(shown)), shown


def test_repairing_tags_shows_its_message_once(client, world):
    project = make_project(world.county_a, status="running")
    Project.objects.filter(pk=project.pk).update(tags=["师德x"])
    client.force_login(world.centre_staff)
    url = reverse("training:tag-repair")
    assert_each_message_once(client.post(url, {"project": project.pk, "tags": []}, **ZH))
    assert_each_message_once(client.post(url, {"project": project.pk, "tags": ["ethics"]}, follow=True, **ZH))


def test_enrolling_from_the_full_page_shows_the_message_once(client, world):
    project = make_project(world.county_a)
    client.force_login(world.teacher_user)
    response = client.post(reverse("training:enrol", args=[project.pk]), follow=True, **ZH)
    assert Enrolment.objects.filter(project=project, person=world.teacher_a1).exists()
    assert_each_message_once(response)


def test_approving_an_enrolment_shows_the_message_once(client, world):
    project = make_project(world.county_a, approval_chain="school")
    enrolment = svc.enrol(project=project, person=world.teacher_a1, actor=world.teacher_user)
    client.force_login(world.coordinator_a1)
    response = client.post(
        reverse("training:enrolment-decide", args=[enrolment.pk]), {"decision": "approve"}, follow=True, **ZH
    )
    enrolment.refresh_from_db()
    assert enrolment.status == "enrolled"
    assert_each_message_once(response)
