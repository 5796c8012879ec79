"""The phones, tutors and browsers of bench.load_checkin: locust as a library, headless, in a process
of its own (gevent patches the standard library on import). Reads the plan the setup wrote, runs
one lesson's start against PUBLIC_URL and writes what the clients saw as JSON.

    python -m bench.load_swarm PLAN.json LESSON_ID WINDOW_SECONDS OUT.json
"""

import itertools
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

import gevent
from locust import HttpUser, between, constant, events, task
from locust.env import Environment
from locust.exception import StopUser

from peixun.delivery.rules import checkin

PHONES_IN_FLIGHT = 150
START_DELAY = 3.0
CHECKED_IN = "签到“"
MESSAGE = re.compile(r'class="[^"]*(?:alert|message)[^"]*"[^>]*>\s*(.*?)\s*<', re.S)


class State:
    plan: dict = {}
    lesson = 0
    window = 120.0
    t0 = 0.0
    next_index = 0
    finished = 0
    checked_in: list[str] = []
    ok_times: list[float] = []
    refusals: list[str] = []
    refused = 0
    samples: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    error_times: list[float] = []
    done = False

    @classmethod
    def take(cls) -> int | None:
        teachers = len(cls.plan["teachers"])
        if cls.next_index >= teachers:
            return None
        index = cls.next_index
        cls.next_index += 1
        return index


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **kwargs):
    State.samples.setdefault(name, []).append(response_time)
    if exception is not None:
        State.errors[name] = State.errors.get(name, 0) + 1
        State.error_times.append(time.time())


def _cookies(client, **values: str) -> None:
    """Keep one plain cookie per name. The box runs the production settings, whose cookies are
    Secure; a phone would hold them over HTTPS, this client over HTTP must send them anyway."""
    kept = {cookie.name: cookie.value for cookie in client.cookies}
    kept.update(values)
    kept["csrftoken"] = State.plan["csrf"]
    client.cookies.clear()
    for name, value in kept.items():
        if value:
            client.cookies.set(name, value)


class Phone(HttpUser):
    """A teacher's phone: each arrives at its time, checks in once, then hands over to the next."""

    fixed_count = PHONES_IN_FLIGHT
    wait_time = constant(0)

    @task
    def arrive(self) -> None:
        index = State.take()
        if index is None:
            raise StopUser
        due = State.t0 + index * State.window / len(State.plan["teachers"])
        gevent.sleep(max(0.0, due - time.time()))
        try:
            self.check_in(State.plan["teachers"][index])
        finally:
            State.finished += 1

    def check_in(self, teacher: dict) -> None:
        plan, lesson = State.plan, State.lesson
        self.client.cookies.clear()
        if teacher["sign_in"]:
            _cookies(self.client)
            with self.client.get("/accounts/login/", name="sign-in page", catch_response=True) as page:
                if page.status_code != 200:
                    page.failure(f"sign-in page {page.status_code}")
                    return
            with self.client.post(
                "/accounts/login/",
                data={
                    "username": teacher["username"],
                    "password": plan["password"],
                    "csrfmiddlewaretoken": plan["csrf"],
                },
                name="sign in (POST, Argon2)",
                allow_redirects=False,
                catch_response=True,
            ) as signed:
                if signed.status_code != 302 or "login" in signed.headers.get("Location", ""):
                    signed.failure(f"sign-in answered {signed.status_code}")
                    return
            _cookies(self.client)
        else:
            _cookies(self.client, **{plan["cookie"]: teacher["session"]})
        with self.client.get("/delivery/", name="today's lessons", catch_response=True) as today:
            if today.status_code != 200:
                today.failure(f"today's lessons {today.status_code}")
                return
        _cookies(self.client)
        secret, period = plan["secrets"][str(lesson)], plan["code_period"]
        code = checkin.code_for(secret, lesson, checkin.step_at(_now(), period))
        with self.client.post(
            "/delivery/check-in/",
            data={"lesson": str(lesson), "code": code, "csrfmiddlewaretoken": plan["csrf"]},
            name="check-in (POST code)",
            allow_redirects=False,
            catch_response=True,
        ) as sent:
            if sent.status_code != 302:
                sent.failure(f"check-in answered {sent.status_code}")
                return
        _cookies(self.client)
        with self.client.get("/delivery/", name="check-in result", catch_response=True) as result:
            if result.status_code != 200:
                result.failure(f"result page {result.status_code}")
                return
            if CHECKED_IN not in result.text:
                found = MESSAGE.search(result.text)
                State.refused += 1
                State.refusals.append(found.group(1) if found else "no message shown")
                result.failure("check-in refused")
                return
        State.checked_in.append(teacher["username"])
        State.ok_times.append(time.time())


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC)


