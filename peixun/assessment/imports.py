"""Hand-entered scores (教育与组织工作, 实践, a written exam marked on paper …) imported from a
class's workbook, as an ImportJob kind (peixun.imports.registry, registered in
peixun.assessment.steps): checked first — every error with its row, column and reason in Chinese —
then applied all or nothing, like the roster.

The template is made per class (`class_template`): one row per trainee and hand-scored component,
naming the class (班级编号) and the component (成绩项) on every row, with the trainee's number
(学员编号), name, masked ID number, school and current score; the uploader fills 成绩. A blank
成绩 leaves the score as it is. Each row is checked against the classes the uploader may score
(the organiser's staff: every class of their projects; a tutor: their own), the project's scheme in
force (the component and its range), and the trainee's name.
"""

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from peixun.assessment import access, selectors
from peixun.assessment.models import ManualScore
from peixun.assessment.rules.scheme import EXAM, MANUAL, Component
from peixun.assessment.services import recompute
from peixun.audit import events
from peixun.core import bulk
from peixun.lib import xlsx
from peixun.orgs.imports.common import (
    Column,
    ImportRejected,
    ImportSummary,
    Progress,
    RowError,
    map_header,
    read,
    sha256,
)
from peixun.orgs.imports.templates import NOTES_HEADER, NOTES_SHEET, OPTIONAL, REQUIRED
from peixun.orgs.models import Org
from peixun.training.models import Cohort, Enrolment, EnrolmentStatus
from peixun.training.rules import lifecycle

CLASS = "班级编号"
COMPONENT = "成绩项"
TRAINEE = "学员编号"
NAME = "姓名"
ID_MASKED = "证件号码（已遮蔽）"
SCHOOL = "单位"
CLASS_NAME = "班级"
CURRENT = "当前成绩"
SCORE = "成绩"

COLUMNS = (
    Column(CLASS, ("班级ID",), required=True),
    Column(COMPONENT, ("考核项", "成绩项目"), required=True),
    Column(TRAINEE, ("学员ID",), required=True),
    Column(NAME, required=True),
    Column(SCORE, ("新成绩", "分数"), required=True),
)
HEADER = (CLASS, CLASS_NAME, COMPONENT, TRAINEE, NAME, ID_MASKED, SCHOOL, CURRENT, SCORE)
SHEET = "成绩"
KEEP_HEADER = "第一行的列标题请勿修改；班级编号和学员编号请勿修改，增删行均可。"

NOTES = (
    (CLASS, REQUIRED, "模板已填好，请勿修改：成绩页面上下载的每个班级的模板各有其编号"),
    (COMPONENT, REQUIRED, "考核方案中手工录入的成绩项名称，模板已填好"),
    (TRAINEE, REQUIRED, "模板已填好，请勿修改；用于确定学员（证件号码已遮蔽，不能用于识别）"),
    (NAME, REQUIRED, "与学员编号对应的姓名，用于核对"),
    (SCORE, OPTIONAL, "该成绩项的分数，0 到满分之间，最多一位小数；不填则保持当前成绩"),
    (f"{CLASS_NAME}、{ID_MASKED}、{SCHOOL}、{CURRENT}", OPTIONAL, "供核对，导入时不读取"),
)


def _manual(components) -> list[Component]:
    return [component for component in components if component.source in (MANUAL, EXAM)]


def _label(component: Component) -> str:
    return component.label or component.key


def _fold(value: object) -> str:
    return "".join(unicodedata.normalize("NFKC", str(value or "")).split())


def _number(value: object) -> int | None:
    text = _fold(value)
    if text.endswith(".0"):
        text = text[:-2]
    return int(text) if text.isdigit() else None


def _score(value: object, maximum: Decimal) -> tuple[Decimal | None, str]:
    """(score, error): None for a blank cell; an error for anything not a number from 0 to the
    maximum with at most one decimal."""
    text = _fold(value)
    if not text:
        return None, ""
    try:
        score = Decimal(text)
    except InvalidOperation:
        score = None
    if score is None or not score.is_finite() or score != score.quantize(Decimal("0.1")):
        return None, f"“{value}”不是分数：请填写 0 到 {maximum} 之间的数，最多一位小数"
    if not Decimal(0) <= score <= maximum:
        return None, f"成绩须在 0 到 {maximum} 之间（该成绩项满分 {maximum}）"
    return score.quantize(Decimal("0.1")), ""


@dataclass
class Plan:
    # (enrolment id, key) → new value, per project id
    changes: dict[int, dict[tuple[int, str], Decimal]] = field(default_factory=dict)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


