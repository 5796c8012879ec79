"""Why a delivery action was refused: one DomainError per case, with a machine code and a message
for the person (translated when shown)."""

from django.utils.translation import gettext_lazy as _

from peixun.core.exceptions import DomainError


class ProjectLockedError(DomainError):
    code = "project_locked"
    message = _("This project is not running, so its lessons, attendance and coursework cannot change now.")


class LessonNotOpenError(DomainError):
    code = "lesson_not_open"
    message = _("Check-in for this lesson is not open now.")


class LessonClosedError(DomainError):
    code = "lesson_closed"
    message = _("This lesson is closed or cancelled.")


class WrongCodeError(DomainError):
    code = "wrong_code"
    message = _("That code is not right or has expired. Type the code shown now.")
    status = 400


class DeviceUsedError(DomainError):
    code = "device_used"
    message = _(
        "This phone has already checked someone else in to this lesson. "
        "Each person checks in on their own phone."
    )


class NotInLessonError(DomainError):
    code = "not_in_lesson"
    message = _("You are not on the list of this lesson.")
    status = 403


class InvalidStatusError(DomainError):
    code = "invalid_status"
    message = _("Unknown attendance status.")
    status = 400


class LeaveNotAllowedError(DomainError):
    code = "leave_not_allowed"
    message = _("Leave can be asked for only while enrolled in a running project, for dates of the project.")
    status = 400


class NotYourDecisionError(DomainError):
    code = "not_your_decision"
    message = _("This request does not wait for your decision.")
    status = 403


class LeaveClosedError(DomainError):
    code = "leave_closed"
    message = _("This request has already been decided or withdrawn.")


class ChainInvalidError(DomainError):
    code = "chain_invalid"
    message = _("An approval chain has one to three steps, each with a known approver.")
    status = 400


class SubmissionClosedError(DomainError):
    code = "submission_closed"
    message = _("The due date has passed and this assignment takes no more work.")


class FileRejectedError(DomainError):
    code = "file_rejected"
    message = _("%(name)s was not accepted: %(why)s")
    status = 400


class TooShortError(DomainError):
    code = "too_short"
    message = _("At least %(minimum)s characters are needed; this has %(count)s.")
    status = 400


class EmptySubmissionError(DomainError):
    code = "empty_submission"
    message = _("Write the text or attach a file.")
    status = 400


class AlreadyGradedError(DomainError):
    code = "already_graded"
    message = _("This work has been graded. It can be handed in again only if the tutor returns it.")


class ScoreOutOfRangeError(DomainError):
    code = "score_out_of_range"
    message = _("The score must be between 0 and %(maximum)s.")
    status = 400


class RubricPointsError(DomainError):
    code = "rubric_points"
    message = _(
        "Give points for every criterion of the rubric, between 0 and its maximum (one decimal at most)."
    )
    status = 400


class LessonsAheadError(DomainError):
    code = "lessons_ahead"
    message = _(
        "%(count)s lessons have not been held yet. Cancel them (they then count for nobody) "
        "or wait until they are held before moving the project to assessment."
    )
