"""Reads of competitions: lists with their related rows loaded, and what each page shows."""

from django.db.models import Count, QuerySet

from peixun.competitions.models import Award, Competition, Entry, Exemption, Place, Stage


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
