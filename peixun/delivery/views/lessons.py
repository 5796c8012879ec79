"""Lesson pages: a project's lessons and its calendar (with public holidays and adjusted
workdays), the lesson form, check-in and leave settings, a lesson's register with the tutor's
marks, and the screen that shows the rotating check-in code and QR code."""

import io
from datetime import date

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peixun.accounts.http import SignedInRequest
from peixun.core.exceptions import DomainError
from peixun.core.refusals import refuse
from peixun.delivery import access, selectors
from peixun.delivery.access import require_perm
from peixun.delivery.forms import MARK_CHOICES, LessonForm, SettingsForm
from peixun.delivery.models import LessonStatus
from peixun.delivery.rules import calendar, checkin
from peixun.delivery.services import assessing
from peixun.delivery.services import attendance as attendance_services
from peixun.delivery.services import lessons as lesson_services
from peixun.delivery.views.common import project_tabs, require_runner
from peixun.training.models import Enrolment
from peixun.training.rules import lifecycle


@login_required
@require_GET
def lessons(request: SignedInRequest, pk: int) -> HttpResponse:
    require_runner(request)
    project = access.access_project(request.user, pk, "run")
    found = list(selectors.lessons_for(request.user, project))
    now = timezone.now()
    for lesson in found:
        lesson.phase = selectors.phase(lesson, now)  # type: ignore[attr-defined]  # for the template
    context = project_tabs(request, project, "lessons")
    context.update(
        upcoming=[
            lesson for lesson in found if lesson.ends_at >= now and lesson.status != LessonStatus.CANCELLED
        ],
        past=[lesson for lesson in found if lesson.ends_at < now or lesson.status == LessonStatus.CANCELLED],
        settings=lesson_services.settings_for(project),
        can_schedule=context["manages"] and project.status in lifecycle.SCHEDULING,
        now=now,
    )
    return render(request, "delivery/lesson_list.html", context)


def _month(request: HttpRequest, project) -> tuple[int, int]:
    raw = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in raw.split("-"))
        date(year, month, 1)
    except ValueError:
        today = timezone.localdate()
        start = (
            project.starts_on
            if project.starts_on and not (project.starts_on <= today <= (project.ends_on or today))
            else today
        )
        return start.year, start.month
    return year, month


@login_required
@require_GET
def lesson_calendar(request: SignedInRequest, pk: int) -> HttpResponse:
    """The month's lessons the user may see — staff and tutors theirs, a trainee their own — with
    China's public holidays and adjusted workdays marked."""
    project = access.access_project(request.user, pk)
    if access.runs(request.user, project):
        found = selectors.lessons_for(request.user, project)
    else:
        enrolment = access.own_enrolment(request.user, project)
        if enrolment is None:
            raise Http404
        found = lesson_services.lessons_of(enrolment).select_related("course", "cohort")
    year, month = _month(request, project)
    grid = calendar.month(year, month)
    by_day = selectors.month_lessons(found.exclude(status=LessonStatus.CANCELLED), year, month)
    context = project_tabs(request, project, "lessons")
    previous, following = calendar.shift(year, month, -1), calendar.shift(year, month, 1)
    context.update(
        grid=grid,
        first_day=date(year, month, 1),
        weeks=[[(day, by_day.get(day.day, [])) for day in week] for week in grid.weeks],
        previous=f"{previous[0]}-{previous[1]:02d}",
        following=f"{following[0]}-{following[1]:02d}",
        today=timezone.localdate(),
        runs=access.runs(request.user, project),
    )
    return render(request, "delivery/lesson_calendar.html", context)


def _lesson_data(form: LessonForm) -> lesson_services.LessonData:
    data = form.cleaned_data
    return lesson_services.LessonData(
        topic=data["topic"],
        starts_at=form.starts_at(),
        ends_at=form.ends_at(),
        cohort=data["cohort"],
        course=data["course"],
        trainer=data["trainer"],
        place=data["place"],
        online_url=data["online_url"],
    )


def _holiday_warning(request: HttpRequest, form: LessonForm) -> None:
    note = calendar.note_for(form.cleaned_data["day"])
    if note is not None and note.holiday:
        name = note.name_zh if request.LANGUAGE_CODE.startswith("zh") else note.name_en
        messages.warning(
            request,
            _("%(day)s is a public holiday (%(name)s).") % {"day": form.cleaned_data["day"], "name": name},
        )


