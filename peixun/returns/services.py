"""Writes of annual returns, each in one transaction and audited: the school confirms its return
(the figures of that moment are kept), the county returns it to the school with a reason."""

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from peixun.accounts.models import User
from peixun.audit import events
from peixun.orgs.models import Org
from peixun.returns import selectors
from peixun.returns.exceptions import AlreadyConfirmedError, NotConfirmedError, ReasonRequiredError
from peixun.returns.models import AnnualReturn, ReturnStatus


def _locked(school: Org, year: int) -> AnnualReturn:
    record, _created = AnnualReturn.objects.get_or_create(
        school=school, year=year, defaults={"org_path": school.path}
    )
    return AnnualReturn.objects.select_for_update().get(pk=record.pk)


@transaction.atomic
def confirm_return(
    *, school: Org, year: int, actor: User, request: HttpRequest | None = None
) -> AnnualReturn:
    record = _locked(school, year)
    if record.status == ReturnStatus.CONFIRMED:
        raise AlreadyConfirmedError()
    figures = selectors.live_figures(Org.objects.filter(pk=school.pk), year)[school.pk]
    record.status = ReturnStatus.CONFIRMED
    record.figures = figures.as_json()
    record.org_path = school.path
    record.confirmed_by = actor
    record.confirmed_at = timezone.now()
    record.save()
    events.record(
        action="return_confirmed",
        actor=actor,
        target=record,
        target_repr=f"{school.name} {year}",
        org_path=school.path,
        request=request,
        changes={"year": year, "full_time_teachers": figures.teachers},
    )
    return record


@transaction.atomic
def reopen_return(
    *, school: Org, year: int, reason: str, actor: User, request: HttpRequest | None = None
) -> AnnualReturn:
    reason = reason.strip()
    if not reason:
        raise ReasonRequiredError()
    record = AnnualReturn.objects.select_for_update().filter(school=school, year=year).first()
    if record is None or record.status != ReturnStatus.CONFIRMED:
        raise NotConfirmedError()
    record.status = ReturnStatus.REOPENED
    record.figures = {}
    record.reopen_reason = reason
    record.reopened_by = actor
    record.reopened_at = timezone.now()
    record.save()
    events.record(
        action="return_reopened",
        actor=actor,
        target=record,
        target_repr=f"{school.name} {year}",
        org_path=school.path,
        request=request,
        changes={"year": year, "reason": reason},
    )
    return record
