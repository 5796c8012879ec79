"""Assessment pages: a project's results (staff see all, a tutor their class, a school its
teachers), the scheme with its versions and presets, hand-entered scores, the tutors' scores,
excellent-trainee selection with its public notice and objections, and the ethics vetoes."""

from decimal import Decimal, InvalidOperation
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peixun.accounts.http import SignedInRequest
from peixun.assessment import access, exports, imports, selectors, services, wording
from peixun.assessment import forms as scheme_forms
from peixun.assessment.exceptions import SchemeInvalidError
from peixun.assessment.forms import SchemeFileForm
from peixun.assessment.models import (
    ExcellenceRound,
    ExcellenceStatus,
    Result,
    ResultStatus,
    TutorResult,
)
from peixun.assessment.rules import presets, scoring
from peixun.assessment.rules.scheme import (
    EXAM,
    MANUAL,
    Scheme,
    SchemeInvalid,
    document_text,
    export_text,
    parse_scheme,
    problem_lines,
)
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
        provisional=selectors.provisional_results(project).count() if manages else 0,
        postings=project.hours_postings.filter(active=True).count() if manages else 0,
        filter=request.GET.get("filter", ""),
        results_run=services.latest_run(project),
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
    count = selectors.trainees(project).count()
    run = services.recompute_soon(project=project, actor=request.user)
    if run is None:
        messages.success(request, _("%(n)s results were recomputed.") % {"n": count})
    else:
        messages.info(
            request, _("The results are being recomputed in the background; the progress is shown below.")
        )
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


def _scheme_forms(data, scheme: Scheme):
    """The scheme form and its two formsets, bound to `data` or filled from `scheme`."""
    fields, parts, levels = scheme_forms.initial(scheme)
    form = scheme_forms.SchemeForm(
        data, initial=fields, parts=scheme_forms.parts_of(data, parts), prefix=None
    )
    # Bound rows are compared with no initial: a row left as it was is still a row.
    components = scheme_forms.ComponentFormSet(data, initial=None if data else parts, prefix="components")
    bands = scheme_forms.BandFormSet(data, initial=None if data else levels, prefix="bands")
    return form, components, bands


def _scheme_from_forms(form, components, bands) -> tuple[str | None, list[tuple[str, str]]]:
    """The YAML text the valid forms describe, or the problems (each also put on its field). The
    document goes through the one parser; its text is what a version stores."""
    if not (form.is_valid() and components.is_valid() and bands.is_valid()):
        return None, []
    document, rows = scheme_forms.document(form, components, bands)
    try:
        parse_scheme(document)
    except SchemeInvalid as invalid:
        scheme_forms.attach(invalid.problems, rows, form, components, bands)
        return None, invalid.problems
    return document_text(document), []


@login_required
@require_http_methods(["GET", "POST"])
def scheme(request: SignedInRequest, pk: int) -> HttpResponse:
    """The scheme: the version in force, its history, and a new version from the form, from text
    (for experts: English keys or their Chinese names), from a preset or from a file."""
    access.require_perm(request, "training.manage")
    project = access.access_project(request.user, pk, "training.manage")
    current = selectors.current_version(project)
    preset = request.GET.get("preset", "") or request.POST.get("preset", "")
    mode = request.POST.get("mode") or ("text" if "text" in request.POST else request.GET.get("mode", "form"))
    start = (
        presets.preset(preset)
        if preset in presets.codes()
        else (current.scheme() if current else presets.preset(presets.DEFAULT))
    )
    text = request.POST.get("text") if request.method == "POST" and mode == "text" else None
    if text is None:
        text = presets.preset_text(preset) if preset in presets.codes() else (current.text if current else "")
        text = text or presets.preset_text(presets.DEFAULT)
    posted_form = request.method == "POST" and mode == "form"
    form, components, bands = _scheme_forms(request.POST if posted_form else None, start)
    problems: list[tuple[str, str]] = []
    if request.method == "POST":
        if mode == "form":
            built, problems = _scheme_from_forms(form, components, bands)
            saved_text = built
        else:
            saved_text = text
        if saved_text is not None:
            try:
                services.save_version(
                    project=project,
                    text=saved_text,
                    actor=request.user,
                    note=request.POST.get("note", ""),
                    preset=_preset_kept(request.POST.get("preset", ""), saved_text),
                    request=request,
                )
            except SchemeInvalidError as error:
                problems = error.problems
            except DomainError as error:
                refuse(request, error)
            else:
                messages.success(
                    request, _("A new version of the scheme is in force; results were recomputed.")
                )
                return redirect("assessment:scheme", project.pk)
    shown = current.scheme() if current else presets.preset(presets.DEFAULT)
    context = project_tabs(request, project, "results")
    context.update(
        current=current,
        scheme=shown,
        band_lines=bands_text(shown, project.pk),
        outdated=presets.outdated(current.preset, shown) if current else (),
        rules=wording.scheme_rules(shown),
        versions=project.scheme_versions.select_related("created_by"),
        text=text,
        mode=mode,
        form=form,
        components=components,
        bands=bands,
        invalid=request.method == "POST" and bool(problems or form.errors),
        problems=problem_lines(problems),
        presets=[(code, presets.preset(code)) for code in presets.codes()],
        chosen=preset,
        editable=project.status not in lifecycle.ENDED,
        samples=_samples(project),
        import_form=SchemeFileForm(),
    )
    status = 400 if context["invalid"] else 200
    return render(request, "assessment/scheme.html", context, status=status)


