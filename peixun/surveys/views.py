"""The pages of surveys: staff's list and results (per project, trainer and item, response rates per
class with the reminder), templates, opening a survey for a project; the trainee's answer page (one
phone screen); the bureau's threshold and eligibility exceptions. Thin: services write, selectors
read, access decides."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peixun.accounts.http import SignedInRequest
from peixun.core.exceptions import DomainError
from peixun.core.refusals import refuse
from peixun.core.views import download
from peixun.delivery.models import Lesson
from peixun.orgs.models import Person
from peixun.surveys import access, exports, selectors, services
from peixun.surveys.forms import (
    ItemFormSet,
    OpenSurveyForm,
    OverrideForm,
    TemplateForm,
    ThresholdForm,
    item_initial,
    items_from,
)
from peixun.surveys.models import EligibilityOverride, ItemKind, Likert, OverrideKind
from peixun.training.models import Cohort, ProjectTrainer

LIST_LIMIT = 200


def _rows(user) -> list[dict]:
    surveys = list(access.surveys_in_scope(user).select_related("project")[:LIST_LIMIT])
    counts = selectors.answered_counts(surveys)
    rates = selectors._rates(access.surveys_in_scope(user).filter(pk__in=[s.pk for s in surveys]))
    return [
        {"survey": s, "answered": counts.get(s.pk, 0), "rate": rates.get(s.pk), "open": selectors.is_open(s)}
        for s in surveys
    ]


@login_required
@require_GET
def survey_list(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    scope = access.surveys_in_scope(request.user)
    context = {
        "rows": _rows(request.user),
        "projects": selectors.project_rows(scope),
        "trainers": selectors.trainer_rows(scope),
        "threshold": selectors.threshold(),
        "is_bureau": access.has_perm(request.user, access.BUREAU),
        "open_projects": access.projects_to_survey(request.user),
    }
    return render(request, "surveys/list.html", context)


@login_required
@require_GET
def list_export(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    return download(exports.surveys(_rows(request.user)), "满意度调查.xlsx")


@login_required
@require_GET
def templates(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    rows = access.templates_in_scope(request.user).select_related("org")
    return render(request, "surveys/templates.html", {"rows": rows})


def _edit_template(request: SignedInRequest, template) -> HttpResponse:
    orgs = access.org_choices(request.user)
    if template is None:
        initial = {"org": orgs.first()}
        items = [{"kind": ItemKind.LIKERT, "text": _("Overall, how satisfied are you with this training?")}]
    else:
        initial = {
            "name": template.name,
            "subject": template.subject,
            "top_choices": template.top_choices,
            "org": template.org,
        }
        items = item_initial(template)
    form = TemplateForm(request.POST or None, initial=initial, orgs=orgs)
    formset = ItemFormSet(request.POST or None, initial=items, prefix="items")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        chosen = items_from(formset)
        if not chosen:
            messages.error(request, _("Write at least one question."))
        else:
            services.save_template(
                template=template,
                org=form.cleaned_data["org"] if template is None else template.org,
                fields=form.cleaned_data,
                items=chosen,
                actor=request.user,
                request=request,
            )
            messages.success(request, _("Template saved."))
            return redirect("surveys:templates")
    return render(
        request, "surveys/template_form.html", {"form": form, "formset": formset, "template": template}
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_new(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    return _edit_template(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    template = access.access_template(request.user, pk)
    return _edit_template(request, template)


def _trainers(project) -> list[Person]:
    ids = set(
        ProjectTrainer.objects.filter(project=project)
        .exclude(person=None)
        .values_list("person_id", flat=True)
    )
    ids |= set(Cohort.objects.filter(project=project).exclude(tutor=None).values_list("tutor_id", flat=True))
    return list(Person.objects.filter(pk__in=ids).order_by("name"))


@login_required
@require_http_methods(["GET", "POST"])
def open_survey(request: SignedInRequest, pk: int) -> HttpResponse:
    project = access.access_managed_project(request.user, pk)
    trainers = _trainers(project)
    lessons = list(Lesson.objects.filter(project=project).order_by("starts_at")[:100])
    form = OpenSurveyForm(
        request.POST or None,
        templates=access.templates_in_scope(request.user),
        trainers=trainers,
        lessons=lessons,
    )
    if request.method == "POST" and form.is_valid():
        about = form.cleaned_data.get("about") or ""
        trainer = next((p for p in trainers if about == f"p{p.pk}"), None)
        lesson = next((lesson for lesson in lessons if about == f"l{lesson.pk}"), None)
        try:
            survey = services.open_survey(
                project=project,
                template=form.cleaned_data["template"],
                opens_on=form.cleaned_data["opens_on"],
                closes_on=form.cleaned_data["closes_on"],
                trainer=trainer,
                lesson=lesson,
                actor=request.user,
                request=request,
            )
        except DomainError as error:
            refuse(request, error)
        else:
            messages.success(request, _("Survey opened: the trainees see it on their project page."))
            return redirect("surveys:detail", survey.pk)
    has_templates = access.templates_in_scope(request.user).exists()
    return render(
        request, "surveys/open.html", {"form": form, "project": project, "has_templates": has_templates}
    )


@login_required
@require_GET
def detail(request: SignedInRequest, pk: int) -> HttpResponse:
    survey = access.access_survey(request.user, pk)
    classes = selectors.response_rates(survey)
    context = {
        "survey": survey,
        "rate": selectors.survey_rate(survey),
        "rows": selectors.results(survey),
        "classes": classes,
        "expected": sum(c["expected"] for c in classes),
        "answered": sum(c["answered"] for c in classes),
        "is_open": selectors.is_open(survey),
        "threshold": selectors.threshold(),
    }
    return render(request, "surveys/detail.html", context)


@login_required
@require_GET
def export(request: SignedInRequest, pk: int) -> HttpResponse:
    survey = access.access_survey(request.user, pk)
    content = exports.results(survey, selectors.results(survey), selectors.response_rates(survey))
    return download(content, f"满意度调查结果-{survey.pk}.xlsx")


@login_required
@require_POST
def remind(request: SignedInRequest, pk: int) -> HttpResponse:
    survey = access.access_survey(request.user, pk)
    if not selectors.is_open(survey):
        messages.info(request, _("The survey is closed: reminders are sent only while it is open."))
    else:
        sent = services.remind(survey=survey, actor=request.user, request=request)
        messages.success(
            request, _("Reminder sent to %(count)s trainees who have not answered.") % {"count": sent}
        )
    return redirect("surveys:detail", pk)


@login_required
@require_GET
def mine(request: SignedInRequest) -> HttpResponse:
    return render(request, "surveys/mine.html", {"surveys": selectors.open_for(request.user.person_id)})


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: SignedInRequest, pk: int) -> HttpResponse:
    survey = access.access_survey_to_answer(request.user, pk)
    person = request.user.person
    answered = selectors.has_answered(survey, request.user.person_id)
    if request.method == "POST":
        raw = {
            str(item["id"]): (
                request.POST.getlist(f"q{item['id']}")
                if item["kind"] == ItemKind.MULTI
                else request.POST.get(f"q{item['id']}")
            )
            for item in survey.items
        }
        try:
            services.submit(survey=survey, person=person, raw=raw, actor=request.user, request=request)  # type: ignore[arg-type]
        except DomainError as error:
            refuse(request, error)
            if answered or error.code == "survey_already_answered":
                return redirect("surveys:answer", pk)
            return render(
                request,
                "surveys/answer.html",
                {"survey": survey, "likert": Likert.choices, "posted": request.POST, "answered": False},
                status=400,
            )
        messages.success(request, _("Thank you! Your answers were sent anonymously."))
        return redirect("surveys:answer", pk)
    context = {
        "survey": survey,
        "likert": Likert.choices,
        "answered": answered,
        "is_open": selectors.is_open(survey),
    }
    return render(request, "surveys/answer.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def eligibility(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.BUREAU)
    action = request.POST.get("action") if request.method == "POST" else ""
    threshold_form = ThresholdForm(
        request.POST if action == "threshold" else None, initial={"threshold": selectors.threshold()}
    )
    override_form = OverrideForm(request.POST if action == "override" else None, initial=request.GET.dict())
    person = None
    person_id = request.POST.get("person") or request.GET.get("person")
    if person_id and str(person_id).isdigit():
        person = access.access_person_for_override(request.user, int(person_id))
    if action == "threshold" and threshold_form.is_valid():
        services.save_threshold(
            threshold=threshold_form.cleaned_data["threshold"], actor=request.user, request=request
        )
        messages.success(request, _("Threshold saved."))
        return redirect("surveys:eligibility")
    if action == "override" and override_form.is_valid():
        data = override_form.cleaned_data
        services.grant_override(
            kind=data["kind"],
            year=data["year"],
            reason=data["reason"],
            person=person if data["kind"] == OverrideKind.TRAINER else None,
            project_type=data["project_type"] if data["kind"] == OverrideKind.PROJECT_TYPE else "",
            actor=request.user,
            request=request,
        )
        messages.success(request, _("Allowed. Go back and assign or approve again: it now goes through."))
        return redirect("surveys:eligibility")
    context = {
        "threshold_form": threshold_form,
        "override_form": override_form,
        "person": person,
        "overrides": EligibilityOverride.objects.select_related("person", "created_by")[:100],
        "asked": bool(request.GET.get("kind")),
    }
    return render(request, "surveys/eligibility.html", context)
