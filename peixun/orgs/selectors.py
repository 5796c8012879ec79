"""Reads for the org tree and the people registry: tree levels with people counts, org and people
search, the person page. Every function starts from the user's scope (peixun.orgs.access)."""

import re
import unicodedata
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Lower, Substr

from peixun.audit.models import AuditEvent
from peixun.audit.selectors import events_about
from peixun.core.fields import has_code
from peixun.core.vault import vault
from peixun.lib import idnumbers
from peixun.orgs.access import orgs_in_scope, path_q, people_in_scope, scope_paths
from peixun.orgs.models import IdType, Org, OrgKind, Person, RoleGrant

# One path segment is the zero-padded primary key and a slash ("00000007/").
# An expansion shows at most this many children; larger levels are reached through the search box.
CHILDREN_LIMIT = 500
ORG_SEARCH_LIMIT = 50


@dataclass
class TreeNode:
    org: Org
    people: int
    children: int


def _people_counts_by_prefix(paths: list[str]) -> dict[str, int]:
    """People per subtree for sibling paths of one length: one query grouped by the path prefix."""
    if not paths:
        return {}
    length = len(paths[0])
    rows = (
        Person.objects.filter(path_q(paths, "org__path"))
        .annotate(prefix=Substr("org__path", 1, length))
        .values("prefix")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["prefix"]: row["n"] for row in rows}


def _nodes(orgs: list[Org]) -> list[TreeNode]:
    """Tree nodes for orgs that share a depth (siblings or scope roots): two queries in all."""
    if not orgs:
        return []
    children = dict(
        Org.objects.filter(parent__in=orgs)
        .values("parent")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("parent", "n")
    )
    people: dict[str, int] = {}
    by_length: dict[int, list[str]] = {}
    for org in orgs:
        by_length.setdefault(len(org.path), []).append(org.path)
    for paths in by_length.values():
        people.update(_people_counts_by_prefix(paths))
    return [TreeNode(org, people.get(org.path, 0), children.get(org.pk, 0)) for org in orgs]


def tree_roots(user) -> list[TreeNode]:
    """The top of the user's tree: the orgs their grants are on (without ones inside another)."""
    paths = scope_paths(user, "orgs.view")
    return _nodes(list(Org.objects.filter(path__in=paths).order_by("path")))


def tree_children(node: Org, *, limit: int = CHILDREN_LIMIT) -> tuple[list[TreeNode], bool]:
    """The children of `node` (in scope by construction: callers fetch it with access_org), each
    with its people count, and whether the level was cut at `limit`. Ordered as the tree reads:
    towns before schools before other units (OrgKind's order), then by name."""
    kind_rank = Case(
        *(When(kind=kind, then=Value(rank)) for rank, kind in enumerate(OrgKind.values)),
        default=Value(len(OrgKind)),
    )
    children = list(Org.objects.filter(parent=node).order_by(kind_rank, "name", "id")[: limit + 1])
    return _nodes(children[:limit]), len(children) > limit


@dataclass
class OrgHit:
    org: Org
    trail: list[str]


def search_orgs(user, query: str, *, perm: str = "orgs.view", limit: int = ORG_SEARCH_LIMIT) -> list[OrgHit]:
    """Orgs in scope whose name contains, or whose code starts with, `query`, each with the names
    of its ancestors (one query for all of them)."""
    query = query.strip()
    if not query:
        return []
    orgs = list(
        orgs_in_scope(user, perm)
        .filter(Q(name__icontains=query) | Q(code__istartswith=query))
        .order_by("depth", "name", "id")[:limit]
    )
    ancestor_ids = {int(seg) for org in orgs for seg in org.path.split("/")[:-2] if seg}
    names = dict(Org.objects.filter(pk__in=ancestor_ids).values_list("id", "name"))
    return [
        OrgHit(org, [names[int(seg)] for seg in org.path.split("/")[:-2] if seg and int(seg) in names])
        for org in orgs
    ]


def org_choices(user, *, perm: str = "people.view", levels: int = 2, limit: int = 300) -> list[Org]:
    """Orgs for a picker: the scope roots and the `levels` below them, in tree order. Deeper orgs
    are picked from the tree page (its links carry the org)."""
    paths = scope_paths(user, perm)
    if not paths:
        return []
    depths = Q()
    for path in paths:
        depth = path.count("/") - 1
        depths |= Q(path__startswith=path, depth__lte=depth + levels)
    return list(Org.objects.filter(depths).order_by("path")[:limit])


# --- People -----------------------------------------------------------------------------------------

FULL_ID = re.compile(r"\d{17}[\dX]")
ID_TAIL = re.compile(r"\d{0,3}[\dX]")
PHONE_DIGITS = re.compile(r"\d{5,11}")
PINYIN = re.compile(r"[a-z]+")
MOBILE_LENGTH = 11
ID_TAIL_LENGTH = 4


