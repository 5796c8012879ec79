"""Why an assessment action was refused: one DomainError per case."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from peixun.core.exceptions import DomainError, Fix


class SchemeInvalidError(DomainError):
    code = "scheme_invalid"
    message = _("The scheme has errors.")
    status = 400

    def __init__(self, problems=(), **params) -> None:
        self.problems = list(problems)
        super().__init__(**params)


class ResultsLockedError(DomainError):
    code = "results_locked"
    message = _(
        "Results change only while the project runs or is being assessed; "
        "a closed project must be reopened first."
    )


class UnknownComponentError(DomainError):
    code = "unknown_component"
    message = _("The scheme has no component scored by hand with that key.")
    status = 400


class ScoreOutOfRangeError(DomainError):
    code = "score_out_of_range"
    message = _("The score must be between 0 and %(maximum)s.")
    status = 400


class ExcellenceStateError(DomainError):
    code = "excellence_state"
    message = _("The excellent-trainee list cannot do that in its current state.")


class NoticeNotOverError(DomainError):
    code = "notice_not_over"
    message = _("The public notice runs until %(until)s; the list becomes final after it.")


class OpenObjectionsError(DomainError):
    code = "open_objections"
    message = _("Decide every objection before making the list final.")


class ObjectionNotAllowedError(DomainError):
    code = "objection_not_allowed"
    message = _("Objections can be raised only against someone on the list, during the public notice.")
    status = 400


class ReasonRequiredError(DomainError):
    code = "reason_required"
    message = _("Give a reason.")
    status = 400


class TagsOffTheListError(DomainError):
    """The project (or a course) is credited under tags that are not on the closed list: its hours
    cannot be posted. Put right on the tag repair page (标签修复)."""

    code = "unknown_tag"
    message = _("Unknown tags: %(tags)s.")
    status = 400
    fix = Fix(
        where=_("the Tag repair page"),
        url=reverse_lazy("training:tag-repair"),
        link=_("Go to Tag repair"),
    )


class ResultsProvisionalError(DomainError):
    code = "results_provisional"
    message = _(
        "%(count)s results are still provisional (%(what)s). Grade the work and enter the scores on "
        "the Results tab, or wait until the work's due dates have passed, then close the project."
    )
