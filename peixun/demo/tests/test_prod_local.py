"""`make prod-local` (scripts/prod_local.py): the nginx configuration it renders and the command
lines it starts. Nothing is started here; the box itself runs in `make bench-load`."""

import stat
from pathlib import Path

from scripts.prod_local import DEPLOY, Layout, local_keys


def layout(tmp_path: Path) -> Layout:
    return Layout(
        port=8123,
        database_url="postgres://postgres@db.example:5432/peixun_x",
        run_dir=tmp_path / "box",
        python="/srv/peixun/.venv/bin/python",
        static_root=tmp_path / "static",
    )


def test_nginx_config_balances_two_app_servers_with_failover(tmp_path):
    box = layout(tmp_path)
    text = box.render_nginx(user="")

    assert "{{" not in text and "}}" not in text
    assert f"server unix:{tmp_path}/box/web-1.sock max_fails=0;" in text
    assert f"server unix:{tmp_path}/box/web-2.sock max_fails=0;" in text
    assert "web-3.sock" not in text
    assert "listen 127.0.0.1:8123;" in text
    assert f"alias {tmp_path}/static/;" in text
    assert "proxy_next_upstream error timeout http_502 http_503;" in text
    # A POST that reached a server is never sent to the other one.
    assert "non_idempotent" not in text.split("proxy_next_upstream error", 1)[1].split(";", 1)[0]
    assert f"pid {tmp_path}/box/nginx/nginx.pid;" in text
    assert "\nuser " not in text
    # Started as root, nginx's workers switch to the given user.
    assert "\nuser peixun;\n" in box.render_nginx(user="peixun")


def test_commands_start_redis_two_app_servers_two_workers_then_nginx(tmp_path):
    box = layout(tmp_path)
    commands = dict(box.commands())

    assert list(commands) == ["redis", "web-1", "web-2", "worker-1", "worker-2", "nginx"]
    web = commands["web-2"]
    assert web[0] == "/srv/peixun/.venv/bin/gunicorn"
    assert web[web.index("--config") + 1] == str(DEPLOY / "gunicorn.conf.py")
    assert web[web.index("--bind") + 1] == f"unix:{tmp_path}/box/web-2.sock"
    assert web[web.index("--workers") + 1] == "2"
    # Each instance its own control socket (gunicorn's default is one per user).
    assert web[web.index("--control-socket") + 1] == f"{tmp_path}/box/web-2.ctl"
    worker = commands["worker-1"]
    assert worker[0] == "/srv/peixun/.venv/bin/python" and worker[1].endswith("manage.py")
    assert worker[2:] == ["db_worker", "--queue-name", "*", "--no-reload", "-v", "1"]
    assert commands["nginx"][1:] == ["-p", f"{tmp_path}/box/nginx", "-c", f"{tmp_path}/box/nginx/nginx.conf"]
    redis = commands["redis"]
    assert redis[redis.index("--unixsocket") + 1] == f"{tmp_path}/box/redis.sock"
    assert redis[redis.index("--port") + 1] == "0"
    assert [command[2] for command in box.preparation()] == ["migrate", "collectstatic", "runs_sweep"]


def test_environment_is_production_behind_nginx(tmp_path):
    box = layout(tmp_path)
    env = box.environment(
        {"SECRET_KEY": "made", "ID_HASH_KEY": "made"}, base={"SECRET_KEY": "given", "DEBUG": "1"}
    )

    assert env["DEBUG"] == "0"
    assert env["SECRET_KEY"] == "given"  # the environment wins over the keys made locally
    assert env["ID_HASH_KEY"] == "made"
    assert env["DATABASE_URL"] == "postgres://postgres@db.example:5432/peixun_x"
    assert env["REDIS_URL"] == f"unix://{tmp_path}/box/redis.sock?db=0"
    assert env["TRUSTED_PROXIES"] == "unix"
    assert env["SECURE_SSL_REDIRECT"] == "0"
    assert env["STATIC_ROOT"] == str(tmp_path / "static")


def test_local_keys_are_made_once_and_kept_private(tmp_path):
    first = local_keys(tmp_path)

    assert set(first) == {"SECRET_KEY", "ID_ENCRYPTION_KEYS", "ID_HASH_KEY"}
    assert stat.S_IMODE((tmp_path / "keys.json").stat().st_mode) == 0o600
    assert local_keys(tmp_path) == first
