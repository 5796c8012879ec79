"""Who may see and act on competitions.

- The organiser's bureau and centre (`competitions.manage`, over a subtree holding the organiser)
  set the competition up, publish and run draws, assign judges, and decide awards.
- A school coordinator (`competitions.school`) enters their school's teachers, nominates for the
  next round, adds items to the school round and reviews exemptions at the school's step.
- A judge is any account assigned to an item; a teacher sees their own entry and may ask to be
  excused.

`access_*` fetch one object or answer 404 — the same for missing and out of scope.
"""

from django.db.models import Q, QuerySet

from peixun.competitions.models import Competition, Entry, Exemption, Stage
from peixun.orgs.access import has_perm
from peixun.orgs.access import orgs_in_scope as orgs_in_scope
from peixun.orgs.access import out_of_scope as out_of_scope
from peixun.orgs.access import path_q as path_q
from peixun.orgs.access import people_in_scope as people_in_scope
from peixun.orgs.access import require_perm as require_perm
from peixun.orgs.access import scope_paths as scope_paths
from peixun.orgs.models import ancestor_paths

MANAGE = "competitions.manage"
SCHOOL = "competitions.school"


def _reaching(paths: list[str]) -> Q:
    """Competitions organised within the paths or above them (a school sees its county's)."""
    query = path_q(paths, "org_path")
    for path in paths:
        query |= Q(org_path__in=ancestor_paths(path))
    return query


def competitions_in_scope(user) -> QuerySet[Competition]:
    query = _reaching(scope_paths(user, MANAGE) + scope_paths(user, SCHOOL))
    if user.is_authenticated:
        query |= Q(stages__items__judges__user=user)
        if user.person_id:
            query |= Q(entries__person_id=user.person_id) | Q(exemptions__person_id=user.person_id)
            query |= Q(org_path__in=ancestor_paths(user.person.org.path))
    return Competition.objects.filter(query).distinct()


def access_competition(user, pk: int) -> Competition:
    try:
        return competitions_in_scope(user).select_related("organiser").get(pk=pk)
    except Competition.DoesNotExist:
        raise out_of_scope(user, "competition", pk) from None


def manages(user, competition: Competition) -> bool:
    return any(competition.org_path.startswith(path) for path in scope_paths(user, MANAGE))


def access_managed_competition(user, pk: int) -> Competition:
    competition = access_competition(user, pk)
    if not manages(user, competition):
        raise out_of_scope(user, "competition", pk)
    return competition


def access_stage(user, pk: int) -> Stage:
    try:
        stage = Stage.objects.select_related("competition").get(pk=pk)
    except Stage.DoesNotExist:
        raise out_of_scope(user, "stage", pk) from None
    access_competition(user, stage.competition_id)
    return stage


def school_paths(user) -> list[str]:
    return scope_paths(user, SCHOOL) + scope_paths(user, MANAGE)


def entries_in_scope(user, competition: Competition) -> QuerySet[Entry]:
    """The entries the user looks after (their schools'), or all for the organiser."""
    if manages(user, competition):
        return competition.entries.all()
    return competition.entries.filter(path_q(scope_paths(user, SCHOOL), "org_path"))


def access_entry(user, pk: int) -> Entry:
    try:
        entry = Entry.objects.select_related("competition", "person", "school").get(pk=pk)
    except Entry.DoesNotExist:
        raise out_of_scope(user, "entry", pk) from None
    mine = user.is_authenticated and user.person_id == entry.person_id
    if not (mine or any(entry.org_path.startswith(p) for p in school_paths(user))):
        raise out_of_scope(user, "entry", pk)
    return entry


def access_exemption(user, pk: int) -> Exemption:
    try:
        exemption = Exemption.objects.select_related("competition", "person").get(pk=pk)
    except Exemption.DoesNotExist:
        raise out_of_scope(user, "exemption", pk) from None
    mine = user.is_authenticated and user.person_id == exemption.person_id
    if not (mine or any(exemption.org_path.startswith(p) for p in school_paths(user))):
        raise out_of_scope(user, "exemption", pk)
    return exemption


def reviews_at_school(user, exemption: Exemption) -> bool:
    return any(exemption.org_path.startswith(p) for p in scope_paths(user, SCHOOL))


def may(user, perm: str) -> bool:
    return has_perm(user, perm)
