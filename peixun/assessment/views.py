"""Assessment pages: a project's results (staff see all, a tutor their class, a school its
teachers), the scheme with its versions and presets, hand-entered scores, the tutors' scores,
excellent-trainee selection with its public notice and objections, and the ethics vetoes."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peixun.accounts.http import SignedInRequest
from peixun.assessment import access, exports, imports, selectors, services, wording
from peixun.assessment.exceptions import SchemeInvalidError
from peixun.assessment.models import (
    ExcellenceRound,
    ExcellenceStatus,
    Result,
    ResultStatus,
    TutorResult,
)
from peixun.assessment.rules import presets
from peixun.assessment.rules.scheme import EXAM, MANUAL
from peixun.assessment.wording import band_labels, bands_text, reasons_text
from peixun.core.exceptions import DomainError
from peixun.core.refusals import refuse
from peixun.core.views import XLSX_TYPE, back, download
from peixun.delivery.views.common import project_tabs
from peixun.training.models import Enrolment, ProjectStatus
from peixun.training.rules import lifecycle


def _results_scope(request: HttpRequest, pk: int):
    """(project, results the user may see): all for staff, their class for a tutor, their
    schools' teachers for a school coordinator; 404 when none of these."""
    project = access.access_project(request.user, pk)
    return project, access.results_visible(request.user, project, selectors.results(project))


