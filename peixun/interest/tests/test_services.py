import pytest
from django.urls import reverse

from peixun.interest import services
from peixun.interest.exceptions import GroupSizeError, TooManyGroupsError
from peixun.interest.models import Application, InterestGroup
from peixun.interest.tests.factories import group, students, term

pytestmark = pytest.mark.django_db


def test_a_student_applying_to_a_third_group_is_refused_when_two_is_the_limit(world):
    the_term = term(world, max_groups_per_student=2)
    (student,) = students(world, 1)
    maths, physics, english = (group(world, the_term, name) for name in ("数学小组", "物理小组", "英语小组"))
    for joined in (maths, physics):
        services.apply_to_group(group=joined, student=student, actor=world.coordinator_a1)
    with pytest.raises(TooManyGroupsError) as refused:
        services.apply_to_group(group=english, student=student, actor=world.coordinator_a1)
    assert "学生1" in str(refused.value) and "2" in str(refused.value)
    assert not Application.objects.filter(group=english).exists()


def test_a_group_over_the_largest_size_is_refused_by_the_service_and_the_form(client, world):
    the_term = term(world)  # the seed's 20 to 30
    tutor = group(world, the_term, "数学小组").tutor
    fields = {
        "school": world.school_a1,
        "term": the_term,
        "name": "物理小组",
        "subject": "物理",
        "tutor": tutor,
    }
    with pytest.raises(GroupSizeError):
        services.create_group(capacity=31, actor=world.coordinator_a1, **fields)
    client.force_login(world.coordinator_a1)
    response = client.post(
        reverse("interest:group-new", args=[world.school_a1.pk]),
        {"term": the_term.pk, "name": "物理小组", "subject": "物理", "capacity": "31", "tutor": tutor.pk},
    )
    assert (
        response.status_code == 400
        and "20" in response.content.decode()
        and "30" in response.content.decode()
    )
    assert not InterestGroup.objects.filter(name="物理小组").exists()
