"""What recognition does at the moments of the apps below it, registered in
`RecognitionConfig.ready()`:

- the import pages (peixun.imports.registry): a platform's list of completed outside training;
- a 全员培训 project's mandatory enrolment (peixun.training.hooks.mandatory_exempt): the teachers
  with approved city-level-or-above training in the project's year are left out, where the project
  says so (B6);
- the audit log (peixun.audit.events): the words of the fields its events record.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from peixun.audit import events
from peixun.imports import registry as imports
from peixun.imports.models import ImportKind
from peixun.recognition import selectors
from peixun.recognition.imports import apply_recognition_file, check_recognition_file, recognition_template
from peixun.training import hooks as training_hooks

FIELD_LABELS = {
    "provider": _("Provider"),
    "course": _("Course"),
    "level": _("Level"),
    "category": _("Category"),
    "dates": _("Dates"),
    "certificate_no": _("Certificate number"),
    "override_reason": _("Reason for approving a duplicate"),
    "city_level_exempts": _("Recognised city-level-or-above training exempts"),
    "filename": _("File name"),
    "created": _("Created"),
    "sha256": _("File fingerprint"),
}


def exempt_by_recognition(*, project, person_ids) -> dict[int, str]:
    return selectors.exempt_people(project, list(person_ids))


def register() -> None:
    imports.register(
        imports.Importer(
            kind=ImportKind.RECOGNITION,
            perm="recognition.import",
            check=check_recognition_file,
            apply=apply_recognition_file,
            template=lambda org: recognition_template(),
            icon="patch-check",
            results_url=lambda job: reverse("recognition:bureau"),
            subject_label=_("Person"),
        ),
        order=70,
    )
    training_hooks.mandatory_exempt.add(exempt_by_recognition, order=10, name="recognition.exempt")
    for action in (
        "recognition_declared",
        "recognition_changed",
        "recognition_reviewed",
        "recognition_imported",
        "recognition_rule_saved",
    ):
        events.register_field_labels(FIELD_LABELS, action=action)
