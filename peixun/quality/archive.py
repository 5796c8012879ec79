"""The project archive (项目档案, RULES G5): one zip of what a project filed — plan and approval,
roster, attendance, lecture materials, trainees' work, score sheet, summary, photos — and a PDF
index of it. The zip is written to a file entry by entry: each stored file is read from the
database alone (one at a time), so memory holds one file, never the archive."""

import zipfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.utils import translation

from peixun.assessment.models import Result
from peixun.audit import events
from peixun.delivery.models import Attendance, Submission, SubmissionFile
from peixun.lib.dates import format_date_zh, format_datetime_zh, format_hours
from peixun.lib.uploads import safe_filename
from peixun.lib.xlsx import Sheet, write_workbook
from peixun.quality import documents, selectors
from peixun.quality.models import ArchiveFile, ArchiveFileKind
from peixun.training import selectors as training_selectors
from peixun.training.models import Enrolment, EnrolmentStatus, Project, ProjectAttachment

FOLDERS = {
    "plan": "01-方案与审批",
    "roster": "02-名册",
    "attendance": "03-考勤",
    ArchiveFileKind.MATERIAL: "04-讲义资料",
    "work": "05-学员作业",
    "scores": "06-成绩",
    "summary": "07-总结",
    ArchiveFileKind.PHOTO: "08-照片",
    ArchiveFileKind.OTHER: "09-其他",
}
CHUNK = 200


class _Zip:
    """The zip being written, and the index of what went in."""

    def __init__(self, path: Path) -> None:
        self.file = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self.entries: list[tuple[str, str, int]] = []
        self.names: set[str] = set()

    def add(self, folder: str, name: str, data: bytes, what: str) -> None:
        name = self._unique(f"{folder}/{name}" if folder else name)
        # Already-compressed files (images, PDFs, Office) are stored, not deflated again.
        stored = name.rsplit(".", 1)[-1].lower() in {
            "png",
            "jpg",
            "jpeg",
            "webp",
            "pdf",
            "docx",
            "xlsx",
            "zip",
        }
        info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        with self.file.open(info, "w") as out:
            for start in range(0, len(data), 1 << 20):
                out.write(data[start : start + (1 << 20)])
        self.entries.append((name, what, len(data)))

    def _unique(self, name: str) -> str:
        candidate, n = name, 1
        while candidate in self.names:
            stem, dot, ext = name.rpartition(".")
            candidate = f"{stem}-{n}.{ext}" if dot else f"{name}-{n}"
            n += 1
        self.names.add(candidate)
        return candidate

    def close(self) -> None:
        self.file.close()


def _blobs(queryset, fields: tuple[str, ...]):
    """Rows of a BinaryField model one at a time: the ids first, then each row alone."""
    model = queryset.model
    for pk in list(queryset.values_list("pk", flat=True)):
        yield model.objects.filter(pk=pk).values_list(*fields).get()


def _approval_sheet(project: Project) -> bytes:
    fields = [
        ["项目名称", project.title],
        ["主办单位", project.organiser.name],
        ["类型", str(project.get_project_type_display())],
        ["层级", str(project.get_level_display())],
        ["起止日期", f"{format_date_zh(project.starts_on) if project.starts_on else ''} 至 "
                   f"{format_date_zh(project.ends_on) if project.ends_on else ''}"],
        ["学时", format_hours(project.hours_credited)],
        ["人均费用（元）", str(project.fee_per_trainee)],
        ["状态", str(project.get_status_display())],
    ]  # fmt: skip
    history = [
        [format_datetime_zh(e.created_at), e.actor_name, str(events.ACTIONS.get(e.action, e.action))]
        for e in training_selectors.project_events(project, limit=500)
    ]
    budget = [
        [str(line.get_kind_display()), line.item, str(line.amount)] for line in project.budget_lines.all()
    ]
    return write_workbook(
        [
            Sheet("项目信息", ["项目", "内容"], fields),
            Sheet("预算", ["类别", "项目", "金额（元）"], budget),
            Sheet("审批与变更记录", ["时间", "操作人", "事项"], history),
        ]
    )


def _roster_sheet(project: Project) -> bytes:
    rows = [
        [e.person.name, e.school.name, e.cohort.name if e.cohort else "", str(e.get_status_display())]
        for e in Enrolment.objects.filter(project=project, status=EnrolmentStatus.ENROLLED)
        .select_related("person", "school", "cohort")
        .order_by("cohort__number", "person__name_pinyin", "pk")
        .iterator(chunk_size=CHUNK)
    ]
    return write_workbook([Sheet("学员名册", ["姓名", "单位", "班级", "状态"], rows)])


