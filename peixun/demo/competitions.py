"""The demo's teaching competitions: this year's county contest in its school round, with a dozen of
the demo school's teachers entered, the demo tutor judging one item (课堂教学) and some marks in;
and last year's contest run through the services from the school round to the final, its awards
under public notice (公示), so the stages, draws, scores and awards pages show something."""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model

from peixun.competitions import services
from peixun.competitions.models import Competition, Stage, Way
from peixun.core.exceptions import DomainError
from peixun.orgs.models import GrantRole, Org, Person


def seed_competitions(*, school: Org, county: Org, today: date) -> None:
    users = get_user_model().objects
    author = users.filter(grants__role=GrantRole.BUREAU_ADMIN).first() or users.order_by("pk").first()
    if author is None:
        return
    contest = services.create_competition(
        organiser=county, name=f"{county.name}{today.year}年教师教学技能大赛", year=today.year, actor=author
    )
    _enter(contest, school, author, 12)
    # Entries close four weeks from the day the demo is seeded (a fixed date would pass).
    contest.stages.filter(number=1).update(deadline=today + timedelta(days=28))
    tutor = users.filter(username="tutor").first()
    first = contest.stages.get(number=1)
    if tutor is not None:
        item = first.items.get(name="课堂教学")
        for group in contest.groups.all():
            services.assign_judge(item=item, group=group, user=tutor, actor=author)
        places = list(first.places.select_related("entry__person", "stage")[:6])
        for place in places:
            if services.is_judge(tutor, item, place.entry.group_id):
                services.submit_score(
                    place=place, item=item, value=_mark(place.entry_id, item.pk), judge=tutor
                )
    last = services.create_competition(
        organiser=county,
        name=f"{county.name}{today.year - 1}年教师教学技能大赛",
        year=today.year - 1,
        actor=author,
    )
    # One county with one demo school: half of round 2 goes to the final, so the final has a field.
    last.final_rate = Decimal("0.50")
    last.save(update_fields=["final_rate"])
    _enter(last, school, author, 20)
    _run_to_notice(last, author)


def _enter(contest: Competition, school: Org, author, count: int) -> int:
    entered = 0
    for person in Person.objects.filter(org=school, section__in=["primary", "junior"]).order_by("pk")[:60]:
        subject = next((s for s in person.subjects if s in contest.subjects), contest.subjects[0])
        try:
            services.enter(competition=contest, person=person, subject=subject, actor=author)
        except DomainError:
            continue
        entered += 1
        if entered >= count:
            break
    return entered


def _mark(entry_id: int, item_id: int) -> Decimal:
    return Decimal(7000 + (entry_id * 7919 + item_id * 104_729) % 2900) / 100


def _score(stage: Stage, judge) -> None:
    for item in stage.items.all():
        for group in stage.competition.groups.all():
            services.assign_judge(item=item, group=group, user=judge, actor=judge)
    marks = [
        (p.entry_id, item.pk, _mark(p.entry_id, item.pk))
        for p in stage.places.select_related("entry")
        for item in services.items_for(stage, p.entry)
    ]
    services.import_scores(stage=stage, marks=marks, judge=judge)
    services.compute_results(stage=stage)


def _run_to_notice(contest: Competition, author) -> None:
    """Every round marked (the organiser judging), each unit nominating its best, the draws
    published and run, then the awards drafted: the results under public notice."""
    stages = list(contest.stages.all())
    _score(stages[0], author)
    for stage in stages[1:]:
        before = list(services.previous(stage).places.select_related("entry").order_by("-total", "entry_id"))
        unit_map = services.units(stage, {p.entry.school_id for p in before})
        for unit, quota in services.quotas(stage).items():
            best = [p for p in before if unit_map[p.entry.school_id] == unit][: quota.nominated]
            for place in best:
                services.nominate(stage=stage, entry=place.entry, actor=author)
        stage = services.publish_draw(
            stage=stage, seed=f"{contest.year}年公开种子{stage.number}", actor=author
        )
        stage = services.run_draw(stage=stage, actor=author)
        if not stage.places.exclude(way=Way.ENTERED).exists():
            return
        _score(stage, author)
    services.draft_awards(competition=contest, actor=author)
