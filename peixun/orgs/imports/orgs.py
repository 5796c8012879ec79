"""The org import: a table of organisations (单位代码, 单位名称, 类型, 上级代码) checked, then
applied all or nothing.

A parent may be an org already in the database or a row anywhere in the same file, before or
after its children. A code already in the database is updated (name, type, parent — a new parent
moves the whole subtree) or counted unchanged; other codes are created. Unknown parents and
parent cycles (in the file, or between the file and the database) are errors.

With a scope (a bureau admin on the web), rows may only create or change orgs inside it and new
orgs need a parent inside it; an org may keep a parent outside the scope it already has.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from peixun.audit import events
from peixun.audit.models import AuditEvent
from peixun.lib.tabular import cell_text
from peixun.orgs import vocabulary as vocab
from peixun.orgs.imports.common import (
    BLANK,
    PROGRESS_EVERY,
    WRITE_BATCH,
    Column,
    ImportRejected,
    ImportSummary,
    Progress,
    RowChange,
    RowError,
    chunked,
    common_path,
    map_header,
    read,
    sha256,
)
from peixun.orgs.imports.people import clean_code
from peixun.orgs.models import PATH_SEGMENT, Org
from peixun.orgs.services import move_subtree

CODE = "单位代码"
NAME = "单位名称"
KIND = "类型"
PARENT = "上级代码"
TEMPLATE_COLUMNS = (CODE, NAME, KIND, PARENT)
COLUMNS = (
    Column(CODE, ("代码",), required=True),
    Column(NAME, ("名称", "单位"), required=True),
    Column(KIND, ("单位类型",), required=True),
    Column(PARENT, ("上级单位代码", "上级"), required=True),
)

# CharFields: their max_length is always set.
MAX_CODE = cast(int, Org._meta.get_field("code").max_length)
MAX_NAME = cast(int, Org._meta.get_field("name").max_length)
MAX_DEPTH = cast(int, Org._meta.get_field("path").max_length) // len(PATH_SEGMENT.format(0))

# The template's example row; left in an upload by mistake it is refused, not imported.
EXAMPLE_CODE = "示例0001"
MSG_EXAMPLE_ROW = "这是导入模板中的示例行，请删除后再上传"

MSG_CODE_EMPTY = "单位代码不能为空"
MSG_NAME_EMPTY = "单位名称不能为空"
MSG_KIND_EMPTY = "类型不能为空"
MSG_SELF_PARENT = "上级代码不能是本单位自己"
MSG_ROOT_OUT_OF_SCOPE = "请填写上级代码：只能在您管理的单位之下新建或移动单位"
MSG_TOO_DEEP = "单位层级过多"


def _code_too_long_message() -> str:
    return f"单位代码不能超过 {MAX_CODE} 个字符"


def _name_too_long_message() -> str:
    return f"单位名称不能超过 {MAX_NAME} 个字"


def _duplicate_message(first: int, second: int) -> str:
    return f"单位代码重复：第 {first} 行和第 {second} 行是同一个单位代码"


def _unknown_parent_message(code: str) -> str:
    return f"上级代码“{code}”既不在本文件中，也不在系统中（或不在您管理的范围内）"


def _taken_message(code: str) -> str:
    return f"单位代码“{code}”已被您管理范围以外的单位使用"


def _cycle_message(chain: Sequence[str]) -> str:
    return f"上级关系形成循环：{' → '.join(chain)}"


@dataclass(slots=True)
class _Row:
    row: int
    code: str
    name: str
    kind: str
    parent_code: str


@dataclass(slots=True)
class _Existing:
    pk: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    path: str


@dataclass
class _Plan:
    summary: ImportSummary
    creates: list[_Row] = field(default_factory=list)
    renames: list[tuple[_Existing, _Row, dict]] = field(default_factory=list)
    moves: list[_Row] = field(default_factory=list)
    depth: dict[str, int] = field(default_factory=dict)


def _parse_rows(table, positions: dict[str, int], progress: Progress | None):
    i_code, i_name, i_kind, i_parent = (positions[title] for title in TEMPLATE_COLUMNS)
    rows: list[_Row] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    total = len(table.rows)
    for count, (number, cells) in enumerate(table.rows):
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count, total)
        row_errors: list[RowError] = []
        code = clean_code(cells[i_code])
        if not code:
            row_errors.append(RowError(number, CODE, MSG_CODE_EMPTY))
        elif len(code) > MAX_CODE:
            row_errors.append(RowError(number, CODE, _code_too_long_message()))
        elif code == EXAMPLE_CODE:
            row_errors.append(RowError(number, CODE, MSG_EXAMPLE_ROW))
        elif code in seen:
            row_errors.append(RowError(number, CODE, _duplicate_message(seen[code], number)))
        else:
            seen[code] = number
        name = vocab.tidy(cell_text(cells[i_name]))
        if not name:
            row_errors.append(RowError(number, NAME, MSG_NAME_EMPTY))
        elif len(name) > MAX_NAME:
            row_errors.append(RowError(number, NAME, _name_too_long_message()))
        kind = ""
        if not vocab.squeeze(cells[i_kind]):
            row_errors.append(RowError(number, KIND, MSG_KIND_EMPTY))
        else:
            try:
                kind = vocab.ORG_KIND.code_for(cells[i_kind])
            except vocab.UnknownWord as error:
                row_errors.append(RowError(number, KIND, error.message))
        parent_code = clean_code(cells[i_parent])
        if parent_code and parent_code == code:
            row_errors.append(RowError(number, PARENT, MSG_SELF_PARENT))
        # A row with errors still takes part in the parent checks of the others (as a parent).
        rows.append(_Row(number, code, name, kind, parent_code))
        errors.extend(row_errors)
    if progress is not None:
        progress(total, total)
    return rows, errors


def _load_existing(codes: set[str]) -> tuple[dict[str, _Existing], dict[int, str]]:
    """The orgs with these codes, and the codes of every ancestor of theirs (by pk)."""
    found: dict[str, _Existing] = {}
    for chunk in chunked(sorted(codes)):
        for values in Org.objects.filter(code__in=chunk).values_list(
            "pk", "code", "name", "kind", "parent_id", "path"
        ):
            org = _Existing(*values)
            found[org.code] = org
    ancestor_ids = {int(segment) for org in found.values() for segment in org.path.split("/") if segment}
    codes_by_id = {org.pk: org.code for org in found.values()}
    missing = sorted(ancestor_ids - codes_by_id.keys())
    for ids in chunked(missing):
        codes_by_id.update(Org.objects.filter(pk__in=ids).values_list("pk", "code"))
    return found, codes_by_id


_CHANGE_LABELS = {"name": NAME, "kind": KIND, "parent": PARENT}


def _shown_changes(changes: dict[str, list]) -> tuple[tuple[str, str, str], ...]:
    """An org's changes as the preview shows them: Chinese labels, type words, codes as given."""
    shown = []
    for key, (before, after) in changes.items():
        if key == "kind":
            before, after = vocab.ORG_KIND.word_for(before), vocab.ORG_KIND.word_for(after)
        shown.append((_CHANGE_LABELS[key], before or BLANK, after or BLANK))
    return tuple(shown)


