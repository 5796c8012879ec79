"""WSGI entry point (gunicorn peixun.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peixun.settings")
application = get_wsgi_application()


def settle() -> None:
    """Load what every request reads (the URL map, the catalogs), then move everything loaded so
    far out of the garbage collector's reach: a full collection otherwise walks the whole loaded
    application (about 350,000 objects) and holds a request up for 100–300 ms now and then (the
    p95 of the page benchmark, bench/pages.py). Frozen objects are never collected, which is right
    for what lives as long as the process."""
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - imports every app's views and urls
    for language in ("zh-hans", "en"):
        with translation.override(language):
            translation.gettext("Sign in")
    gc.collect()
    gc.freeze()


settle()
