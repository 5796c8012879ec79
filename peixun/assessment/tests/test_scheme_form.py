"""The assessment scheme written in a form (docs/decisions/0043-forms-for-policies-and-schemes.md):
the form builds the same document as the YAML and goes through the same parser; a problem names
its field in Chinese; Chinese field names work in the text; a file exported imports back equal;
the preview shows a trainee's result."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from peixun.assessment import forms as scheme_forms
from peixun.assessment.rules import presets
from peixun.assessment.rules.scheme import SchemeInvalid, export_text, parse_scheme, problem_lines
from peixun.audit.models import AuditEvent
from peixun.delivery.tests.helpers import running_project


def _built(data):
    form = scheme_forms.SchemeForm(data, parts=scheme_forms.parts_of(data, []))
    components = scheme_forms.ComponentFormSet(data, prefix="components")
    bands = scheme_forms.BandFormSet(data, prefix="bands")
    assert form.is_valid() and components.is_valid() and bands.is_valid(), (form.errors, components.errors)
    return scheme_forms.document(form, components, bands)[0]


@pytest.mark.parametrize("code", presets.codes())
def test_the_form_filled_with_a_preset_builds_the_same_scheme_as_its_yaml(code):
    scheme = presets.preset(code)
    document = _built(scheme_forms.as_post(scheme))
    assert parse_scheme(document) == scheme
    assert parse_scheme(export_text(scheme)) == scheme


def test_the_form_changed_builds_what_the_yaml_would_say():
    data = scheme_forms.as_post(presets.preset("head-teacher"))
    data.update({"components-1-weight": "20", "components-2-weight": "60", "pass_mark": "70"})
    data.update(
        {
            "bands-TOTAL_FORMS": "2",
            "bands-0-label": "优秀",
            "bands-0-min": "90",
            "bands-0-cap_share": "25",
            "bands-0-cap_per": "school",
            "bands-1-label": "合格",
            "bands-1-min": "0",
            "tie_break_1": "total",
            "tie_break_2": "lottery",
        }
    )
    written = parse_scheme(
        """
        方案名称: 班主任专题培训考核
        成绩构成:
          - {代码: attendance, 来源: attendance, 名称: 出勤, 权重: 20}
          - {代码: coursework, 来源: coursework, 名称: 作业, 权重: 20}
          - {代码: work, 来源: manual, 名称: 教育与组织工作, 权重: 60}
        合格分: 70
        等级:
          同分排序: [total, lottery]
          等级列表:
            - {等级代码: grade1, 名称: 优秀, 最低分: 90, 名额比例上限: 0.25, 名额限制范围: school}
            - {等级代码: grade2, 名称: 合格, 最低分: 0}
        优秀学员: {比例: 0.1}
        """.replace("\n        ", "\n")
    )
    built = parse_scheme(_built(data))
    assert built.components == written.components
    assert built.bands == written.bands and built.pass_mark == Decimal(70)
    assert built.hard_rules == written.hard_rules


def test_a_problem_names_its_field_in_chinese():
    with pytest.raises(SchemeInvalid) as refused:
        parse_scheme(
            {
                "name": "x",
                "components": [
                    {"key": "a", "source": "attendance", "weight": 50},
                    {"key": "b", "source": "manual", "weight": 150},
                ],
            }
        )
    assert problem_lines(refused.value.problems) == ["成绩构成第2行·权重：“150”太大，须不大于 100"]
    with pytest.raises(SchemeInvalid) as refused:
        parse_scheme({"方案名称": "x", "成绩构成": [{"代码": "a", "来源": "attendance", "权重": 95}]})
    assert problem_lines(refused.value.problems) == ["成绩构成：权重合计须为 100，现为 95"]


@pytest.mark.django_db
class TestPages:
    @pytest.fixture
    def running(self, world):
        return running_project(world, size=2)

    def test_weights_not_adding_up_to_100_are_refused_naming_the_field(self, client, world, running):
        client.force_login(world.county_admin)
        url = reverse("assessment:scheme", args=[running.project.pk])
        data = {**scheme_forms.as_post(presets.preset("head-teacher")), "mode": "form"}
        data["components-2-weight"] = "45"
        response = client.post(url, data)
        page = response.content.decode()
        assert response.status_code == 400 and "成绩构成：权重合计须为 100，现为 95" in page
        data["components-2-weight"] = "150"
        page = client.post(url, data).content.decode()
        assert "成绩构成第3行·权重：“150”太大，须不大于 100" in page
        assert running.project.scheme_versions.count() == 0

    def test_the_form_saves_a_version_whose_text_reads_back_the_same(self, client, world, running):
        client.force_login(world.county_admin)
        url = reverse("assessment:scheme", args=[running.project.pk])
        scheme = presets.preset("exam-practice")
        response = client.post(url, {**scheme_forms.as_post(scheme), "mode": "form", "note": "表单"})
        assert response.status_code == 302, __import__("re").findall(
            r"scheme-problems.{0,400}", response.content.decode()
        )
        version = running.project.scheme_versions.get()
        assert version.scheme() == scheme and parse_scheme(version.text) == scheme
        assert "成绩构成" in version.text and "权重" in version.text  # the stored text speaks Chinese

    def test_chinese_field_names_are_accepted_in_the_text_view(self, client, world, running):
        client.force_login(world.county_admin)
        url = reverse("assessment:scheme", args=[running.project.pk])
        text = (
            "方案名称: 出勤与作业\n成绩构成:\n  - {代码: a, 来源: attendance, 权重: 40}\n"
            "  - {代码: w, 来源: coursework, 权重: 60}\n合格分: 60\n"
        )
        assert client.post(url, {"mode": "text", "text": text}).status_code == 302
        assert running.project.scheme_versions.get().scheme().components[1].weight == 60
        bad = client.post(url, {"mode": "text", "text": text.replace("权重: 60}", "权重: 50}")})
        assert bad.status_code == 400 and "成绩构成：权重合计须为 100，现为 90" in bad.content.decode()
        english = client.post(url, {"mode": "text", "text": presets.preset_text("staged-tasks")})
        assert english.status_code == 302  # the English keys keep working

    def test_export_then_import_gives_the_same_scheme_and_both_are_audited(self, client, world, running):
        client.force_login(world.county_admin)
        project = running.project
        client.post(
            reverse("assessment:scheme", args=[project.pk]),
            {"mode": "text", "text": presets.preset_text("exam-practice")},
        )
        exported = client.get(reverse("assessment:scheme-export", args=[project.pk]))
        assert exported.status_code == 200 and "attachment" in exported["Content-Disposition"]
        text = exported.content.decode("utf-8")
        assert "成绩构成" in text and "components" not in text
        upload = SimpleUploadedFile("方案.yaml", exported.content, content_type="application/x-yaml")
        response = client.post(reverse("assessment:scheme-import", args=[project.pk]), {"upload": upload})
        assert response.status_code == 302
        first, second = project.scheme_versions.order_by("number")
        assert second.scheme() == first.scheme() == presets.preset("exam-practice")
        assert AuditEvent.objects.filter(action="scheme_exported").count() == 1
        assert AuditEvent.objects.filter(action="scheme_saved", changes__filename="方案.yaml").count() == 1

    def test_a_bad_or_large_file_saves_nothing_and_says_why(self, client, world, running):
        client.force_login(world.county_admin)
        url = reverse("assessment:scheme-import", args=[running.project.pk])
        bad = SimpleUploadedFile("bad.yaml", "方案名称: x\n成绩构成: []\n".encode())
        page = client.post(url, {"upload": bad}, follow=True).content.decode()
        assert "没有导入" in page and "成绩构成" in page
        large = SimpleUploadedFile("large.yaml", b"#" * 60_000)
        page = client.post(url, {"upload": large}, follow=True).content.decode()
        assert "50 KB" in page
        assert running.project.scheme_versions.count() == 0

    def test_the_preview_shows_the_sample_trainees_result(self, client, world, running):
        client.force_login(world.county_admin)
        url = reverse("assessment:scheme-preview", args=[running.project.pk])
        enrolment = running.enrolments[0]
        data = {**scheme_forms.as_post(presets.preset("head-teacher")), "sample": str(enrolment.pk)}
        page = client.post(url, data).content.decode()
        assert 'data-testid="preview-result"' in page and enrolment.person.name in page
        assert "教育与组织工作" in page  # the part scored by hand, waiting for its score
        data["components-2-weight"] = "45"
        page = client.post(url, data).content.decode()
        assert "权重合计须为 100，现为 95" in page and 'data-testid="preview-result"' not in page
        assert running.project.scheme_versions.count() == 0
