"""The grading queue: a tutor walks the ungraded work of their classes one submission after another
(previous, next, save and go to the next), with a rubric when the assignment has one; another
class's work is not in their queue and its pages answer 404."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from peixun.delivery.models import Submission
from peixun.delivery.rules import rubric
from peixun.delivery.services import coursework as coursework_services
from peixun.delivery.tests.helpers import running_project
from peixun.orgs.models import GrantRole
from peixun.testing.factories import make_person, make_user
from peixun.training.models import Cohort, Enrolment

pytestmark = pytest.mark.django_db


def _assignment(world, project, title="学习反思", **fields):
    return coursework_services.save_assignment(
        project=project,
        actor=world.county_admin,
        fields={"title": title, "kind": "reflection", "due_at": timezone.now() + timedelta(days=3), **fields},
    )


def _hand_in(assignment, enrolment, user, text="这次培训让我认识到单元整体教学的重要。"):
    return coursework_services.submit(assignment=assignment, enrolment=enrolment, text=text, actor=user)


@pytest.fixture
def queue(world):
    """A running project with two classes: the first (3 trainees, `running.tutor_user`) and a
    second with its own tutor and one trainee; everyone handed in the reflection."""
    running = running_project(world, size=4)
    other_tutor = make_person(world.school_a1, "另一位辅导老师", section="primary", subjects=["数学"])
    other_user = make_user("other_tutor", (GrantRole.TUTOR, world.school_a1), person=other_tutor)
    second = Cohort.objects.create(project=running.project, number=2, name="第2班", tutor=other_tutor)
    Enrolment.objects.filter(pk=running.enrolments[3].pk).update(cohort=second)
    assignment = _assignment(world, running.project)
    submissions = [_hand_in(assignment, e, u) for e, u in zip(running.enrolments, running.users, strict=True)]
    return running, other_user, assignment, submissions


def test_the_queue_lists_only_the_tutors_classes_work(client, queue):
    running, other_user, _assignment, _submissions = queue
    client.force_login(running.tutor_user)
    page = client.get(reverse("delivery:grading")).content.decode()
    assert page.count('data-testid="queue-row"') == 3
    assert "另一位" not in page
    client.force_login(other_user)
    page = client.get(reverse("delivery:grading")).content.decode()
    assert page.count('data-testid="queue-row"') == 1


def test_another_class_s_submission_answers_404_in_the_queue(client, world, queue):
    _running, other_user, _assignment, submissions = queue
    client.force_login(other_user)
    assert client.get(reverse("delivery:grading-item", args=[submissions[0].pk])).status_code == 404
    response = client.post(
        reverse("delivery:grading-item", args=[submissions[0].pk]), {"score": "90", "action": "grade"}
    )
    assert response.status_code == 404
    submissions[0].refresh_from_db()
    assert submissions[0].status == "submitted"
    # The author sees their own work on its page, not in the queue.
    client.force_login(world.teacher_user)
    assert client.get(reverse("delivery:grading-item", args=[submissions[0].pk])).status_code == 403


def test_next_previous_and_save_and_next_walk_the_queue(client, queue):
    running, _other, _assignment, submissions = queue
    first, second, third = submissions[:3]
    client.force_login(running.tutor_user)
    start = client.get(reverse("delivery:grading")).content.decode()
    assert reverse("delivery:grading-item", args=[first.pk]) in start

    page = client.get(reverse("delivery:grading-item", args=[second.pk])).content.decode()
    assert f'href="{reverse("delivery:grading-item", args=[first.pk])}" rel="prev"' in page
    assert f'href="{reverse("delivery:grading-item", args=[third.pk])}" rel="next"' in page
    assert "2 / 3" in page or "第 2 份，共 3 份" in page or 'data-testid="queue-position"' in page

    response = client.post(
        reverse("delivery:grading-item", args=[first.pk]),
        {"score": "88", "comment": "认真", "action": "grade"},
    )
    assert response.url == reverse("delivery:grading-item", args=[second.pk])
    first.refresh_from_db()
    assert (first.status, first.score, first.comment) == ("graded", Decimal("88"), "认真")

    # Filtered to the assignment, the filter follows along; the last one goes back to the queue.
    filtered = f"?assignment={first.assignment_id}"
    client.post(
        reverse("delivery:grading-item", args=[second.pk]) + filtered, {"score": "70", "action": "grade"}
    )
    response = client.post(
        reverse("delivery:grading-item", args=[third.pk]) + filtered, {"score": "75", "action": "grade"}
    )
    assert response.url == reverse("delivery:grading") + filtered
    page = client.get(response.url).content.decode()
    assert 'data-testid="queue-empty"' in page


def test_a_bad_score_stays_on_the_submission_with_a_chinese_reason(client, queue):
    running, _other, _assignment, submissions = queue
    client.force_login(running.tutor_user)
    url = reverse("delivery:grading-item", args=[submissions[0].pk])
    response = client.post(url, {"score": "180", "action": "grade"}, follow=True)
    assert response.redirect_chain == [] or response.redirect_chain[-1][0].endswith(url)
    assert "0" in response.content.decode() and "100" in response.content.decode()
    submissions[0].refresh_from_db()
    assert submissions[0].status == "submitted"


def test_a_rubric_s_points_add_up_to_the_score(client, world):
    running = running_project(world, size=1)
    assignment = _assignment(
        world,
        running.project,
        max_score=Decimal("100"),
        rubric=rubric.parse("内容完整：40\n联系实际，40\n书写规范:20"),
    )
    submission = _hand_in(assignment, running.enrolments[0], running.users[0])
    client.force_login(running.tutor_user)
    url = reverse("delivery:grading-item", args=[submission.pk])
    page = client.get(url).content.decode()
    assert "内容完整" in page and 'name="points-2"' in page
    over = client.post(url, {"points-0": "45", "points-1": "30", "points-2": "10", "action": "grade"})
    assert over.status_code == 200
    submission.refresh_from_db()
    assert submission.status == "submitted"
    client.post(url, {"points-0": "35", "points-1": "30.5", "points-2": "18", "action": "grade"})
    submission.refresh_from_db()
    assert submission.score == Decimal("83.5")
    assert submission.rubric_points == ["35", "30.5", "18"]


def test_the_assignment_form_checks_the_rubric_adds_up_to_the_maximum(client, world):
    running = running_project(world, size=1)
    client.force_login(world.county_admin)
    form = {
        "title": "教学设计",
        "kind": "lesson_design",
        "due_at": (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
        "accepts_text": "on",
        "max_score": "100",
        "late_policy": "accept",
        "late_penalty": "0",
        "min_chars": "0",
        "rubric": "目标清晰：50\n过程合理：40",
    }
    response = client.post(reverse("delivery:assignment-create", args=[running.project.pk]), form)
    assert response.status_code == 200
    assert "90" in response.content.decode() and not running.project.assignments.exists()
    form["rubric"] = "目标清晰：50\n过程合理：50"
    client.post(reverse("delivery:assignment-create", args=[running.project.pk]), form)
    assert running.project.assignments.get().rubric == [
        {"name": "目标清晰", "max": "50"},
        {"name": "过程合理", "max": "50"},
    ]


def test_rubric_text_errors_name_the_line():
    with pytest.raises(rubric.RubricError) as error:
        rubric.parse("内容完整：40\n联系实际")
    assert (error.value.code, error.value.line) == ("no_points", 2)
    with pytest.raises(rubric.RubricError) as error:
        rubric.parse("内容完整：四十")
    assert error.value.code == "bad_points"
    assert rubric.score([{"name": "a", "max": "10"}], ["9.5"]) == (Decimal("9.5"), ["9.5"])
    with pytest.raises(rubric.RubricError):
        rubric.score([{"name": "a", "max": "10"}], ["10.05"])


def test_a_submission_graded_directly_leaves_the_queue(client, queue):
    running, _other, _assignment, submissions = queue
    assert Submission.objects.filter(status="submitted").count() == 4
    client.force_login(running.tutor_user)
    client.post(reverse("delivery:grade", args=[submissions[0].pk]), {"score": "60", "action": "grade"})
    page = client.get(reverse("delivery:grading")).content.decode()
    assert page.count('data-testid="queue-row"') == 2
