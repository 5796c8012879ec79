"""The shared test world: a city with two counties of two schools each, a training centre, and an
unrelated city for the outsider. Every role has one account here."""

from dataclasses import dataclass

from peixun.accounts.models import User
from peixun.orgs.models import GrantRole, Org, Person
from peixun.testing.factories import make_org, make_person, make_user


@dataclass
class World:
    city: Org
    centre: Org
    county_a: Org
    county_b: Org
    school_a1: Org
    school_a2: Org
    school_b1: Org
    school_b2: Org
    other_city: Org
    other_school: Org
    teacher_a1: Person
    teacher_a2: Person
    teacher_b1: Person
    teacher_b2: Person
    other_teacher: Person
    city_admin: User
    county_admin: User
    centre_staff: User
    coordinator_a1: User
    tutor_a1: User
    teacher_user: User
    outsider: User
    no_role: User


def build_world() -> World:
    R = GrantRole
    city = make_org("江海市", "city", code="C320700")
    centre = make_org("江海市教师发展中心", "institution", city, code="I320700")
    county_a = make_org("东湖区", "county", city, code="C320705")
    county_b = make_org("西山县", "county", city, code="C320706")
    school_a1 = make_org("东湖实验小学", "school", county_a, code="S0001")
    school_a2 = make_org("东湖第一中学", "school", county_a, code="S0002")
    school_b1 = make_org("西山中心小学", "school", county_b, code="S0003")
    school_b2 = make_org("西山高级中学", "school", county_b, code="S0004")
    other_city = make_org("临江市", "city", code="C330100")
    other_school = make_org("临江第二中学", "school", other_city, code="S9001")
    teacher_a1 = make_person(school_a1, "李晓明", section="primary", subjects=["语文"], title="first")
    teacher_a2 = make_person(school_a2, "王芳", section="junior", subjects=["数学"], title="senior")
    teacher_b1 = make_person(school_b1, "赵刚", section="primary", subjects=["英语"], title="second")
    teacher_b2 = make_person(school_b2, "陈静", section="senior", subjects=["物理"], title="senior")
    other_teacher = make_person(other_school, "周磊", section="junior", subjects=["化学"])
    return World(
        city=city,
        centre=centre,
        county_a=county_a,
        county_b=county_b,
        school_a1=school_a1,
        school_a2=school_a2,
        school_b1=school_b1,
        school_b2=school_b2,
        other_city=other_city,
        other_school=other_school,
        teacher_a1=teacher_a1,
        teacher_a2=teacher_a2,
        teacher_b1=teacher_b1,
        teacher_b2=teacher_b2,
        other_teacher=other_teacher,
        city_admin=make_user("city_admin", (R.BUREAU_ADMIN, city)),
        county_admin=make_user("county_admin", (R.BUREAU_ADMIN, county_a)),
        centre_staff=make_user("centre_staff", (R.CENTRE_STAFF, county_a)),
        coordinator_a1=make_user("coordinator_a1", (R.SCHOOL_COORDINATOR, school_a1)),
        tutor_a1=make_user("tutor_a1", (R.TUTOR, school_a1)),
        teacher_user=make_user("teacher_a1", (R.TEACHER, school_a1), person=teacher_a1),
        outsider=make_user("outsider", (R.BUREAU_ADMIN, other_city)),
        no_role=make_user("no_role"),
    )
