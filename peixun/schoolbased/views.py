"""The school-based training pages: the district's topics, the school's plan editor and versions,
the review inbox, the year-end registration with its teacher table, and 我的校本研修."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
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
from peixun.schoolbased import access, activities, selectors, services
from peixun.schoolbased.forms import (
    ActivityForm,
    ManualLineForm,
    PlanCreateForm,
    PlanLineForm,
    TopicForm,
    YearForm,
)
from peixun.schoolbased.models import PlanState, RegistrationState, SchoolPlan


@login_required
@require_http_methods(["GET", "POST"])
def topics(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, "schoolbased.review")
    orgs = (
        access.orgs_in_scope(request.user, "schoolbased.review")
        .filter(kind__in=["city", "county"])
        .order_by("path")
    )
    year_form = YearForm(request.POST if request.POST.get("form") == "year" else None, orgs=orgs)
    topic_form = TopicForm(request.POST if request.POST.get("form") == "topic" else None)
    years = access.district_years_in_scope(request.user).prefetch_related("topics")
    if request.method == "POST":
        try:
            if year_form.is_bound and year_form.is_valid():
                services.publish_year(actor=request.user, request=request, **year_form.cleaned_data)
                messages.success(request, _("School year saved."))
                return redirect("schoolbased:topics")
            if topic_form.is_bound and topic_form.is_valid():
                year = years.filter(pk=request.POST.get("district_year") or 0).first()
                if year is None:
                    raise Http404
                services.add_topic(
                    district_year=year, actor=request.user, request=request, **topic_form.cleaned_data
                )
                messages.success(request, _("Prescribed topic added."))
                return redirect("schoolbased:topics")
        except DomainError as error:
            refuse(request, error)
    context = {"years": years, "year_form": year_form, "topic_form": topic_form}
    return render(request, "schoolbased/topics.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plans(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, "schoolbased.plan")
    schools = access.orgs_in_scope(request.user, "schoolbased.plan").filter(kind="school").order_by("path")
    today = timezone.localdate()
    form = PlanCreateForm(
        request.POST or None, initial={"school_year": today.year if today.month >= 9 else today.year - 1}
    )
    if request.method == "POST" and form.is_valid():
        school = schools.filter(pk=request.POST.get("school") or 0).first() or schools.first()
        if school is None:
            raise Http404
        plan = services.create_plan(
            school=school, school_year=form.cleaned_data["school_year"], actor=request.user, request=request
        )
        return redirect("schoolbased:plan", plan.pk)
    context = {
        "plans": access.plans_in_scope(request.user, "schoolbased.plan"),
        "form": form,
        "schools": schools,
    }
    return render(request, "schoolbased/plans.html", context)


@login_required
def inbox(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, "schoolbased.review")
    plans_seen = access.plans_in_scope(request.user, "schoolbased.review")
    registrations = (
        access.plans_in_scope(request.user, "schoolbased.review")
        .filter(registration__isnull=False)
        .select_related("registration")
    )
    context = {
        "to_review": plans_seen.filter(state=PlanState.SUBMITTED),
        "plans": plans_seen.exclude(state=PlanState.SUBMITTED),
        "registrations": [plan.registration for plan in registrations],
    }
    return render(request, "schoolbased/inbox.html", context)


def _people(plan: SchoolPlan):
    return Person.objects.filter(org=plan.school, status=PersonStatus.ACTIVE).order_by("name_pinyin", "id")


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, "schoolbased.view")
    plan = access.access_plan(request.user, pk)
    may_edit = access.has_perm(request.user, "schoolbased.plan") and plan.editable
    form = PlanLineForm(
        request.POST or None,
        topics=selectors.topics_for(plan.school, plan.school_year),
        people=_people(plan),
        initial={
            "starts_on": selectors.year_start(plan.school_year),
            "ends_on": selectors.year_start(plan.school_year),
        },
    )
    if request.method == "POST":
        access.access_plan(request.user, pk, "schoolbased.plan")
        if form.is_valid():
            try:
                services.save_line(plan=plan, actor=request.user, request=request, **form.cleaned_data)
            except DomainError as error:
                refuse(request, error)
            else:
                messages.success(request, _("Line added."))
                return redirect("schoolbased:plan", plan.pk)
    caps = selectors.caps_for(plan.school, plan.school_year)
    lines = list(plan.lines.select_related("leader", "topic"))
    prescribed = sum((line.planned_hours for line in lines if line.prescribed), 0)
    own = sum((line.planned_hours for line in lines if not line.prescribed), 0)
    context = {
        "plan": plan,
        "lines": lines,
        "form": form,
        "may_edit": may_edit,
        "may_review": access.has_perm(request.user, "schoolbased.review")
        and plan.state == PlanState.SUBMITTED,
        "problems": services.check_plan(plan) if plan.editable else [],
        "caps": caps,
        "sums": {"prescribed": prescribed, "own": own, "total": prescribed + own},
        "topics": selectors.topics_for(plan.school, plan.school_year),
        "registration": getattr(plan, "registration", None) if plan.state == PlanState.APPROVED else None,
        "may_plan": access.has_perm(request.user, "schoolbased.plan"),
    }
    return render(request, "schoolbased/plan_detail.html", context)


@login_required
@require_POST
def plan_line_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, "schoolbased.plan")
    line = access.access_plan_line(request.user, pk)
    try:
        services.delete_line(line=line, actor=request.user, request=request)
    except DomainError as error:
        refuse(request, error)
    return redirect("schoolbased:plan", line.plan_id)


@login_required
@require_POST
def plan_submit(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, "schoolbased.plan")
    plan = access.access_plan(request.user, pk, "schoolbased.plan")
    try:
        version = services.submit_plan(plan=plan, actor=request.user, request=request)
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(
            request, _("Version %(number)s submitted to the district.") % {"number": version.number}
        )
    return redirect("schoolbased:plan", plan.pk)


@login_required
@require_POST
def plan_decide(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, "schoolbased.review")
    plan = access.access_plan(request.user, pk, "schoolbased.review")
    notes: dict[int, str] = {
        int(key.removeprefix("line-")): str(value)
        for key, value in request.POST.items()
        if key.startswith("line-") and key.removeprefix("line-").isdigit()
    }
    approve = request.POST.get("decision") == "approve"
    try:
        services.decide_plan(
            plan=plan,
            actor=request.user,
            approve=approve,
            comment=request.POST.get("comment", ""),
            line_comments=notes,
            request=request,
        )
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(
            request, _("Plan approved.") if approve else _("Plan returned to the school with the comments.")
        )
    return redirect("schoolbased:plan", plan.pk)


@login_required
def plan_versions(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, "schoolbased.view")
    plan = access.access_plan(request.user, pk)
    versions = list(plan.versions.all())
    for version in versions:
        version.rows = [  # type: ignore[attr-defined]  # a template-only attribute
            {**line, "comment": version.line_comments.get(str(line["id"]), "")} for line in version.lines
        ]
    return render(request, "schoolbased/plan_versions.html", {"plan": plan, "versions": versions})


@login_required
@require_POST
def registration_start(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, "schoolbased.plan")
    plan = access.access_plan(request.user, pk, "schoolbased.plan")
    try:
        registration = services.start_registration(plan=plan, actor=request.user, request=request)
    except DomainError as error:
        refuse(request, error)
        return redirect("schoolbased:plan", plan.pk)
    return redirect("schoolbased:registration", registration.pk)


@login_required
def registration(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, "schoolbased.view")
    item = access.access_registration(request.user, pk)
    plan = item.plan
    lines = plan.lines.all()
    people = _people(plan)
    context = {
        "registration": item,
        "plan": plan,
        "rows": selectors.teacher_rows(item),
        "excluded": selectors.excluded_people(plan.school),
        "may_edit": access.has_perm(request.user, "schoolbased.plan") and item.editable,
        "may_submit": access.has_perm(request.user, "schoolbased.plan")
        and item.state in ("compiling", "returned"),
        "may_review": access.has_perm(request.user, "schoolbased.review")
        and item.state == RegistrationState.SUBMITTED,
        "activity_form": ActivityForm(lines=lines, people=people),
        "manual_form": ManualLineForm(lines=lines, people=people),
        "disputes": item.lines.filter(answer="disputed").select_related("person", "line"),
        "caps": selectors.caps_for(plan.school, plan.school_year),
    }
    return render(request, "schoolbased/registration.html", context)


def _refused_or(request, call, done: str) -> None:
    try:
        call()
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, done)


@login_required
@require_POST
def activity_add(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, "schoolbased.plan")
    item = access.access_registration(request.user, pk, "schoolbased.plan")
    form = ActivityForm(request.POST, lines=item.plan.lines.all(), people=_people(item.plan))
    if not form.is_valid():
        messages.error(
            request,
            _("Check the activity: %(errors)s")
            % {"errors": " ".join(str(e) for errors in form.errors.values() for e in errors)},
        )
        return redirect("schoolbased:registration", item.pk)
    data = form.cleaned_data
    _refused_or(
        request,
        lambda: services.record_activity(
            registration=item,
            line=data["line"],
            held_on=data["held_on"],
            attendees=[(person, data["hours"]) for person in data["attendees"]],
            actor=request.user,
            request=request,
        ),
        _("Activity recorded."),
    )
    return redirect("schoolbased:registration", item.pk)


@login_required
@require_POST
def registration_compile(request: SignedInRequest, pk: int) -> HttpResponse:
    """Compile the teachers' lines from the activities run from the plan."""
    access.require_perm(request, "schoolbased.plan")
    item = access.access_registration(request.user, pk, "schoolbased.plan")
    try:
        result = activities.compile_registration(registration=item, actor=request.user, request=request)
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(
            request,
            _("Compiled from the activities: %(added)s added, %(updated)s corrected, %(removed)s removed.")
            % {"added": result.added, "updated": result.updated, "removed": result.removed},
        )
        if result.skipped:
            messages.warning(
                request,
                _("Not compiled because a line was entered by hand for the same activity: %(names)s.")
                % {"names": "、".join(result.skipped)},
            )
    return redirect("schoolbased:registration", item.pk)


