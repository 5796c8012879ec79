"""One competition from the school round to the final through the services, at small size (the
same flow as `bench/competition_flow.py`): small schools' quotas, the draw re-run, the xlsx marks
in the totals, 公示 with an upheld objection, the ethics veto and the numbered final awards."""

from decimal import Decimal

import pytest

from peixun.competitions import services
from peixun.competitions.models import Award, AwardStatus, PrizeRecord
from peixun.competitions.rules import scoring
from peixun.competitions.tests import flow as competition_flow

pytestmark = pytest.mark.django_db


def test_one_competition_from_the_school_round_to_the_final():
    flow = competition_flow.build(
        code="320399",
        sizes=[1, 2, 3, 5, 8, 11],
        year=2026,
        final_rate=Decimal("0.50"),
        first_share=Decimal("0.25"),
        second_share=Decimal("0.25"),
        third_share=Decimal("0.25"),
    )
    c = flow.competition
    district = c.stages.get(number=2)
    q = services.quotas(district)
    one, two, three = flow.schools[:3]
    # Half up with at least one place: 1 and 2 entrants (0.3, 0.6) get one place, nominated.
    assert [(q[s.pk].places, q[s.pk].nominated, q[s.pk].drawn) for s in (one, two, three)] == [(1, 1, 0)] * 3
    assert (q[flow.schools[5].pk].places, q[flow.schools[5].pk].nominated) == (3, 2) and len(q) == 6

    competition_flow.run(flow)
    assert all(flow.checks.values()), flow.checks
    assert flow.checks["round 2 draw re-run identical"] and flow.checks["final draw re-run identical"]
    assert district.places.count() == 10
    final = c.stages.get(number=3)
    assert final.places.count() == 5
    # The totals are the weighted means of the marks read back from the judge's xlsx sheet.
    weights = {i.pk: i.weight for i in final.items.all()}
    for place in final.places.all():
        marks = {item: flow.sheet_marks[(place.entry_id, item)] for item in weights}
        assert place.total == scoring.weighted_total(marks, weights)
    # The vetoed best finalist gets nothing; the upheld objection revoked its award; the rest numbered.
    assert flow.vetoed is not None and not Award.objects.filter(entry__person=flow.vetoed).exists()
    revoked = Award.objects.get(entry=flow.revoked)
    assert revoked.status == AwardStatus.REVOKED and revoked.revoke_reason.startswith("课例抄袭")
    standing = list(Award.objects.filter(competition=c, status=AwardStatus.FINAL))
    assert len(standing) == 2 and all(a.number and len(a.code) == 32 and a.issued_on for a in standing)
    # Falsification found after the final revokes the issued certificate and its prize record too.
    services.revoke_for_falsification(entry=standing[0].entry, reason="证书材料造假", actor=flow.actor)
    standing[0].refresh_from_db()
    assert standing[0].status == AwardStatus.REVOKED and standing[0].number
    assert PrizeRecord.objects.get(source=standing[0]).revoked
