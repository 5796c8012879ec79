"""The restore drill of docs/operations.md §7–§8 and §10, as a script (`make faults`, `make bench`):

PostgreSQL — a demo region written to BENCH_DATABASE_URL + "_restore_source" is dumped with the
nightly command (`pg_dump --format=custom`), the archive listed (`pg_restore --list`), restored into
a fresh database (+ "_restore", `pg_restore --no-owner --exit-on-error`), and the copy checked:
`migrate --check`, the ID keys decrypt and match the lookup hash, the same rows in every table, and
`manage.py reconcile` passes.

SQLite — the same region in a file, copied with SQLite's online backup (the `.backup` of §10) while a
connection holds it open, `PRAGMA integrity_check` gives ok, and reconcile passes on the copy.

Prints one line per step; exit status 1 when one fails.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench import common

KEY_CHECK = """
from peixun.orgs.models import Person
from peixun.core.vault import vault
p = Person.objects.exclude(id_hash='').order_by('pk').first()
assert p is not None, 'no person'
assert vault().lookup_hash(p.id_type, p.reveal_id_number()) == p.id_hash, 'wrong ID keys'
print('ID keys OK')
"""

COUNTS = """
import json
from django.apps import apps
print(json.dumps({m._meta.label: m._default_manager.count() for m in apps.get_models() if m._meta.managed}))
"""


class Drill:
    def __init__(self) -> None:
        self.failures = 0

    def step(self, name: str, ok: bool, detail: str = "") -> bool:
        self.failures += not ok
        shown = f"：{detail}" if detail and not ok else ""
        print(f"  {'通过' if ok else '不通过'}  {name}{shown}", flush=True)
        return ok


def _run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed tools and our own manage.py
        args, env=env, cwd=common.ROOT, capture_output=True, text=True, check=False
    )


def _manage(url: str, *args: str) -> subprocess.CompletedProcess:
    return _run([sys.executable, "manage.py", *args], env=common.django_env(url))


def _counts(url: str) -> dict[str, int]:
    import json

    done = _manage(url, "shell", "-c", COUNTS)
    return json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else {}


def _pg_env(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    env = dict(os.environ)
    env.update(
        PGHOST=parts.hostname or "127.0.0.1",
        PGPORT=str(parts.port or 5432),
        PGUSER=parts.username or "postgres",
    )
    if parts.password:
        env["PGPASSWORD"] = parts.password
    return env


def _seed(url: str) -> None:
    for args in (("migrate", "--no-input", "-v", "0"), ("seed_demo", "--scale", "small", "--once")):
        done = _manage(url, *args)
        if done.returncode != 0:
            raise SystemExit(f"restore_check: {args[0]} failed: {done.stderr.strip()[-500:]}")


def _compare(drill: Drill, source: dict[str, int], copy: dict[str, int]) -> None:
    differing = sorted(label for label in source.keys() | copy.keys() if source.get(label) != copy.get(label))
    drill.step(
        f"每张表的行数相同（{len(source)} 张表，{sum(source.values())} 行）",
        bool(source) and not differing,
        ", ".join(f"{label} {source.get(label)}→{copy.get(label)}" for label in differing[:5]),
    )


def postgres(drill: Drill, folder: Path) -> None:
    source, target = common.bench_url("_restore_source"), common.bench_url("_restore")
    reason = common.postgres_reachable(source)
    if reason:
        print(f"restore_check: PostgreSQL does not answer ({reason}): skipped")
        return
    print("== PostgreSQL: pg_dump → pg_restore into a fresh database ==", flush=True)
    common.recreate_database(source)
    _seed(source)
    dump = folder / "peixun.dump"
    env = _pg_env(source)
    started = time.perf_counter()
    dumped = _run(
        [
            "pg_dump",
            "--format=custom",
            "--compress=9",
            "--no-owner",
            f"--file={dump}",
            common.database_name(source),
        ],
        env=env,
    )
    size = dump.stat().st_size // 1024 if dump.exists() else 0
    drill.step(
        f"pg_dump（{size} KB，{time.perf_counter() - started:.1f} 秒）",
        dumped.returncode == 0,
        dumped.stderr.strip()[:200],
    )
    listed = _run(["pg_restore", "--list", str(dump)], env=env)
    drill.step("pg_restore --list 可读", listed.returncode == 0, listed.stderr.strip()[:200])
    common.recreate_database(target)
    started = time.perf_counter()
    restored = _run(
        [
            "pg_restore",
            f"--dbname={common.database_name(target)}",
            "--no-owner",
            "--jobs=2",
            "--exit-on-error",
            str(dump),
        ],
        env=env,
    )
    drill.step(
        f"pg_restore 到新数据库（{time.perf_counter() - started:.1f} 秒）",
        restored.returncode == 0,
        restored.stderr.strip()[:200],
    )
    _after_restore(drill, source, target)


def _after_restore(drill: Drill, source: str, target: str) -> None:
    checked = _manage(target, "migrate", "--check")
    drill.step("migrate --check：结构与版本一致", checked.returncode == 0, checked.stdout.strip()[-200:])
    keys = _manage(target, "shell", "-c", KEY_CHECK)
    drill.step("身份证件号码密钥可解密", "ID keys OK" in keys.stdout, keys.stderr.strip()[-200:])
    _compare(drill, _counts(source), _counts(target))
    reconciled = _manage(target, "reconcile")
    drill.step(
        "对账（manage.py reconcile）",
        reconciled.returncode == 0,
        reconciled.stdout.strip().replace("\n", "；"),
    )


def sqlite(drill: Drill, folder: Path) -> None:
    print("== SQLite: online backup (.backup) → integrity check ==", flush=True)
    live, copy = folder / "peixun.sqlite3", folder / "backup.sqlite3"
    source, target = f"sqlite:///{live}", f"sqlite:///{copy}"
    _seed(source)
    holder = sqlite3.connect(live)  # the server still running: a reader holds the database open
    holder.execute("SELECT count(*) FROM sqlite_master").fetchone()
    started = time.perf_counter()
    backup = sqlite3.connect(copy)
    with backup:
        holder.backup(backup)
    backup.close()
    holder.close()
    drill.step(
        f"在线备份（{copy.stat().st_size // 1024} KB，{time.perf_counter() - started:.1f} 秒）", copy.exists()
    )
    check = sqlite3.connect(copy)
    verdict = check.execute("PRAGMA integrity_check").fetchone()[0]
    check.close()
    drill.step("PRAGMA integrity_check", verdict == "ok", verdict)
    _after_restore(drill, source, target)


def main(argv: list[str] | None = None) -> int:
    drill = Drill()
    with tempfile.TemporaryDirectory(prefix="peixun-restore-") as name:
        folder = Path(name)
        postgres(drill, folder)
        sqlite(drill, folder)
    print(f"restore_check: {'ok' if not drill.failures else f'{drill.failures} steps failed'}")
    return 1 if drill.failures else 0


if __name__ == "__main__":
    sys.exit(main())
