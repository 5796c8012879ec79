"""Reads of the audit log that need no org tree: the events about one object, and the object types
an event can name. The scoped log (who may see which events) is peixun.site.selectors."""

from django.apps import apps
from django.db import models
from django.utils.text import capfirst

from peixun.audit.models import AuditEvent


def events_about(target: models.Model, *, limit: int, within: models.Q | None = None) -> list[AuditEvent]:
    """The most recent events about `target` (and matching `within`), newest first."""
    events = AuditEvent.objects.select_related("actor__person").filter(
        target_type=target._meta.label_lower, target_id=str(target.pk)
    )
    if within is not None:
        events = events.filter(within)
    return list(events[:limit])


def object_types() -> list[tuple[str, str]]:
    """(label_lower, verbose name) of the project's models: the object types an event can name.
    Taken from the app registry, not from the log, so listing them never scans the table."""
    models_ = [model for model in apps.get_models() if model.__module__.startswith("peixun.")]
    return sorted(
        ((model._meta.label_lower, str(capfirst(model._meta.verbose_name))) for model in models_),
        key=lambda item: item[1],
    )
