"""Assessment pages through the client: results for staff, the tutor's class and the school, the
scheme editor with presets and problems, manual scores, excellence with its notice and objections,
and the ethics vetoes."""

from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from peixun.assessment import services
from peixun.assessment.models import EthicsVeto, ExcellenceRound, ManualScore, Objection
from peixun.assessment.rules import presets
from peixun.delivery.services import attendance as attendance_services
from peixun.delivery.tests.helpers import lessons_past, running_project
from peixun.training.services import move_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def marked(world):
    running = running_project(world, size=3)
    lessons = lessons_past(running.project, 3)
    for index, enrolment in enumerate(running.enrolments):
        for lesson in lessons:
            status = "absent" if index == 2 else "present"
            attendance_services.mark(
                lesson=lesson, enrolment=enrolment, status=status, actor=world.county_admin
            )
    return running


def test_staff_see_every_result_with_the_reason_for_a_fail_and_export_them(client, world, marked):
    client.force_login(world.county_admin)
    page = client.get(reverse("assessment:results", args=[marked.project.pk])).content.decode()
    assert page.count('data-testid="result-row"') == 3
    assert "缺课 3 次，超过 3 次课的 1/3（1.0）" in page  # the reason for the fail, in the default language
    failed = client.get(
        reverse("assessment:results", args=[marked.project.pk]), {"filter": "failed"}
    ).content.decode()
    assert failed.count('data-testid="result-row"') == 1
    book = load_workbook(
        __import__("io").BytesIO(
            client.get(reverse("assessment:results-export", args=[marked.project.pk])).content
        )
    )
    assert book.active["A1"].value == "姓名" and book.active.max_row == 4


def test_a_school_coordinator_sees_only_their_teachers_and_a_teacher_is_refused(client, world, marked):
    from peixun.testing.factories import make_person
    from peixun.training.models import Enrolment

    other = make_person(world.school_b1, "外校学员")
    Enrolment.objects.create(
        project=marked.project, person=other, school=world.school_b1, status="enrolled", source="self"
    )
    services.recompute(project=marked.project)
    client.force_login(world.coordinator_a1)
    page = client.get(reverse("assessment:results", args=[marked.project.pk])).content.decode()
    assert page.count('data-testid="result-row"') == 3 and "外校学员" not in page
    client.force_login(world.teacher_user)
    assert client.get(reverse("assessment:results", args=[marked.project.pk])).status_code == 403


def test_the_scheme_page_saves_a_preset_as_a_new_version_and_shows_problems(client, world, marked):
    client.force_login(world.county_admin)
    url = reverse("assessment:scheme", args=[marked.project.pk])
    assert "班主任专题培训考核" in client.get(url, {"preset": "head-teacher"}).content.decode()
    bad = client.post(url, {"text": "name: x\ncomponents:\n  - {key: a, source: attendance, weight: 50}"})
    assert bad.status_code == 400 and 'data-testid="scheme-problems"' in bad.content.decode()
    response = client.post(
        url, {"text": presets.preset_text("head-teacher"), "preset": "head-teacher", "note": "改用班主任方案"}
    )
    assert response.status_code == 302
    assert marked.project.scheme_versions.count() == 2


OLD_EXAM_PRACTICE = presets.preset_text("exam-practice").replace(
    "required_courses: true", "required_courses: true\n  min_exam_score: 60"
)


def test_the_scheme_page_states_the_d6_grades_and_the_tie_break_in_chinese(client, world, marked):
    services.save_version(
        project=marked.project,
        text=presets.preset_text("exam-practice"),
        actor=world.county_admin,
        preset="exam-practice",
    )
    client.force_login(world.county_admin)
    page = client.get(reverse("assessment:scheme", args=[marked.project.pk])).content.decode()
    assert "等级只按校本实践评定（满分 20 分）" in page
    assert "优秀 ≥ 18（每校不超过 25%）、良好 ≥ 15、合格 ≥ 12、不合格 ≥ 0" in page
    assert "名额按以下先后：校本实践得分高者，其次总分高者，其次按本项目公开种子" in page
    assert f"band-{marked.project.pk}" in page
    assert 'data-testid="scheme-outdated"' not in page  # saved from the preset as it is now
    services.set_manual_score(
        enrolment=marked.enrolments[0], key="practice", value=Decimal(16), actor=world.county_admin
    )
    results = client.get(reverse("assessment:results", args=[marked.project.pk])).content.decode()
    assert "校本实践 良好" in results  # the grade says which part it grades
    assert results.count('badge text-bg-light border">校本实践') == 1  # no practice score yet: no grade


