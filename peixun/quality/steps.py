"""What quality does at the moments of the apps below it, registered in `QualityConfig.ready()`:

- a project closes (peixun.training.lifecycle, "close" 50, after the hours are posted and the
  certificates checked): its summary is generated — the figures as they stand, the settlement's
  lines from the approved budget; a reopened project closing again refreshes the figures only;
- a class's tutor is chosen (peixun.training.hooks.tutor_candidates): the pool's subject leaders
  and backbone teachers first, then the rest of the pool, then training's own list; removed
  trainers never (RULES C2, F3);
- a project's trainers are typed (peixun.training.hooks.trainer_suggestions): the pool's trainers;
- in both, a title held in the 名师/骨干 programme (peixun.training.hooks.held_titles, answered by
  honours) ranks a person when it is better than their pool title, or when they are not in it;
- the audit log (peixun.audit.events): the words of the fields its events record.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peixun.audit import events
from peixun.orgs.access import path_q, scope_paths
from peixun.orgs.models import Person, PersonStatus, ancestor_paths
from peixun.quality import services
from peixun.quality.models import Trainer, TrainerState
from peixun.quality.rules import pool
from peixun.training import hooks as training_hooks
from peixun.training import lifecycle
from peixun.training.models import HOLDING

FIELD_LABELS = {
    "name": _("Name"),
    "unit": _("Unit"),
    "contact": _("Contact"),
    "subjects": _("Subjects"),
    "sections": _("Sections taught"),
    "title": _("Title"),
    "state": _("State"),
    "year": _("Year"),
    "verdict": _("Verdict"),
    "course_review": _("Course review"),
    "feedback": _("Feedback notes"),
    "narrative": _("Narrative"),
    "expenses": _("Expense settlement"),
    "enrolled": _("Enrolled"),
    "passed": _("Completed"),
    "filename": _("File name"),
    "kind": _("Kind"),
    "archive": _("Archive"),
}


def summarise(*, project, actor, request=None) -> None:
    services.generate_summary(project=project, actor=actor, request=request)


def _pool_of(project) -> list[Trainer]:
    """The trainers of the pools that can serve the project: kept by its organiser or above it."""
    paths = ancestor_paths(project.organiser.path)
    return list(
        Trainer.objects.filter(org_path__in=paths).select_related("person__org").order_by("name", "id")[:2000]
    )


def _held(person_ids) -> dict[int, training_hooks.HeldTitle]:
    """The best title each person holds outside the pool (honours' 名师/骨干, through the hook)."""
    return {
        pk: min(titles, key=lambda title: pool.place(title.code))
        for pk, titles in training_hooks.titles_held(person_ids).items()
    }


def order_tutors(*, project, people) -> list[Person]:
    trainers = _pool_of(project)
    removed = {t.person_id for t in trainers if t.person_id and not pool.offered(t.state)}
    in_pool = {t.person_id: t for t in trainers if t.person_id and pool.offered(t.state)}
    given = {p.pk: p for p in people if p.pk not in removed}
    held = _held(sorted(set(given) | set(in_pool)))
    if not in_pool and not held:
        return list(given.values())
    missing = [pk for pk in in_pool if pk not in given]
    if missing:
        trainees = project.enrolments.filter(status__in=HOLDING).values("person_id")
        for person in (
            Person.objects.filter(pk__in=missing, status=PersonStatus.ACTIVE)
            .exclude(pk__in=trainees)
            .select_related("org")
        ):
            given[person.pk] = person

    def key(person: Person) -> tuple[tuple[int, int], int]:
        code = held[person.pk].code if person.pk in held else ""
        trainer = in_pool.get(person.pk)
        if trainer is None:
            return (pool.rank_outside(code), person.pk)
        return (pool.rank(trainer.title, trainer.state, code), person.pk)

    return sorted(given.values(), key=key)


def suggest_trainers(*, user, project) -> list[training_hooks.TrainerSuggestion]:
    """The pool's trainers for the project's form: of the pools at or above the project's organiser
    (a new project: at, above or below the user's own scope), removed ones left out; a trainer who
    holds a better title in the 名师/骨干 programme ranks by it, and it is the word shown."""
    if project is not None:
        where = Q(org_path__in=ancestor_paths(project.organiser.path))
    else:
        paths = scope_paths(user, "training.manage")
        where = path_q(paths, "org_path") | Q(
            org_path__in=sorted({a for p in paths for a in ancestor_paths(p)})
        )
    trainers = list(Trainer.objects.filter(where).exclude(state=TrainerState.REMOVED)[:500])
    held = _held(sorted({t.person_id for t in trainers if t.person_id}))

    def better(trainer: Trainer) -> training_hooks.HeldTitle | None:
        title = held.get(trainer.person_id) if trainer.person_id else None
        return title if title and pool.place(title.code) < pool.place(trainer.title) else None

    def key(trainer: Trainer) -> tuple[tuple[int, int], str]:
        code = held[trainer.person_id].code if trainer.person_id in held else ""
        return (pool.rank(trainer.title, trainer.state, code), trainer.name)

    found = sorted(trainers, key=key)
    return [
        training_hooks.TrainerSuggestion(
            t.name, t.unit, (title.name if (title := better(t)) else str(t.get_title_display()))
        )
        for t in found
    ]


def register() -> None:
    lifecycle.register_step(
        "close",
        50,
        summarise,
        name="quality.summary",
        does=_("generating the project's summary"),
        fix_at=_("the project's Summary tab"),
    )
    training_hooks.tutor_candidates.add(order_tutors, order=10, name="quality.pool")
    training_hooks.trainer_suggestions.add(suggest_trainers, order=10, name="quality.pool")
    for action in (
        "quality_trainer_added",
        "quality_trainer_changed",
        "quality_trainer_reviewed",
        "quality_summary_generated",
        "quality_summary_changed",
        "quality_archive_file_added",
        "quality_archive_file_removed",
        "quality_archive_started",
    ):
        events.register_field_labels(FIELD_LABELS, action=action)
    # Keys new to the log are named in every action's rows (an existing key keeps its label).
    events.register_field_labels(FIELD_LABELS)
