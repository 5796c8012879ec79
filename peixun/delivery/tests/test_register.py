"""The tutor's register of a lesson: everyone present by default, the exceptions marked one tap at a
time (HTMX, with the counts above following), the rest saved in one request and one audit event;
approved leave shown and saved as leave; a cancelled lesson takes no marks."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peixun.audit.models import AuditEvent
from peixun.delivery import selectors
from peixun.delivery.models import Attendance, LeaveRequest, LessonStatus
from peixun.delivery.tests.helpers import lesson_at, running_project
from peixun.training.models import Cohort, Enrolment

pytestmark = pytest.mark.django_db


def _approved_leave(enrolment, lesson, kind="sick") -> LeaveRequest:
    day = timezone.localtime(lesson.starts_at).date()
    return LeaveRequest.objects.create(
        enrolment=enrolment, kind=kind, reason="发烧", starts_on=day, ends_on=day, status="approved"
    )


def _marks(lesson) -> dict[int, tuple[str, str]]:
    return {a.enrolment_id: (a.status, a.method) for a in Attendance.objects.filter(lesson=lesson)}


def test_the_register_saves_everyone_present_but_the_exceptions_and_approved_leave(client, world):
    running = running_project(world, size=4)
    first, on_leave, away, checked_in = running.enrolments
    lesson = lesson_at(running.project, timezone.now() - timedelta(minutes=30))
    # Leave approved after the lesson was planned is not yet a mark: the register shows it as leave.
    _approved_leave(on_leave, lesson)
    Attendance.objects.create(lesson=lesson, enrolment=checked_in, status="late", method="code")
    client.force_login(running.tutor_user)

    page = client.get(reverse("delivery:lesson", args=[lesson.pk])).content.decode()
    assert 'data-testid="on-leave"' in page
    assert f'id="mark-{on_leave.pk}-leave_sick" value="leave_sick" autocomplete="off" checked' in page
    assert f'id="mark-{first.pk}-present" value="present" autocomplete="off" checked' in page
    assert f'id="mark-{checked_in.pk}-late" value="late" autocomplete="off" checked' in page

    # The page as shown, with one exception: `away` is absent.
    form = {f"status-{e.pk}": "present" for e in (first, away)}
    form |= {f"shown-{e.pk}": "present" for e in (first, away)}
    form |= {f"status-{on_leave.pk}": "leave_sick", f"shown-{on_leave.pk}": "leave_sick"}
    form |= {f"status-{checked_in.pk}": "late", f"shown-{checked_in.pk}": "late"}
    form[f"status-{away.pk}"] = "absent"
    response = client.post(reverse("delivery:lesson-register", args=[lesson.pk]), form)
    assert response.status_code == 302

    assert _marks(lesson) == {
        first.pk: ("present", "register"),
        on_leave.pk: ("leave_sick", "leave"),
        away.pk: ("absent", "register"),
        checked_in.pk: ("late", "code"),  # the check-in stays
    }
    events = AuditEvent.objects.filter(action="attendance_register_saved", target_id=str(lesson.pk))
    assert events.count() == 1
    assert events.get().changes["marked"] == 3
    assert sorted(events.get().changes["marks"]) == sorted(
        [[first.pk, "", "present"], [on_leave.pk, "", "leave_sick"], [away.pk, "", "absent"]]
    )

    page = client.get(reverse("delivery:lesson", args=[lesson.pk])).content.decode()
    assert 'data-testid="count-marked">4<' in page
    assert 'data-testid="count-here">2<' in page  # present and late; sick leave and absent are not
    assert 'data-testid="count-absent">1<' in page

    # Saving again changes nothing and records nothing.
    client.post(reverse("delivery:lesson-register", args=[lesson.pk]), form)
    assert events.count() == 1


def test_a_check_in_made_while_the_page_was_open_is_kept_unless_the_tutor_changed_that_row(client, world):
    running = running_project(world, size=2)
    first, second = running.enrolments
    lesson = lesson_at(running.project, timezone.now() - timedelta(minutes=30))
    client.force_login(running.tutor_user)
    # Both rows showed present (not marked); meanwhile both checked in late.
    for enrolment in (first, second):
        Attendance.objects.create(lesson=lesson, enrolment=enrolment, status="late", method="code")
    form = {f"shown-{first.pk}": "present", f"status-{first.pk}": "present"}
    form |= {f"shown-{second.pk}": "present", f"status-{second.pk}": "absent"}
    client.post(reverse("delivery:lesson-register", args=[lesson.pk]), form)
    assert _marks(lesson) == {first.pk: ("late", "code"), second.pk: ("absent", "register")}


def test_a_mark_with_htmx_answers_the_row_and_the_counts_out_of_band(client, world, running):
    lesson = lesson_at(running.project, timezone.now() - timedelta(minutes=5))
    target = running.enrolments[1]
    client.force_login(running.tutor_user)
    response = client.post(
        reverse("delivery:lesson-mark", args=[lesson.pk, target.pk]),
        {f"status-{target.pk}": "absent", f"status-{running.enrolments[0].pk}": "present"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="row-{target.pk}"' in html and f'id="row-{running.enrolments[0].pk}"' not in html
    assert 'id="register-counts"' in html and 'hx-swap-oob="true"' in html
    assert 'id="register-save"' in html  # the save button's count follows too
    assert 'data-testid="count-marked">1<' in html and 'data-testid="count-absent">1<' in html
    assert _marks(lesson) == {target.pk: ("absent", "register")}


def test_a_cancelled_lesson_takes_no_register(client, world, running):
    lesson = lesson_at(running.project, timezone.now() - timedelta(minutes=5))
    lesson.status = LessonStatus.CANCELLED
    lesson.save()
    client.force_login(running.tutor_user)
    page = client.get(reverse("delivery:lesson", args=[lesson.pk])).content.decode()
    assert 'data-testid="register-cancelled"' in page and 'data-testid="save-register"' not in page
    form = {f"status-{e.pk}": "present" for e in running.enrolments}
    response = client.post(reverse("delivery:lesson-register", args=[lesson.pk]), form, follow=True)
    assert not Attendance.objects.exists()
    assert "取消" in response.content.decode()


def test_a_tutor_of_another_class_cannot_save_the_register(client, world, running):
    lesson = lesson_at(running.project, timezone.now())
    client.force_login(world.tutor_a1)
    response = client.post(reverse("delivery:lesson-register", args=[lesson.pk]), {})
    assert response.status_code in (403, 404)
    assert not Attendance.objects.exists()


def test_saving_all_present_writes_in_bulk_whatever_the_size_of_the_class(client, world):
    """The number of queries of one save does not grow with the class (bulk writes, one event)."""
    from peixun.assessment.services import ensure_version

    running = running_project(world, size=40)
    ensure_version(running.project)  # made once, by whichever save comes first: not counted here
    big = Cohort.objects.create(project=running.project, number=2, name="第2班", tutor=running.tutor)
    Enrolment.objects.filter(pk__in=[e.pk for e in running.enrolments[5:]]).update(cohort=big)
    client.force_login(running.tutor_user)

    def queries(cohort, size: int) -> int:
        lesson = lesson_at(running.project, timezone.now() - timedelta(minutes=30), cohort=cohort)
        with CaptureQueriesContext(connection) as captured:
            client.post(reverse("delivery:lesson-register", args=[lesson.pk]), {})
        assert {status for status, _method in _marks(lesson).values()} == {"present"}
        assert len(_marks(lesson)) == size
        return len(captured)

    assert queries(big, 35) - queries(running.cohort, 5) <= 5


def test_one_mark_reads_that_trainee_and_the_counts_whatever_the_size_of_the_class(client, world):
    """A mark's answer (its row, the counts out of band) is read for that trainee alone: the same
    number of queries in a class of 5 as in one of 35, with the counts the whole register shows."""
    running = running_project(world, size=40)
    big = Cohort.objects.create(project=running.project, number=2, name="第2班", tutor=running.tutor)
    Enrolment.objects.filter(pk__in=[e.pk for e in running.enrolments[5:]]).update(cohort=big)
    client.force_login(running.tutor_user)

    def mark(cohort, members) -> tuple[int, str]:
        lesson = lesson_at(running.project, timezone.now() - timedelta(minutes=30), cohort=cohort)
        _approved_leave(members[0], lesson)
        Attendance.objects.create(lesson=lesson, enrolment=members[1], status="late", method="code")
        url = reverse("delivery:lesson-mark", args=[lesson.pk, members[2].pk])
        with (
            CaptureQueriesContext(connection) as captured,
            mock.patch.object(selectors, "register", wraps=selectors.register) as read,
        ):
            response = client.post(url, {"status": "absent"}, HTTP_HX_REQUEST="true")
        assert [c.args[2] for c in read.call_args_list] == [[members[2].pk]]  # not the whole class
        html = response.content.decode()
        assert f'id="row-{members[2].pk}"' in html and html.count('data-testid="register-row"') == 1
        page = client.get(reverse("delivery:lesson", args=[lesson.pk])).content.decode()
        for part in ('id="register-counts"', 'id="register-save"'):
            start = page.index(part)
            shown = page[start : page.index("</div>", start)]
            assert shown in html.replace(' hx-swap-oob="true"', "")  # as the whole register shows them
        return len(captured), html

    small_queries, small = mark(running.cohort, running.enrolments[:5])
    big_queries, big_html = mark(big, running.enrolments[5:])
    assert 'data-testid="count-expected">35<' in big_html and 'data-testid="count-expected">5<' in small
    assert big_queries == small_queries


def test_saving_a_register_locks_the_lesson_without_blocking_check_ins(client, world):
    """Check-ins insert marks whose foreign key takes a key-share lock on the lesson row; the
    register takes FOR NO KEY UPDATE, which that lock does not wait for (a FOR UPDATE here
    deadlocked check-ins against tutors' marks under load, bench/load_checkin.py)."""
    running = running_project(world, size=2)
    lesson = lesson_at(running.project, timezone.now() - timedelta(minutes=30))
    client.force_login(running.tutor_user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(reverse("delivery:lesson-register", args=[lesson.pk]), {})
    assert response.status_code == 302
    assert Attendance.objects.filter(lesson=lesson).count() == 2
    locks = [q["sql"] for q in ctx.captured_queries if "FOR " in q["sql"] and "UPDATE" in q["sql"]]
    if connection.vendor == "postgresql":  # SQLite takes no row locks
        lesson_locks = [sql for sql in locks if 'FROM "delivery_lesson"' in sql]
        assert lesson_locks and all("FOR NO KEY UPDATE" in sql for sql in lesson_locks)
        project_locks = [sql for sql in locks if 'FROM "training_project"' in sql]
        assert project_locks and all("FOR NO KEY UPDATE" in sql for sql in project_locks)


def test_one_mark_locks_that_mark_alone_not_the_lesson_or_the_project(client, world, running):
    """A tutor's mark reads the trainee's row FOR UPDATE OF that row only. Without `of`, the
    model's ordering joined the lesson, the enrolment and the project and locked them FOR UPDATE,
    which deadlocked with check-ins under load (306 of 4,628 requests, bench/load_checkin.py,
    2026-12-04); a mark then takes no stronger lock on the project than FOR NO KEY UPDATE."""
    lesson = lesson_at(running.project, timezone.now() - timedelta(minutes=5))
    target = running.enrolments[1]
    client.force_login(running.tutor_user)
    url = reverse("delivery:lesson-mark", args=[lesson.pk, target.pk])
    for status in ("absent", "present"):  # the second finds the row and locks it
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(url, {f"status-{target.pk}": status}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert _marks(lesson) == {target.pk: (status, "register")}
        locks = [q["sql"] for q in ctx.captured_queries if " FOR " in q["sql"] and "UPDATE" in q["sql"]]
        if connection.vendor != "postgresql":  # SQLite takes no row locks
            continue

        def the_mark_alone(sql: str) -> bool:
            return 'UPDATE OF "delivery_attendance"' in sql or (
                'FROM "delivery_attendance"' in sql and " JOIN " not in sql
            )

        assert any('FROM "delivery_attendance"' in sql for sql in locks)
        assert [sql for sql in locks if "NO KEY" not in sql and not the_mark_alone(sql)] == []


def _two_classes(world):
    """A project of 6 with two classes: the running tutor's 第1班 (3) and 第2班 (3) of another tutor;
    a lesson for the whole project, held now."""
    from peixun.orgs.models import GrantRole
    from peixun.testing.factories import make_person, make_user

    running = running_project(world, size=6)
    other = make_person(world.school_a1, "二班老师", section="primary", subjects=["数学"])
    make_user("tutor_two", (GrantRole.TUTOR, world.school_a1), person=other)
    second = Cohort.objects.create(project=running.project, number=2, name="第2班", tutor=other)
    Enrolment.objects.filter(pk__in=[e.pk for e in running.enrolments[3:]]).update(cohort=second)
    lesson = lesson_at(running.project, timezone.now() - timedelta(minutes=30))
    return running, second, lesson


def _rows(page: str) -> int:
    return page.count('data-testid="register-row"')


def test_a_lesson_for_every_class_opens_on_the_tutors_own_class_and_shows_the_others_on_a_tap(client, world):
    """On a lesson for the whole project a tutor's register shows their own class (at 1,000 trainees
    a tutor's phone drew every class, ten times what they mark); a chip shows every class or
    another; the counts follow the classes shown, and saving saves those alone."""
    running, second, lesson = _two_classes(world)
    client.force_login(running.tutor_user)
    url = reverse("delivery:lesson", args=[lesson.pk])

    page = client.get(url).content.decode()
    assert _rows(page) == 3 and 'data-testid="register-classes"' in page
    assert 'data-testid="count-expected">3<' in page
    assert "我的班级" in page and "全部班级" in page and "第2班" in page
    assert 'href="?class=mine" aria-current="page"' in page
    every = client.get(url, {"class": "all"}).content.decode()
    assert _rows(every) == 6 and 'data-testid="count-expected">6<' in every
    assert _rows(client.get(url, {"class": second.pk}).content.decode()) == 3
    assert _rows(client.get(url, {"class": "nonsense"}).content.decode()) == 3  # the default

    # One tap answers the counts of the classes shown.
    mark = reverse("delivery:lesson-mark", args=[lesson.pk, running.enrolments[0].pk])
    html = client.post(f"{mark}?class=mine", {"status": "absent"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="count-expected">3<' in html and 'data-testid="count-marked">1<' in html
    html = client.post(f"{mark}?class=all", {"status": "late"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="count-expected">6<' in html

    response = client.post(reverse("delivery:lesson-register", args=[lesson.pk]), {"class": "mine"})
    assert response.status_code == 302 and response["Location"] == f"{url}?class=mine"
    assert set(_marks(lesson)) == {e.pk for e in running.enrolments[:3]}  # their class, nobody else


def test_staff_see_every_class_and_save_the_one_they_chose(client, world):
    running, second, lesson = _two_classes(world)
    client.force_login(world.county_admin)
    url = reverse("delivery:lesson", args=[lesson.pk])
    page = client.get(url).content.decode()
    assert _rows(page) == 6 and "我的班级" not in page
    assert 'href="?class=all" aria-current="page"' in page
    client.post(reverse("delivery:lesson-register", args=[lesson.pk]), {"class": str(second.pk)})
    assert set(_marks(lesson)) == {e.pk for e in running.enrolments[3:]}


def test_a_lesson_of_one_class_or_a_project_of_one_class_shows_no_class_chips(client, world, running):
    client.force_login(running.tutor_user)
    of_the_class = lesson_at(running.project, timezone.now() - timedelta(minutes=30), cohort=running.cohort)
    for_everyone = lesson_at(running.project, timezone.now() - timedelta(minutes=20))
    for lesson in (of_the_class, for_everyone):
        page = client.get(reverse("delivery:lesson", args=[lesson.pk])).content.decode()
        assert 'data-testid="register-classes"' not in page and _rows(page) == len(running.enrolments)