def _plan(data: bytes, filename: str, actor, progress: Progress | None) -> tuple[Plan | None, ImportSummary]:
    table, failed = read(data, filename)
    if failed is not None:
        return None, failed
    positions, header_errors = map_header(table.header, COLUMNS)  # type: ignore[union-attr]  # read() gives a table whenever it gives no failure
    if header_errors:
        return None, ImportSummary(errors=header_errors)
    rows = list(table.rows)  # type: ignore[union-attr]  # as above
    if progress is not None:
        progress(0, len(rows))

    def cell(cells, title: str) -> object:
        index = positions.get(title)
        return cells[index] if index is not None and index < len(cells) else ""

    cohort_ids = {number for _row, cells in rows if (number := _number(cell(cells, CLASS))) is not None}
    cohorts = {
        cohort.pk: cohort
        for cohort in Cohort.objects.filter(pk__in=cohort_ids).select_related("project__organiser")
    }
    allowed = {pk for pk, cohort in cohorts.items() if actor is not None and _may_score(actor, cohort)}
    schemes = {cohort.project_id: selectors.current_scheme(cohort.project) for cohort in cohorts.values()}
    enrolment_ids = {number for _row, cells in rows if (number := _number(cell(cells, TRAINEE))) is not None}
    enrolments = {
        enrolment.pk: enrolment
        for enrolment in Enrolment.objects.filter(
            pk__in=enrolment_ids, cohort_id__in=allowed, status=EnrolmentStatus.ENROLLED
        ).select_related("person")
    }
    current = {
        (enrolment_id, key): value
        for enrolment_id, key, value in ManualScore.objects.filter(
            enrolment_id__in=list(enrolments)
        ).values_list("enrolment_id", "key", "value")
    }
    plan = Plan()
    seen: dict[tuple[int, str], int] = {}
    for row, cells in rows:
        errors_before = len(plan.errors)

        def error(column: str, message: str, row: int = row) -> None:
            plan.errors.append(RowError(row, column, message))

        cohort_id = _number(cell(cells, CLASS))
        cohort = cohorts.get(cohort_id) if cohort_id is not None else None
        if cohort is None or cohort.pk not in allowed:
            error(CLASS, "找不到这个班级，或您不能为该班录入成绩：请在成绩页面下载本班的模板")
            continue
        if cohort.project.status not in lifecycle.MARKING:
            error(CLASS, "该项目不在实施或考核阶段，成绩不能再修改")
            continue
        choices = _manual(schemes[cohort.project_id].components)
        wanted = _fold(cell(cells, COMPONENT))
        component = next((c for c in choices if wanted in {_fold(_label(c)), _fold(c.key)}), None)
        if component is None:
            names = "、".join(_label(c) for c in choices) or "无（考核方案中没有手工录入的成绩项）"
            error(COMPONENT, f"“{cell(cells, COMPONENT)}”不是该项目手工录入的成绩项；可填：{names}")
        enrolment_id = _number(cell(cells, TRAINEE))
        enrolment = enrolments.get(enrolment_id) if enrolment_id is not None else None
        if enrolment is None or enrolment.cohort_id != cohort.pk:
            error(TRAINEE, "该学员编号不是本班在读的学员：请使用模板中的学员编号")
        elif _fold(cell(cells, NAME)) != _fold(enrolment.person.name):
            error(NAME, f"姓名与学员编号不符：该编号是{enrolment.person.name}")
        if component is None or enrolment is None or len(plan.errors) > errors_before:
            continue
        value, problem = _score(cell(cells, SCORE), component.max)
        if problem:
            error(SCORE, problem)
            continue
        key = (enrolment.pk, component.key)
        if key in seen:
            error(TRAINEE, f"同一学员的“{_label(component)}”在第 {seen[key]} 行已经填写过")
            continue
        seen[key] = row
        before = current.get(key)
        if value is None or before == value:
            plan.unchanged += 1
            continue
        plan.changes.setdefault(cohort.project_id, {})[key] = value
        if before is None:
            plan.created += 1
        else:
            plan.updated += 1
    if progress is not None:
        progress(len(rows), len(rows))
    summary = ImportSummary(
        created=plan.created, updated=plan.updated, unchanged=plan.unchanged, errors=plan.errors
    )
    return plan, summary


def _may_score(user, cohort: Cohort) -> bool:
    return access.manages(user, cohort.project) or cohort.pk in access.tutored_cohorts(user, cohort.project)