def _preset_kept(code: str, text: str) -> str:
    """The preset a version is saved from, when it is still that preset: a scheme changed from it
    is the organiser's own (no "saved from an earlier text of the preset" warning for it)."""
    if code not in presets.codes():
        return ""
    try:
        return code if parse_scheme(text) == presets.preset(code) else ""
    except SchemeInvalid:
        return code


def _samples(project) -> list[tuple[int, str]]:
    enrolments = selectors.trainees(project).select_related("person", "school").order_by("person__name")[:200]
    return [
        (e.pk, f"{e.person.name}（{e.school.name}）" if e.school_id else e.person.name) for e in enrolments
    ]


@login_required
@require_POST
def scheme_preview(request: SignedInRequest, pk: int) -> HttpResponse:
    """The result a sample trainee would have under the scheme being written (the form as it is
    now, posted by the page on each change): nothing is saved."""
    access.require_perm(request, "training.manage")
    project = access.access_project(request.user, pk, "training.manage")
    form, components, bands = _scheme_forms(request.POST, presets.preset(presets.DEFAULT))
    text, problems = _scheme_from_forms(form, components, bands)
    context: dict = {"problems": problem_lines(problems), "incomplete": text is None and not problems}
    enrolment = None
    if text is not None:
        scheme = parse_scheme(text)
        try:
            enrolment = (
                selectors.trainees(project).select_related("person").get(pk=int(request.POST["sample"]))
            )
        except (KeyError, ValueError, Enrolment.DoesNotExist):
            enrolment = None
        if enrolment is not None:
            outcome = scoring.evaluate(scheme, selectors.facts_for(project, [enrolment])[enrolment.pk])
            values = SimpleNamespace(**services.result_values(outcome))
            context.update(
                scheme=scheme,
                outcome=outcome,
                status_label=wording.status_text(outcome.status),
                cells=wording.component_cells(values, scheme),
                reason_texts=reasons_text(values.reasons),
                waiting_texts=reasons_text(values.waiting),
            )
    context.update(enrolment=enrolment, project=project)
    return render(request, "assessment/_scheme_preview.html", context)


@login_required
@require_GET
def scheme_export(request: SignedInRequest, pk: int) -> HttpResponse:
    """The scheme in force as a YAML file with Chinese field names (audited)."""
    access.require_perm(request, "training.manage")
    project = access.access_project(request.user, pk, "training.manage")
    current = selectors.current_version(project)
    scheme = current.scheme() if current else presets.preset(presets.DEFAULT)
    services.record_scheme_export(project=project, version=current, actor=request.user, request=request)
    filename = f"scheme-{project.pk}-v{current.number if current else 0}.yaml"
    return download(export_text(scheme).encode("utf-8"), filename, "application/x-yaml; charset=utf-8")


@login_required
@require_POST
def scheme_import(request: SignedInRequest, pk: int) -> HttpResponse:
    """A new version from an uploaded YAML file: size-capped, validated by the one parser before
    anything is saved, audited with the file's name."""
    access.require_perm(request, "training.manage")
    project = access.access_project(request.user, pk, "training.manage")
    upload_form = SchemeFileForm(request.POST, request.FILES)
    if not upload_form.is_valid():
        for error in upload_form.errors.get("upload", []):
            messages.error(request, str(error))
        return redirect("assessment:scheme", project.pk)
    try:
        services.save_version(
            project=project,
            text=upload_form.cleaned_data["upload"],
            actor=request.user,
            note=_("Imported from %(name)s") % {"name": upload_form.filename},
            filename=upload_form.filename,
            request=request,
        )
    except SchemeInvalidError as error:
        lines = problem_lines(error.problems)
        messages.error(
            request,
            _("The file was not imported; nothing was saved. Correct it and import it again: %(problems)s")
            % {"problems": "；".join(lines)},
        )
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, _("A new version of the scheme is in force; results were recomputed."))
    return redirect("assessment:scheme", project.pk)


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