def _attendance_sheet(project: Project) -> bytes:
    rows = [
        [
            format_datetime_zh(a.lesson.starts_at),
            a.lesson.topic,
            a.enrolment.person.name,
            str(a.get_status_display()),
            str(a.get_method_display()),
        ]
        for a in Attendance.objects.filter(lesson__project=project)
        .select_related("lesson", "enrolment__person")
        .order_by("lesson__starts_at", "lesson_id", "enrolment__person__name_pinyin")
        .iterator(chunk_size=CHUNK)
    ]
    return write_workbook([Sheet("考勤记录", ["时间", "课次", "姓名", "考勤", "方式"], rows)])


def _scores_sheet(project: Project) -> bytes:
    rows = [
        [
            r.enrolment.person.name,
            r.enrolment.school.name,
            "" if r.total is None else str(r.total),
            r.band,
            str(r.attendance_rate),
            "合格" if r.passed else "不合格",
            "是" if r.excellent else "",
            format_hours(r.hours_total),
        ]
        for r in Result.objects.filter(project=project)
        .select_related("enrolment__person", "enrolment__school")
        .order_by("enrolment__person__name_pinyin", "pk")
        .iterator(chunk_size=CHUNK)
    ]
    header = ["姓名", "单位", "总评", "等级", "出勤率（%）", "结果", "优秀学员", "学时"]
    return write_workbook([Sheet("成绩表", header, rows)])


def _work(project: Project, out: _Zip, step: Callable[[], None]) -> None:
    folder = FOLDERS["work"]
    texts = Submission.objects.filter(assignment__project=project).exclude(text="")
    for pk, person, title, text in texts.values_list(
        "pk", "enrolment__person__name", "assignment__title", "text"
    ).iterator(chunk_size=CHUNK):
        out.add(folder, safe_filename(f"{person}-{title}-{pk}.txt", None), text.encode("utf-8"), "作业正文")
        step()
    files = SubmissionFile.objects.filter(submission__assignment__project=project)
    for person, filename, content in _blobs(
        files, ("submission__enrolment__person__name", "filename", "content")
    ):
        out.add(folder, safe_filename(f"{person}-{filename}", None), bytes(content), "作业附件")
        step()


def count_entries(project: Project) -> int:
    """How many entries the zip will hold (the progress bar's total), index aside."""
    return (
        ProjectAttachment.objects.filter(project=project).count()
        + ArchiveFile.objects.filter(project=project).count()
        + Submission.objects.filter(assignment__project=project).exclude(text="").count()
        + SubmissionFile.objects.filter(submission__assignment__project=project).count()
        + 7
    )


def write_zip(project: Project, path: Path, progress: Callable[[int, int], None] | None = None) -> dict:
    """Write the project's archive to `path`; the counts of what went in."""
    total = count_entries(project)
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None and (done % 20 == 0 or done == total):
            progress(min(done, total), total)

    with translation.override(settings.LANGUAGE_CODE):
        out = _Zip(path)
        try:
            if progress is not None:
                progress(0, total)
            out.add(
                FOLDERS["plan"],
                "项目信息与审批记录.xlsx",
                _approval_sheet(project),
                "项目信息、预算、审批与变更",
            )
            step()
            for filename, content in _blobs(
                ProjectAttachment.objects.filter(project=project), ("filename", "content")
            ):
                out.add(FOLDERS["plan"], safe_filename(filename, None), bytes(content), "实施方案等附件")
                step()
            out.add(FOLDERS["roster"], "学员名册.xlsx", _roster_sheet(project), "参训学员名册")
            step()
            out.add(FOLDERS["attendance"], "考勤记录.xlsx", _attendance_sheet(project), "各课次考勤")
            step()
            what = {k: str(v) for k, v in ArchiveFileKind.choices}
            for kind, filename, content in _blobs(
                ArchiveFile.objects.filter(project=project).order_by("kind", "pk"),
                ("kind", "filename", "content"),
            ):
                out.add(FOLDERS[kind], safe_filename(filename, None), bytes(content), what[kind])
                step()
            _work(project, out, step)
            out.add(FOLDERS["scores"], "成绩表.xlsx", _scores_sheet(project), "考核成绩")
            step()
            summary = selectors.summary_of(project)
            if summary is not None:
                out.add(
                    FOLDERS["summary"], "项目总结.pdf", documents.summary_pdf(project, summary), "项目总结"
                )
            step()
            out.add(FOLDERS["summary"], "结业名册.pdf", documents.roster_pdf(project), "结业名册")
            step()
            index = documents.index_pdf(project, list(out.entries))
            out.add("", "00-档案目录.pdf", index, "本目录")
        finally:
            out.close()
    counts = {"files": len(out.entries), "bytes": path.stat().st_size}
    if progress is not None:
        progress(total, total)
    return counts
