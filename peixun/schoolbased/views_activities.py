"""The pages of the activities a school runs from its plan: the list and the set-up form, the
activity's page (today's code and QR code, the register, coursework, evidence, follow-along
progress), the teacher's own activities with check-in on the phone, and the bureau's follow-along
template (ADR 0059)."""

import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from peixun.accounts.http import SignedInRequest
from peixun.core.exceptions import DomainError
from peixun.core.refusals import refuse
from peixun.core.views import download
from peixun.lib.dates import format_date_zh, format_hours
from peixun.lib.xlsx import Sheet, write_workbook
from peixun.orgs.models import Person, PersonStatus
from peixun.schoolbased import access
from peixun.schoolbased import activities as svc
from peixun.schoolbased.forms import (
    CheckInForm,
    EntryForm,
    EvidenceForm,
    ParticipantsForm,
    SchoolActivityForm,
    TaskForm,
    TemplateForm,
    WorkForm,
)
from peixun.schoolbased.models import (
    ActivityEvidence,
    Attendance,
    Grade,
    Participant,
    PlanLine,
    PlanState,
    SchoolActivity,
    Submission,
    Task,
)


def _form_errors(request, form) -> None:
    messages.error(
        request,
        _("Check the form: %(errors)s")
        % {"errors": " ".join(str(e) for errors in form.errors.values() for e in errors)},
    )


def _done(request, call, text: str) -> bool:
    try:
        call()
    except DomainError as error:
        refuse(request, error)
        return False
    messages.success(request, text)
    return True


def _school_people(school_ids):
    return Person.objects.filter(org_id__in=school_ids, status=PersonStatus.ACTIVE).order_by(
        "org__path", "name_pinyin", "id"
    )


def _create_form(request: SignedInRequest, data=None) -> SchoolActivityForm:
    schools = access.orgs_in_scope(request.user, "schoolbased.plan").filter(kind="school")
    lines = (
        PlanLine.objects.filter(plan__school__in=schools, plan__state=PlanState.APPROVED)
        .select_related("plan__school")
        .order_by("-plan__school_year", "starts_on")
    )
    today = timezone.localdate()
    return SchoolActivityForm(
        data,
        lines=lines,
        people=_school_people(schools.values("pk")),
        initial={"starts_on": today, "ends_on": today},
    )


@login_required
@require_http_methods(["GET", "POST"])
def activities(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, "schoolbased.view")
    may_plan = access.has_perm(request.user, "schoolbased.plan")
    form = _create_form(request, request.POST if request.method == "POST" else None) if may_plan else None
    if request.method == "POST":
        access.require_perm(request, "schoolbased.plan")
        if form is not None and form.is_valid():
            data = form.cleaned_data
            try:
                activity = svc.create_activity(actor=request.user, request=request, **data)
            except DomainError as error:
                refuse(request, error)
            else:
                messages.success(request, _("Activity set up."))
                return redirect("schoolbased:activity", activity.pk)
    items = access.activities_in_scope(request.user).order_by("-starts_on", "-id")
    school = request.GET.get("school")
    if school and school.isdigit():
        items = items.filter(line__plan__school_id=int(school))
    context = {
        "items": items[:200],
        "form": form,
        "may_plan": may_plan,
        "may_review": access.has_perm(request.user, "schoolbased.review"),
        "no_approved_line": form is not None and not form.fields["line"].queryset.exists(),  # type: ignore[attr-defined]
    }
    return render(request, "schoolbased/activities.html", context)


@login_required
def activities_export(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, "schoolbased.view")
    rows = [
        [
            item.line.plan.school.name,
            item.title,
            item.get_kind_display(),
            format_date_zh(item.starts_on),
            format_date_zh(item.ends_on),
            item.place,
            item.leader.name,
            format_hours(item.hours),
        ]
        for item in access.activities_in_scope(request.user).order_by("line__plan__school__path", "starts_on")
    ]
    header = [
        _("School"),
        _("Activity"),
        _("Kind"),
        _("Starts on"),
        _("Ends on"),
        _("Place"),
        _("Leader"),
        _("Hours each"),
    ]
    content = write_workbook([Sheet(_("School activities"), header, rows)])
    return download(content, "校本研修活动.xlsx")


def _qr_svg(url: str) -> str:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer,
        kind="svg",
        scale=6,
        border=2,
        xmldecl=False,
        svgns=True,
        svgclass="qr-svg",
        lineclass=None,
        omitsize=True,
    )
    return buffer.getvalue().decode()


