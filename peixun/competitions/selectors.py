"""Reads of competitions: lists with their related rows loaded, and what each page shows."""

from django.db.models import Count, QuerySet

from peixun.competitions.models import Award, Competition, Entry, Exemption, Item, Judge, Place, Stage

LIST_LIMIT = 500


def entries(competition: Competition) -> QuerySet[Entry]:
    return competition.entries.select_related("person", "school", "group").order_by("school__path", "id")


def places(stage: Stage) -> QuerySet[Place]:
    return stage.places.select_related("entry__person", "entry__school", "entry__group").order_by(
        "entry__group__order", "entry__subject", "rank", "entry__school__path", "id"
    )


def awards(competition: Competition) -> QuerySet[Award]:
    return (
        competition.awards.select_related("entry__person", "entry__school", "entry__group")
        .annotate(objections_open=Count("objections"))
        .order_by("level", "entry__school__path", "id")
    )


def exemptions(competition: Competition) -> QuerySet[Exemption]:
    return competition.exemptions.select_related("person", "person__org")


def stage_counts(competition: Competition) -> dict[int, int]:
    return dict(competition.stages.annotate(n=Count("places")).values_list("number", "n"))


def judge_rows(stage: Stage, user) -> list[tuple[Place, Item]]:
    """What a judge marks in a stage: each competitor of their groups on each of their items (a
    school's own item only for that school's competitors), in the order of the stage's list."""
    assignments = list(Judge.objects.filter(item__stage=stage, user=user).select_related("item", "group"))
    listed = list(places(stage)[:LIST_LIMIT]) if assignments else []
    rows = []
    for assignment in assignments:
        for place in listed:
            if place.entry.group_id != assignment.group_id:
                continue
            if assignment.item.school_id not in (None, place.entry.school_id):
                continue
            rows.append((place, assignment.item))
    return rows