@login_required
@require_http_methods(["GET", "POST"])
def lesson_create(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "training.manage")
    project = access.access_project(request.user, pk, "manage")
    form = LessonForm(request.POST or None, project=project, initial={"day": project.starts_on})
    if request.method == "POST" and form.is_valid():
        try:
            lesson_services.create_lesson(
                project=project, data=_lesson_data(form), actor=request.user, request=request
            )
        except DomainError as error:
            refuse(request, error)
        else:
            _holiday_warning(request, form)
            messages.success(request, _("The lesson was scheduled."))
            if request.POST.get("again"):
                return redirect("delivery:lesson-create", project.pk)
            return redirect("delivery:lessons", project.pk)
    context = project_tabs(request, project, "lessons")
    context.update(form=form, lesson=None)
    return render(request, "delivery/lesson_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def lesson_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "training.manage")
    lesson = access.access_lesson(request.user, pk, "run")
    if not access.manages(request.user, lesson.project):
        raise Http404
    project = lesson.project
    form = LessonForm(request.POST or None, project=project, initial=LessonForm.initial_for(lesson))
    if request.method == "POST" and form.is_valid():
        try:
            lesson_services.update_lesson(
                lesson=lesson, data=_lesson_data(form), actor=request.user, request=request
            )
        except DomainError as error:
            refuse(request, error)
        else:
            _holiday_warning(request, form)
            messages.success(request, _("The lesson was saved."))
            return redirect("delivery:lessons", project.pk)
    context = project_tabs(request, project, "lessons")
    context.update(form=form, lesson=lesson)
    return render(request, "delivery/lesson_form.html", context)


@login_required
@require_POST
def lesson_cancel(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "training.manage")
    lesson = access.access_lesson(request.user, pk, "run")
    if not access.manages(request.user, lesson.project):
        raise Http404
    try:
        lesson_services.cancel_lesson(
            lesson=lesson, actor=request.user, reason=request.POST.get("reason", ""), request=request
        )
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, _("The lesson was cancelled."))
    return redirect("delivery:lessons", lesson.project_id)


@login_required
@require_http_methods(["GET", "POST"])
def delivery_settings(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "training.manage")
    project = access.access_project(request.user, pk, "manage")
    found = lesson_services.settings_for(project)
    form = SettingsForm(request.POST or None, initial=SettingsForm.initial_for(found))
    if request.method == "POST" and form.is_valid():
        try:
            lesson_services.save_settings(
                project=project,
                actor=request.user,
                code_period=form.cleaned_data["code_period"],
                opens_before=form.cleaned_data["opens_before"],
                late_after=form.cleaned_data["late_after"],
                chain=form.chain(),
                request=request,
            )
        except DomainError as error:
            refuse(request, error)
        else:
            messages.success(request, _("The settings were saved."))
            return redirect("delivery:lessons", project.pk)
    context = project_tabs(request, project, "lessons")
    context.update(form=form, steps=range(3))
    return render(request, "delivery/settings.html", context)


def _register_context(request: HttpRequest, lesson) -> dict:
    context = project_tabs(request, lesson.project, "lessons")
    classes = selectors.register_classes(request.user, lesson, request.GET.get("class", ""))
    rows = selectors.register(request.user, lesson, cohort_ids=classes.cohort_ids)
    context.update(
        lesson=lesson,
        rows=rows,
        classes=classes,
        choices=_mark_choices(),
        open_now=attendance_services.open_now(lesson),
        can_mark=_can_mark(lesson),
        counts=selectors.register_counts(rows),
        unmarked=sum(1 for row in rows if row.attendance is None and row.can_mark),
    )
    return context


def _mark_choices() -> tuple[tuple[str, str], ...]:
    """The marks with their labels in the active language, translated once per page, not per row."""
    return tuple((str(value), str(label)) for value, label in MARK_CHOICES)


def _can_mark(lesson) -> bool:
    return lesson.project.status in lifecycle.MARKING and lesson.status != LessonStatus.CANCELLED


@login_required
@require_GET
def lesson_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    require_runner(request)
    lesson = access.access_lesson(request.user, pk, "run")
    context = _register_context(request, lesson)
    if request.htmx and request.htmx.target == "register":
        return render(request, "delivery/lesson_detail.html#register", context)
    return render(request, "delivery/lesson_detail.html", context)


@login_required
@require_POST
def lesson_mark(request: SignedInRequest, pk: int, enrolment_pk: int) -> HttpResponse:
    require_runner(request)
    lesson = access.access_lesson(request.user, pk, "run")
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("person", "school", "cohort"),
        pk=enrolment_pk,
        project=lesson.project,
    )
    if not access.can_mark(request.user, lesson, enrolment):
        raise Http404
    try:
        attendance_services.mark(
            lesson=lesson,
            enrolment=enrolment,
            status=request.POST.get("status") or request.POST.get(f"status-{enrolment.pk}", ""),
            note=request.POST.get("note", "")[:200],
            actor=request.user,
            request=request,
        )
    except DomainError as error:
        if not request.htmx:
            refuse(request, error)
            return redirect("delivery:lesson", lesson.pk)
        return HttpResponse(str(error), status=error.status)
    if request.htmx:
        # This trainee's row, and out of band the counts above the register and the save button,
        # all read for this one mark (not the whole class drawn again).
        classes = selectors.register_classes(request.user, lesson, request.GET.get("class", ""))
        counts, unmarked = selectors.register_counts_of(request.user, lesson, classes.cohort_ids)
        context = {
            "lesson": lesson,
            "classes": classes,
            "row": selectors.register(request.user, lesson, [enrolment.pk])[0],
            "choices": _mark_choices(),
            "open_now": attendance_services.open_now(lesson),
            "can_mark": _can_mark(lesson),
            "counts": counts,
            "unmarked": unmarked,
            "oob": True,
        }
        return render(request, "delivery/lesson_detail.html#row", context)
    return redirect("delivery:lesson", lesson.pk)


