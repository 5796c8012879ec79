"""Why a school-based training action was refused, in words that say what to do."""

from django.utils.translation import gettext_lazy as _

from peixun.core.exceptions import DomainError


class SchoolBasedError(DomainError):
    code = "school_based_refused"


class NotEditableError(SchoolBasedError):
    code = "not_editable"
    message = _("This can no longer be changed in its present status (%(state)s).")


class MoveNotAllowedError(SchoolBasedError):
    code = "move_not_allowed"
    message = _("This cannot be done while the status is %(state)s.")


class PlanIncompleteError(SchoolBasedError):
    """The plan leaves out a prescribed topic or exceeds a cap: `problems` says each, in words."""

    code = "plan_incomplete"
    message = _("The plan cannot be submitted yet:")

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__()

    def details(self) -> list[str]:
        return self.problems


class LineInvalidError(SchoolBasedError):
    code = "line_invalid"
    message = _("%(why)s")


class CommentRequiredError(SchoolBasedError):
    code = "comment_required"
    message = _("Write a comment on at least one line, or overall, saying what the school should change.")


class ExcludedTeacherError(SchoolBasedError):
    code = "teacher_excluded"
    message = _("%(name)s is not in school-based training (%(reason)s); remove them from the list.")


class DisputesOpenError(SchoolBasedError):
    code = "disputes_open"
    message = _("%(count)s disputed line(s) are not resolved yet; resolve them on the teacher table first.")


class FileRejectedError(SchoolBasedError):
    code = "file_rejected"
    message = _("The evidence file was not accepted: %(why)s.")


class PlanNotApprovedError(SchoolBasedError):
    code = "plan_not_approved"
    message = _("The year-end registration starts once the district has approved the plan.")


class CheckInRefusedError(SchoolBasedError):
    code = "checkin_refused"
    message = _("%(why)s")


class UploadRefusedError(SchoolBasedError):
    code = "upload_refused"
    message = _("The file was not accepted: %(why)s")
