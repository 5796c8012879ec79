"""The fuzz probe of /api/v1 (ADR 0050): schemathesis generates requests from the app's own
OpenAPI document — valid ones and deliberately invalid ones — and sends them in-process (WSGI, no
server) with a bureau administrator's key of one county, on the test database. Each answer must:

- not be a server error (5xx);
- have a status, content type and body the document declares for that operation;
- reject what does not match the document (negative cases) with a 4xx;
- if it is a refusal, be the one error shape {code, message, reasons} with a message in Chinese.

`make test` runs a short pass (FUZZ_EXAMPLES a few per operation); `make fuzz` a long one that also
prints the cases run and what failed (peixun/api/tests/test_fuzz.py)."""

import json
import logging
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS

from peixun.api.services import create_api_key
from peixun.certificates.tests.helpers import closed_project, template_for
from peixun.delivery.models import Assignment, Submission
from peixun.delivery.tests.helpers import lessons_past
from peixun.orgs.models import GrantRole
from peixun.testing.factories import make_project
from peixun.training.models import Cohort, Enrolment

CJK = re.compile(r"[\u4e00-\u9fff]")
ERROR_KEYS = {"code", "message", "reasons"}
QUIET_LOGGERS = ("django.request", "peixun.security")
CHECK_NAMES = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
)


def examples_per_operation(default: int) -> tuple[int, bool]:
    """How many cases of each kind per operation, and whether they are the same every run: a few,
    fixed, in `make test`; FUZZ_EXAMPLES (set by `make fuzz`), new ones each run."""
    if "FUZZ_EXAMPLES" in os.environ:
        return int(os.environ["FUZZ_EXAMPLES"]), False
    return default, True


class InProcessApp:
    """Django's WSGI handler for schemathesis' WSGI transport, run inside a test's transaction: like
    Django's own test client, it keeps the request signals from closing the test's connection."""

    def __init__(self) -> None:
        self.handler = WSGIHandler()

    def __call__(self, environ, start_response):
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            response = self.handler(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                response.close()
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)


def refusal_in_one_shape(ctx, response, case) -> bool | None:
    """Every refusal (4xx) is {code, message, reasons}, its message in Chinese."""
    if response.status_code < 400:
        return None
    body = json.loads(response.content or b"null")
    assert isinstance(body, dict) and set(body) == ERROR_KEYS, f"refusal not in the error shape: {body!r}"
    assert isinstance(body["code"], str) and body["code"], f"refusal without a code: {body!r}"
    assert CJK.search(body["message"]), f"refusal message not in Chinese: {body['message']!r}"
    for reason in body["reasons"]:
        assert CJK.search(str(reason.get("message", ""))), f"reason not in Chinese: {reason!r}"
    return True


def checks() -> list[Callable]:
    return [CHECKS.get_one(name) for name in CHECK_NAMES] + [refusal_in_one_shape]


def scene(world) -> dict[str, list[int]]:
    """Real ids of the key's county (a running project with a lesson, coursework and a submission;
    a closed project with certificates) and of another city, so path parameters hit objects that
    exist, inside and outside the key's scope, as well as ids that exist nowhere."""
    closed = closed_project(world, size=1)
    today = timezone.localdate()
    project = make_project(
        world.county_a,
        status="running",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=7),
        enrol_opens_at=timezone.now() - timedelta(days=30),
        enrol_closes_at=timezone.now() - timedelta(days=10),
    )
    outside = make_project(world.other_city)
    cohort = Cohort.objects.create(project=project, number=1, name="第1班")
    enrolment = Enrolment.objects.create(
        project=project,
        person=world.teacher_a1,
        school=world.teacher_a1.org,
        status="enrolled",
        source="self",
        cohort=cohort,
    )
    lesson = lessons_past(project, 1)[0]
    assignment = Assignment.objects.create(
        project=project, title="学习反思", kind="reflection", due_at=timezone.now() + timedelta(days=3)
    )
    submission = Submission.objects.create(
        assignment=assignment,
        enrolment=enrolment,
        text="反思" * 50,
        char_count=100,
        submitted_at=timezone.now(),
    )
    template_for(world)
    return {
        "project_id": [project.pk, closed.project.pk, outside.pk],
        "enrolment_id": [enrolment.pk, closed.enrolments[0].pk],
        "lesson_id": [lesson.pk],
        "assignment_id": [assignment.pk],
        "submission_id": [submission.pk],
        "person_id": [world.teacher_a1.pk, world.other_teacher.pk],
        "org_id": [world.county_a.pk, world.school_a1.pk, world.other_city.pk],
    }


