"""Why an honours action was refused: one DomainError per case, each saying what to do."""

from django.utils.translation import gettext_lazy as _

from peixun.core.exceptions import DomainError


class NotAllowedError(DomainError):
    code = "honours_not_allowed"
    message = _("This is “%(status)s”: that is no longer possible. Reload the page to see where it is.")


class ReasonRequiredError(DomainError):
    code = "honours_reason_required"
    message = _("Say why, so the school knows what to correct.")
    status = 400


class EthicsVetoError(DomainError):
    code = "honours_ethics_veto"
    message = _(
        "%(name)s has an ethics veto for %(year)s (师德一票否决): no honour can be conferred this year. "
        "Nominate another teacher, or ask the bureau to review the veto."
    )


class AlreadyNominatedError(DomainError):
    code = "honours_already_nominated"
    message = _("%(name)s is already nominated in this selection: open that nomination instead.")


class OutsideSelectionError(DomainError):
    code = "honours_outside_selection"
    message = _(
        "%(name)s does not work under %(org)s, which runs this selection: "
        "nominate teachers of your school only."
    )


class SelectionClosedError(DomainError):
    code = "honours_selection_closed"
    message = _(
        "Nominations for this selection closed on %(date)s: ask the bureau if a late nomination can be taken."
    )


class NoQuotaError(DomainError):
    code = "honours_no_quota"
    message = _("This selection confers no “%(kind)s”: choose one of the honours it lists.")


class QuotaExceededError(DomainError):
    code = "honours_quota_exceeded"
    message = _(
        "The quota of “%(kind)s” is %(quota)s, and %(chosen)s nominations are accepted: return or "
        "remove %(over)s of them, or raise the quota, before making the list final."
    )


class PendingObjectionsError(DomainError):
    code = "honours_pending_objections"
    message = _("%(count)s objections are not decided yet: decide each before making the list final.")


class NoticeNotOverError(DomainError):
    code = "honours_notice_not_over"
    message = _("The public notice runs until %(date)s: the list can be made final after that day.")


class NothingAcceptedError(DomainError):
    code = "honours_nothing_accepted"
    message = _("No nomination is accepted yet: accept at least one before publishing the list.")


class NoticeClosedError(DomainError):
    code = "honours_notice_closed"
    message = _(
        "The public notice is not open (it runs %(start)s to %(end)s): objections are taken only then."
    )
    status = 400


class NotDueError(DomainError):
    code = "honours_not_due"
    message = _("This title runs until %(date)s: it can be renewed or ended once it is due.")


class AlreadyReviewedError(DomainError):
    code = "honours_already_reviewed"
    message = _("This title was already reviewed for the %(year)s school year.")


class PendingNominationsError(DomainError):
    code = "honours_pending_nominations"
    message = _(
        "%(count)s nominations still wait for review: accept or return each before publishing the list."
    )
