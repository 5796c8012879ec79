"""Trainers and a closed project for quality's tests, made through the services."""

from peixun.certificates.tests.helpers import closed_project as closed_project
from peixun.quality import services
from peixun.testing.factories import make_person


def add_internal(world, person=None, *, keeper=None, title="backbone", actor=None):
    person = person or make_person(
        world.school_a1, "骨干甲", section="primary", subjects=["语文"], roles=["backbone"]
    )
    return services.add_trainer(
        keeper=keeper or world.county_a,
        person=person,
        data={"title": title, "subjects": "语文", "sections": "小学"},
        actor=actor or world.county_admin,
    )


def add_external(world, name="外聘专家", *, keeper=None, title="expert", actor=None):
    return services.add_trainer(
        keeper=keeper or world.county_a,
        person=None,
        data={
            "name": name,
            "unit": "江海师范学院",
            "contact": "0513-1234567",
            "title": title,
            "subjects": "数学",
        },
        actor=actor or world.county_admin,
    )
