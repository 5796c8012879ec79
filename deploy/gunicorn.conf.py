"""gunicorn settings for an app server of `make prod-local` (scripts/prod_local.py), as the systemd
unit of docs/operations.md §4 runs it. The runner adds --bind (a Unix socket per instance), --workers,
--name and the log files; this file holds what every instance shares."""

wsgi_app = "peixun.wsgi:application"
worker_class = "gthread"
threads = 2
# Held to the thread count: a busy worker leaves new connections in the listen backlog for
# whichever worker frees up first (docs/operations.md, "Sizing gunicorn for login storms").
worker_connections = 2
backlog = 2048
timeout = 60
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
# Method, path, status and seconds taken: the server's own time, beside the client's.
access_log_format = "%(m)s %(U)s %(s)s %(L)s"