@login_required
@require_GET
def results(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_results_door(request)
    project, found = _results_scope(request, pk)
    rows = list(found)
    version = selectors.current_version(project)
    scheme = version.scheme() if version else selectors.current_scheme(project)
    labels = band_labels(scheme)
    for row in rows:
        row.reason_texts = reasons_text(row.reasons)
        row.waiting_texts = reasons_text(row.waiting)
        row.band_label = wording.band_label(labels.get(row.band, ""), row.status)
        row.cells = wording.component_cells(row, scheme)
    manual_keys = [c for c in scheme.components if c.source in (MANUAL, EXAM)]
    manual: dict[int, dict[str, object]] = {}
    if manual_keys:
        from peixun.assessment.models import ManualScore

        for enrolment_id, key, value in ManualScore.objects.filter(
            enrolment_id__in=[r.enrolment_id for r in rows]
        ).values_list("enrolment_id", "key", "value"):
            manual.setdefault(enrolment_id, {})[key] = value
    for row in rows:
        row.manual = [
            (component, manual.get(row.enrolment_id, {}).get(component.key)) for component in manual_keys
        ]
    manages = access.manages(request.user, project)
    context = project_tabs(request, project, "results")
    context.update(
        rows=rows,
        scheme=scheme,
        version=version,
        components=scheme.components,
        manual_keys=manual_keys,
        can_score=project.status in lifecycle.MARKING,
        score_classes=access.cohorts_to_score(request.user, project) if manual_keys else [],
        passed=sum(1 for row in rows if row.passed),
        counts=wording.result_counts(rows),
        tutors=TutorResult.objects.filter(project=project).select_related("cohort", "cohort__tutor")
        if manages
        else [],
        can_close=manages and project.status == ProjectStatus.ASSESSING,
        postings=project.hours_postings.filter(active=True).count() if manages else 0,
        filter=request.GET.get("filter", ""),
    )
    if context["filter"] == "failed":
        context["rows"] = [row for row in rows if row.status == ResultStatus.FAILED]
    elif context["filter"] == "provisional":
        context["rows"] = [row for row in rows if row.status == ResultStatus.PROVISIONAL]
    return render(request, "assessment/results.html", context)


@login_required
@require_GET
def result_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    """One trainee's result (staff, the trainee's tutor, their school): every gate with its state
    and the reason that applied, what a provisional result waits for, the components and how the
    attendance score came about."""
    access.require_results_door(request)
    result = access.access_result(request.user, pk)
    project = result.project
    context = project_tabs(request, project, "results")
    context.update(wording.result_context(result))
    return render(request, "assessment/result_detail.html", context)


@login_required
@require_GET
def results_export(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_results_door(request)
    project, found = _results_scope(request, pk)
    return download(exports.results(project, list(found)), f"results-{project.pk}.xlsx", XLSX_TYPE)


@login_required
@require_POST
def recompute(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, "training.manage")
    project = access.access_project(request.user, pk, "training.manage")
    count = services.recompute(project=project)
    messages.success(request, _("%(n)s results were recomputed.") % {"n": count})
    return redirect("assessment:results", project.pk)


def _decimal(raw: str) -> Decimal | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise ValueError from None


@login_required
@require_POST
def manual_score(request: SignedInRequest, pk: int) -> HttpResponse:
    """Enter a trainee's hand-scored component (staff, or the trainee's tutor)."""
    access.require_results_door(request)
    enrolment = access.access_enrolment_to_score(request.user, pk)
    project = enrolment.project
    try:
        value = _decimal(request.POST.get("value", ""))
        services.set_manual_score(
            enrolment=enrolment,
            key=request.POST.get("key", ""),
            value=value,
            actor=request.user,
            request=request,
        )
    except ValueError:
        messages.error(request, _("Type a number."))
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, _("The score was saved and the result recomputed."))
    return back(request, "assessment:results", project.pk)


@login_required
@require_GET
def scores_template(request: SignedInRequest, pk: int) -> HttpResponse:
    """A class's score workbook (every hand-scored component, or `?key=` one), to fill and import."""
    access.require_results_door(request)
    cohort = access.access_cohort_scores(request.user, pk)
    key = request.GET.get("key") or None
    return download(imports.class_template(cohort, key), f"scores-{cohort.pk}.xlsx", XLSX_TYPE)


@login_required
@require_POST
def tutor_score(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, "training.manage")
    cohort = access.access_cohort_to_score(request.user, pk)
    try:
        services.set_tutor_score(
            cohort=cohort,
            own_score=_decimal(request.POST.get("value", "")),
            actor=request.user,
            request=request,
        )
    except ValueError:
        messages.error(request, _("Type a number."))
    except DomainError as error:
        refuse(request, error)
    return redirect("assessment:results", cohort.project_id)


@login_required
@require_http_methods(["GET", "POST"])
def scheme(request: SignedInRequest, pk: int) -> HttpResponse:
    """The scheme: the version in force, its history, and a new version from text or a preset."""
    access.require_perm(request, "training.manage")
    project = access.access_project(request.user, pk, "training.manage")
    current = selectors.current_version(project)
    preset = request.GET.get("preset", "")
    text = request.POST.get("text") if request.method == "POST" else None
    if text is None:
        text = (
            presets.preset_text(preset)
            if preset in presets.codes()
            else (current.text if current else presets.preset_text(presets.DEFAULT))
        )
    problems = []
    if request.method == "POST":
        try:
            services.save_version(
                project=project,
                text=text,
                actor=request.user,
                note=request.POST.get("note", ""),
                preset=request.POST.get("preset", ""),
                request=request,
            )
        except SchemeInvalidError as error:
            problems = error.problems
        except DomainError as error:
            refuse(request, error)
        else:
            messages.success(request, _("A new version of the scheme is in force; results were recomputed."))
            return redirect("assessment:scheme", project.pk)
    shown = current.scheme() if current else presets.preset(presets.DEFAULT)
    context = project_tabs(request, project, "results")
    in_force = current.scheme() if current else presets.preset(presets.DEFAULT)
    context.update(
        current=current,
        scheme=shown,
        band_lines=bands_text(shown, project.pk),
        outdated=presets.outdated(current.preset, shown) if current else (),
        rules=wording.scheme_rules(in_force),
        versions=project.scheme_versions.select_related("created_by"),
        text=text,
        problems=problems,
        presets=[(code, presets.preset(code)) for code in presets.codes()],
        chosen=preset,
        editable=project.status not in lifecycle.ENDED,
    )
    return render(request, "assessment/scheme.html", context, status=400 if problems else 200)


# --- Excellence ----------------------------------------------------------------------------------


def _ranking_rows(round_: ExcellenceRound | None, *, public: bool = False) -> list[dict]:
    if round_ is None:
        return []
    enrolments = {
        e.pk: e
        for e in Enrolment.objects.filter(pk__in=[row["enrolment"] for row in round_.ranking]).select_related(
            "person", "school"
        )
    }
    rows = []
    for row in round_.ranking:
        if public and not row["selected"]:
            continue
        rows.append({**row, "e": enrolments.get(row["enrolment"])})
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def excellence(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, "training.manage")
    project = access.access_project(request.user, pk, "training.manage")
    round_ = ExcellenceRound.objects.filter(project=project).first()
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "draft":
                share = _decimal(request.POST.get("share", ""))
                cap = _decimal(request.POST.get("cap", ""))
                services.draft_excellence(
                    project=project,
                    actor=request.user,
                    share=share / 100 if share is not None else None,
                    cap_per_school=cap / 100 if cap is not None else None,
                    ties=request.POST.get("ties", ""),
                    request=request,
                )
            elif action == "publish":
                services.publish_excellence(project=project, actor=request.user, request=request)
            elif action == "finalise":
                services.finalise_excellence(project=project, actor=request.user, request=request)
            else:
                raise Http404
        except ValueError:
            messages.error(request, _("Type a number."))
        except DomainError as error:
            refuse(request, error)
        else:
            messages.success(request, _("Saved."))
        return redirect("assessment:excellence", project.pk)
    scheme = selectors.current_scheme(project)
    context = project_tabs(request, project, "results")
    context.update(
        round=round_,
        rows=_ranking_rows(round_),
        scheme=scheme,
        objections=round_.objections.select_related("enrolment__person", "raised_by") if round_ else [],
        can_draft=project.status in lifecycle.RANKING
        and (round_ is None or round_.status == ExcellenceStatus.DRAFT),
        now=timezone.now(),
        can_veto=access.has_perm(request.user, "assessment.veto"),
    )
    return render(request, "assessment/excellence.html", context)


@login_required
@require_GET
def notice(request: SignedInRequest, pk: int) -> HttpResponse:
    """The public notice (公示) of the excellent-trainee list, for anyone who can see the project."""
    project = access.access_project(request.user, pk)
    round_ = ExcellenceRound.objects.filter(project=project).exclude(status=ExcellenceStatus.DRAFT).first()
    if round_ is None:
        raise Http404
    now = timezone.now()
    context = {
        "project": project,
        "round": round_,
        "rows": _ranking_rows(round_, public=True),
        "open": round_.status == ExcellenceStatus.NOTICE
        and (round_.notice_ends_at is None or now <= round_.notice_ends_at),
    }
    return render(request, "assessment/notice.html", context)


@login_required
@require_POST
def objection_create(request: SignedInRequest, pk: int) -> HttpResponse:
    project = access.access_project(request.user, pk)
    round_ = get_object_or_404(ExcellenceRound, project=project)
    try:
        services.raise_objection(
            round=round_,
            enrolment_id=int(request.POST.get("enrolment", "0") or 0),
            text=request.POST.get("text", ""),
            actor=request.user,
            request=request,
        )
    except ValueError:
        raise Http404 from None
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Your objection was sent to the organiser."))
    return redirect("assessment:notice", project.pk)


@login_required
@require_POST
def objection_decide(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, "training.manage")
    objection = access.access_objection(request.user, pk)
    project = objection.round.project
    try:
        services.decide_objection(
            objection=objection,
            actor=request.user,
            uphold=request.POST.get("decision") == "uphold",
            response=request.POST.get("response", ""),
            request=request,
        )
    except DomainError as error:
        refuse(request, error)
    return redirect("assessment:excellence", project.pk)


# --- Ethics vetoes ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def vetoes(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, "assessment.veto")
    if request.method == "POST":
        try:
            person = access.access_veto_person(request.user, int(request.POST.get("person", "0") or 0))
            year = int(request.POST.get("year", "0") or 0)
        except ValueError:
            raise Http404 from None
        try:
            services.record_veto(
                person=person,
                year=year,
                reason=request.POST.get("reason", ""),
                actor=request.user,
                request=request,
            )
        except DomainError as error:
            refuse(request, error)
        else:
            messages.success(request, _("The veto was recorded."))
        return redirect("assessment:vetoes")
    found = access.vetoes_in_scope(request.user).select_related("person", "person__org", "recorded_by")[:200]
    query = request.GET.get("q", "").strip()[:20]
    candidates = (
        access.veto_candidates(request.user).filter(name__contains=query).select_related("org")[:20]
        if query
        else []
    )
    context = {"vetoes": found, "q": query, "candidates": candidates, "year": timezone.localdate().year}
    return render(request, "assessment/vetoes.html", context)


@login_required
@require_POST
def veto_lift(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, "assessment.veto")
    veto = access.access_veto(request.user, pk)
    services.lift_veto(veto=veto, actor=request.user, request=request)
    messages.success(request, _("The veto was lifted."))
    return redirect("assessment:vetoes")


__all__ = ["Result"]