@dataclass(frozen=True)
class PeopleQuery:
    """What a people search asks for, already parsed. `q` is free text (see `classify_query`)."""

    q: str = ""
    org: Org | None = None
    section: str = ""
    subject: str = ""
    title: str = ""
    role: str = ""
    status: str = ""


def classify_query(raw: str) -> tuple[str, str]:
    """What the search text is: ("id", number) for a full 18-character ID number, ("tail", digits)
    for the last one to four characters of one, ("mobile", digits), ("pinyin", letters) — full
    pinyin or initials — or ("name", text). ("", "") for nothing."""
    text = raw.strip()
    if not text:
        return "", ""
    # Full-width digits and letters, as phones type them, become ASCII; spaces go.
    compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()
    if FULL_ID.fullmatch(compact):
        return "id", idnumbers.normalize(compact)
    if ID_TAIL.fullmatch(compact):
        return "tail", compact
    if PHONE_DIGITS.fullmatch(compact):
        return "mobile", compact
    if PINYIN.fullmatch(compact.lower()):
        return "pinyin", compact.lower()
    return "name", text


def is_full_id_query(raw: str) -> bool:
    return classify_query(raw)[0] == "id"


# Past any character a name or phone number can hold: `value <= column < value + TOP` is the range of
# strings starting with `value` (code point order, as in SQLite and PostgreSQL's C.UTF-8; other
# collations sort this unassigned code point last).
TOP = "\U0010ffff"


def _prefix_q(field: str, value: str, *, exact: bool = True) -> Q:
    """Rows whose `field` starts with `value`, as a range a plain b-tree index can serve under any
    collation (LIKE 'x%' needs the C collation or a pattern index on PostgreSQL and uses no index
    on SQLite). With `exact`, the LIKE is kept beside the range so the answer is exact whatever the
    collation; pinyin keys are plain lowercase letters, for which the range alone is exact — and
    leaving the LIKE out keeps PostgreSQL's row estimate, and so its plan, right."""
    query = Q(**{f"{field}__gte": value, f"{field}__lt": value + TOP})
    return query & Q(**{f"{field}__startswith": value}) if exact else query


def _text_q(raw: str) -> Q | None:
    kind, value = classify_query(raw)
    if kind == "id":
        return Q(id_hash=vault().lookup_hash(IdType.RESIDENT_ID, value))
    if kind == "tail":
        if len(value) == ID_TAIL_LENGTH:
            return Q(id_tail=value)  # the tail column holds exactly four characters: an indexed match
        return Q(id_tail__endswith=value)
    if kind == "mobile":
        return Q(mobile=value) if len(value) == MOBILE_LENGTH else _prefix_q("mobile", value)
    if kind == "pinyin":
        return _prefix_q("name_pinyin", value, exact=False) | _prefix_q("name_initials", value, exact=False)
    if kind == "name":
        # Names are searched from their start (surname first, as people type them): an index range.
        # A search inside names ("晓明") would scan the table; pinyin covers most of that need.
        return _prefix_q("name", value)
    return None


def people(user, query: PeopleQuery, *, perm: str = "people.view") -> QuerySet[Person]:
    """People in the user's scope matching `query`, sorted by pinyin (index (name_pinyin, id) or,
    under one org, (org, name_pinyin, id)), with their org loaded."""
    queryset = people_in_scope(user, perm).select_related("org")
    text = _text_q(query.q)
    if text is not None:
        queryset = queryset.filter(text)
    if query.org is not None:
        queryset = queryset.filter(org__path__startswith=query.org.path)
    if query.section:
        queryset = queryset.filter(section=query.section)
    if query.subject:
        queryset = queryset.filter(has_code("subjects", query.subject.strip()))
    if query.title:
        queryset = queryset.filter(title=query.title)
    if query.role:
        queryset = queryset.filter(has_code("roles", query.role))
    if query.status:
        queryset = queryset.filter(status=query.status)
    if classify_query(query.q)[0] == "pinyin":
        # Initials are correlated with the pinyin order ("zxm" sorts among the z's), which PostgreSQL
        # cannot know: walking the pinyin index "until 20 rows match" read 375,000 rows at 500,000
        # people. Sorting by an expression the index does not provide (the same order: pinyin keys
        # are lowercase already) makes it fetch the matches through the indexes and sort those.
        return queryset.order_by(Lower("name_pinyin"), "id")
    return queryset.order_by("name_pinyin", "id")


def person_account(person: Person):
    """The account linked to `person`, with its role grants and their orgs loaded, or None."""
    grants = Prefetch(
        "grants", queryset=RoleGrant.objects.select_related("org").order_by("role", "org__path")
    )
    return get_user_model().objects.filter(person=person).prefetch_related(grants).first()


def person_events(user, person: Person, *, limit: int = 10) -> list[AuditEvent]:
    """The most recent audit events about `person` that `user` may read in the audit log: those
    recorded under an org of their `audit.view` scope (a school coordinator does not see what
    happened to a teacher at their previous school)."""
    return events_about(person, limit=limit, within=path_q(scope_paths(user, "audit.view"), "org_path"))
