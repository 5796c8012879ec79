"""Notices: the header's bell counts the unread ones (one query, once per page); the list shows
them newest first with the unread highlighted; opening one marks it read and goes to what it is
about; one or all can be marked read; nobody reaches another account's notice."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peixun.testing.factories import make_project
from peixun.training.models import Notice
from peixun.training.services import notify

pytestmark = pytest.mark.django_db


def notice(user, kind="promoted", url="", **params):
    return Notice.objects.create(user=user, kind=kind, url=url, params={"title": "暑期研修", **params})


def test_the_bell_shows_how_many_notices_are_unread(client, world):
    for _ in range(4):
        notice(world.teacher_user)
    read = notice(world.teacher_user)
    Notice.objects.filter(pk=read.pk).update(read_at=timezone.now())
    notice(world.centre_staff)  # someone else's
    client.force_login(world.teacher_user)
    page = client.get(reverse("site:home")).content.decode()
    assert 'data-testid="unread-count">4<' in page


def test_no_badge_without_unread_notices(client, world):
    client.force_login(world.teacher_user)
    page = client.get(reverse("site:home")).content.decode()
    assert 'data-testid="notice-bell"' in page
    assert 'data-testid="unread-count"' not in page


def test_the_unread_count_costs_one_query_however_often_the_page_shows_it(client, world):
    notice(world.teacher_user)
    client.force_login(world.teacher_user)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("training:notices")).content.decode()
    counts = [
        q["sql"] for q in captured.captured_queries if "COUNT" in q["sql"] and "training_notice" in q["sql"]
    ]
    unread = [sql for sql in counts if "read_at" in sql and "IS NULL" in sql]
    assert len(unread) == 1
    assert 'data-testid="unread-count">1<' in page and 'data-testid="notices-unread"' in page


def test_the_list_highlights_unread_notices_in_the_readers_language(client, world):
    notice(world.teacher_user, kind="enrolment_approved")
    read = notice(world.teacher_user, kind="enrolment_rejected")
    Notice.objects.filter(pk=read.pk).update(read_at=timezone.now())
    client.force_login(world.teacher_user)
    page = client.get(reverse("training:notices")).content.decode()
    assert page.count('data-unread="1"') == 1
    assert "暑期研修" in page
    assert "enrolment_approved" not in page


def test_opening_a_notice_marks_it_read_and_goes_to_what_it_is_about(client, world):
    project = make_project(world.county_a)
    notify.send([world.teacher_user.pk], "promoted", project=project)
    item = Notice.objects.get(user=world.teacher_user)
    client.force_login(world.teacher_user)
    response = client.post(reverse("training:notice-open", args=[item.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("training:project-detail", args=[project.pk])
    item.refresh_from_db()
    assert item.read_at is not None


def test_a_notice_pointing_off_site_opens_the_list_instead(client, world):
    item = notice(world.teacher_user, url="https://example.com/phish")
    client.force_login(world.teacher_user)
    response = client.post(reverse("training:notice-open", args=[item.pk]))
    assert response["Location"] == reverse("training:notices")


def test_one_notice_is_marked_read_and_the_list_stays(client, world):
    first, second = notice(world.teacher_user), notice(world.teacher_user)
    client.force_login(world.teacher_user)
    response = client.post(reverse("training:notice-read", args=[first.pk]), {"page": "1"})
    assert response["Location"] == reverse("training:notices") + "?page=1"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None


def test_all_notices_are_marked_read_at_once(client, world):
    for _ in range(3):
        notice(world.teacher_user)
    other = notice(world.centre_staff)
    client.force_login(world.teacher_user)
    client.post(reverse("training:notices"))
    assert not Notice.objects.filter(user=world.teacher_user, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None
    page = client.get(reverse("training:notices")).content.decode()
    assert 'data-testid="unread-count"' not in page and 'data-testid="mark-all-read"' not in page


def test_another_accounts_notice_is_missing(client, world):
    theirs = notice(world.centre_staff)
    client.force_login(world.teacher_user)
    assert client.post(reverse("training:notice-open", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("training:notice-read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_an_account_without_notices_is_told_what_will_come(client, world):
    client.force_login(world.teacher_user)
    page = client.get(reverse("training:notices")).content.decode()
    assert 'data-testid="no-notices"' in page
