"""A credit policy written in a form (docs/decisions/0043-forms-for-policies-and-schemes.md): the
form builds the same policy as the YAML and goes through the same parser; a problem names its
field in Chinese; Chinese field names work in the text; an export imports back equal; the preview
shows a teacher's standing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from peixun.audit.models import AuditEvent
from peixun.lib.zhkeys import to_chinese
from peixun.policies import forms as policy_forms
from peixun.policies.models import PolicyVersion
from peixun.policies.rules import PolicyInvalid, parse_policy
from peixun.policies.rules.document import NAMES, problem_lines
from peixun.policies.rules.presets import preset, preset_codes, preset_document, preset_text
from peixun.testing.factories import give_hours


def _built(data):
    parts = policy_forms.bind(data, None)
    assert all(item.is_valid() for item in parts), [item.errors for item in parts]
    return policy_forms.document(*parts)[0]


@pytest.mark.parametrize("code", preset_codes())
def test_the_form_filled_with_a_preset_builds_the_same_policy_as_its_yaml(code):
    assert parse_policy(_built(policy_forms.as_post(preset_document(code)))) == preset(code)


def test_the_form_changed_builds_what_the_yaml_would_say():
    data = policy_forms.as_post(preset_document("five-year-360-county180"))
    data.update(
        {
            "required-TOTAL_FORMS": "1",
            "required-0-who": "title:senior",
            "required-0-hours": "540",
            "rules-0-min_hours": "200",
            "rules-1-categories": ["practice"],
        }
    )
    written = parse_policy(
        preset_text("five-year-360-county180")
        .replace("hours: 360                  # A9", "hours: 360\n  by_title: {senior: 540}")
        .replace("min_hours: 180\n  - id: school_based", "min_hours: 200\n  - id: school_based")
        .replace("select: {levels: [school]}", "select: {levels: [school], categories: [practice]}")
    )
    assert parse_policy(_built(data)) == written


def test_chinese_field_names_are_read_as_their_english_keys_and_problems_name_the_field():
    chinese = to_chinese(preset_document("annual-72"), NAMES)
    assert "应修" in chinese and parse_policy(chinese) == preset("annual-72")
    with pytest.raises(PolicyInvalid) as refused:
        parse_policy({**chinese, "规则": [{"编号": "a", "名称": "x", "最少学时": -1}]})
    assert problem_lines(refused.value.problems) == ["规则第1条·最少学时：“-1”太小，须不小于 0"]


@pytest.mark.django_db
class TestPages:
    def test_the_form_creates_a_draft_and_a_problem_is_shown_on_its_field(self, client, world):
        client.force_login(world.county_admin)
        url = reverse("policies:create")
        data = {
            **policy_forms.as_post(preset_document("annual-60")),
            "mode": "form",
            "org": world.county_a.pk,
            "effective_from": "2026-01-01",
        }
        bad = client.post(url, {**data, "hours_per_credit": "0"})
        assert bad.status_code == 400 and "学分·每学分学时：“0”太小，须大于 0" in bad.content.decode()
        assert not PolicyVersion.objects.exists()
        assert client.post(url, data).status_code == 302
        version = PolicyVersion.objects.get()
        assert version.rules == preset("annual-60") and "政策名称" in version.text

    def test_chinese_keys_in_the_text_view_and_export_then_import_round_trip(self, client, world):
        client.force_login(world.county_admin)
        text = preset_text("five-year-360-county180")
        text = text.replace("name:", "政策名称:").replace("required:", "应修:")
        data = {"mode": "text", "org": world.county_a.pk, "text": text, "effective_from": "2026-01-01"}
        assert client.post(reverse("policies:create"), data).status_code == 302
        first = PolicyVersion.objects.get()
        exported = client.get(reverse("policies:export", args=[first.pk]))
        assert exported.status_code == 200 and "规则" in exported.content.decode()
        assert AuditEvent.objects.filter(action="policy_exported").count() == 1
        upload = SimpleUploadedFile("政策.yaml", exported.content)
        edit = reverse("policies:version-edit", args=[first.pk])
        form = {"mode": "text", "text": "", "upload": upload, "effective_from": "2026-01-01"}
        assert client.post(edit, form).status_code == 302
        first.refresh_from_db()
        assert first.rules == preset("five-year-360-county180")
        assert AuditEvent.objects.filter(action="policy_saved", changes__filename="政策.yaml").exists()
        large = SimpleUploadedFile("large.yaml", b"#" * 300_000)
        page = client.post(edit, {**form, "upload": large}).content.decode()
        assert "200 KB" in page

    def test_the_preview_shows_the_sample_teachers_standing(self, client, world):
        client.force_login(world.county_admin)
        teacher = world.teacher_a1
        give_hours(teacher, 30)
        data = {**policy_forms.as_post(preset_document("annual-60")), "sample": str(teacher.pk)}
        page = client.post(reverse("policies:preview"), data).content.decode()
        assert 'data-testid="preview-result"' in page and teacher.name in page
        assert "60.0" in page and "30.0" in page  # required, counted
        page = client.post(reverse("policies:preview"), {**data, "required_hours": "-5"}).content.decode()
        assert "应修·学时" in page and 'data-testid="preview-result"' not in page
