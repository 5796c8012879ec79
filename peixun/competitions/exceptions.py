"""Why a competition action was refused: one DomainError per case, each saying what to do."""

from django.utils.translation import gettext_lazy as _

from peixun.core.exceptions import DomainError


class CompetitionError(DomainError):
    code = "competition_refused"
    message = _("This is not possible now. Reload the page to see where the competition is.")


class NotEligibleError(DomainError):
    code = "competition_not_eligible"
    message = _("%(name)s cannot enter: %(reason)s")


class AlreadyEnteredError(DomainError):
    code = "competition_already_entered"
    message = _(
        "%(name)s already entered this competition in %(subject)s: each teacher "
        "enters one subject only. Withdraw that entry first to change the subject."
    )


class QuotaFullError(DomainError):
    code = "competition_quota_full"
    message = _("%(unit)s has nominated all its %(count)s places. Remove a nomination first.")


class NotJudgeError(DomainError):
    code = "competition_not_judge"
    message = _("You are not a judge of this item for this group. Ask the organiser to assign you.")
    status = 403


class ObjectionsOpenError(DomainError):
    code = "competition_objections_open"
    message = _("%(count)s objections are not decided yet: decide them before the results are final.")


class EntriesClosedError(DomainError):
    code = "competition_entries_closed"
    message = _("Entries for this round closed on %(date)s. Ask the organiser if the deadline should move.")


class AwardNotIssuedError(DomainError):
    code = "competition_award_not_issued"
    message = _("The award certificate is issued once the results are final.")
    status = 409


class AwardRevokedError(DomainError):
    code = "competition_award_revoked"
    message = _("This award was revoked on %(date)s (%(reason)s): its certificate is no longer issued.")
    status = 410
