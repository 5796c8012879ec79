"""A policy's selection names tags of the closed list only (issue 13): a code off the list, an old
code or a word once typed is refused when the policy is entered — by the document check, the
services and the form — with a Chinese message at the field that says what to use; a policy stored
before the check still reads."""

from datetime import date

import pytest
from django.urls import reverse

from peixun.policies import services
from peixun.policies.exceptions import InvalidDocumentError
from peixun.policies.models import Policy, PolicyVersion
from peixun.policies.rules import PolicyInvalid, parse_policy

POLICY = """
code: donghu
name: 东湖区学时政策
period: {kind: cycle, years: 5, anchor: 2021-01-01}
required: {hours: 360}
rules:
  - {id: ethics, label: 师德教育, select: {tags: [ethics]}, min_hours: 60}
  - {id: head_teacher, label: 班主任专题, select: {tags: [TAG]}, min_hours: 30}
"""


@pytest.mark.parametrize(
    ("tag", "field", "message"),
    [
        ("head_teacher", "tags", "标签“head_teacher”不在标签列表中，请改用 head_teacher_topic（班主任专题）"),
        ("班主任", "tags", "标签“班主任”不在标签列表中，请改用 head_teacher_topic（班主任专题）"),
        (
            "head_teacher_topics",
            "tags",
            "标签“head_teacher_topics”不在标签列表中，可选：ethics（师德教育）、",
        ),
        (
            "anything",
            "not_tags",
            "标签“anything”不在标签列表中，可选：ethics（师德教育）、head_teacher_topic（班主任专题）",
        ),
    ],
)
def test_a_tag_off_the_list_is_refused_at_its_field_saying_what_to_use(tag, field, message):
    text = POLICY.replace("{tags: [TAG]}", f"{{{field}: [{tag}]}}")
    with pytest.raises(PolicyInvalid) as caught:
        parse_policy(text)
    [(place, said)] = caught.value.problems
    assert place == f"rules[1].select.{field}[0]"
    assert said.startswith(message)


def test_every_tag_of_the_list_is_accepted():
    for tag in ("ethics", "head_teacher_topic", "prescribed", "school_based_guidance", "probation"):
        policy = parse_policy(POLICY.replace("TAG", tag))
        assert policy.rules[1].select.tags == (tag,)


@pytest.mark.django_db
def test_the_services_refuse_it_and_save_nothing(world):
    with pytest.raises(InvalidDocumentError) as caught:
        services.create_policy(
            org=world.county_a,
            text=POLICY.replace("TAG", "head_teacher"),
            effective_from=date(2026, 1, 1),
            actor=world.county_admin,
        )
    assert caught.value.problems[0][0] == "rules[1].select.tags[0]"
    assert not PolicyVersion.objects.exists()
    version = services.create_policy(
        org=world.county_a,
        text=POLICY.replace("TAG", "head_teacher_topic"),
        effective_from=date(2026, 1, 1),
        actor=world.county_admin,
    )
    with pytest.raises(InvalidDocumentError):
        services.save_draft(
            version=version,
            text=POLICY.replace("TAG", "made_up"),
            effective_from=date(2026, 1, 1),
            actor=world.county_admin,
        )
    version.refresh_from_db()
    assert "head_teacher_topic" in version.text


@pytest.mark.django_db
def test_the_form_shows_the_problem_at_the_field_and_keeps_the_text(client, world):
    client.force_login(world.county_admin)
    data = {
        "org": world.county_a.pk,
        "text": POLICY.replace("TAG", "head_teacher"),
        "effective_from": "2026-01-01",
    }
    response = client.post(reverse("policies:create"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "规则第2条·计入范围·标签第1项" in page  # the field, named in Chinese
    assert "标签“head_teacher”不在标签列表中，请改用 head_teacher_topic（班主任专题）" in page
    assert "东湖区学时政策" in page
    assert not Policy.objects.exists()


@pytest.mark.django_db
def test_a_version_stored_before_the_check_still_reads(world):
    version = services.create_policy(
        org=world.county_a,
        text=POLICY.replace("TAG", "head_teacher_topic"),
        effective_from=date(2026, 1, 1),
        actor=world.county_admin,
    )
    resolved = dict(version.resolved)
    resolved["rules"] = [dict(rule) for rule in resolved["rules"]]
    resolved["rules"][1]["select"] = {**resolved["rules"][1]["select"], "tags": ["head_teacher"]}
    PolicyVersion.objects.filter(pk=version.pk).update(resolved=resolved)
    stored = PolicyVersion.objects.get(pk=version.pk)
    assert stored.rules.rules[1].select.tags == ("head_teacher",)
