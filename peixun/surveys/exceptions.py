"""Why a survey action was refused: one DomainError per case, each saying what to do."""

from django.utils.translation import gettext_lazy as _

from peixun.core.exceptions import DomainError


class AlreadyAnsweredError(DomainError):
    code = "survey_already_answered"
    message = _("You have already answered this survey: each trainee answers once. Thank you!")


class SurveyClosedError(DomainError):
    code = "survey_closed"
    message = _("This survey is not open (it is open from %(opens)s to %(closes)s).")


class NotTraineeError(DomainError):
    code = "survey_not_trainee"
    message = _("Only the trainees enrolled in this project answer its survey.")
    status = 403


class AnswersMissingError(DomainError):
    code = "survey_answers_missing"
    message = _("Answer every question marked required (%(missing)s), then send again.")
    status = 400


class EmptyTemplateError(DomainError):
    code = "survey_template_empty"
    message = _("The template has no question yet: add at least one on its page, then open the survey.")
    status = 400


class TrainerRequiredError(DomainError):
    code = "survey_trainer_required"
    message = _("Choose the trainer or tutor (or the lesson) this survey is about.")
    status = 400


class BelowThresholdError(DomainError):
    """A trainer or project type under the satisfaction threshold the year before (RULES F1)."""

    code = "survey_below_threshold"
    status = 409
