"""A closed project with results, and a template with a seal, for the certificate tests."""

import io

from PIL import Image, ImageDraw

from peixun.certificates import services
from peixun.delivery.services import attendance as attendance_services
from peixun.delivery.tests.helpers import lessons_past, running_project
from peixun.training.services import move_project


def seal_png(size: int = 240) -> bytes:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, size - 8, size - 8), outline=(200, 20, 20, 230), width=10)
    draw.regular_polygon((size // 2, size // 2, size // 5), 5, fill=(200, 20, 20, 230))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def closed_project(world, *, size: int = 3, absent: int = 0):
    """A closed project of 东湖区: everyone present at two lessons but the last `absent` trainees,
    absent from both (and so failing)."""
    running = running_project(world, size=size)
    lessons = lessons_past(running.project, 2)
    for enrolment in running.enrolments[: size - absent]:
        for lesson in lessons:
            attendance_services.mark(
                lesson=lesson, enrolment=enrolment, status="present", actor=world.county_admin
            )
    move_project(project=running.project, action="assess", actor=world.county_admin)
    move_project(project=running.project, action="close", actor=world.county_admin)
    running.project.refresh_from_db()
    return running


def template_for(world, kind: str = "pass", **fields):
    values = {
        "name": "东湖区合格证书",
        "kind": kind,
        "title": "",
        "body": "",
        "issuer": "东湖区教育局",
        "region": "320705",
        "active": True,
    }
    values.update(fields)
    return services.save_template(
        org=world.county_a, actor=world.county_admin, fields=values, seal=seal_png()
    )
