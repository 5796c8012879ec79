"""Why a recognition action was refused: one DomainError per case, each saying what to do."""

from django.utils.translation import gettext_lazy as _

from peixun.core.exceptions import DomainError


class NotAllowedError(DomainError):
    code = "recognition_not_allowed"
    message = _(
        "This declaration is “%(status)s”: that is no longer possible. Reload the page to see where it is."
    )


class ReasonRequiredError(DomainError):
    code = "recognition_reason_required"
    message = _("Say why it is returned, so the teacher knows what to correct.")
    status = 400


class DuplicateOverrideRequiredError(DomainError):
    code = "recognition_duplicate"
    message = _(
        "This declaration looks like a duplicate (see the panel beside it). Return it, or tick "
        "“approve anyway” and say why it is not a duplicate."
    )
    status = 400


class DuplicateCertificateError(DomainError):
    code = "recognition_certificate_used"
    message = _(
        "The hours of certificate %(number)s were already recognised for %(name)s: a certificate "
        "counts once. Return this declaration."
    )


class NoPersonError(DomainError):
    code = "recognition_no_person"
    message = _("Your account is not linked to a teacher record: ask your school to link it first.")
