"""Results from outside learning platforms (RULES D3): online minutes, discussion posts and exam
scores per trainee, found by ID number. One check serves the file import (peixun.delivery.imports)
and the API: every row is checked first, and the rows are written all together or not at all.
Writing the same values again changes nothing. Messages are Chinese, like the files they describe.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from peixun.accounts.models import User
from peixun.audit import events
from peixun.core.vault import vault
from peixun.delivery import hooks
from peixun.delivery.models import OutsideResult, OutsideSource
from peixun.lib import idnumbers
from peixun.lib.tabular import cell_text
from peixun.orgs.imports.common import LOOKUP_CHUNK, RowError, chunked
from peixun.training.models import Enrolment, EnrolmentStatus, Project
from peixun.training.rules import lifecycle

PROJECT = "项目编号"
ID_NUMBER = "证件号码"
NAME = "姓名"
MINUTES = "在线学习时长（分钟）"
DISCUSSIONS = "讨论次数"
EXAM = "考试成绩"

MSG_PROJECT = "项目编号应为系统中的项目编号（数字），见项目页面"
MSG_NO_PROJECT = "没有这个项目，或它不在您可以导入成绩的范围内"
MSG_NOT_RUNNING = "该项目不在实施或考核阶段，不能导入成绩"
MSG_NOT_ENROLLED = "此人员没有参加该项目（或已退出）"
MSG_NO_VALUE = "在线学习时长、讨论次数、考试成绩至少填写一项"
MSG_INTEGER = "应为 0 到 100000 之间的整数"
MSG_SCORE = "应为 0 到 1000 之间的数，最多一位小数"
MAX_COUNT = 100_000


def _name_mismatch(stored: str) -> str:
    return f"姓名与证件号码对应的人员（{stored}）不符，请核对"


def _duplicate(first: int) -> str:
    return f"与第 {first} 行是同一项目的同一人员"


@dataclass
class RowIn:
    row: int
    project: object
    id_number: object
    name: object = ""
    minutes: object = ""
    discussions: object = ""
    exam: object = ""


@dataclass
class Change:
    row: int
    enrolment_id: int
    project_id: int
    values: dict  # only the fields given


@dataclass
class Plan:
    changes: list[Change]
    unchanged: int
    errors: list[RowError]
    created: int = 0


def _integer(raw: object) -> int | str | None:
    text = cell_text(raw).strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return "bad"
    if value != value.to_integral_value() or not 0 <= value <= MAX_COUNT:
        return "bad"
    return int(value)


def _score(raw: object) -> Decimal | str | None:
    text = cell_text(raw).strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return "bad"
    if not value.is_finite() or not 0 <= value <= 1000 or value != value.quantize(Decimal("0.1")):
        return "bad"
    return value.quantize(Decimal("0.1"))


def plan(rows: list[RowIn], *, scope_paths: list[str] | None, fixed_project: Project | None = None) -> Plan:
    """Check every row (no writes). `scope_paths`: org paths whose projects may be written (None:
    any); `fixed_project`: the project every row is for (the API)."""
    errors: list[RowError] = []
    parsed = []
    box = vault()
    project_ids: set[int] = set()
    for item in rows:
        row_errors: list[RowError] = []
        project_id: int | None
        if fixed_project is not None:
            project_id = fixed_project.pk
        else:
            text = cell_text(item.project).strip()
            project_id = int(text) if text.isdigit() else None
            if project_id is None:
                row_errors.append(RowError(item.row, PROJECT, MSG_PROJECT))
        check = idnumbers.validate(item.id_number)
        if check.error:
            row_errors.append(RowError(item.row, ID_NUMBER, check.error))
        minutes, discussions, exam = _integer(item.minutes), _integer(item.discussions), _score(item.exam)
        for column, value, message in (
            (MINUTES, minutes, MSG_INTEGER),
            (DISCUSSIONS, discussions, MSG_INTEGER),
            (EXAM, exam, MSG_SCORE),
        ):
            if value == "bad":
                row_errors.append(RowError(item.row, column, message))
        if not row_errors and minutes is None and discussions is None and exam is None:
            row_errors.append(RowError(item.row, MINUTES, MSG_NO_VALUE))
        if row_errors or project_id is None:  # no project id: its error is among row_errors
            errors.extend(row_errors)
            continue
        values: dict[str, Any] = {}
        if minutes is not None:
            values["online_minutes"] = minutes
        if discussions is not None:
            values["discussions"] = discussions
        if exam is not None:
            values["exam_score"] = exam
        name = "".join(cell_text(item.name).split())
        parsed.append((item.row, project_id, box.lookup_hash("resident_id", check.number), name, values))
        project_ids.add(project_id)

    projects = {p.pk: p for p in Project.objects.filter(pk__in=project_ids).select_related("organiser")}
    enrolments: dict[tuple[int, str], tuple[int, str]] = {}
    hashes = sorted({entry[2] for entry in parsed})
    for chunk in chunked(hashes, LOOKUP_CHUNK):
        for pk, project_id, id_hash, name in Enrolment.objects.filter(
            project_id__in=project_ids, person__id_hash__in=chunk, status=EnrolmentStatus.ENROLLED
        ).values_list("pk", "project_id", "person__id_hash", "person__name"):
            enrolments[(project_id, id_hash)] = (pk, name)
    existing = {
        result.enrolment_id: result
        for result in OutsideResult.objects.filter(enrolment_id__in=[pk for pk, _n in enrolments.values()])
    }
    seen: dict[tuple[int, int], int] = {}
    changes: list[Change] = []
    unchanged = 0
    created = 0
    for row, project_id, id_hash, name, values in parsed:
        project = projects.get(project_id)
        if project is None or (
            scope_paths is not None and not any(project.organiser.path.startswith(p) for p in scope_paths)
        ):
            errors.append(RowError(row, PROJECT, MSG_NO_PROJECT))
            continue
        if project.status not in lifecycle.MARKING:
            errors.append(RowError(row, PROJECT, MSG_NOT_RUNNING))
            continue
        found = enrolments.get((project_id, id_hash))
        if found is None:
            errors.append(RowError(row, ID_NUMBER, MSG_NOT_ENROLLED))
            continue
        enrolment_id, stored = found
        if name and name != "".join(stored.split()):
            errors.append(RowError(row, NAME, _name_mismatch(stored)))
            continue
        key = (project_id, enrolment_id)
        if key in seen:
            errors.append(RowError(row, ID_NUMBER, _duplicate(seen[key])))
            continue
        seen[key] = row
        current = existing.get(enrolment_id)
        if current is not None and all(getattr(current, field) == value for field, value in values.items()):
            unchanged += 1
            continue
        created += current is None
        changes.append(Change(row, enrolment_id, project_id, values))
    errors.sort(key=lambda error: error.row)
    return Plan(changes=changes, unchanged=unchanged, errors=errors, created=created)


@transaction.atomic
def apply(planned: Plan, *, actor: User, source: str, reference: str = "") -> int:
    """Write a checked plan with no errors (all rows in this one transaction) and recompute the
    results of everyone it changed. Returns how many rows changed."""
    if planned.errors:
        raise ValueError("a plan with errors is not applied")
    author = actor if getattr(actor, "pk", None) else None
    by_project: dict[int, list[int]] = {}
    for change in planned.changes:
        OutsideResult.objects.update_or_create(
            enrolment_id=change.enrolment_id,
            defaults={
                "project_id": change.project_id,
                "source": source,
                "reference": reference[:200],
                "updated_by": author,
                **change.values,
            },
        )
        by_project.setdefault(change.project_id, []).append(change.enrolment_id)
    for project in Project.objects.filter(pk__in=by_project).select_related("organiser"):
        events.record(
            action="outside_results_saved",
            actor=actor,
            target=project,
            org_path=project.organiser.path,
            changes={"rows": len(by_project[project.pk]), "source": source, "reference": reference[:200]},
        )
        hooks.marks_changed.run(project=project, enrolment_ids=by_project[project.pk])
    return len(planned.changes)


__all__ = ["OutsideSource", "Plan", "RowIn", "apply", "plan"]