def county_key(world) -> dict[str, str]:
    """A bureau administrator's key of 东湖区 (a subtree) with every action and room for the run."""
    _key, secret = create_api_key(
        org=world.county_a,
        name="模糊测试",
        role=GrantRole.BUREAU_ADMIN,
        actor=world.city_admin,
        rate_limit=1_000_000,
    )
    return {"X-API-Key": secret}


def cases(operation, mode: GenerationMode, ids: dict[str, list[int]]) -> st.SearchStrategy:
    """Generated cases of `operation`; half of them, for an operation with path parameters, with
    real ids of the scene in those parameters."""
    generated = operation.as_strategy(generation_mode=mode)
    names = [parameter.name for parameter in operation.path_parameters]
    if not names:
        return generated
    real = st.fixed_dictionaries({name: st.sampled_from(ids.get(name, [1])) for name in names})
    with_ids = real.flatmap(lambda given: operation.as_strategy(generation_mode=mode, path_parameters=given))
    return st.one_of(with_ids, generated)


@dataclass
class Outcome:
    cases: int = 0
    seconds: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def load_schema(client) -> schemathesis.BaseSchema:
    document = client.get("/api/v1/openapi.json").json()
    schema = schemathesis.openapi.from_dict(document)
    schema.app = InProcessApp()
    return schema


def fuzz(
    schema, headers: dict[str, str], ids: dict[str, list[int]], *, examples: int, derandomize: bool = True
) -> Outcome:
    """Every operation, up to `examples` positive and `examples` negative cases each (the same ones
    every time when `derandomize`, as in `make test`; new ones each run otherwise, as in `make
    fuzz`); a failing operation is shrunk to its smallest failing case and listed, and the run goes
    on to the next."""
    outcome = Outcome()
    started = time.monotonic()
    quiet = [logging.getLogger(name) for name in QUIET_LOGGERS]
    levels = [logger.level for logger in quiet]
    for logger in quiet:  # thousands of expected refusals; server errors (ERROR) still show
        logger.setLevel(logging.ERROR)
    try:
        _fuzz_operations(schema, headers, ids, examples, derandomize, outcome)
    finally:
        for logger, level in zip(quiet, levels, strict=True):
            logger.setLevel(level)
    outcome.seconds = time.monotonic() - started
    return outcome


def _fuzz_operations(schema, headers, ids, examples: int, derandomize: bool, outcome: Outcome) -> None:
    app = schema.app
    run_checks = checks()
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                max_examples=examples,
                deadline=None,
                database=None,
                derandomize=derandomize,
                phases=[Phase.explicit, Phase.generate, Phase.shrink],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=cases(operation, mode, ids))
            def run(case):
                outcome.cases += 1
                response = case.call(app=app, headers=headers)
                outcome.statuses[response.status_code] = outcome.statuses.get(response.status_code, 0) + 1
                case.validate_response(response, checks=run_checks, headers=headers)

            try:
                run()
            except BaseException as error:  # every failure is listed (shrunk), and the run goes on
                if isinstance(error, KeyboardInterrupt | SystemExit):
                    raise
                outcome.failures.append(f"{operation.label} ({mode.value}): {error}")