def _plan(
    data: bytes, filename: str, *, scope_orgs: QuerySet[Org] | None, progress: Progress | None
) -> _Plan:
    """What the file would do, with each new or changed org described (summary.changes)."""
    table, failed = read(data, filename)
    if failed is not None:
        return _Plan(summary=failed)
    positions, header_errors = map_header(table.header, COLUMNS)  # type: ignore[union-attr]  # read() gives a table whenever it gives no failure
    if header_errors:
        return _Plan(summary=ImportSummary(errors=header_errors))
    rows, errors = _parse_rows(table, positions, progress)
    in_file = {row.code: row for row in rows if row.code}

    existing, codes_by_id = _load_existing(
        set(in_file) | {row.parent_code for row in rows if row.parent_code}
    )
    in_scope: set[str] = set(existing)
    if scope_orgs is not None:
        in_scope = set()
        for chunk in chunked(sorted(existing)):
            in_scope.update(scope_orgs.filter(code__in=chunk).values_list("code", flat=True))

    # The parent each code will have once the file is applied: the file's word for its rows, the
    # database's for every other org (read from the paths, which list every ancestor).
    db_parent: dict[str, str | None] = {}
    for org in existing.values():
        chain = [codes_by_id[int(segment)] for segment in org.path.split("/") if segment]
        for child, parent in zip(chain, [None, *chain[:-1]], strict=True):
            db_parent[child] = parent

    def final_parent(code: str) -> str | None:
        row = in_file.get(code)
        if row is not None:
            return row.parent_code or None
        return db_parent.get(code)

    bad_rows = {error.row for error in errors}
    for row in rows:
        if not row.code:
            continue
        current = existing.get(row.code)
        if current is not None and row.code not in in_scope:
            errors.append(RowError(row.row, CODE, _taken_message(row.code)))
            bad_rows.add(row.row)
        keeps_parent = current is not None and codes_by_id.get(current.parent_id or 0) == (
            row.parent_code or None
        )
        if keeps_parent:
            continue
        if not row.parent_code:
            if scope_orgs is not None:
                errors.append(RowError(row.row, PARENT, MSG_ROOT_OUT_OF_SCOPE))
                bad_rows.add(row.row)
            continue
        if row.parent_code == row.code:
            continue  # reported above
        if row.parent_code not in in_file and row.parent_code not in in_scope:
            errors.append(RowError(row.row, PARENT, _unknown_parent_message(row.parent_code)))
            bad_rows.add(row.row)

    # Cycles and depth in the final tree: `depth` is 0 for a root, -1 for a code in or above a cycle.
    depth: dict[str, int] = {}
    for row in rows:
        if not row.code or row.code in depth:
            continue
        chain = [row.code]
        on_chain = {row.code}
        parent = final_parent(row.code)
        while parent is not None and parent not in depth and parent not in on_chain:
            chain.append(parent)
            on_chain.add(parent)
            parent = final_parent(parent)
        if parent is not None and parent in on_chain:
            loop = chain[chain.index(parent) :]
            for code in loop:
                member = in_file.get(code)
                if member is not None and member.row not in bad_rows:
                    errors.append(RowError(member.row, PARENT, _cycle_message([*loop, parent])))
                    bad_rows.add(member.row)
        base = -1 if parent is None else depth.get(parent, -2)
        for offset, code in enumerate(reversed(chain), 1):
            depth[code] = -1 if base < -1 or (parent is not None and base == -1) else base + offset
    for row in rows:
        if row.code and depth.get(row.code, 0) >= MAX_DEPTH and row.row not in bad_rows:
            errors.append(RowError(row.row, PARENT, MSG_TOO_DEEP))
            bad_rows.add(row.row)

    plan = _Plan(summary=ImportSummary(), depth=depth)
    for row in rows:
        if row.row in bad_rows:
            continue
        current = existing.get(row.code)
        if current is None:
            plan.creates.append(row)
            plan.summary.changes.append(
                RowChange(
                    row.row,
                    row.name,
                    row.code,
                    True,
                    ((KIND, "", vocab.ORG_KIND.word_for(row.kind)), (PARENT, "", row.parent_code or BLANK)),
                )
            )
            continue
        changes: dict[str, list] = {}
        if current.name != row.name:
            changes["name"] = [current.name, row.name]
        if current.kind != row.kind:
            changes["kind"] = [current.kind, row.kind]
        old_parent = codes_by_id.get(current.parent_id) if current.parent_id else None
        if old_parent != (row.parent_code or None):
            changes["parent"] = [old_parent, row.parent_code or None]
            plan.moves.append(row)
        if changes:
            plan.renames.append((current, row, changes))
            shown = _shown_changes(changes)
            plan.summary.changes.append(RowChange(row.row, row.name, row.code, False, shown))
        else:
            plan.summary.unchanged += 1
    plan.summary.created = len(plan.creates)
    plan.summary.updated = len(plan.renames)
    order = {title: index for index, title in enumerate(TEMPLATE_COLUMNS)}
    plan.summary.errors = sorted(errors, key=lambda error: (error.row, order.get(error.column, 99)))
    return plan


