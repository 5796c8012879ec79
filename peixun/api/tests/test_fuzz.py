"""The API fuzzed (ADR 0050): a short schemathesis pass over every operation of /api/v1 with a
county's key — no server error, every answer as the OpenAPI document declares it, every refusal in
the one error shape with a Chinese message. `make fuzz` runs the same with many more examples."""

import pytest
from django.core.cache import cache

from peixun.api.tests import fuzzing

pytestmark = pytest.mark.django_db


def test_every_operation_holds_under_generated_requests(client, world):
    cache.clear()
    schema = fuzzing.load_schema(client)
    outcome = fuzzing.fuzz(
        schema, fuzzing.county_key(world), fuzzing.scene(world), examples=fuzzing.examples_per_operation(3)
    )
    print(  # noqa: T201 — `make fuzz` shows the figures
        f"\nfuzz: {outcome.cases} cases over {len(list(schema.get_all_operations()))} operations in "
        f"{outcome.seconds:.1f} s; statuses {dict(sorted(outcome.statuses.items()))}; "
        f"{len(outcome.failures)} failing"
    )
    assert not outcome.failures, "\n\n".join(outcome.failures)
