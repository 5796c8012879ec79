"""The pages of interest groups: the terms in reach, a term's rules (bureau and centre), a term's
groups and tutors' subsidies with their workbook, a school's students (added one by one or
imported) and groups, a group's applicants, selection, deliverables, sessions and growth notes.
Thin: services write, selectors read, access decides."""

import base64
import binascii

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peixun.accounts.http import SignedInRequest
from peixun.core.exceptions import DomainError
from peixun.core.refusals import refuse
from peixun.core.views import download
from peixun.interest import access, exports, selectors, services
from peixun.interest.forms import (
    ApplyForm,
    DeliverablesForm,
    GroupForm,
    LessonForm,
    NoteForm,
    StudentFileForm,
    StudentForm,
    TermForm,
    parse_score,
)
from peixun.interest.imports import plan_students
from peixun.interest.models import (
    DEFAULT_DEDUCTION,
    DEFAULT_HOURS_PER_SESSION,
    DEFAULT_MAX_GROUPS,
    DEFAULT_MAX_SIZE,
    DEFAULT_MIN_SIZE,
    DEFAULT_YUAN_PER_HOUR,
    Application,
    ApplicationStatus,
    InterestGroup,
    Lesson,
    Student,
    Term,
)
from peixun.orgs.imports.common import sha256
from peixun.orgs.models import Org, OrgKind, Person, PersonStatus

LIST_LIMIT = 300


@login_required
@require_GET
def home(request: SignedInRequest) -> HttpResponse:
    access.require_view(request)
    user = request.user
    terms = access.terms_in_scope(user).select_related("org")[:LIST_LIMIT]
    context = {
        "terms": terms,
        "schools": access.schools_in_scope(user).order_by("path")[:LIST_LIMIT],
        "mine": selectors.groups_with_counts(InterestGroup.objects.filter(tutor_id=user.person_id))
        if user.person_id
        else [],
        "can_settings": access.may(user, access.SETTINGS),
    }
    return render(request, "interest/home.html", context)


def _settings_orgs(request: SignedInRequest) -> QuerySet[Org]:
    return access.orgs_in_scope(request.user, access.SETTINGS).exclude(kind=OrgKind.SCHOOL).order_by("path")


@login_required
@require_http_methods(["GET", "POST"])
def term_new(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.SETTINGS)
    today = timezone.localdate()
    initial = {
        "starts_on": today,
        "ends_on": today,
        "min_size": DEFAULT_MIN_SIZE,
        "max_size": DEFAULT_MAX_SIZE,
        "max_groups_per_student": DEFAULT_MAX_GROUPS,
        "hours_per_session": DEFAULT_HOURS_PER_SESSION,
        "plan_deduction": DEFAULT_DEDUCTION,
        "test_deduction": DEFAULT_DEDUCTION,
        "yuan_per_hour": DEFAULT_YUAN_PER_HOUR,
    }
    form = TermForm(request.POST or None, initial=initial, orgs=_settings_orgs(request))
    if request.method == "POST" and form.is_valid():
        term = services.save_term(
            term=None,
            org=form.cleaned_data["org"],
            data=form.cleaned_data,
            actor=request.user,
            request=request,
        )
        messages.success(request, _("Term saved. Schools below it can now set up their groups."))
        return redirect("interest:subsidy", term.pk)
    return render(request, "interest/term_form.html", {"form": form, "term": None})


@login_required
@require_http_methods(["GET", "POST"])
def term_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.SETTINGS)
    term = access.access_term(request.user, pk, access.SETTINGS)
    initial = {name: getattr(term, name) for name in services.TERM_FIELDS}
    form = TermForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_term(term=term, data=form.cleaned_data, actor=request.user, request=request)
        messages.success(request, _("Saved. The subsidies of the term follow these figures."))
        return redirect("interest:subsidy", term.pk)
    return render(request, "interest/term_form.html", {"form": form, "term": term})


def _term_groups(request: SignedInRequest, term: Term) -> QuerySet[InterestGroup]:
    return access.groups_in_scope(request.user).filter(term=term)


