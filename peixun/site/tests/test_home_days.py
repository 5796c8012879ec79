"""The home page is each role's day: a teacher's lessons (check in), coursework, leave, hours and the
trainings that would help; a tutor's lessons, work to grade, leave to decide and trainees at risk; a
school coordinator's quotas, teachers without accounts and compliance; the centre's and bureau's
projects by state, what waits for them and alerts. Every section has its empty state, stays inside
the user's scope, and the page's queries do not grow with the number of projects or trainees."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peixun.delivery.models import Assignment, Lesson, Submission
from peixun.delivery.services import attendance as attendance_services
from peixun.delivery.services import leave as leave_services
from peixun.delivery.tests.helpers import lesson_at, lessons_past, running_project
from peixun.orgs.models import GrantRole
from peixun.testing.factories import make_person, make_project, make_user
from peixun.training.models import Cohort, Enrolment, SchoolQuota

pytestmark = pytest.mark.django_db


def _today(offset: timedelta):
    """A moment `offset` from now that is still today in Beijing (the other way round near
    midnight), so "today's lessons" hold whenever the suite runs."""
    moment = timezone.now() + offset
    if timezone.localdate(moment) != timezone.localdate():
        moment = timezone.now() - offset
    return moment


def home(client, user):
    client.force_login(user)
    response = client.get(reverse("site:home"))
    assert response.status_code == 200
    return response


def assignment(project, title="教学反思", *, due_in=timedelta(days=3), **fields):
    return Assignment.objects.create(
        project=project, title=title, kind="reflection", due_at=timezone.now() + due_in, **fields
    )


def hand_in(assignment, enrolment):
    return Submission.objects.create(
        assignment=assignment, enrolment=enrolment, text="我的反思", char_count=4, submitted_at=timezone.now()
    )


def ask_leave(running, index=1):
    today = timezone.localdate()
    return leave_services.request_leave(
        enrolment=running.enrolments[index],
        kind="personal",
        reason="家中有事",
        starts_on=today + timedelta(days=1),
        ends_on=today + timedelta(days=1),
        actor=running.users[index],
    )


# --- The teacher ----------------------------------------------------------------------------------


def test_a_teacher_sees_todays_lesson_with_check_in_their_coursework_and_their_leave(client, world):
    running = running_project(world)
    lesson_at(running.project, _today(-timedelta(minutes=5)), topic="今日专题讲座")
    assignment(running.project, "单元教学设计")
    ask_leave(running, index=0)
    page = home(client, world.teacher_user).content.decode()
    assert 'data-testid="home-teacher"' in page
    assert "今日专题讲座" in page
    assert 'data-testid="code-input"' in page  # check in right here
    assert reverse("delivery:checkin") in page
    assert "单元教学设计" in page
    assert reverse("delivery:submit", args=[Assignment.objects.get().pk]) in page
    assert 'data-testid="home-leave-row"' in page
    assert 'data-testid="no-lessons-today"' not in page


def test_a_teacher_with_nothing_under_way_gets_a_helpful_empty_state_in_each_section(client, world):
    page = home(client, world.teacher_user).content.decode()
    for empty in ("no-lessons-today", "no-work", "no-leave"):
        assert f'data-testid="{empty}"' in page
    assert reverse("delivery:my-work") in page and reverse("delivery:my-leave") in page


def test_work_already_handed_in_is_not_listed_as_to_hand_in(client, world):
    running = running_project(world)
    hand_in(assignment(running.project, "已交的反思"), running.enrolments[0])
    page = home(client, world.teacher_user).content.decode()
    assert "已交的反思" not in page
    assert 'data-testid="no-work"' in page


def test_a_teacher_never_sees_another_teachers_work_or_leave(client, world):
    running = running_project(world)
    ask_leave(running, index=1)  # 学员1's leave, not teacher_a1's
    other = make_project(world.county_b, status="running", title="西山的项目")
    assignment(other, "别处的作业")
    page = home(client, world.teacher_user).content.decode()
    assert "别处的作业" not in page
    assert 'data-testid="home-leave-row"' not in page


def test_staff_who_are_no_trainees_get_no_teachers_day(client, world):
    response = home(client, world.coordinator_a1)
    assert response.context["teacher"] is None
    assert 'data-testid="home-teacher"' not in response.content.decode()


def test_the_teachers_own_pages_list_coursework_and_leave_across_projects(client, world):
    running = running_project(world)
    assignment(running.project, "待交的设计")
    hand_in(assignment(running.project, "交过的反思"), running.enrolments[0])
    ask_leave(running, index=0)
    client.force_login(world.teacher_user)
    work = client.get(reverse("delivery:my-work")).content.decode()
    to_do, done = work.split('data-testid="work-done"')
    assert "待交的设计" in to_do and "交过的反思" in done
    leave = client.get(reverse("delivery:my-leave")).content.decode()
    assert leave.count('data-testid="leave-request"') == 1
    assert reverse("delivery:my-project", args=[running.project.pk]) + "#leave" in leave


def test_the_teachers_menu_leads_to_lessons_coursework_and_leave(client, world):
    client.force_login(world.teacher_user)
    response = client.get(reverse("delivery:my-work"))
    items = response.context["nav_items"]
    urls = [item["url"] for item in items]
    assert {reverse("delivery:my"), reverse("delivery:my-work"), reverse("delivery:my-leave")} <= set(urls)
    assert [item["url"] for item in items if item["active"]] == [reverse("delivery:my-work")]


# --- The tutor ------------------------------------------------------------------------------------


def test_a_tutor_sees_todays_lessons_work_to_grade_leave_to_decide_and_trainees_at_risk(client, world):
    running = running_project(world, size=4)
    lesson_at(running.project, _today(timedelta(hours=1)), cohort=running.cohort, topic="下午的课")
    submission = hand_in(assignment(running.project, "单元教学设计"), running.enrolments[1])
    leave = ask_leave(running, index=2)
    past = lessons_past(running.project, 3, cohort=running.cohort)
    for lesson in past:  # 学员3 misses one of three: one more fails (a third is the limit)
        for enrolment in running.enrolments:
            status = "absent" if enrolment == running.enrolments[3] and lesson == past[0] else "present"
            attendance_services.mark(
                lesson=lesson, enrolment=enrolment, status=status, actor=world.county_admin
            )
    response = home(client, running.tutor_user)
    page = response.content.decode()
    assert "下午的课" in page
    assert reverse("delivery:submission", args=[submission.pk]) in page
    assert reverse("delivery:leave", args=[leave.pk]) in page
    at_risk = response.context["tutor"].at_risk
    assert [row.enrolment.person.name for row in at_risk] == ["学员3"]
    assert "再缺勤一次即不合格" in page


def test_a_tutor_with_a_quiet_day_gets_an_empty_state_in_each_section(client, world):
    running = running_project(world)
    page = home(client, running.tutor_user).content.decode()
    for empty in ("tutor-no-lessons", "tutor-nothing-to-grade", "tutor-no-leave", "tutor-no-risk"):
        assert f'data-testid="{empty}"' in page


def test_a_tutor_sees_only_the_work_of_their_own_class(client, world):
    running = running_project(world)
    other_tutor = make_person(world.school_a2, "别班老师")
    make_user("other_tutor", (GrantRole.TUTOR, world.school_a2), person=other_tutor)
    other = Cohort.objects.create(project=running.project, number=2, name="第2班", tutor=other_tutor)
    running.enrolments[1].cohort = other
    running.enrolments[1].save()
    hand_in(assignment(running.project), running.enrolments[1])
    page = home(client, running.tutor_user).content.decode()
    assert 'data-testid="tutor-nothing-to-grade"' in page


def test_the_tutors_inbox_counts_what_it_lists_and_lists_work_to_grade(client, world):
    """The inbox used to say "nothing waits" under a list of leave requests, and left out ungraded work."""
    running = running_project(world)
    submission = hand_in(assignment(running.project), running.enrolments[1])
    ask_leave(running, index=2)
    client.force_login(running.tutor_user)
    response = client.get(reverse("training:inbox"))
    page = response.content.decode()
    assert response.context["total"] == 2
    assert 'data-testid="inbox-empty"' not in page
    assert 'data-testid="inbox-grade"' in page and 'data-testid="inbox-leave"' in page
    assert reverse("delivery:submission", args=[submission.pk]) in page
    assert 'data-testid="inbox-total">2<' in page
    submission.status = "graded"
    submission.save()
    Lesson.objects.all().delete()
    leave_services.LeaveRequest.objects.all().delete()
    empty = client.get(reverse("training:inbox"))
    assert empty.context["total"] == 0
    assert 'data-testid="inbox-empty"' in empty.content.decode()


# --- The school coordinator -----------------------------------------------------------------------


def test_a_coordinator_sees_quotas_due_teachers_without_accounts_and_the_schools_compliance(client, world):
    project = make_project(
        world.county_a, title="有名额的培训", enrol_closes_at=timezone.now() + timedelta(days=5)
    )
    SchoolQuota.objects.create(project=project, org=world.school_a1, quota=5, used=2)
    elsewhere = make_project(world.county_b, title="别校的名额")
    SchoolQuota.objects.create(project=elsewhere, org=world.school_b1, quota=5)
    make_person(world.school_a1, "无账号老师")
    make_person(world.school_b1, "别校无账号")
    response = home(client, world.coordinator_a1)
    page = response.content.decode()
    school = response.context["school"]
    assert [quota.project.title for quota in school.quotas] == ["有名额的培训"]
    assert reverse("training:nominate", args=[project.pk]) in page
    assert "别校的名额" not in page
    assert school.without_account == 1  # teacher_a1 has an account; 别校无账号 is not theirs
    assert reverse("accounts:teachers") + "?show=none" in page
    assert 'data-testid="no-compliance"' in page  # no policy governs the test world


def test_a_coordinator_with_nothing_due_gets_empty_states(client, world):
    page = home(client, world.coordinator_a1).content.decode()
    assert 'data-testid="no-quotas"' in page
    assert 'data-testid="nothing-waiting"' in page


# --- Centre staff and bureau admins ---------------------------------------------------------------


def test_centre_staff_see_projects_by_state_in_scope_what_waits_and_alerts(client, world):
    make_project(world.county_a, status="draft", title="草稿一")
    make_project(world.county_a, status="enrolling", title="报名中")
    make_project(world.county_b, status="draft", title="西山的草稿")  # another county
    running = running_project(world)
    Lesson.objects.create(
        project=running.project,
        topic="忘了结束登记",
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=3) + timedelta(hours=2),
    )
    response = home(client, world.centre_staff)
    office = response.context["office"]
    counts = {code: count for code, _label, count in office.by_status}
    assert counts == {"draft": 1, "enrolling": 1, "running": 1}
    (alert,) = office.alerts
    assert alert.url == reverse("delivery:lesson", args=[Lesson.objects.get(topic="忘了结束登记").pk])
    assert "1 个课次已结束一天以上" in response.content.decode()


def test_a_bureau_admin_sees_projects_waiting_for_approval_with_the_inboxs_count(client, world):
    make_project(world.county_a, status="submitted", title="待审批项目")
    response = home(client, world.city_admin)
    waiting = response.context["waiting"]
    assert [(row.count, row.url) for row in waiting] == [(1, reverse("training:inbox") + "#projects")]
    assert reverse("training:inbox") + "#projects" in response.content.decode()


def test_an_admin_with_no_project_gets_empty_states(client, world):
    page = home(client, world.outsider).content.decode()
    assert 'data-testid="no-projects"' in page
    assert 'data-testid="no-alerts"' in page


def test_a_person_with_several_roles_sees_each_section(client, world):
    user = make_user(
        "many_hats",
        (GrantRole.CENTRE_STAFF, world.county_a),
        (GrantRole.SCHOOL_COORDINATOR, world.school_a1),
        (GrantRole.TEACHER, world.school_a1),
        person=make_person(world.school_a1, "多面手"),
    )
    page = home(client, user).content.decode()
    for section in ("home-office", "home-school", "home-teacher", "home-waiting"):
        assert f'data-testid="{section}"' in page


# --- The number of queries ------------------------------------------------------------------------


def _queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("site:home")).status_code == 200
    return len(captured)


class Growing:
    """Running projects added one by one, all with teacher_a1 and two more trainees in a class of the
    same tutor, each with a lesson today, work handed in and leave asked for."""

    def __init__(self, world) -> None:
        self.world = world
        self.first = running_project(world, size=3)
        self.tutor_user = self.first.tutor_user
        self._fill(self.first.project, self.first.enrolments, self.first.users)

    def _fill(self, project, enrolments, users) -> None:
        lesson_at(project, _today(timedelta(hours=1)), cohort=enrolments[0].cohort)
        hand_in(assignment(project), enrolments[1])
        today = timezone.localdate()
        leave_services.request_leave(
            enrolment=enrolments[2],
            kind="personal",
            reason="家中有事",
            starts_on=today + timedelta(days=1),
            ends_on=today + timedelta(days=1),
            actor=users[2],
        )

    def add(self, count: int) -> None:
        for index in range(count):
            project = make_project(
                self.world.county_a,
                status="running",
                title=f"项目{index}",
                starts_on=timezone.localdate() - timedelta(days=1),
                ends_on=timezone.localdate() + timedelta(days=7),
            )
            cohort = Cohort.objects.create(project=project, number=1, name="第1班", tutor=self.first.tutor)
            enrolments = [
                Enrolment.objects.create(
                    project=project,
                    person=person,
                    school=person.org,
                    status="enrolled",
                    source="self",
                    cohort=cohort,
                )
                for person in self.first.teachers
            ]
            self._fill(project, enrolments, self.first.users)


@pytest.mark.parametrize("who", ["teacher", "tutor", "centre", "coordinator", "admin"])
def test_the_home_pages_queries_do_not_grow_with_projects_and_trainees(client, world, who):
    growing = Growing(world)
    user = {
        "teacher": world.teacher_user,
        "tutor": growing.tutor_user,
        "centre": world.centre_staff,
        "coordinator": world.coordinator_a1,
        "admin": world.city_admin,
    }[who]
    few = _queries(client, user)
    growing.add(4)
    many = _queries(client, user)
    assert many <= few, f"{who}: {few} queries with 1 project, {many} with 5"


def test_the_tutors_trainees_at_risk_are_counted_all_and_listed_first_ones_in_the_same_queries(client, world):
    running = running_project(world, size=14)
    past = lessons_past(running.project, 3, cohort=running.cohort)

    def absent(enrolments) -> None:  # one absence of three: one more fails (a third is the limit)
        for enrolment in enrolments:
            attendance_services.mark(
                lesson=past[0], enrolment=enrolment, status="absent", actor=world.county_admin
            )

    def at_risk() -> tuple[int, list[str], int]:
        home(client, running.tutor_user)  # caches of a first visit warmed
        with CaptureQueriesContext(connection) as captured:
            tutor = home(client, running.tutor_user).context["tutor"]
        return tutor.at_risk_count, [row.enrolment.person.name for row in tutor.at_risk], len(captured)

    absent(running.enrolments[1:3])
    count, names, few_queries = at_risk()
    assert (count, names) == (2, ["学员1", "学员2"])
    absent(running.enrolments[3:])
    count, names, many_queries = at_risk()
    assert count == 13 and len(names) == 10 and names[:2] == ["学员1", "学员10"]  # by pinyin
    assert many_queries == few_queries
