"""The demo region: what `manage.py seed_demo` writes, and the demo accounts it prints."""

import re
from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from peixun.demo import plan
from peixun.demo import region as demo
from peixun.lib import idnumbers
from peixun.orgs.access import needs_second_factor
from peixun.orgs.models import Org, Person, RoleGrant


def seed_tiny(*extra: str) -> str:
    out = StringIO()
    call_command("seed_demo", "--scale", "tiny", *extra, stdout=out)
    return out.getvalue()


# --- The plan (no database) ----------------------------------------------------------------------------


def test_small_scale_is_one_county_of_twenty_schools_and_about_a_thousand_teachers():
    orgs = plan.plan_tree(plan.SCALES["small"], plan.make_rng(7))
    kinds = Counter(org.kind for org in orgs)
    assert kinds["county"] == 1
    assert kinds["school"] == 20
    assert kinds["institution"] == 1
    assert 950 <= sum(org.size for org in orgs if org.kind == "school") <= 1050


def test_province_scale_plans_more_than_half_a_million_people():
    orgs = plan.plan_tree(plan.SCALES["province"], plan.make_rng(7))
    assert sum(org.size for org in orgs) >= 500_000
    assert Counter(org.kind for org in orgs)["city"] == 13


def test_people_follow_the_section_shares_and_teachers_are_adults_hired_after_twenty_one():
    rng = plan.make_rng(11)
    orgs = plan.plan_tree(plan.SCALES["city"], rng)[:120]
    today = date(2026, 9, 1)
    people = list(plan.generate_people(orgs, plan.PeopleGenerator(rng, today=today)))
    sections = Counter(person.section for person in people)
    assert sections["primary"] / len(people) == pytest.approx(0.45, abs=0.08)
    assert sections["junior"] / len(people) == pytest.approx(0.30, abs=0.08)
    for person in people:
        age = (today - person.birth_date).days / 365.25
        assert 22 <= age <= 61
        assert (person.hire_date - person.birth_date).days >= 21 * 365
        assert person.hire_date <= today
        check = idnumbers.validate(person.id_number)
        assert check.ok, check.error
        assert (check.birth_date, check.gender) == (person.birth_date, person.gender)
    assert len({person.mobile for person in people}) == len(people)
    assert all(len(person.mobile) == 11 and person.mobile.startswith("1") for person in people)


def test_the_same_seed_plans_the_same_region():
    first = plan.plan_tree(plan.SCALES["small"], plan.make_rng(3))
    again = plan.plan_tree(plan.SCALES["small"], plan.make_rng(3))
    assert first == again


# --- The command ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_seed_demo_puts_every_person_in_a_school_or_training_centre_of_the_demo_county():
    seed_tiny()
    root = Org.objects.get(code=demo.DEMO_ROOT_CODE)
    county = Org.objects.get(kind="county")
    assert Person.objects.count() >= 30
    assert not Person.objects.exclude(org__kind__in=["school", "institution"]).exists()
    assert not Person.objects.exclude(org__path__startswith=county.path).exists()
    assert Org.objects.filter(kind="school").count() == 2
    for org in Org.objects.select_related("parent"):
        expected = (org.parent.path if org.parent else "") + f"{org.pk:08d}/"
        assert org.path == expected
        assert org.depth == org.path.count("/") - 1
        assert org.path.startswith(root.path)


@pytest.mark.django_db
def test_every_generated_id_number_validates_and_matches_birth_date_and_gender():
    seed_tiny()
    people = list(Person.objects.all())
    for person in people:
        check = idnumbers.validate(person.reveal_id_number())
        assert check.ok, check.error
        assert check.birth_date == person.birth_date
        assert check.gender == person.gender
        assert person.name_pinyin and person.name_initials
    assert len({person.id_hash for person in people}) == len(people)


@pytest.mark.django_db
def test_seed_demo_once_does_nothing_the_second_time():
    seed_tiny("--once")
    counts = (Org.objects.count(), Person.objects.count(), get_user_model().objects.count())
    output = seed_tiny("--once")
    assert (Org.objects.count(), Person.objects.count(), get_user_model().objects.count()) == counts
    assert "admin" not in output  # the logins are printed once, when created


@pytest.mark.django_db
def test_seed_demo_without_once_refuses_to_add_a_second_region():
    seed_tiny()
    with pytest.raises(CommandError):
        seed_tiny()


@pytest.mark.django_db
def test_seed_demo_refuses_when_a_demo_username_is_taken():
    get_user_model().objects.create_user(username="teacher", password="x-Unrelated-2026")
    with pytest.raises(CommandError):
        seed_tiny()
    assert not Org.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("username", [account.username for account in demo.DEMO_ACCOUNTS])
def test_each_demo_account_signs_in_through_the_login_form(client, username):
    seed_tiny()
    response = client.post(reverse("accounts:login"), {"username": username, "password": demo.DEMO_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("site:home")
    user = get_user_model().objects.get(username=username)
    if needs_second_factor(user):
        # The demo administrators have the published demo key: `manage.py demo_code` prints the code.
        assert client.get(reverse("site:home")).url.startswith(reverse("accounts:two-factor"))
        out = StringIO()
        call_command("demo_code", stdout=out)
        code = re.search(rf"^{username}[:：]\s*(\d{{6}})", out.getvalue(), re.M).group(1)
        assert client.post(reverse("accounts:two-factor"), {"code": code}).status_code == 302
    assert client.get(reverse("site:home")).status_code == 200


@pytest.mark.django_db
def test_demo_teacher_signs_in_by_mobile_phone_and_belongs_to_the_demo_school(client):
    seed_tiny()
    teacher = get_user_model().objects.select_related("person__org").get(username="teacher")
    grant = RoleGrant.objects.get(user=teacher)
    assert grant.role == "teacher"
    assert teacher.person.org == grant.org
    assert teacher.person.status == "active"
    response = client.post(
        reverse("accounts:login"), {"username": teacher.person.mobile, "password": demo.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(teacher.pk)


@pytest.mark.django_db
def test_seed_demo_prints_one_login_per_role():
    output = seed_tiny()
    for account in demo.DEMO_ACCOUNTS:
        assert account.username in output
    assert demo.DEMO_PASSWORD in output
    assert len(demo.demo_logins()) == len(demo.DEMO_ACCOUNTS)