@login_required
@require_GET
def subsidy(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_view(request)
    term = access.access_term(request.user, pk)
    groups = _term_groups(request, term)
    context = {
        "term": term,
        "groups": selectors.groups_with_counts(groups)[:LIST_LIMIT],
        "rows": selectors.subsidies(term, groups),
        "can_settings": access.may(request.user, access.SETTINGS, term.org_path),
    }
    return render(request, "interest/subsidy.html", context)


@login_required
@require_GET
def subsidy_export(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_view(request)
    term = access.access_term(request.user, pk)
    rows = selectors.subsidies(term, _term_groups(request, term))
    return download(exports.subsidies(term, rows), f"兴趣小组辅导补助-{term.name}.xlsx")


def _tutors(school: Org) -> QuerySet[Person]:
    return Person.objects.filter(org=school, status=PersonStatus.ACTIVE).order_by("name_pinyin", "id")


def _school_context(request: SignedInRequest, school: Org, **forms) -> dict:
    can_manage = access.may(request.user, access.MANAGE, school.path)
    students = Student.objects.filter(school=school)
    return {
        "school": school,
        "students": students[:LIST_LIMIT],
        "student_count": students.count(),
        "groups": selectors.groups_with_counts(access.groups_in_scope(request.user).filter(school=school)),
        "can_manage": can_manage,
        "student_form": forms.get("student_form") or StudentForm(),
        "group_form": forms.get("group_form")
        or GroupForm(terms=services.terms_for_school(school), tutors=_tutors(school)),
        "file_form": StudentFileForm(),
    }


@login_required
@require_GET
def school_page(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.VIEW)
    school = access.access_school(request.user, pk)
    return render(request, "interest/school.html", _school_context(request, school))


@login_required
@require_GET
def school_export(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.VIEW)
    school = access.access_school(request.user, pk)
    return download(
        exports.students(list(Student.objects.filter(school=school))), f"学生名单-{school.name}.xlsx"
    )


@login_required
@require_POST
def student_add(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    school = access.access_school(request.user, pk, access.MANAGE)
    form = StudentForm(request.POST)
    if not form.is_valid():
        return render(
            request, "interest/school.html", _school_context(request, school, student_form=form), status=400
        )
    student, created = services.add_student(
        school=school, actor=request.user, request=request, **form.cleaned_data
    )
    if created:
        messages.success(request, _("%(name)s added.") % {"name": student.name})
    else:
        messages.info(request, _("%(name)s is already on the list: nothing added.") % {"name": student.name})
    return redirect("interest:school", pk)


@login_required
@require_http_methods(["GET", "POST"])
def student_import(request: SignedInRequest, pk: int) -> HttpResponse:
    """Upload → preview (every bad row with its reason) → apply, all or nothing. The preview
    carries the file back in the page, so applying reads exactly the file that was checked."""
    access.require_perm(request, access.MANAGE)
    school = access.access_school(request.user, pk, access.MANAGE)
    context: dict = {"school": school, "form": StudentFileForm()}
    if request.method == "GET":
        return render(request, "interest/student_import.html", context)
    if "content" in request.POST:
        try:
            content = base64.b64decode(request.POST["content"], validate=True)
        except (binascii.Error, ValueError):
            content = b""
        filename = request.POST.get("filename", "students.xlsx")[:200]
    else:
        form = StudentFileForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, "interest/student_import.html", {**context, "form": form}, status=400)
        content, filename = form.content, form.filename
    plan = plan_students(content, filename, school)
    if "content" in request.POST and not plan.errors:
        created = services.import_students(
            school=school,
            rows=plan.rows,
            filename=filename,
            digest=sha256(content),
            actor=request.user,
            request=request,
        )
        messages.success(request, _("%(count)s students added.") % {"count": created})
        return redirect("interest:school", pk)
    context.update(
        plan=plan,
        filename=filename,
        content=base64.b64encode(content).decode("ascii"),
    )
    return render(request, "interest/student_import.html", context, status=400 if plan.errors else 200)


@login_required
@require_POST
def group_new(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    school = access.access_school(request.user, pk, access.MANAGE)
    form = GroupForm(request.POST, terms=services.terms_for_school(school), tutors=_tutors(school))
    if not form.is_valid():
        return render(
            request, "interest/school.html", _school_context(request, school, group_form=form), status=400
        )
    try:
        group = services.create_group(school=school, actor=request.user, request=request, **form.cleaned_data)
    except DomainError as error:
        refuse(request, error)
        return redirect("interest:school", pk)
    messages.success(request, _("Group created. Students can now apply."))
    return redirect("interest:group", group.pk)


def _group_context(request: SignedInRequest, group: InterestGroup, **forms) -> dict:
    user = request.user
    members = selectors.members(group)
    applied = Application.objects.filter(group=group).values("student_id")
    can_manage = access.may(user, access.MANAGE, group.org_path)
    return {
        "group": group,
        "applications": selectors.applications(group),
        "members": members,
        "member_count": members.count(),
        "lessons": selectors.lessons(group),
        "notes": group.notes.select_related("student")[:LIST_LIMIT],
        "files": group.files.filter(lesson__isnull=True).defer("content"),
        "can_manage": can_manage,
        "can_deliver": access.may_deliver(user, group),
        "apply_form": forms.get("apply_form")
        or ApplyForm(students=Student.objects.filter(school=group.school).exclude(pk__in=applied)),
        "deliverables_form": forms.get("deliverables_form")
        or DeliverablesForm(initial={name: getattr(group, name) for name in services.DELIVERABLE_FIELDS}),
        "lesson_form": forms.get("lesson_form")
        or LessonForm(members=members, initial={"held_on": timezone.localdate()}),
        "note_form": forms.get("note_form") or NoteForm(members=members),
        "below_minimum": 0 < members.count() < group.term.min_size,
    }


@login_required
@require_GET
def group_page(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_view(request)
    group = access.access_group(request.user, pk)
    return render(request, "interest/group.html", _group_context(request, group))


@login_required
@require_GET
def group_export(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_view(request)
    group = access.access_group(request.user, pk)
    labels = dict(ApplicationStatus.choices)
    rows = [
        (a.student, "" if a.score is None else str(a.score), str(labels[a.status]))
        for a in selectors.applications(group)
    ]
    return download(exports.members(group, rows), f"兴趣小组-{group.name}.xlsx")


@login_required
@require_POST
def apply(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    group = access.access_group_to_manage(request.user, pk)
    form = ApplyForm(request.POST, students=Student.objects.filter(school=group.school))
    if not form.is_valid():
        return render(
            request, "interest/group.html", _group_context(request, group, apply_form=form), status=400
        )
    try:
        services.apply_to_group(
            group=group, student=form.cleaned_data["student"], actor=request.user, request=request
        )
    except DomainError as error:
        refuse(request, error)
        return redirect("interest:group", pk)
    messages.success(request, _("Application recorded."))
    return redirect("interest:group", pk)


@login_required
@require_POST
def scores(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    group = access.access_group_to_manage(request.user, pk)
    found = {}
    for application in Application.objects.filter(group=group).select_related("student"):
        raw = request.POST.get(f"score-{application.pk}")
        if raw is None:
            continue
        try:
            found[application.pk] = parse_score(raw)
        except ValueError:
            messages.error(
                request,
                _("The score of %(name)s is not a number from 0 to 1000: nothing was saved.")
                % {"name": application.student.name},
            )
            return redirect("interest:group", pk)
    select = "select" in request.POST
    result = services.save_scores(
        group=group, scores=found, select=select, actor=request.user, request=request
    )
    if result is not None:
        messages.success(
            request,
            _("%(count)s students selected by score; %(unscored)s without a score were left out.")
            % {"count": len(result.selected), "unscored": len(result.unscored)},
        )
    else:
        messages.success(request, _("Scores saved."))
    return redirect("interest:group", pk)


@login_required
@require_POST
def deliverables(request: SignedInRequest, pk: int) -> HttpResponse:
    group = access.access_group_to_deliver(request.user, pk)
    form = DeliverablesForm(request.POST, request.FILES)
    if not form.is_valid():
        context = _group_context(request, group, deliverables_form=form)
        return render(request, "interest/group.html", context, status=400)
    services.save_deliverables(
        group=group, data=form.cleaned_data, files=form.checked(), actor=request.user, request=request
    )
    messages.success(request, _("Deliverables saved."))
    return redirect("interest:group", pk)


def _present(form: LessonForm, group: InterestGroup) -> list[Student]:
    ids = [int(value) for value in form.cleaned_data["present"]]
    return list(selectors.members(group).filter(pk__in=ids))


@login_required
@require_POST
def lesson_new(request: SignedInRequest, pk: int) -> HttpResponse:
    group = access.access_group_to_deliver(request.user, pk)
    form = LessonForm(request.POST, request.FILES, members=selectors.members(group))
    if not form.is_valid():
        return render(
            request, "interest/group.html", _group_context(request, group, lesson_form=form), status=400
        )
    services.save_lesson(
        group=group,
        lesson=None,
        data=form.cleaned_data,
        present=_present(form, group),
        files=form.checked(),
        actor=request.user,
        request=request,
    )
    messages.success(request, _("Session recorded."))
    return redirect("interest:group", pk)


@login_required
@require_http_methods(["GET", "POST"])
def lesson(request: SignedInRequest, pk: int) -> HttpResponse:
    found: Lesson = access.access_lesson(request.user, pk)
    group = access.access_group_to_deliver(request.user, found.group_id)
    members = selectors.members(group)
    initial = {name: getattr(found, name) for name in services.LESSON_FIELDS}
    initial["present"] = [str(pk) for pk in found.present.values_list("pk", flat=True)]
    form = LessonForm(request.POST or None, request.FILES or None, members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_lesson(
            group=group,
            lesson=found,
            data=form.cleaned_data,
            present=_present(form, group),
            files=form.checked(),
            actor=request.user,
            request=request,
        )
        messages.success(request, _("Session saved."))
        return redirect("interest:group", group.pk)
    context = {"group": group, "lesson": found, "form": form, "files": found.files.defer("content")}
    return render(request, "interest/lesson.html", context, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def note(request: SignedInRequest, pk: int) -> HttpResponse:
    group = access.access_group_to_deliver(request.user, pk)
    form = NoteForm(request.POST, members=selectors.members(group))
    if not form.is_valid():
        return render(
            request, "interest/group.html", _group_context(request, group, note_form=form), status=400
        )
    services.add_note(
        group=group,
        student=form.cleaned_data["student"],
        text=form.cleaned_data["text"],
        actor=request.user,
        request=request,
    )
    messages.success(request, _("Note added to the growth file."))
    return redirect("interest:group", pk)


@login_required
@require_GET
def file(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_view(request)
    found = access.access_file(request.user, pk)
    return download(bytes(found.content), found.filename, found.content_type)