@login_required
@require_POST
def lesson_register(request: SignedInRequest, pk: int) -> HttpResponse:
    """Save the whole register in one request: every row the user may mark, as chosen on the page
    (present unless marked otherwise; approved leave as leave)."""
    require_runner(request)
    lesson = access.access_lesson(request.user, pk, "run")
    classes = selectors.register_classes(request.user, lesson, request.POST.get("class", ""))
    offered = selectors.register_shown(request.user, lesson, classes.cohort_ids)
    marks = {pk: request.POST.get(f"status-{pk}") or first for pk, first in offered.items()}
    shown = {pk: request.POST.get(f"shown-{pk}") or first for pk, first in offered.items()}
    try:
        saved = attendance_services.save_register(
            lesson=lesson, marks=marks, shown=shown, actor=request.user, request=request
        )
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(
            request,
            ngettext(
                "The register is saved: %(n)s mark written.",
                "The register is saved: %(n)s marks written.",
                saved,
            )
            % {"n": saved},
        )
    return _to_register(lesson, classes)


def _to_register(lesson, classes: selectors.RegisterClasses) -> HttpResponse:
    """Back to the register, on the classes it showed."""
    url = reverse("delivery:lesson", args=[lesson.pk])
    return redirect(f"{url}?class={classes.selected}" if classes.options else url)


@login_required
@require_POST
def lesson_close(request: SignedInRequest, pk: int) -> HttpResponse:
    require_runner(request)
    lesson = access.access_lesson(request.user, pk, "run")
    if lesson.project.status not in lifecycle.MARKING:
        messages.error(
            request,
            _("This project is not running, so its lessons, attendance and coursework cannot change now."),
        )
        return redirect("delivery:lesson", lesson.pk)
    absent = attendance_services.close_lesson(lesson=lesson, actor=request.user, request=request)
    messages.success(request, _("The lesson is closed; %(n)s not marked were marked absent.") % {"n": absent})
    return redirect("delivery:lesson", lesson.pk)


def _qr_svg(url: str) -> str:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer,
        kind="svg",
        scale=8,
        border=2,
        xmldecl=False,
        svgns=True,
        svgclass="qr-svg",
        lineclass=None,
        omitsize=True,
    )
    return buffer.getvalue().decode()


@login_required
@require_GET
def lesson_code(request: SignedInRequest, pk: int) -> HttpResponse:
    """The tutor's screen: the code and QR code of this moment, refreshed by HTMX before they
    change; the count of those checked in."""
    require_runner(request)
    lesson = access.access_lesson(request.user, pk, "run")
    settings = lesson_services.settings_for(lesson.project)
    now = timezone.now()
    shown = checkin.shown_at(lesson.checkin_secret, lesson.pk, now, settings.code_period)
    url = request.build_absolute_uri(reverse("delivery:checkin-qr", args=[lesson.pk, shown.token]))
    counts = _register_context(request, lesson)["counts"]
    context = project_tabs(request, lesson.project, "lessons")
    context.update(
        lesson=lesson,
        shown=shown,
        period=settings.code_period,
        qr=_qr_svg(url),
        open_now=attendance_services.open_now(lesson, now),
        seconds_left=max(1, int((shown.expires_at - now).total_seconds())),
        counts=counts,
        window=checkin.window(lesson.starts_at, lesson.ends_at, settings.opens_before),
    )
    if request.htmx:
        return render(request, "delivery/lesson_code.html#code", context)
    return render(request, "delivery/lesson_code.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def assess(request: SignedInRequest, pk: int) -> HttpResponse:
    """Move the project to assessment, asking first when lessons are still ahead: cancel them (they
    then count for nobody) and move, or wait (nothing changes)."""
    require_perm(request, "training.manage")
    project = access.access_project(request.user, pk, "manage")
    if project.status != lifecycle.RUNNING:
        return redirect("training:project-detail", project.pk)
    ahead = list(lesson_services.lessons_ahead(project).select_related("cohort"))
    if request.method == "POST":
        cancel = request.POST.get("choice") == "cancel"
        try:
            assessing.move_to_assessment(
                project=project,
                actor=request.user,
                cancel_lesson_ids=[int(v) for v in request.POST.getlist("lesson") if v.isdigit()]
                if cancel
                else [],
                request=request,
            )
        except DomainError as error:
            refuse(request, error)
            return redirect("delivery:assess", project.pk)
        project.refresh_from_db()
        messages.success(
            request, _("The project is now: %(status)s.") % {"status": project.get_status_display()}
        )
        return redirect("training:project-detail", project.pk)
    return render(request, "delivery/assess_confirm.html", {"project": project, "ahead": ahead})