@login_required
def activity(request: SignedInRequest, pk: int) -> HttpResponse:
    item, runs = access.access_activity(request.user, pk)
    code = svc.code_today(item) if runs else None
    qr = None
    if code:
        url = request.build_absolute_uri(
            reverse("schoolbased:activity-checkin") + f"?a={item.pk}&code={code}"
        )
        qr = _qr_svg(url)
    tasks = list(item.tasks.prefetch_related("submissions__person"))
    have = set(item.participants.values_list("person_id", flat=True))
    context = {
        "activity": item,
        "runs": runs,
        "code": code,
        "qr": qr,
        "standings": svc.standings(item),
        "attendance_choices": Attendance.choices,
        "grade_choices": Grade.choices,
        "tasks": tasks,
        "evidence": item.evidence.only("id", "kind", "file_name", "uploaded_at"),
        "task_form": TaskForm(initial={"due_on": item.ends_on}),
        "evidence_form": EvidenceForm(),
        "participants_form": ParticipantsForm(
            people=_school_people([item.line.plan.school_id]).exclude(pk__in=have)
        ),
        "checked_in_today": item.participants.filter(checkins__day=timezone.localdate()).count(),
    }
    return render(request, "schoolbased/activity.html", context)


@login_required
@require_POST
def activity_participants(request: SignedInRequest, pk: int) -> HttpResponse:
    item = access.run_activity(request.user, pk)
    form = ParticipantsForm(request.POST, people=_school_people([item.line.plan.school_id]))
    if form.is_valid():
        _done(
            request,
            lambda: svc.add_participants(
                activity=item, people=list(form.cleaned_data["people"]), actor=request.user, request=request
            ),
            _("Participants added."),
        )
    else:
        _form_errors(request, form)
    return redirect("schoolbased:activity", item.pk)


@login_required
@require_POST
def activity_register(request: SignedInRequest, pk: int) -> HttpResponse:
    item = access.run_activity(request.user, pk)
    marks = {
        int(key.removeprefix("p-")): request.POST.get(key, "")
        for key in request.POST
        if key.startswith("p-") and key.removeprefix("p-").isdigit()
    }
    _done(
        request,
        lambda: svc.mark_attendance(activity=item, marks=marks, actor=request.user, request=request),
        _("Register saved."),
    )
    return redirect("schoolbased:activity", item.pk)


@login_required
@require_POST
def activity_task(request: SignedInRequest, pk: int) -> HttpResponse:
    item = access.run_activity(request.user, pk)
    form = TaskForm(request.POST)
    if form.is_valid():
        _done(
            request,
            lambda: svc.add_task(activity=item, actor=request.user, request=request, **form.cleaned_data),
            _("Task added."),
        )
    else:
        _form_errors(request, form)
    return redirect("schoolbased:activity", item.pk)