_TUTOR_NUMBERS = itertools.count()


class Tutor(HttpUser):
    """A class tutor at the lesson: watches the register and marks their trainees without a phone."""

    fixed_count = 10
    wait_time = between(3, 6)

    def on_start(self) -> None:
        self.me = State.plan["tutors"][next(_TUTOR_NUMBERS) % len(State.plan["tutors"])]
        self.round = 0
        _cookies(self.client, **{State.plan["cookie"]: self.me["session"]})

    @task
    def mark(self) -> None:
        if State.done:
            raise StopUser
        lesson = State.lesson
        self.client.get(f"/delivery/lessons/{lesson}/", name="tutor: lesson register")
        _cookies(self.client)
        enrolment = self.me["marks"][self.round % len(self.me["marks"])]
        status = "present" if (self.round // len(self.me["marks"])) % 2 == 0 else "late"
        self.round += 1
        self.client.post(
            f"/delivery/lessons/{lesson}/mark/{enrolment}/",
            data={"status": status},
            headers={"HX-Request": "true", "X-CSRFToken": State.plan["csrf"]},
            name="tutor: mark (HTMX)",
        )
        _cookies(self.client)


class Browser(HttpUser):
    """Another teacher looking around meanwhile."""

    fixed_count = 20
    wait_time = between(1, 3)

    def on_start(self) -> None:
        teacher = random.choice(State.plan["teachers"])
        _cookies(self.client, **{State.plan["cookie"]: teacher["session"]})

    @task
    def browse(self) -> None:
        if State.done:
            raise StopUser
        for path, name in (
            ("/", "browse: home"),
            ("/delivery/", "browse: today's lessons"),
            (f"/delivery/projects/{State.plan['project']}/mine/", "browse: my project"),
        ):
            self.client.get(path, name=name)
            _cookies(self.client)


def _row(values: list[float], errors: int) -> dict:
    ordered = sorted(values)
    return {
        "n": len(values),
        "errors": errors,
        "p50": statistics.median(ordered) if ordered else 0.0,
        "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] if ordered else 0.0,
        "max": ordered[-1] if ordered else 0.0,
    }


def swarm(plan_path: Path, lesson: int, window: float, out: Path) -> int:
    State.plan = json.loads(plan_path.read_text())
    State.lesson, State.window = lesson, window
    teachers = len(State.plan["teachers"])
    users = PHONES_IN_FLIGHT + Tutor.fixed_count + Browser.fixed_count
    env = Environment(user_classes=[Phone, Tutor, Browser], host=os.environ["PUBLIC_URL"], events=events)
    runner = env.create_local_runner()
    State.t0 = time.time() + START_DELAY
    runner.start(users, spawn_rate=100)
    deadline = State.t0 + window + 600
    while State.finished < teachers and time.time() < deadline:
        gevent.sleep(0.2)
    State.done = True
    seconds = time.time() - State.t0
    runner.quit()
    everything = [value for values in State.samples.values() for value in values]
    result = {
        "teachers": teachers,
        "seconds": seconds,
        "checked_in": State.checked_in,
        "ok_times": State.ok_times,
        "refused": State.refused,
        "refusals": sorted(set(State.refusals)),
        "error_times": State.error_times,
        "requests": {name: _row(values, State.errors.get(name, 0)) for name, values in State.samples.items()},
        "total": _row(everything, sum(State.errors.values())),
    }
    out.write_text(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(swarm(Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), Path(sys.argv[4])))
