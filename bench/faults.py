"""Fault trials (`make faults`, and part of `make bench`; never `make test`): on PostgreSQL, the real
web server (gunicorn) and the real task worker (`manage.py db_worker`) run as child processes; each
kind of background work — a roster import's apply, a certificate batch, a compliance recompute, a
mandatory enrolment — is started, and the worker (then, separately, the web server) is killed with
SIGKILL in the middle of it. After the restart each trial checks that nothing is half-applied, that
a run whose worker died is shown interrupted (the sweep), that running it again completes without
counting anything twice, and that `manage.py reconcile` passes. It prints one line per trial: the
kill point, the outcome and what was lost (nothing, or the trial fails).

The kill point is deterministic: the worker runs with PEIXUN_FAULT_HOLD_AT=N (peixun.core.runs),
so its work pauses the first time its progress reaches N; the trial waits until the heartbeat has
written that progress to the database, then kills. The database is BENCH_DATABASE_URL + "_faults",
re-created each run. Exit status 1 when a trial loses or doubles anything.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from bench import common

DEADLINE = 600  # seconds: a bound on waiting for a worker, not a measure
ORPHAN_GRACE = 60  # seconds a killed process's children get to notice and end
ROSTER_ROWS = 3000
CERTIFICATES = 1000
TEACHERS = 1200


@dataclass
class Trial:
    kind: str
    target: str  # "worker" or "web"
    kill_point: str = ""
    outcome: str = ""
    lost: str = ""
    ok: bool = False


# --- Processes ------------------------------------------------------------------------------------


class Servers:
    """The web server and the task worker, started, killed and restarted as the trials need."""

    def __init__(self, url: str, port: int, folder: Path) -> None:
        self.url, self.port, self.folder = url, port, folder
        self.web: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None

    def env(self, hold_at: int | None = None, hold_seconds: float = 600) -> dict[str, str]:
        env = common.django_env(self.url)
        env.update(RUN_HEARTBEAT_SECONDS="0.5", PYTHONUNBUFFERED="1", ALLOWED_HOSTS="127.0.0.1,localhost")
        env.pop("PEIXUN_FAULT_HOLD_AT", None)
        if hold_at is not None:
            env.update(PEIXUN_FAULT_HOLD_AT=str(hold_at), PEIXUN_FAULT_HOLD_SECONDS=str(hold_seconds))
        return env

    def start_web(self) -> None:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        log = open(self.folder / "web.log", "ab")  # noqa: SIM115 - kept open for the child
        self.web = subprocess.Popen(  # noqa: S603 - our own gunicorn and fixed arguments
            [str(gunicorn), "peixun.wsgi", "-b", f"127.0.0.1:{self.port}", "-w", "2", "-k", "gthread",
             "--threads", "2", "--no-control-socket"],
            env=self.env(), cwd=common.ROOT, stdout=log, stderr=log,
        )  # fmt: skip
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            if self.answers():
                return
            time.sleep(0.3)
        raise TimeoutError("the web server did not start (see web.log)")

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/accounts/login/", timeout=5) as reply:
                return reply.status == 200
        except OSError:
            return False

    def start_worker(self, hold_at: int | None = None, hold_seconds: float = 600) -> None:
        log = open(self.folder / "worker.log", "ab")  # noqa: SIM115 - kept open for the child
        self.worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--no-reload",
             "--interval", "0.2", "--no-startup-delay"],
            env=self.env(hold_at, hold_seconds), cwd=common.ROOT, stdout=log, stderr=log,
        )  # fmt: skip

    @staticmethod
    def kill(process: subprocess.Popen | None) -> list[int]:
        """SIGKILL `process` (its children are left as a real crash leaves them); the ids of its
        children still alive ORPHAN_GRACE seconds later (orphans), which are then stopped."""
        if process is None or process.poll() is not None:
            return []
        children = _children(process.pid)
        process.send_signal(signal.SIGKILL)
        process.wait()
        # gunicorn's workers and the pools' children notice their parent is gone and end.
        deadline = time.monotonic() + ORPHAN_GRACE
        while time.monotonic() < deadline and any(_alive(pid) for pid in children):
            time.sleep(0.5)
        orphans = [pid for pid in children if _alive(pid)]
        for pid in orphans:
            print(f"    orphan {pid}: {_describe(pid)}", flush=True)
            os.kill(pid, signal.SIGKILL)
        return orphans

    @staticmethod
    def stop(process: subprocess.Popen | None) -> None:
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def stop_all(self) -> None:
        self.stop(self.worker)
        self.stop(self.web)

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, "manage.py", *args],
            env=self.env(), cwd=common.ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _describe(pid: int) -> str:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:120]
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        wchan = Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        return "gone"
    return f"state={state} wchan={wchan} {command}"


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


# --- The worlds -----------------------------------------------------------------------------------


def _roster(count: int, offset: int, org_code: str) -> bytes:
    from peixun.imports.tests.files import PEOPLE_HEADER, csv_file, person_row, valid_id

    rows = []
    for step in range(count):
        index = step + offset
        birth = date(1960 + index // 900 % 40, 1 + index // 36000 % 12, 1 + index % 900 // 36 + 1)
        female = index % 2 == 1
        number = valid_id(birth, "female" if female else "male", index % 36 + 1)
        fields = {"姓名": f"故障{index:05d}", "性别": "女" if female else "男", "证件号码": number}
        rows.append(person_row(**fields, 单位代码=org_code))
    return csv_file(PEOPLE_HEADER, rows)


def _second_project(project):
    from peixun.training.models import Course, Project

    audience = list(project.audience.all())
    copy = Project.objects.get(pk=project.pk)
    copy.pk = None
    copy.id = None
    copy.title = project.title + "（二）"
    copy.places_taken = 0
    copy.starts_on += timedelta(days=30)  # not at the same time as the first
    copy.ends_on += timedelta(days=30)
    copy.save()
    copy.audience.set(audience)
    Course.objects.create(project=copy, name="师德", hours=24, category="ethics_literacy")
    return copy


def _credits(people: int) -> None:
    """Posted hours for `people` teachers of the certificate world (the recompute rebuilds them)."""
    from django.utils import timezone

    from peixun.ledger.services import post_credit
    from peixun.orgs.models import Person

    today = timezone.localdate()
    for index, person in enumerate(Person.objects.order_by("pk")[:people]):
        post_credit(
            person=person, hours=6, category="knowledge_skills", level="county", mode="remote",
            earned_on=date(today.year, 1 + index % 6, 10), source="direct", title="故障演练学时",
            idempotency_key=f"faults-{person.pk}", refresh=False,
        )  # fmt: skip


# --- Waiting and reading ---------------------------------------------------------------------------


def _wait(read: Callable[[], bool], what: str, seconds: float = DEADLINE) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if read():
            return
        time.sleep(0.2)
    raise TimeoutError(what)


def _fresh(run):
    run.refresh_from_db()
    return run


# --- One trial -------------------------------------------------------------------------------------


@dataclass
class Work:
    """How to start one kind of work, where to kill it, and how to check it."""

    start: Callable[[], object]  # starts it; returns its run
    hold_at: int
    written: Callable[[], int]  # what it has written so far (rows, certificates …)
    expected: int  # what it writes once, whole
    after_kill: Callable[[int, int], str]  # (written, progress) at the kill → "" or what is wrong
    again: Callable[[object], object]  # the app's own 重新运行


def trial(servers: Servers, name: str, target: str, work: Work) -> Trial:
    from peixun.core.runs import RunState

    result = Trial(name, target)
    hold_seconds = 600 if target == "worker" else 6
    servers.start_web()
    servers.start_worker(work.hold_at, hold_seconds)
    run = work.start()
    _wait(lambda: _fresh(run).done >= work.hold_at, f"{name}: progress {work.hold_at}")
    result.kill_point = f"{run.done}/{run.total}"
    orphans = Servers.kill(servers.worker if target == "worker" else servers.web)
    problems: list[str] = []
    if orphans:
        problems.append(f"{len(orphans)} 个子进程残留")
    if target == "worker":
        written = work.written()
        wrong = work.after_kill(written, run.done)
        if wrong:
            problems.append(wrong)
        if _fresh(run).shown_state != RunState.INTERRUPTED:
            problems.append(f"杀死后显示为 {run.shown_state}")
        servers.start_worker()
        swept = servers.manage("runs_sweep")
        if _fresh(run).state != RunState.INTERRUPTED:
            problems.append(f"清扫后状态为 {run.state}（{swept.stdout.strip()}）")
        run = work.again(run)
    else:
        if servers.answers():
            problems.append("网页服务未停止")
        servers.start_web()
    try:
        _wait(lambda: _fresh(run).state in {RunState.DONE, RunState.FAILED}, f"{name}: done")
    except TimeoutError:
        problems.append(f"{DEADLINE} 秒内未完成（{run.done}/{run.total}）")
    final = work.written()
    if run.state != RunState.DONE:
        problems.append(f"重新运行后状态为 {run.state}：{run.error}")
    if final != work.expected:
        problems.append(f"写入 {final}，应为 {work.expected}")
    if not servers.answers():
        problems.append("网页服务重启后无响应")
    reconciled = servers.manage("reconcile")
    if reconciled.returncode != 0:
        problems.append("对账不通过：" + reconciled.stdout.strip().replace("\n", "；"))
    servers.stop_all()
    result.ok = not problems
    result.outcome = (
        f"{'重新运行' if target == 'worker' else '继续'}完成，写入 {final}（应为 {work.expected}），对账通过"
        if result.ok
        else "；".join(problems)
    )
    result.lost = "无" if result.ok else "见结果"
    return result


# --- The four kinds of work --------------------------------------------------------------------------


def roster_work(servers: Servers, actor, school, offset: int) -> Work:
    from peixun.imports import services
    from peixun.imports.models import ImportJob
    from peixun.orgs.models import Person

    data = _roster(ROSTER_ROWS, offset, school.code)
    before = Person.objects.filter(org=school).count()
    # The check first, with a worker that does not hold.
    servers.start_worker()
    job = services.start_import(kind="people", data=data, filename="名单.csv", actor=actor, org=school)
    _wait(lambda: _fresh(job).state == "done", "roster check")
    servers.stop(servers.worker)
    if job.errors:
        raise SystemExit(f"faults: the roster has errors: {job.errors[:3]}")

    def written() -> int:
        return Person.objects.filter(org=school).count() - before

    def again(run):
        return services.run_again(job=ImportJob.objects.get(pk=run.pk), actor=actor)

    return Work(
        start=lambda: services.apply_import(job=job, actor=actor),
        hold_at=ROSTER_ROWS // 2,
        written=written,
        expected=ROSTER_ROWS,
        after_kill=lambda n, _done: "" if n == 0 else f"杀死后已写入 {n} 人（应为 0）",
        again=again,
    )


def certificate_work(project, template, actor) -> Work:
    from peixun.certificates import services
    from peixun.certificates.models import Certificate

    def written() -> int:
        return Certificate.objects.filter(
            project=project, kind=template.kind, revoked_at__isnull=True
        ).count()

    def after_kill(n: int, done: int) -> str:
        # Chunks commit one by one: what was issued is whole (a PDF each), and no more than the
        # progress the run had written (each chunk's progress follows its commit).
        empty = Certificate.objects.filter(project=project, kind=template.kind, pdf=b"").count()
        if empty:
            return f"{empty} 张证书没有 PDF"
        return "" if n == done else f"已颁发 {n} 张，进度为 {done}"

    return Work(
        start=lambda: services.start_batch(project=project, template=template, actor=actor),
        hold_at=CERTIFICATES // 2,  # the first chunk (800 with two drawing processes)
        written=written,
        expected=CERTIFICATES,
        after_kill=after_kill,
        again=lambda run: services.run_again(batch=run, actor=actor),
    )


def recompute_work(actor) -> Work:
    from peixun.ledger import services
    from peixun.ledger.compliance import rollup_differences
    from peixun.ledger.models import ComplianceResult
    from peixun.orgs.models import Person

    # Every result is rebuilt from nothing: a person counted twice or left out shows.
    ComplianceResult.objects.all().delete()
    people = Person.objects.count()

    def after_kill(n: int, done: int) -> str:
        _cells, differences = rollup_differences()
        return f"{len(differences)} 个汇总与明细不符" if differences else ""

    def again(run):
        services.run_recompute_again(run=run, actor=actor)
        return run

    return Work(
        start=lambda: services.start_recompute(org=None, actor=actor),
        hold_at=2000,  # compliance.BATCH: after the first batch
        written=lambda: ComplianceResult.objects.filter(person__in=Person.objects.all()).count(),
        expected=people,
        after_kill=after_kill,
        again=again,
    )


def mandatory_work(project, actor) -> Work:
    from peixun.training.models import Enrolment, Project
    from peixun.training.rules import mandatory as rules
    from peixun.training.services.enrolment import mandatory_runs

    plan = mandatory_runs.plan_mandatory(project, option=rules.CLASSES)

    def written() -> int:
        return Enrolment.objects.filter(project=project).count()

    def after_kill(n: int, done: int) -> str:
        taken = Project.objects.get(pk=project.pk).places_taken
        return "" if n == 0 and taken == 0 else f"杀死后已报名 {n} 人、占用名额 {taken}（应为 0）"

    return Work(
        start=lambda: mandatory_runs.start_mandatory_run(
            project=project, actor=actor, option=rules.CLASSES, digest=plan.digest
        ),
        hold_at=plan.eligible // 2,
        written=written,
        expected=plan.eligible,
        after_kill=after_kill,
        again=lambda run: mandatory_runs.run_mandatory_again(run=run, actor=actor),
    )


# --- Main --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("FAULTS_PORT", "8790")))
    parser.add_argument("--only", default="", help="Only the trials whose work name contains this.")
    args = parser.parse_args(argv)
    url = common.bench_url("_faults")
    reason = common.postgres_reachable(url)
    if reason:
        print(f"faults: PostgreSQL does not answer at {url} ({reason}): skipped")
        return 0
    common.recreate_database(url)
    common.manage(url, "migrate", "--no-input", "-v", "0")
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "1"
    common.setup_django()

    from bench.certificates import _setup as certificate_world
    from bench.enrolment import _mandatory_world
    from peixun.certificates.models import CertificateTemplate
    from peixun.orgs.models import Org
    from peixun.testing.factories import adopt_preset

    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="peixun-faults-"))
    servers = Servers(url, args.port, folder)
    project, admin = _mandatory_world(TEACHERS)
    second = _second_project(project)
    school = Org.objects.get(code="MS0000")
    cert_project, template = certificate_world(CERTIFICATES)
    completion = CertificateTemplate.objects.create(
        org=template.org, name="结业证书", kind="completion", title="结业证书", issuer=template.issuer,
        region=template.region, seal=template.seal,
    )  # fmt: skip
    _credits(500)
    for county in Org.objects.filter(kind="county"):  # everyone under a policy: a result each
        adopt_preset(county)
    print(f"faults: world ready in {time.perf_counter() - started:.0f} s; logs in {folder}", flush=True)

    plans: list[tuple[str, str, Callable[[], Work]]] = [
        ("花名册导入", "worker", lambda: roster_work(servers, admin, school, 0)),
        ("花名册导入", "web", lambda: roster_work(servers, admin, school, 9000)),
        ("证书批量颁发", "worker", lambda: certificate_work(cert_project, template, admin)),
        ("证书批量颁发", "web", lambda: certificate_work(cert_project, completion, admin)),
        ("合规重算", "worker", lambda: recompute_work(admin)),
        ("合规重算", "web", lambda: recompute_work(admin)),
        ("全员报名", "worker", lambda: mandatory_work(project, admin)),
        ("全员报名", "web", lambda: mandatory_work(second, admin)),
    ]
    trials: list[Trial] = []
    try:
        for name, target, make in plans:
            if args.only and args.only not in name:
                continue
            try:
                trials.append(trial(servers, name, target, make()))
            except (TimeoutError, SystemExit) as waited:
                trials.append(Trial(name, target, outcome=f"超时：{waited}", lost="未知"))
            finally:
                servers.stop_all()
            last = trials[-1]
            print(f"  {last.kind} kill={last.target} at {last.kill_point}: {last.outcome}", flush=True)
    finally:
        servers.stop_all()
    _print(trials)
    return 0 if all(t.ok for t in trials) else 1


def _print(trials: list[Trial]) -> None:
    print()
    print("| # | 工作 | 杀死 | 杀死时进度 | 结果 | 丢失 |")
    print("|---|---|---|---|---|---|")
    for number, t in enumerate(trials, 1):
        who = "任务进程（SIGKILL）" if t.target == "worker" else "网页服务（SIGKILL）"
        print(f"| {number} | {t.kind} | {who} | {t.kill_point} | {t.outcome} | {t.lost} |")
    print(f"\ntrials={len(trials)} passed={sum(t.ok for t in trials)} lost={sum(not t.ok for t in trials)}")


if __name__ == "__main__":
    sys.exit(main())
