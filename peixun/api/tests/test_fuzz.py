"""The API fuzzed (ADR 0050): a short schemathesis pass over every operation of /api/v1 with a
county's key — no server error, every answer as the OpenAPI document declares it, invalid input
refused, every refusal in the one error shape with a Chinese message. `make fuzz` runs the same
with many more examples, new ones each run, and prints the figures."""

import pytest
from django.core.cache import cache

from peixun.api.tests import fuzzing

pytestmark = pytest.mark.django_db


def test_every_operation_holds_under_generated_requests(client, world):
    cache.clear()
    schema = fuzzing.load_schema(client)
    examples, derandomize = fuzzing.examples_per_operation(3)
    outcome = fuzzing.fuzz(
        schema, fuzzing.county_key(world), fuzzing.scene(world), examples=examples, derandomize=derandomize
    )
    operations = len(list(schema.get_all_operations()))
    statuses = dict(sorted(outcome.statuses.items()))
    report = (
        f"fuzz: {outcome.cases} cases over {operations} operations ({examples} positive and {examples} "
        f"negative at most each) in {outcome.seconds:.1f} s; statuses {statuses}; "
        f"{len(outcome.failures)} operations failing"
    )
    print("\n" + report + "".join(f"\n\n- {failure}" for failure in outcome.failures))
    assert not outcome.failures, "\n\n".join(outcome.failures)
