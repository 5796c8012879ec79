"""Excel exports of training lists: a project's enrolments and a class roster (花名册). Written by
peixun.lib.xlsx, so no cell is ever a live formula; ID numbers are masked."""

from django.utils.translation import gettext as _

from peixun.lib import xlsx
from peixun.orgs.models import Gender, Section, Title
from peixun.training.models import Cohort, Enrolment, Project


def _person_cells(enrolment: Enrolment) -> list:
    person = enrolment.person
    return [
        person.name,
        dict(Gender.choices).get(person.gender, ""),
        enrolment.school.name,
        dict(Section.choices).get(person.section, ""),
        enrolment.subject or "、".join(person.subjects),
        dict(Title.choices).get(person.title, ""),
        person.mobile,
        person.id_masked,
    ]


def _person_header() -> list[str]:
    return [
        _("Name"),
        _("Gender"),
        _("School"),
        _("Section"),
        _("Subject"),
        _("Title"),
        _("Mobile phone"),
        _("Document number"),
    ]


def enrolments_workbook(project: Project, enrolments: list[Enrolment]) -> bytes:
    header = [*_person_header(), _("Status"), _("Class"), _("Enrolled at (Beijing time)")]
    rows = [
        [*_person_cells(e), e.get_status_display(), e.cohort.name if e.cohort else "", e.created_at]
        for e in enrolments
    ]
    return xlsx.write_workbook([xlsx.Sheet(name=project.title[:31], header=header, rows=rows)])


def roster_workbook(cohort: Cohort, enrolments: list[Enrolment]) -> bytes:
    header = [_("No."), *_person_header(), _("Signature")]
    rows = [[index, *_person_cells(e), ""] for index, e in enumerate(enrolments, 1)]
    title = f"{cohort.project.title} {cohort.name}"
    tutor = cohort.tutor.name if cohort.tutor is not None else "—"
    info = xlsx.Sheet(
        name=_("Class"),
        header=[_("Project"), _("Class"), _("Tutor"), _("Trainees")],
        rows=[[cohort.project.title, cohort.name, tutor, len(enrolments)]],
    )
    return xlsx.write_workbook([xlsx.Sheet(name=title[:31], header=header, rows=rows), info])