def check_scores_file(
    data: bytes,
    filename: str,
    *,
    scope_orgs: QuerySet[Org] | None,
    actor=None,
    progress: Progress | None = None,
) -> ImportSummary:
    return _plan(data, filename, actor, progress)[1]


def apply_scores_file(
    data: bytes, filename: str, *, scope_orgs: QuerySet[Org] | None, actor, progress: Progress | None = None
) -> ImportSummary:
    """Write every changed score in one transaction (nothing when any row has an error), one audit
    event per project, and recompute the results of the trainees whose scores changed."""
    with transaction.atomic():
        plan, summary = _plan(data, filename, actor, progress)
        if plan is None or summary.errors:
            raise ImportRejected(summary)
        projects = {
            cohort.project_id: cohort.project
            for cohort in Cohort.objects.filter(project_id__in=list(plan.changes)).select_related(
                "project__organiser"
            )
        }
        for project_id, changes in plan.changes.items():
            project = projects[project_id]
            existing = {
                (score.enrolment_id, score.key): score
                for score in ManualScore.objects.select_for_update().filter(
                    enrolment_id__in={enrolment_id for enrolment_id, _key in changes}
                )
            }
            now = timezone.now()
            created, updated, log = [], [], []
            for (enrolment_id, key), value in sorted(changes.items()):
                score = existing.get((enrolment_id, key))
                log.append([enrolment_id, key, str(score.value) if score else None, str(value)])
                if score is None:
                    created.append(
                        ManualScore(enrolment_id=enrolment_id, key=key, value=value, entered_by=actor)
                    )
                else:
                    score.value, score.entered_by, score.entered_at = value, actor, now
                    updated.append(score)
            ManualScore.objects.bulk_create(created)
            bulk.update_rows(updated, ["value", "entered_by", "entered_at"])
            events.record(
                action="manual_scores_imported",
                actor=actor,
                target=project,
                org_path=project.organiser.path,
                changes={"file": filename[:150], "reference": sha256(data)[:12], "scores": log},
            )
            recompute(project=project, enrolment_ids={enrolment_id for enrolment_id, _key in changes})
    return summary


def class_template(cohort: Cohort, key: str | None = None) -> bytes:
    """The class's workbook: a row per trainee and hand-scored component (only `key` when given),
    with the current score."""
    scheme = selectors.current_scheme(cohort.project)
    components = [c for c in _manual(scheme.components) if key is None or c.key == key]
    enrolments = list(
        Enrolment.objects.filter(cohort=cohort, status=EnrolmentStatus.ENROLLED)
        .select_related("person", "school")
        .order_by("person__name_pinyin", "pk")
    )
    current = {
        (enrolment_id, key): value
        for enrolment_id, key, value in ManualScore.objects.filter(enrolment__in=enrolments).values_list(
            "enrolment_id", "key", "value"
        )
    }
    rows = [
        (
            str(cohort.pk),
            cohort.name,
            _label(component),
            str(enrolment.pk),
            enrolment.person.name,
            enrolment.person.id_masked,
            enrolment.school.name,
            current.get((enrolment.pk, component.key)),
            current.get((enrolment.pk, component.key)),
        )
        for component in components
        for enrolment in enrolments
    ]
    header = [*HEADER[:-2], CURRENT, f"{SCORE}（满分 {'、'.join(str(c.max) for c in components) or '—'}）"]
    notes = [
        ("说明", "", f"{cohort.project.title} · {cohort.name}：只修改“成绩”列，然后在导入页面上传。"),
        ("", "", KEEP_HEADER),
        NOTES_HEADER,
        *NOTES,
    ]
    return xlsx.write_workbook(
        [
            xlsx.Sheet(SHEET, header, rows, column_widths=[10, 12, 18, 10, 12, 22, 24, 10, 14]),
            xlsx.Sheet(NOTES_SHEET, ("", "", ""), notes, column_widths=[24, 10, 80]),
        ]
    )


def blank_template() -> bytes:
    """The template offered on the import pages: the columns and the notes; the rows come from a
    class's own template (its results page)."""
    notes = [
        ("说明", "", "请在项目“成绩”页面下载本班的成绩模板：班级、学员和成绩项已经填好。"),
        NOTES_HEADER,
        *NOTES,
    ]
    return xlsx.write_workbook(
        [
            xlsx.Sheet(SHEET, HEADER, []),
            xlsx.Sheet(NOTES_SHEET, ("", "", ""), notes, column_widths=[24, 10, 80]),
        ]
    )
