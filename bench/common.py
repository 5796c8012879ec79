"""What the benchmarks share: the PostgreSQL benchmark databases, running Django in a child process
against a chosen database (settings are read once per process), and timing figures."""

import os
import statistics
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BENCH_URL = "postgres://postgres@127.0.0.1:5432/peixun_bench"


def bench_url(suffix: str = "") -> str:
    """BENCH_DATABASE_URL, with `suffix` added to the database name (one database per benchmark)."""
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_BENCH_URL)
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path + suffix))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _maintenance_conninfo(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres"))


def postgres_reachable(url: str) -> str | None:
    """None when the server answers, else the reason it does not."""
    import psycopg

    try:
        with psycopg.connect(_maintenance_conninfo(url), connect_timeout=3):
            return None
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0]


def database_exists(url: str) -> bool:
    import psycopg

    with psycopg.connect(_maintenance_conninfo(url), autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database_name(url)]).fetchone()
        return row is not None


def recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = sql.Identifier(database_name(url))
    with psycopg.connect(_maintenance_conninfo(url), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def django_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url
    env.setdefault("DEBUG", "1")
    env["PYTHONPATH"] = str(ROOT)
    env.setdefault("LOG_LEVEL", "WARNING")
    return env


def manage(database_url: str, *args: str) -> None:
    subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, str(ROOT / "manage.py"), *args], env=django_env(database_url), cwd=ROOT, check=True
    )


def run_child(module: str, database_url: str, *args: str) -> int:
    """Run `python -m module args` with Django pointed at `database_url`; its exit status."""
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", module, *args], env=django_env(database_url), cwd=ROOT, check=False
    ).returncode


def setup_django() -> None:
    import warnings

    import django

    # WhiteNoise warns when STATIC_ROOT has not been collected; the benchmarks serve no static files.
    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers.base")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peixun.settings")
    django.setup()
    from django.conf import settings

    # Measure as production runs: no query log, no debug bookkeeping (the storage choice stays).
    settings.DEBUG = False


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(seconds: list[float]) -> str:
    ms = [value * 1000 for value in seconds]
    p50, p95 = statistics.median(ms), percentile(ms, 0.95)
    return f"p50_ms={p50:.0f} p95_ms={p95:.0f} max_ms={max(ms):.0f} n={len(ms)}"
