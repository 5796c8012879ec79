"""Storing, adopting and resolving policies: versions, effective dates, the nearest ancestor."""

from datetime import date

import pytest

from peixun.audit.models import AuditEvent
from peixun.policies import services
from peixun.policies.exceptions import InvalidDocumentError, NotDraftError, OverlapError
from peixun.policies.models import PolicyVersion, VersionStatus
from peixun.policies.rules.presets import preset_text
from peixun.policies.selectors import Governance, governing_version, policies_visible
from peixun.testing.factories import adopt_preset

pytestmark = pytest.mark.django_db

COUNTY_POLICY = """
code: donghu
name: 东湖区学时政策
period: {kind: cycle, years: 5, anchor: 2021-01-01}
required: {hours: 360}
include: [school-based-24]
rules:
  - {id: county_or_above, label: 县级及以上培训, select: {level_at_least: county}, min_hours: 180}
"""


def test_a_policy_is_stored_with_its_text_and_the_resolved_rules(world):
    version = services.create_policy(
        org=world.county_a, text=COUNTY_POLICY, effective_from=date(2026, 1, 1), actor=world.county_admin
    )
    assert (version.number, version.status, version.policy.code) == (1, VersionStatus.DRAFT, "donghu")
    assert version.text == COUNTY_POLICY
    assert [rule.id for rule in version.rules.rules][:2] == ["county_or_above", "school_based_prescribed_cap"]
    assert AuditEvent.objects.filter(action="policy_saved", org_path=world.county_a.path).exists()


def test_an_invalid_document_is_refused_with_its_problems_and_nothing_saved(world):
    with pytest.raises(InvalidDocumentError) as caught:
        services.create_policy(
            org=world.county_a,
            text=COUNTY_POLICY.replace("level_at_least: county", "level_at_least: town"),
            effective_from=date(2026, 1, 1),
            actor=world.county_admin,
        )
    assert caught.value.problems[0][0] == "rules[0].select.level_at_least"
    assert not PolicyVersion.objects.exists()


def test_a_county_policy_overrides_its_citys_for_the_countys_people(world):
    city = adopt_preset(world.city, "five-year-360")
    county = services.adopt(
        version=services.create_policy(
            org=world.county_a, text=COUNTY_POLICY, effective_from=date(2026, 1, 1), actor=world.county_admin
        ),
        actor=world.county_admin,
    )
    governance = Governance(date(2026, 6, 1))
    assert governance.version_for(world.school_a1.path) == county
    assert governance.version_for(world.school_b1.path) == city
    assert governance.version_for(world.other_school.path) is None
    # Before the county's policy started, the city's governed the county too.
    assert governing_version(world.school_a1.path, date(2025, 12, 31)) == city


def test_adopting_a_new_version_ends_the_previous_one_and_overlaps_are_refused(world):
    first = adopt_preset(world.city, "five-year-360")
    second = services.create_policy(
        org=world.city,
        text=preset_text("five-year-360"),
        effective_from=date(2026, 1, 1),
        actor=world.city_admin,
    )
    assert second.number == 2
    services.adopt(version=second, actor=world.city_admin)
    first.refresh_from_db()
    assert first.effective_until == date(2025, 12, 31)
    assert governing_version(world.school_a1.path, date(2025, 6, 1)) == first
    assert governing_version(world.school_a1.path, date(2026, 6, 1)) == second
    with pytest.raises(NotDraftError):
        services.adopt(version=second, actor=world.city_admin)
    with pytest.raises(NotDraftError):
        services.save_draft(
            version=second, text=second.text, effective_from=date(2027, 1, 1), actor=world.city_admin
        )
    early = services.create_policy(
        org=world.city,
        text=preset_text("five-year-360"),
        effective_from=date(2025, 6, 1),
        actor=world.city_admin,
    )
    with pytest.raises(OverlapError):
        services.adopt(version=early, actor=world.city_admin)


def test_policies_visible_include_those_above_the_users_scope(world):
    adopt_preset(world.city)
    services.create_policy(
        org=world.county_a, text=COUNTY_POLICY, effective_from=date(2026, 1, 1), actor=world.county_admin
    )
    assert {policy.code for policy in policies_visible(world.county_admin)} == {"five-year-360", "donghu"}
    assert {policy.code for policy in policies_visible(world.city_admin)} == {"five-year-360", "donghu"}
    assert not policies_visible(world.outsider).exists()