@login_required
@require_POST
def activity_evidence_add(request: SignedInRequest, pk: int) -> HttpResponse:
    item = access.run_activity(request.user, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        _done(
            request,
            lambda: svc.add_evidence(
                activity=item,
                kind=form.cleaned_data["kind"],
                data=upload.read(svc.MAX_EVIDENCE_BYTES + 1),
                name=upload.name or "",
                actor=request.user,
                request=request,
            ),
            _("Evidence added."),
        )
    else:
        _form_errors(request, form)
    return redirect("schoolbased:activity", item.pk)


@login_required
def activity_evidence(request: SignedInRequest, pk: int) -> HttpResponse:
    item = ActivityEvidence.objects.filter(pk=pk).only("activity_id").first()
    if item is None:
        raise Http404
    access.access_activity(request.user, item.activity_id)
    full = ActivityEvidence.objects.get(pk=pk)
    return download(bytes(full.data), full.file_name, full.content_type)


@login_required
@require_POST
def submission_grade(request: SignedInRequest, pk: int) -> HttpResponse:
    submission = access.access_submission(request.user, pk)
    item = access.run_activity(request.user, submission.task.activity_id)
    _done(
        request,
        lambda: svc.grade_work(
            submission=submission, grade=request.POST.get("grade", ""), actor=request.user, request=request
        ),
        _("Grade saved."),
    )
    return redirect("schoolbased:activity", item.pk)


@login_required
def submission_file(request: SignedInRequest, pk: int) -> HttpResponse:
    submission = access.access_submission(request.user, pk)
    return download(bytes(submission.data), submission.file_name, submission.content_type)


@login_required
def activity_export(request: SignedInRequest, pk: int) -> HttpResponse:
    item, _runs = access.access_activity(request.user, pk)
    rows = []
    for standing in svc.standings(item):
        participant = standing.participant
        days = ", ".join(format_date_zh(check.day) for check in participant.checkins.order_by("day"))
        rows.append(
            [
                participant.person.name,
                participant.get_attendance_display(),
                days,
                _("Yes") if standing.counts else _("No"),
                format_hours(item.hours) if standing.counts else "",
                "；".join(standing.why_not),
            ]
        )
    header = [_("Teacher"), _("Attendance"), _("Checked in on"), _("Hours count"), _("Hours"), _("Why not")]
    content = write_workbook([Sheet(_("Register"), header, rows)])
    return download(content, f"{item.title}-签到与考勤.xlsx")


# --- The teacher's side ----------------------------------------------------------------------------


@login_required
def activities_mine(request: SignedInRequest) -> HttpResponse:
    participations = []
    led = SchoolActivity.objects.none()
    if request.user.person_id:
        participations = list(
            Participant.objects.filter(person_id=request.user.person_id)
            .select_related("activity__line__plan__school")
            .order_by("-activity__starts_on")
        )
        led = SchoolActivity.objects.filter(leader_id=request.user.person_id).order_by("-starts_on")
    today = timezone.localdate()
    return render(
        request,
        "schoolbased/activities_mine.html",
        {"participations": participations, "led": led, "today": today, "form": CheckInForm()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_checkin(request: SignedInRequest) -> HttpResponse:
    """Check in with the day's code: typed on the list, or opened from the QR code (a GET that
    only shows the confirmation; the POST checks in)."""
    source = request.POST if request.method == "POST" else request.GET
    raw = source.get("a", "")
    if not raw.isdigit() or not request.user.person_id:
        raise Http404
    participant = access.own_participant(request.user, int(raw))
    form = CheckInForm(source if source.get("code") else None)
    if request.method == "POST" and form.is_valid():
        person = participant.person
        try:
            _record, new = svc.check_in(
                activity=participant.activity,
                person=person,
                code=form.cleaned_data["code"],
                actor=request.user,
                method="qr" if request.POST.get("via") == "qr" else "code",
                request=request,
            )
        except DomainError as error:
            refuse(request, error)
        else:
            messages.success(request, _("Checked in.") if new else _("You had checked in today already."))
            return redirect("schoolbased:activities-mine")
    return render(
        request,
        "schoolbased/activity_checkin.html",
        {"participant": participant, "activity": participant.activity, "form": form},
    )


@login_required
def mine_activity(request: SignedInRequest, pk: int) -> HttpResponse:
    participant = access.own_participant(request.user, pk)
    item = participant.activity
    standing = next(s for s in svc.standings(item) if s.participant.pk == participant.pk)
    tasks = list(item.tasks.all())
    submitted = {
        s.task_id: s for s in Submission.objects.filter(task__activity=item, person_id=participant.person_id)
    }
    context = {
        "participant": participant,
        "activity": item,
        "standing": standing,
        "tasks": [
            (
                task,
                submitted.get(task.pk),
                task.due_on >= timezone.localdate()
                and (task.pk not in submitted or submitted[task.pk].grade == Grade.PENDING),
            )
            for task in tasks
        ],
        "work_form": WorkForm(),
        "entry_form": EntryForm(initial={"on": min(timezone.localdate(), item.ends_on)}),
        "entries": participant.entries.order_by("-on", "-id"),
        "today": timezone.localdate(),
    }
    return render(request, "schoolbased/mine_activity.html", context)


@login_required
@require_POST
def mine_work(request: SignedInRequest, pk: int) -> HttpResponse:
    task = Task.objects.filter(pk=pk).select_related("activity").first()
    if task is None:
        raise Http404
    participant = access.own_participant(request.user, task.activity_id)
    form = WorkForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        _done(
            request,
            lambda: svc.submit_work(
                task=task,
                person=participant.person,
                data=upload.read(svc.MAX_WORK_BYTES + 1),
                name=upload.name or "",
                actor=request.user,
                request=request,
            ),
            _("Your work is handed in."),
        )
    else:
        _form_errors(request, form)
    return redirect("schoolbased:mine-activity", task.activity_id)


@login_required
@require_POST
def mine_entry(request: SignedInRequest, pk: int) -> HttpResponse:
    participant = access.own_participant(request.user, pk)
    form = EntryForm(request.POST)
    if form.is_valid():
        _done(
            request,
            lambda: svc.add_entry(
                participant=participant, actor=request.user, request=request, **form.cleaned_data
            ),
            _("Task recorded."),
        )
    else:
        _form_errors(request, form)
    return redirect("schoolbased:mine-activity", pk)


# --- The bureau's template -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def follow_along_template(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, "schoolbased.review")
    template = svc.default_template()
    form = TemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        svc.save_template(template=template, actor=request.user, request=request, **form.cleaned_data)
        messages.success(request, _("Template saved."))
        return redirect("schoolbased:follow-along")
    return render(request, "schoolbased/follow_along.html", {"template": template, "form": form})
