"""Why a policy action was refused."""

from django.utils.translation import gettext_lazy as _

from peixun.core.exceptions import DomainError


class PolicyError(DomainError):
    code = "policy_error"
    status = 400


class InvalidDocumentError(PolicyError):
    """The document is not a valid policy; `problems` lists (place, Chinese message)."""

    code = "invalid_policy"
    message = _("The policy document has problems; nothing was saved.")

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__()
        self.problems = problems


class NotDraftError(PolicyError):
    code = "not_draft"
    message = _("Only a draft can be changed or adopted; this version is already adopted.")
    status = 409


class OverlapError(PolicyError):
    code = "overlap"
    message = _("A version of this policy is already in force from %(day)s; adopt this one from a later day.")
    status = 409
