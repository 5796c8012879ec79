"""What annual returns registers at start (`ReturnsConfig.ready()`): the words of the fields its
audit events record and of its statuses."""

from django.utils.translation import gettext_lazy as _

from peixun.audit import events

FIELD_LABELS = {"full_time_teachers": _("Full-time teachers")}


def register() -> None:
    events.register_field_labels(FIELD_LABELS)