def check_orgs_file(
    data: bytes, filename: str, *, scope_orgs: QuerySet[Org] | None, progress: Progress | None = None
) -> ImportSummary:
    """Check an org file without writing. `scope_orgs` None: any org (the shell)."""
    return _plan(data, filename, scope_orgs=scope_orgs, progress=progress).summary


def _create(plan: _Plan) -> dict[str, Org]:
    """New orgs, inserted in one bulk_create and then placed parent-first under their parents'
    current paths (a later move of an existing ancestor carries them along)."""
    created = Org.objects.bulk_create(
        [Org(code=row.code, name=row.name, kind=row.kind) for row in plan.creates], batch_size=WRITE_BATCH
    )
    by_code = {org.code: org for org in created}
    parent_codes = {
        row.parent_code for row in plan.creates if row.parent_code and row.parent_code not in by_code
    }
    parents: dict[str, tuple[int, str]] = {}
    for chunk in chunked(sorted(parent_codes)):
        for code, pk, path in Org.objects.filter(code__in=chunk).values_list("code", "pk", "path"):
            parents[code] = (pk, path)
    rows = {row.code: row for row in plan.creates}

    def place(org: Org) -> str:
        if org.path:
            return org.path
        parent_code = rows[org.code].parent_code
        if not parent_code:
            parent_path = ""
            org.parent_id = None
        elif parent_code in by_code:
            parent = by_code[parent_code]
            parent_path = place(parent)
            org.parent_id = parent.pk
        else:
            org.parent_id, parent_path = parents[parent_code]
        org.path = parent_path + PATH_SEGMENT.format(org.pk)
        org.depth = org.path.count("/") - 1
        return org.path

    # Parent-first by final depth, so the recursion above stays shallow.
    for org in sorted(created, key=lambda org: plan.depth.get(org.code, 0)):
        place(org)
    Org.objects.bulk_update(created, ["parent", "path", "depth"], batch_size=WRITE_BATCH)
    return by_code


