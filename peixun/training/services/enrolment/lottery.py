"""The lottery: registrations take no place; once the window has closed the draw takes all the
winners' places at once through `take_places`, and records its seed, options, the applicant list's
digest and the full order so anyone can re-run it (ADR 0022)."""

from collections import Counter
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from peixun.accounts.models import User
from peixun.audit import events
from peixun.training import selectors
from peixun.training.exceptions import EnrolmentClosedError, LotteryAlreadyDrawnError, WrongEnrolmentModeError
from peixun.training.models import Enrolment, EnrolmentMode, LotteryDraw, Project, SchoolQuota
from peixun.training.rules import lifecycle, lottery
from peixun.training.services import notify
from peixun.training.services.enrolment.common import S, admitted_status
from peixun.training.services.enrolment.places import take_places, uses_quotas


def lottery_applicants(project: Project) -> list[lottery.Applicant]:
    applicants = list(project.enrolments.filter(status=S.APPLIED).values_list("person_id", "school_id"))
    weights: dict[int, float] = {}
    if project.lottery_weighted and applicants:
        since = timezone.localdate().year - project.lottery_lookback_years + 1
        history = selectors.trainings_of([person_id for person_id, _school in applicants])
        weights = {
            person_id: lottery.fair_weight(sum(1 for t in history.get(person_id, []) if t.year >= since))
            for person_id, _school in applicants
        }
    return [
        lottery.Applicant(key=person_id, group=school_id, weight=weights.get(person_id, 1.0))
        for person_id, school_id in applicants
    ]


@transaction.atomic
def draw_lottery(
    *,
    project: Project,
    actor: User | None,
    seed: str = "",
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> LotteryDraw:
    """Draw the places of a lottery project once its window has closed. The seed (fresh unless
    given), the options, the applicant list's digest and the full order are recorded."""
    project = Project.objects.select_for_update().select_related("organiser").get(pk=project.pk)
    now = now or timezone.now()
    if project.enrolment_mode != EnrolmentMode.LOTTERY:
        raise WrongEnrolmentModeError
    if LotteryDraw.objects.filter(project=project).exists():
        raise LotteryAlreadyDrawnError
    if project.status not in lifecycle.OPEN_FOR_ENROLMENT or (
        project.enrol_closes_at is not None and now < project.enrol_closes_at
    ):
        raise EnrolmentClosedError(gettext("The lottery is drawn after the enrolment window closes."))
    seed = seed or lottery.new_seed()
    applicants = lottery_applicants(project)
    quota_map = None
    if uses_quotas(project):
        quota_map = {q.org_id: q.quota - q.used for q in SchoolQuota.objects.filter(project=project)}
    places = project.places_left
    result = lottery.draw(applicants, seed=seed, places=places, quotas=quota_map)
    rank = {key: index for index, key in enumerate(result.order, 1)}
    by_key = {a.key: a for a in applicants}
    status, stage = admitted_status(project)
    # All the winners' places at once: one conditional UPDATE a school's quota, one for the project.
    if result.winners:
        take_places(project, Counter(by_key[key].group for key in result.winners))
    enrolments = list(project.enrolments.filter(status=S.APPLIED))
    winners = set(result.winners)
    loser_status = S.WAITLISTED if project.waitlist else S.NOT_DRAWN
    for enrolment in enrolments:
        enrolment.lottery_rank = rank[enrolment.person_id]
        if enrolment.person_id in winners:
            enrolment.status, enrolment.stage = status, stage
        else:
            enrolment.status = loser_status
        enrolment.updated_at = now
    Enrolment.objects.bulk_update(
        enrolments, ["status", "stage", "lottery_rank", "updated_at"], batch_size=1000
    )
    draw = LotteryDraw.objects.create(
        project=project,
        algorithm=lottery.ALGORITHM,
        seed=seed,
        weighted=project.lottery_weighted,
        lookback_years=project.lottery_lookback_years,
        places=places,
        applicants=len(applicants),
        winners=len(result.winners),
        input_digest=lottery.digest(applicants),
        quotas={str(k): v for k, v in (quota_map or {}).items()},
        entries=[
            [a.key, a.group, round(a.weight, 6), rank[a.key], a.key in winners]
            for a in sorted(applicants, key=lambda a: rank[a.key])
        ],
        drawn_by=actor if getattr(actor, "pk", None) else None,
    )
    events.record(
        action="lottery_drawn",
        actor=actor,
        target=project,
        org_path=project.organiser.path,
        changes={"seed": seed, "applicants": len(applicants), "winners": len(result.winners)},
        request=request,
    )
    accounts = dict(
        get_user_model()
        .objects.filter(person_id__in=list(by_key), is_active=True)
        .values_list("person_id", "id")
    )
    for enrolment in enrolments:
        user_id = accounts.get(enrolment.person_id)
        if user_id is None:
            continue
        if enrolment.person_id in winners:
            notify.send([user_id], "lottery_won", project=project)
        elif project.waitlist:
            notify.send(
                [user_id],
                "lottery_waitlisted",
                project=project,
                rank=rank[enrolment.person_id] - len(winners),
            )
        else:
            notify.send([user_id], "lottery_not_drawn", project=project)
    return draw


def lottery_applicants_from(draw: LotteryDraw) -> list[lottery.Applicant]:
    """The applicant list a recorded draw was made from."""
    return [lottery.Applicant(key=e[0], group=e[1], weight=e[2]) for e in draw.entries]


def verify_lottery(draw: LotteryDraw) -> bool:
    """Re-run a recorded draw from its seed and applicant list: True when the order matches."""
    applicants = lottery_applicants_from(draw)
    if lottery.digest(applicants) != draw.input_digest:
        return False
    quota_map = {int(k): v for k, v in draw.quotas.items()} if draw.quotas else None
    again = lottery.draw(applicants, seed=draw.seed, places=draw.places, quotas=quota_map)
    return list(again.order) == [e[0] for e in draw.entries] and set(again.winners) == {
        e[0] for e in draw.entries if e[4]
    }
