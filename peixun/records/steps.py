"""What the records do at the moments of the apps below them, registered in
`RecordsConfig.ready()`:

- the teacher's file (peixun.certificates.hooks.file_sections): qualification certificates,
  degrees and the 见习期, each a section of the page, the PDF and the workbook;
- the clock (peixun.delivery.hooks.clock_ticked, `manage.py delivery_tick`): registration reminders;
- the audit log (peixun.audit.events): the words of the fields its events record.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peixun.audit import events
from peixun.certificates.hooks import FileSection, file_sections
from peixun.delivery import hooks as delivery_hooks
from peixun.lib.dates import format_date_zh
from peixun.records import selectors, services

FIELD_LABELS = {
    "number": _("Certificate number"),
    "due_on": _("Registration due on"),
    "result": _("Result"),
    "checked_on": _("Date"),
    "level": _("Level"),
    "school": _("School"),
    "major": _("Major"),
    "awarded_on": _("Awarded on"),
    "joined_on": _("Joined on"),
    "adapt": _("Adapt within half a year"),
    "qualify": _("Qualified within one year"),
    "shape": _("Shaped within two years"),
    "excel": _("Results within three years"),
    "post_certificate": _("Post certificate"),
    "rural": _("Rural"),
    "moved": _("Due dates moved"),
    "registration_years": _("Registration period (years)"),
    "remind_days": _("Remind this many days before it is due"),
    "rural_primary_target": _("Target: rural primary teachers with 专科 or above (%)"),
    "junior_target": _("Target: junior-school teachers with 本科 or above (%)"),
    "target_year": _("Year by which the targets are met"),
    "probation_hours": _("First-year probation training (hours)"),
}
ACTIONS = (
    "records_qualification_saved",
    "records_qualification_checked",
    "records_degree_added",
    "records_probation_saved",
    "records_head_teacher_given",
    "records_policy_saved",
    "records_rural_set",
)


def qualification_section(*, person, cycle) -> FileSection:
    rows = []
    for certificate in selectors.qualifications(person):
        rows.append(
            [
                certificate.number,
                str(certificate.get_kind_display()),
                certificate.subject,
                certificate.issuer,
                format_date_zh(certificate.issued_on),
                format_date_zh(certificate.registered_on) if certificate.registered_on else "未注册",
                format_date_zh(certificate.due_on),
            ]
        )
    return FileSection(
        title="教师资格证",
        headers=["证书编号", "资格种类", "任教学科", "发证机关", "发证日期", "上次注册", "注册到期"],
        rows=rows,
        empty="尚未登记教师资格证",
    )


def degree_section(*, person, cycle) -> FileSection:
    rows = [
        [
            str(degree.get_level_display()),
            degree.school,
            degree.major,
            format_date_zh(degree.awarded_on),
            "全日制" if degree.full_time else "非全日制",
        ]
        for degree in selectors.degrees(person)
    ]
    return FileSection(
        title="学历",
        headers=["学历", "毕业院校", "专业", "毕业日期", "学习形式"],
        rows=rows,
        empty="尚未登记学历",
    )


def probation_section(*, person, cycle) -> FileSection | None:
    record = selectors.probation(person)
    if record is None:
        return None
    return FileSection(
        title=f"见习期（{format_date_zh(record.joined_on)}入职）",
        headers=["成长阶段", "考核时间", "结果"],
        rows=[[label, format_date_zh(due), result] for _code, label, due, result in record.stages()],
    )


def remind(*, now) -> None:
    services.send_reminders(today=timezone.localdate(now))


def register() -> None:
    file_sections.add(qualification_section, order=10, name="records.qualifications")
    file_sections.add(degree_section, order=11, name="records.degrees")
    file_sections.add(probation_section, order=12, name="records.probation")
    delivery_hooks.clock_ticked.add(remind, order=40, name="records.remind")
    for action in ACTIONS:
        events.register_field_labels(FIELD_LABELS, action=action)
    # Keys no other app labels, for lists that show changes without their action.
    events.register_field_labels({key: FIELD_LABELS[key] for key in ("result", "post_certificate", "moved")})