def _update(plan: _Plan, actor) -> list[str]:
    """Renames, kind changes and moves of existing orgs, with one org_updated event each."""
    now = timezone.now()
    changed = []
    for current, row, _changes in plan.renames:
        changed.append(Org(pk=current.pk, name=row.name, kind=row.kind, updated_at=now))
    Org.objects.bulk_update(changed, ["name", "kind", "updated_at"], batch_size=WRITE_BATCH)
    # Moves parent-first in the final tree: each new parent already stands where it will end up.
    for row in sorted(plan.moves, key=lambda row: plan.depth.get(row.code, 0)):
        org = Org.objects.get(code=row.code)
        new_parent = Org.objects.get(code=row.parent_code) if row.parent_code else None
        move_subtree(org, new_parent)
    paths: dict[int, str] = {}
    for chunk in chunked([current.pk for current, _row, _changes in plan.renames]):
        paths.update(Org.objects.filter(pk__in=chunk).values_list("pk", "path"))
    actor = actor if actor is not None and actor.is_authenticated else None
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=actor,
                actor_name=actor.get_username() if actor is not None else "",
                action="org_updated",
                target_type=Org._meta.label_lower,
                target_id=str(current.pk),
                target_repr=row.name[:200],
                org_path=paths.get(current.pk, ""),
                changes=changes,
            )
            for current, row, changes in plan.renames
        ],
        batch_size=WRITE_BATCH,
    )
    return list(paths.values())


def apply_orgs_file(
    data: bytes, filename: str, *, scope_orgs: QuerySet[Org] | None, actor, progress: Progress | None = None
) -> ImportSummary:
    """Check the file and, when it has no error, write it in one transaction (orgs created,
    updated and moved; one org_updated event per changed org and one import_applied event).
    Raises ImportRejected, writing nothing, when any row has an error."""
    with transaction.atomic():
        plan = _plan(data, filename, scope_orgs=scope_orgs, progress=progress)
        if plan.summary.errors:
            raise ImportRejected(plan.summary)
        touched: list[str] = []
        if plan.creates:
            created = _create(plan)
            touched.extend(org.path for org in created.values())
        if plan.renames:
            touched.extend(_update(plan, actor))
        if plan.creates and plan.moves:
            # A new org placed under an org that then moved has a new path: read them back.
            touched = []
            for chunk in chunked([row.code for row in plan.creates] + [row.code for row in plan.moves]):
                touched.extend(Org.objects.filter(code__in=chunk).values_list("path", flat=True))
        summary = plan.summary
        events.record(
            action="import_applied",
            actor=actor,
            org_path=common_path(touched),
            target_repr=filename[:200],
            changes={
                "kind": "orgs",
                "filename": filename,
                "sha256": sha256(data),
                "created": summary.created,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
            },
        )
    return summary
