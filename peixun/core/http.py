"""What Peixun's middleware adds to Django's request, for the type checker."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxRequest(HttpRequest):
    """A request as every view sees it: django-htmx's middleware has set `request.htmx`."""

    htmx: HtmxDetails