@login_required
@require_POST
def manual_line(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, "schoolbased.plan")
    item = access.access_registration(request.user, pk, "schoolbased.plan")
    form = ManualLineForm(request.POST, request.FILES, lines=item.plan.lines.all(), people=_people(item.plan))
    if not form.is_valid():
        messages.error(
            request,
            _("Check the manual line: %(errors)s")
            % {"errors": " ".join(str(e) for errors in form.errors.values() for e in errors)},
        )
        return redirect("schoolbased:registration", item.pk)
    data = form.cleaned_data
    upload = data["evidence"]
    evidence = services.Evidence(upload.name, upload.read(services.MAX_EVIDENCE_BYTES + 1))
    _refused_or(
        request,
        lambda: services.add_manual_line(
            registration=item,
            person=data["person"],
            line=data["line"],
            hours=data["hours"],
            earned_on=data["earned_on"],
            evidence=evidence,
            actor=request.user,
            request=request,
        ),
        _("Manual line added."),
    )
    return redirect("schoolbased:registration", item.pk)


@login_required
@require_POST
def line_resolve(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, "schoolbased.plan")
    line = access.access_teacher_line(request.user, pk, "schoolbased.plan")
    _refused_or(
        request,
        lambda: services.resolve_line(
            line=line,
            actor=request.user,
            hours=request.POST.get("hours", ""),
            resolution=request.POST.get("resolution", ""),
            request=request,
        ),
        _("Dispute resolved."),
    )
    return redirect("schoolbased:registration", line.registration_id)