def test_a_scheme_saved_from_the_old_exam_practice_preset_is_told_and_can_start_again(client, world, marked):
    services.save_version(
        project=marked.project, text=OLD_EXAM_PRACTICE, actor=world.county_admin, preset="exam-practice"
    )
    client.force_login(world.county_admin)
    url = reverse("assessment:scheme", args=[marked.project.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="scheme-outdated"' in page and "笔试低于 60 分即不合格" in page
    assert "?preset=exam-practice" in page
    fresh = client.get(url, {"preset": "exam-practice", "mode": "text"}).content.decode()
    editor = fresh[fresh.index('id="scheme-text"') : fresh.index("</textarea>")]
    assert "tie_break: [total, lottery]" in editor and "min_exam_score" not in editor
    client.post(url, {"text": presets.preset_text("exam-practice"), "preset": "exam-practice"})
    assert 'data-testid="scheme-outdated"' not in client.get(url).content.decode()
    assert marked.project.scheme_versions.first().number == 3  # default, old preset, repaired


def test_the_tutor_enters_a_manual_score_for_their_class(client, world, marked):
    services.save_version(
        project=marked.project, text=presets.preset_text("head-teacher"), actor=world.county_admin
    )
    client.force_login(marked.tutor_user)
    enrolment = marked.enrolments[0]
    client.post(reverse("assessment:manual-score", args=[enrolment.pk]), {"key": "work", "value": "92"})
    assert ManualScore.objects.get(enrolment=enrolment).value == Decimal("92")
    client.force_login(world.coordinator_a1)
    assert (
        client.post(
            reverse("assessment:manual-score", args=[enrolment.pk]), {"key": "work", "value": "1"}
        ).status_code
        == 404
    )


def test_excellence_is_drawn_up_published_objected_to_and_shown_on_the_notice(client, world, marked):
    move_project(project=marked.project, action="assess", actor=world.county_admin)
    client.force_login(world.county_admin)
    url = reverse("assessment:excellence", args=[marked.project.pk])
    client.post(url, {"action": "draft", "share": "50", "ties": "include"})
    client.post(url, {"action": "publish"})
    round_ = ExcellenceRound.objects.get()
    assert round_.status == "notice" and round_.selected_ids()
    client.force_login(world.teacher_user)
    notice = client.get(reverse("assessment:notice", args=[marked.project.pk])).content.decode()
    assert 'data-testid="notice-list"' in notice
    client.post(
        reverse("assessment:objection-create", args=[marked.project.pk]),
        {"enrolment": round_.selected_ids()[0], "text": "有异议"},
    )
    objection = Objection.objects.get()
    client.force_login(world.county_admin)
    assert "有异议" in client.get(url).content.decode()
    client.post(
        reverse("assessment:objection-decide", args=[objection.pk]),
        {"decision": "dismiss", "response": "经核实无误"},
    )
    objection.refresh_from_db()
    assert objection.status == "dismissed"
    client.post(url, {"action": "finalise"})  # refused during the notice: a message, nothing final
    assert ExcellenceRound.objects.get().status == "notice"


def test_the_bureau_records_and_lifts_an_ethics_veto(client, world):
    client.force_login(world.county_admin)
    url = reverse("assessment:vetoes")
    assert world.teacher_a1.name in client.get(url, {"q": world.teacher_a1.name}).content.decode()
    client.post(url, {"person": world.teacher_a1.pk, "year": "2026", "reason": "师德考核不合格"})
    veto = EthicsVeto.objects.get()
    client.post(reverse("assessment:veto-lift", args=[veto.pk]))
    veto.refresh_from_db()
    assert veto.lifted_at is not None
    client.force_login(world.outsider)
    assert client.post(url, {"person": world.teacher_a1.pk, "year": "2026", "reason": "x"}).status_code == 404


def test_the_results_and_attendance_pages_cost_the_same_queries_for_more_trainees(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from peixun.testing.factories import make_person
    from peixun.training.models import Enrolment

    running = running_project(world, size=2)
    lessons_past(running.project, 2)
    services.recompute(project=running.project)
    client.force_login(world.county_admin)
    urls = [
        reverse("assessment:results", args=[running.project.pk]),
        reverse("delivery:attendance", args=[running.project.pk]),
    ]

    def counts():
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            # The session's idle-time stamp is written now and then (ADMIN_IDLE_TIMEOUT): not the page's cost.
            found.append(
                sum(1 for q in captured if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"])
            )
        return found

    before = counts()
    for index in range(6):
        person = make_person(world.school_a1, f"新学员{index}")
        Enrolment.objects.create(
            project=running.project,
            person=person,
            school=world.school_a1,
            status="enrolled",
            source="self",
            cohort=running.cohort,
        )
    services.recompute(project=running.project)
    assert counts() == before


def test_the_lead_of_the_results_page_ends_its_sentence_with_a_full_stop_not_a_latin_dot(
    client, world, marked
):
    client.force_login(world.county_admin)
    page = client.get(reverse("assessment:results", args=[marked.project.pk])).content.decode()
    assert "所有可能导致不合格的考核条件</a>。各项成绩齐全前结果为暂定" in page
    assert "</a>. " not in page
