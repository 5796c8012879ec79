"""Why an interest group action was refused: one DomainError per case, each saying what to do."""

from django.utils.translation import gettext_lazy as _

from peixun.core.exceptions import DomainError


class TooManyGroupsError(DomainError):
    code = "interest_too_many_groups"
    message = _(
        "%(student)s already applied to or joined %(count)s groups this term, the most a student may: "
        "withdraw one of those applications first."
    )
    status = 400


class AlreadyAppliedError(DomainError):
    code = "interest_already_applied"
    message = _("%(student)s has already applied to this group.")
    status = 400


class GroupSizeError(DomainError):
    code = "interest_group_size"
    message = _("A group has between %(min)s and %(max)s places this term: change the number of places.")
    status = 400


class NoTermError(DomainError):
    code = "interest_no_term"
    message = _("No term of interest groups covers this school: ask the bureau to set one up first.")
    status = 400