@login_required
@require_POST
def registration_submit(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, "schoolbased.plan")
    item = access.access_registration(request.user, pk, "schoolbased.plan")
    _refused_or(
        request,
        lambda: services.submit_registration(registration=item, actor=request.user, request=request),
        _("Registration submitted to the district."),
    )
    return redirect("schoolbased:registration", item.pk)


@login_required
@require_POST
def registration_decide(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, "schoolbased.review")
    item = access.access_registration(request.user, pk, "schoolbased.review")
    accept = request.POST.get("decision") == "accept"
    try:
        posting = services.decide_registration(
            registration=item,
            actor=request.user,
            accept=accept,
            comment=request.POST.get("comment", ""),
            request=request,
        )
    except DomainError as error:
        refuse(request, error)
    else:
        if accept:
            messages.success(
                request,
                _(
                    "Accepted: %(posted)s entries posted for %(people)s teachers; "
                    "%(not_counted)s hours over the caps not counted."
                )
                % {
                    "posted": posting.posted,
                    "people": posting.people,
                    "not_counted": format_hours(posting.not_counted),
                },
            )
        else:
            messages.success(request, _("Registration returned to the school with the comment."))
    return redirect("schoolbased:registration", item.pk)


@login_required
def registration_export(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, "schoolbased.view")
    item = access.access_registration(request.user, pk)
    rows = []
    for row in selectors.teacher_rows(item):
        for line in row.lines:
            rows.append(
                [
                    row.person.name,
                    line.line.title,
                    format_date_zh(line.earned_on),
                    format_hours(line.hours),
                    line.get_answer_display(),
                    format_hours(line.counted_hours) if line.counted_hours is not None else "",
                    _("Manual, with evidence") if line.manual else _("Activity"),
                ]
            )
    for person in selectors.excluded_people(item.plan.school):
        rows.append(
            [
                person.name,
                _("Not in school-based training: %(reason)s") % {"reason": person.get_status_display()},
                "",
                "",
                "",
                "",
                "",
            ]
        )
    header = [
        _("Teacher"),
        _("Activity topic"),
        _("Date"),
        _("Hours"),
        _("Teacher's answer"),
        _("Hours counted"),
        _("Source"),
    ]
    content = write_workbook([Sheet(_("School-based registration"), header, rows)])
    return download(content, f"{item.plan.school.name}-{item.plan.year_label}-校本研修登记.xlsx")


