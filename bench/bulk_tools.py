"""The tutor's bulk tools at 100 trainees (issue 14, point 3): how long each write takes with the
results it recomputes, in one process against a migrated database (DATABASE_URL), inside one
transaction rolled back at the end (nothing stays). Prints one line per action:

    register_all_present  trainees=100  p50_ms=…  max_ms=…  queries=…
    register_one_mark     trainees=1    …
    grade_one_submission  trainees=1    …
    score_import_check    rows=100      …
    score_import_apply    rows=100      …

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/peixun_x python -m bench.bulk_tools [--size 100]
"""

import argparse
import io
import os
import statistics
import sys
import time
from datetime import date, timedelta

RUNS = 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peixun.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    class Rollback(Exception):
        pass

    lines: list[str] = []

    def timed(name: str, unit: str, count: int, action) -> None:
        times, queries = [], 0
        for attempt in range(RUNS):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                action(attempt)
                times.append((time.perf_counter() - start) * 1000)
            queries = len(captured)
        lines.append(
            f"{name:<22} {unit}={count:<4} p50_ms={statistics.median(times):.0f} "
            f"max_ms={max(times):.0f} queries={queries}"
        )

    try:
        with transaction.atomic():
            _run(args.size, timed)
            raise Rollback
    except Rollback:
        pass
    print(f"database={connection.vendor}")
    for line in lines:
        print(line)
    return 0


def _run(size: int, timed) -> None:
    from django.utils import timezone
    from openpyxl import Workbook

    from peixun.assessment import imports as score_imports
    from peixun.assessment import services as assessment_services
    from peixun.assessment.rules import presets
    from peixun.delivery.services import attendance, coursework
    from peixun.delivery.tests.helpers import lesson_at, running_project
    from peixun.testing.factories import make_person
    from peixun.testing.personas import build_world
    from peixun.training.models import Enrolment

    world = build_world()
    running = running_project(world, size=RUNS + 1)
    # The factories' ID numbers repeat after 100 per birth date: the rest are born a day apart.
    for index in range(size - len(running.enrolments)):
        person = make_person(
            world.school_a1, f"学员{index + 10}", birth_date=date(1980, 1, 1) + timedelta(days=index)
        )
        running.teachers.append(person)
        running.enrolments.append(
            Enrolment.objects.create(
                project=running.project,
                person=person,
                school=world.school_a1,
                status="enrolled",
                source="self",
                cohort=running.cohort,
            )
        )
    assessment_services.save_version(
        project=running.project, text=presets.preset_text("exam-practice"), actor=world.county_admin
    )
    assessment_services.recompute(project=running.project)
    lessons = [lesson_at(running.project, timezone.now() - timedelta(hours=index + 1)) for index in range(3)]
    everyone = [e.pk for e in running.enrolments]

    def register(attempt: int) -> None:
        present = dict.fromkeys(everyone, "present")
        attendance.save_register(
            lesson=lessons[attempt], marks=present, shown=present, actor=running.tutor_user
        )

    timed("register_all_present", "trainees", size, register)

    def one_mark(attempt: int) -> None:
        status = ("absent", "late", "present")[attempt]
        attendance.mark(
            lesson=lessons[0], enrolment=running.enrolments[1], status=status, actor=running.tutor_user
        )

    timed("register_one_mark", "trainees", 1, one_mark)

    assignment = coursework.save_assignment(
        project=running.project,
        actor=world.county_admin,
        fields={"title": "反思", "kind": "reflection", "due_at": timezone.now() + timedelta(days=2)},
    )
    submissions = [
        coursework.submit(assignment=assignment, enrolment=e, text="体会" * 20, actor=u)
        for e, u in list(zip(running.enrolments, running.users, strict=False))[:RUNS]
    ]

    def grade(attempt: int) -> None:
        coursework.grade(submission=submissions[attempt], score=80, comment="认真", actor=running.tutor_user)

    timed("grade_one_submission", "trainees", 1, grade)

    def workbook(value: str) -> bytes:
        book = Workbook()
        sheet = book.active
        sheet.append(["班级编号", "成绩项", "学员编号", "姓名", "成绩"])
        for enrolment, person in zip(running.enrolments, running.teachers, strict=True):
            sheet.append([str(running.cohort.pk), "校本实践", str(enrolment.pk), person.name, value])
        output = io.BytesIO()
        book.save(output)
        return output.getvalue()

    files = [workbook(value) for value in ("15", "16.5", "18")]

    def check(attempt: int) -> None:
        summary = score_imports.check_scores_file(
            files[attempt], "scores.xlsx", scope_orgs=None, actor=running.tutor_user
        )
        assert not summary.errors, summary.errors[:3]

    timed("score_import_check", "rows", size, check)

    def apply(attempt: int) -> None:
        score_imports.apply_scores_file(
            files[attempt], "scores.xlsx", scope_orgs=None, actor=running.tutor_user
        )

    timed("score_import_apply", "rows", size, apply)


if __name__ == "__main__":
    sys.exit(main())
