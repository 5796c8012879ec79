"""Why a training action was refused: one `DomainError` per case, with a machine code (for the API
and the tests) and a message for the person (translated when shown)."""

from django.utils.translation import gettext_lazy as _

from peixun.core.exceptions import DomainError
from peixun.training.wording import reasons_text


class TransitionNotAllowedError(DomainError):
    code = "transition_not_allowed"
    message = _("This project cannot make that move from its current state.")


class StepFailedError(DomainError):
    """A step another app registered for the move failed (peixun.training.lifecycle): the whole move
    was rolled back."""

    code = "transition_step_failed"
    message = _(
        "The project could not move to “%(target)s”: %(step)s failed. %(reason)s "
        "Put it right in %(where)s and try again; the project is still “%(status)s” and nothing was changed."
    )


class ReasonRequiredError(DomainError):
    code = "reason_required"
    message = _("Give a reason.")
    status = 400


class ProjectIncompleteError(DomainError):
    code = "project_incomplete"
    message = _("The project is not complete: %(missing)s.")
    status = 400


class UnknownTagError(DomainError):
    code = "unknown_tag"
    message = _("Tags: “%(tags)s” is not on the list of tags. Pick tags from the list: %(allowed)s.")
    status = 400


class ProjectTagsUnknownError(DomainError):
    """A project is not submitted while its hours could not be credited under its tags."""

    code = "project_tags_unknown"
    message = _(
        "The project cannot be submitted: the tags “%(tags)s” are not on the list the credit policies "
        "read, so its hours could not be credited at closing. Pick the right tags under Tags on the "
        "project's Edit page (or on the Tag repair page) and submit again."
    )
    status = 400


class ProjectNotEditableError(DomainError):
    code = "project_not_editable"
    message = _("Only a draft or a rejected project can be edited.")


class EnrolmentClosedError(DomainError):
    code = "enrolment_closed"
    message = _("Enrolment for this project is not open.")


class WrongEnrolmentModeError(DomainError):
    code = "wrong_enrolment_mode"
    message = _("This project does not take enrolments that way.")


class NotEligibleError(DomainError):
    code = "not_eligible"
    message = _("You are not eligible for this project.")
    status = 403

    def __init__(self, reasons=(), **params) -> None:
        self.reasons = tuple(reasons)
        super().__init__(**params)

    def details(self) -> list[str]:
        """Each reason in words."""
        return reasons_text(self.reasons)


class AlreadyEnrolledError(DomainError):
    code = "already_enrolled"
    message = _("Already enrolled in this project.")


class ProjectFullError(DomainError):
    code = "project_full"
    message = _("The project is full.")


class QuotaFullError(DomainError):
    code = "quota_full"
    message = _("The school has used its quota for this project.")


class NoPersonError(DomainError):
    code = "no_person"
    message = _("This account is not linked to a teacher's record.")
    status = 400


class InvalidEnrolmentStateError(DomainError):
    code = "invalid_enrolment_state"
    message = _("This enrolment cannot do that in its current state.")


class SubjectRequiredError(DomainError):
    code = "subject_required"
    message = _("Choose the one subject you enrol in.")
    status = 400


class CapacityTooSmallError(DomainError):
    code = "capacity_too_small"
    message = _(
        "%(eligible)s people must be enrolled but only %(places)s places are free. Choose how: more "
        "classes so that everyone fits, or enrol up to the places in a stated order and waitlist the rest."
    )


class AudienceChangedError(DomainError):
    code = "mandatory_audience_changed"
    message = _(
        "Nothing was changed: the people to enrol or the places changed since the preview. Look at the "
        "new preview and confirm again."
    )


class MandatoryRunNotUndoableError(DomainError):
    code = "mandatory_run_not_undoable"
    message = _(
        "This mandatory enrolment cannot be undone: it was not applied, it was already undone, or "
        "enrolment has closed. Withdraw single enrolments from the enrolment list instead."
    )


class LotteryAlreadyDrawnError(DomainError):
    code = "lottery_drawn"
    message = _("The lottery for this project has already been drawn.")


class ExemptionNotAllowedError(DomainError):
    code = "exemption_not_allowed"
    message = _("Exemptions can be asked for only from a mandatory enrolment, once at a time.")


class QuotaError(DomainError):
    code = "quota_invalid"
    message = _("The quotas add up to %(total)s, more than the capacity of %(capacity)s.")
    status = 400


class CodeNotAvailableError(DomainError):
    code = "code_not_available"
    message = _("This learning code cannot be given to this person.")


# --- Change requests (变更申请; peixun.training.services.changes) ------------------------------------


class ChangeNotAllowedError(DomainError):
    code = "change_not_allowed"
    message = _(
        "Changes are asked for only while a project is approved and not yet closed (now: %(status)s). "
        "Before approval, edit the project itself."
    )


class ChangeNotPermittedError(DomainError):
    code = "change_not_permitted"
    message = _(
        "The project's organisers ask for its changes and whoever may approve the project decides "
        "them: this is not yours to do."
    )
    status = 403


class OpenChangeExistsError(DomainError):
    code = "change_request_open"
    message = _(
        "This project already has an open change request: open it from the project's page to edit "
        "or withdraw it, then ask again."
    )


class ChangeRequestStateError(DomainError):
    code = "change_request_state"
    message = _("This change request is “%(status)s” and can no longer do that.")


class CommentRequiredError(DomainError):
    code = "comment_required"
    message = _("Write a comment saying why the request goes back and what to change.")
    status = 400


class ChangeRequestInvalidError(DomainError):
    """The terms asked for may not be taken (peixun.training.rules.changes): one sentence per
    refusal, each naming the form field it concerns (`problems`: [(field, text)])."""

    code = "change_request_invalid"
    message = _("The change request cannot be taken as it is.")
    status = 400

    def __init__(self, problems: list[tuple[str, str]], codes: list[str]) -> None:
        self.problems = problems
        self.codes = codes
        super().__init__()

    def __str__(self) -> str:
        return " ".join(text for _field, text in self.problems) or str(self.message)