@login_required
def registration_teacher(request: SignedInRequest, pk: int, person_pk: int) -> HttpResponse:
    access.require_perm(request, "schoolbased.view")
    item = access.access_registration(request.user, pk)
    person = Person.objects.filter(pk=person_pk, org=item.plan.school).first()
    if person is None:
        raise Http404
    lines = item.lines.filter(person=person).select_related("line").order_by("earned_on", "id")
    return render(
        request, "schoolbased/teacher_lines.html", {"registration": item, "person": person, "lines": lines}
    )


@login_required
def evidence(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, "schoolbased.view")
    line = access.access_teacher_line(request.user, pk)
    if not line.evidence:
        raise Http404
    return download(bytes(line.evidence), line.evidence_name, line.evidence_type)


@login_required
def mine(request: SignedInRequest) -> HttpResponse:
    lines = list(
        access.own_lines(request.user).order_by("-registration__plan__school_year", "earned_on", "id")
    )
    return render(request, "schoolbased/mine.html", {"lines": lines})


@login_required
@require_POST
def mine_answer(request: SignedInRequest, pk: int) -> HttpResponse:
    line = access.own_line(request.user, pk)
    confirm = request.POST.get("answer") == "confirm"
    _refused_or(
        request,
        lambda: services.answer_line(
            line=line,
            actor=request.user,
            confirm=confirm,
            reason=request.POST.get("reason", ""),
            request=request,
        ),
        _("Thank you, your answer is recorded.") if confirm else _("Your dispute is sent to the school."),
    )
    return redirect("schoolbased:mine")
