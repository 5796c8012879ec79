"""The WSGI entry point leaves the loaded application out of the garbage collector's reach, so a
full collection in a request walks only what requests made (peixun/wsgi.py)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_loading_the_wsgi_application_freezes_what_was_loaded():
    probe = (
        "import gc; before = gc.get_freeze_count(); import peixun.wsgi; "
        "from django.urls import get_resolver; "
        "print(before, gc.get_freeze_count(), len(get_resolver().reverse_dict))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "peixun.settings", "DEBUG": "1"}
    out = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    before, frozen, routes = (int(value) for value in out)
    assert before == 0
    assert frozen > 100_000  # Django, the apps and their URL map: a few hundred thousand objects
    assert routes > 0  # the URL map was loaded before freezing
