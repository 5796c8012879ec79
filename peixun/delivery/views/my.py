"""The teacher's pages, made for a phone: today's lessons with check-in by code or QR code, one
project's schedule, marks, coursework, leave and result, all their coursework and all their leave
requests in one list each; and the tutor's list of classes.

The phone keeps a random device cookie (two years, HttpOnly); its hash goes with each check-in,
so one phone checks in one person per lesson (docs/decisions/0025-check-in-codes.md)."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peixun.accounts.http import SignedInRequest
from peixun.audit.events import client_ip
from peixun.core.exceptions import DomainError
from peixun.delivery import access, hooks, selectors
from peixun.delivery.forms import LeaveForm
from peixun.delivery.models import Lesson, LessonStatus
from peixun.delivery.rules import attendance as attendance_rules
from peixun.delivery.services import attendance as attendance_services
from peixun.training.models import Cohort, EnrolmentStatus
from peixun.training.rules import lifecycle

DEVICE_COOKIE = "peixun_device"
DEVICE_MAX_AGE = 2 * 365 * 24 * 3600


def _device(request: HttpRequest) -> tuple[str, bool]:
    """(the device token, whether it is new and must be set on the response)."""
    token = request.COOKIES.get(DEVICE_COOKIE, "")
    if 20 <= len(token) <= 64 and token.replace("-", "").replace("_", "").isalnum():
        return token, False
    return secrets.token_urlsafe(24), True


def _with_device(response: HttpResponse, token: str, new: bool, request: HttpRequest) -> HttpResponse:
    if new:
        response.set_cookie(
            DEVICE_COOKIE,
            token,
            max_age=DEVICE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@login_required
@require_GET
def my(request: SignedInRequest) -> HttpResponse:
    """Today's lessons (check in here), the next ones, and every project under way."""
    token, new = _device(request)
    lessons = selectors.my_lessons(request.user)
    context = {
        "open_lessons": [item for item in lessons if item.open],
        "upcoming": [item for item in lessons if not item.open][:8],
        "enrolments": selectors.my_enrolments(request.user),
        "not_started": selectors.my_not_started(request.user),
        "linked": bool(request.user.person_id),
    }
    return _with_device(render(request, "delivery/my.html", context), token, new, request)


@login_required
@require_GET
def my_work(request: SignedInRequest) -> HttpResponse:
    """All the teacher's coursework, what is still to hand in first."""
    items = selectors.my_coursework(request.user)
    context = {
        "to_do": [item for item in items if item.to_hand_in],
        "done": [item for item in items if not item.to_hand_in],
        "linked": bool(request.user.person_id),
    }
    return render(request, "delivery/my_work.html", context)


@login_required
@require_GET
def my_leave(request: SignedInRequest) -> HttpResponse:
    """All the teacher's leave requests, and the projects where they may ask for leave."""
    context = {
        "requests": selectors.my_leave_requests(request.user),
        "can_ask": [
            enrolment
            for enrolment in selectors.my_enrolments(request.user)
            if enrolment.project.status in lifecycle.OPEN_FOR_LEAVE
        ],
        "linked": bool(request.user.person_id),
    }
    return render(request, "delivery/my_leave.html", context)


def _enrolment_for(request: HttpRequest, lesson: Lesson):
    enrolment = access.own_enrolment(request.user, lesson.project)
    if enrolment is None:
        raise Http404
    return enrolment


@login_required
@require_POST
def checkin(request: SignedInRequest) -> HttpResponse:
    """Check in with the typed code, for the lesson chosen (or the only one open)."""
    token, new = _device(request)
    try:
        lesson = access.access_lesson(request.user, int(request.POST.get("lesson", "0")), "view")
    except ValueError:
        raise Http404 from None
    enrolment = _enrolment_for(request, lesson)
    try:
        attendance = attendance_services.check_in(
            lesson=lesson,
            enrolment=enrolment,
            proof=request.POST.get("code", ""),
            by_qr=False,
            device=token,
            actor=request.user,
            ip=client_ip(request),
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _checked_message(lesson, attendance))
    return _with_device(redirect("delivery:my"), token, new, request)


def _checked_message(lesson: Lesson, attendance) -> str:
    when = timezone.localtime(attendance.checked_in_at).strftime("%H:%M") if attendance.checked_in_at else ""
    if attendance.status == "late":
        return _("Checked in to %(topic)s at %(time)s (late).") % {"topic": lesson.topic, "time": when}
    return _("Checked in to %(topic)s at %(time)s.") % {"topic": lesson.topic, "time": when}


@login_required
@require_http_methods(["GET", "POST"])
def checkin_qr(request: SignedInRequest, pk: int, token: str) -> HttpResponse:
    """Where the QR code leads: a confirm button (a GET never changes anything), then check-in."""
    device, new = _device(request)
    lesson = access.access_lesson(request.user, pk, "view")
    enrolment = _enrolment_for(request, lesson)
    if request.method == "POST":
        try:
            attendance = attendance_services.check_in(
                lesson=lesson,
                enrolment=enrolment,
                proof=token,
                by_qr=True,
                device=device,
                actor=request.user,
                ip=client_ip(request),
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _checked_message(lesson, attendance))
        return _with_device(redirect("delivery:my"), device, new, request)
    context = {"lesson": lesson, "token": token, "open_now": attendance_services.open_now(lesson)}
    return _with_device(render(request, "delivery/checkin_qr.html", context), device, new, request)


@login_required
@require_GET
def my_project(request: SignedInRequest, pk: int) -> HttpResponse:
    """One project as the trainee sees it: schedule and marks, coursework, leave, and the result
    with the reasons for a fail."""
    project = access.access_project(request.user, pk)
    enrolment = access.own_enrolment(request.user, project)
    if enrolment is None:
        raise Http404
    rule = attendance_services.absence_rule(project)
    tally = attendance_services.tally(enrolment)
    left = attendance_rules.absences_left(tally, rule[0], rule[1]) if rule is not None else None
    context = {
        "project": project,
        "enrolment": enrolment,
        # The result and the certificates: panels of the apps that own them (delivery.hooks).
        "panels": [
            html
            for html in hooks.my_project_panels.run(request=request, project=project, enrolment=enrolment)
            if html
        ],
        "marks": selectors.my_marks(enrolment),
        "work": selectors.my_work(enrolment),
        "leave": selectors.my_leave(enrolment),
        "leave_form": LeaveForm(),
        "tally": tally,
        "left": left,
        "can_ask_leave": project.status in lifecycle.OPEN_FOR_LEAVE,
    }
    return render(request, "delivery/my_project.html", context)


@login_required
@require_GET
def tutoring(request: SignedInRequest) -> HttpResponse:
    """A tutor's classes, with today's and the next lessons of each."""
    cohorts = []
    if request.user.person_id:
        cohorts = list(
            Cohort.objects.filter(
                tutor_id=request.user.person_id,
                project__status__in=lifecycle.PUBLIC,
            )
            .select_related("project", "project__organiser")
            .order_by("-project__starts_on", "number")
        )
    now = timezone.now()
    for cohort in cohorts:
        cohort.next_lessons = list(  # type: ignore[attr-defined]  # for the template
            Lesson.objects.filter(
                Q(cohort__isnull=True, project=cohort.project) | Q(cohort=cohort), ends_at__gte=now
            )
            .exclude(status=LessonStatus.CANCELLED)
            .order_by("starts_at")[:3]
        )
        cohort.size = cohort.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()  # type: ignore[attr-defined]  # for the template
    return render(
        request, "delivery/tutoring.html", {"cohorts": cohorts, "results_url": reverse("delivery:my")}
    )
