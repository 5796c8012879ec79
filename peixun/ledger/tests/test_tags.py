"""One closed list of tags: a head-teacher class counts toward RULES A5 whichever code it was posted
under (issue 13), and a posting names only tags of the list."""

import pytest

from peixun.ledger import compliance
from peixun.ledger.exceptions import UnknownCodeError
from peixun.ledger.models import ComplianceResult, CreditEntry
from peixun.policies.rules import codes
from peixun.testing.factories import adopt_preset, give_hours

pytestmark = pytest.mark.django_db


def _head_teacher(world):
    person = world.teacher_a1
    person.roles = ["head_teacher"]
    person.save(update_fields=["roles"])
    return person


def test_the_shipped_presets_read_only_tags_of_the_closed_list():
    from peixun.policies.rules import preset, preset_codes

    for code in preset_codes():
        for rule in preset(code).rules:
            assert set(rule.select.tags) | set(rule.select.not_tags) <= set(codes.TAGS), code


def test_an_entry_stored_under_the_old_head_teacher_code_counts_toward_the_head_teacher_rule(world):
    adopt_preset(world.city)
    person = _head_teacher(world)
    give_hours(person, 10, "other")
    assert "head_teacher" in ComplianceResult.objects.get(person=person).short_rules
    # An entry posted before the codes were unified keeps its code (entries are append-only).
    entry = CreditEntry.objects.create(
        person=person,
        hours=30,
        category="knowledge_skills",
        tags=["head_teacher"],
        level="city",
        mode="concentrated",
        earned_on=CreditEntry.objects.get().earned_on,
        source="project",
        title="班主任专题培训",
        idempotency_key="old:head_teacher",
    )
    compliance.add_to_rollups(entry)
    compliance.refresh([person.pk])
    assert "head_teacher" not in ComplianceResult.objects.get(person=person).short_rules
    compliance.rebuild()
    assert "head_teacher" not in ComplianceResult.objects.get(person=person).short_rules
    lines = compliance.earned_from_entries([entry])
    assert lines[0].tags == frozenset({"head_teacher_topic"})


def test_a_posting_under_the_old_code_is_stored_under_the_tag_of_the_list(world):
    posted = give_hours(world.teacher_a1, 30, tags=["head_teacher"])
    assert posted.entry.tags == ["head_teacher_topic"]


@pytest.mark.parametrize("tag", ["班主任", "head_teacher_topicx", "informatics"])
def test_a_posting_with_a_tag_outside_the_list_is_refused_in_chinese(world, tag):
    with pytest.raises(UnknownCodeError) as caught:
        give_hours(world.teacher_a1, 30, tags=[tag])
    assert str(caught.value).startswith("未知的标签：")
    assert not CreditEntry.objects.exists()
