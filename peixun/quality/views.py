"""The pages of quality: the trainer pool (list, add, open, change, yearly review, workbook), a
closed project's summary (figures, charts, narrative, expense settlement, the 结业名册 as PDF and
workbook) and its archive (files filed for it, the zip built in the background). Thin: services
write, selectors read, access decides."""

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peixun.accounts.http import SignedInRequest
from peixun.core import runs
from peixun.core.exceptions import DomainError
from peixun.core.refusals import refuse
from peixun.core.views import download
from peixun.delivery.views.common import project_tabs
from peixun.quality import access, documents, exports, selectors, services
from peixun.quality.exceptions import ArchiveExpiredError, NotClosedError
from peixun.quality.forms import ArchiveFileForm, ExpenseFormSet, ReviewForm, SummaryForm, TrainerForm
from peixun.quality.models import ArchiveFile, TrainerState
from peixun.training.models import ProjectStatus
from peixun.training.rules import lifecycle

LIST_LIMIT = 300
PDF_TYPE = "application/pdf"


def _years() -> list[int]:
    this = timezone.localdate().year
    return list(range(this - selectors.YEARS_SHOWN + 1, this + 1))


# --- The trainer pool ------------------------------------------------------------------------------


def _pool(request: SignedInRequest):
    state = request.GET.get("state", "")
    state = state if state in TrainerState.values else ""
    q = request.GET.get("q", "").strip()[:50]
    return selectors.pool_list(access.trainers_in_scope(request.user), state=state, q=q), state, q


@login_required
@require_GET
def trainers(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    queryset, state, q = _pool(request)
    rows = list(queryset[:LIST_LIMIT])
    years = _years()
    ratings = selectors.ratings_by_year([t.person_id for t in rows if t.person_id], years)
    table = [(t, [(y, ratings[y].get(t.person_id) if t.person_id else None) for y in years]) for t in rows]
    context = {
        "table": table,
        "years": years,
        "state": state,
        "q": q,
        "states": TrainerState.choices,
        "count": queryset.count() if len(rows) == LIST_LIMIT else len(rows),
    }
    return render(request, "quality/trainers.html", context)


@login_required
@require_GET
def trainers_export(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    queryset, _state, _q = _pool(request)
    rows = list(queryset[:5000])
    years = _years()
    ratings = selectors.ratings_by_year([t.person_id for t in rows if t.person_id], years)
    return download(exports.trainers(rows, years, ratings), "培训者库.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def trainer_add(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    form = TrainerForm(
        request.POST or None,
        keepers=access.keepers(request.user),
        people=access.people_in_scope(request.user, access.MANAGE),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            trainer = services.add_trainer(
                keeper=data["keeper"], person=data["person"], data=data, actor=request.user, request=request
            )
        except DomainError as error:
            refuse(request, error)
        else:
            messages.success(request, _("Added to the pool."))
            return redirect("quality:trainer-detail", trainer.pk)
    return render(request, "quality/trainer_form.html", {"form": form})


@login_required
@require_GET
def trainer_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    trainer = access.access_trainer(request.user, pk)
    years = _years()
    ratings = selectors.ratings_by_year([trainer.person_id] if trainer.person_id else [], years)
    context = {
        "t": trainer,
        "taught": selectors.courses_taught(trainer),
        "ratings": [(y, ratings[y].get(trainer.person_id) if trainer.person_id else None) for y in years],
        "reviews": trainer.reviews.select_related("reviewed_by"),
        "review_form": ReviewForm(),
    }
    return render(request, "quality/trainer_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def trainer_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    trainer = access.access_trainer(request.user, pk)
    initial = {f: getattr(trainer, f) for f in services.TRAINER_FIELDS}
    form = TrainerForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_trainer(
                trainer=trainer, data=form.cleaned_data, actor=request.user, request=request
            )
        except DomainError as error:
            refuse(request, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("quality:trainer-detail", pk)
    return render(request, "quality/trainer_form.html", {"form": form, "t": trainer})


@login_required
@require_POST
def trainer_review(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    trainer = access.access_trainer(request.user, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        services.review_trainer(
            trainer=trainer,
            year=data["year"],
            course_review=data["course_review"],
            feedback=data["feedback"],
            verdict=data["verdict"],
            actor=request.user,
            request=request,
        )
        messages.success(request, _("Review saved; the trainer's state follows its verdict."))
        return redirect("quality:trainer-detail", pk)
    years = _years()
    ratings = selectors.ratings_by_year([trainer.person_id] if trainer.person_id else [], years)
    context = {
        "t": trainer,
        "taught": selectors.courses_taught(trainer),
        "ratings": [(y, ratings[y].get(trainer.person_id) if trainer.person_id else None) for y in years],
        "reviews": trainer.reviews.select_related("reviewed_by"),
        "review_form": form,
    }
    return render(request, "quality/trainer_detail.html", context, status=400)


# --- A project's summary ---------------------------------------------------------------------------


def _closed_or_message(request, project) -> bool:
    if project.status in lifecycle.FINAL:
        return True
    messages.info(request, str(NotClosedError(status=ProjectStatus(project.status).label)))
    return False


def _expense_initial(summary) -> list[dict]:
    return [
        {"pk": line.pk, "kind": line.kind, "item": line.item, "budgeted": line.budgeted, "spent": line.spent}
        for line in summary.expenses.all()
    ]


@login_required
@require_http_methods(["GET", "POST"])
def summary(request: SignedInRequest, pk: int) -> HttpResponse:
    project = access.access_managed_project(request.user, pk)
    context = project_tabs(request, project, "summary")
    found = selectors.summary_of(project)
    if found is None:
        context.update(summary=None, closed=project.status in lifecycle.FINAL)
        return render(request, "quality/summary.html", context)
    form = SummaryForm(request.POST or None, initial={"narrative": found.narrative})
    expenses = ExpenseFormSet(request.POST or None, prefix="expenses", initial=_expense_initial(found))
    if request.method == "POST" and form.is_valid() and expenses.is_valid():
        rows = [
            services.Expense(d.get("pk"), d["kind"], d["item"], d["budgeted"], d.get("spent"))
            for d in (f.cleaned_data for f in expenses.forms)
            if d and not d.get("DELETE")
        ]
        services.save_summary(
            summary=found,
            narrative=form.cleaned_data["narrative"],
            expenses=rows,
            actor=request.user,
            request=request,
        )
        messages.success(request, _("Summary saved."))
        return redirect("quality:summary", pk)
    lines = list(found.expenses.all())
    money = selectors.money(found, lines)
    figures = found.figures
    context.update(
        summary=found,
        figures=figures,
        rating=selectors.project_rating(project),
        money=money,
        form=form,
        expenses=expenses,
        bars=_bars(figures, money),
    )
    return render(request, "quality/summary.html", context, status=400 if request.method == "POST" else 200)


def _bars(figures: dict, money) -> list[tuple[str, float | None, str]]:
    """The charts: each rate as a bar of 0–100 (None: unknown), with its words."""

    def number(value) -> float | None:
        return float(value) if value not in ("", None) else None

    spent_share = None
    if money.spent is not None and money.budget:
        spent_share = float(money.spent / money.budget * 100)
    return [
        (_("Attendance"), number(figures.get("attendance_rate")), ""),
        (_("Pass rate"), number(figures.get("pass_rate")), ""),
        (_("Excellence rate"), number(figures.get("excellent_rate")), ""),
        (_("Spent of the budget"), spent_share, "warning"),
    ]


@login_required
@require_POST
def summary_generate(request: SignedInRequest, pk: int) -> HttpResponse:
    project = access.access_managed_project(request.user, pk)
    if _closed_or_message(request, project):
        services.generate_summary(project=project, actor=request.user, request=request)
        messages.success(request, _("The figures were read again."))
    return redirect("quality:summary", pk)


DOCUMENTS = {
    "summary.pdf": ("项目总结", PDF_TYPE),
    "summary.xlsx": ("项目总结", None),
    "roster.pdf": ("结业名册", PDF_TYPE),
    "roster.xlsx": ("结业名册", None),
}


@login_required
@require_GET
def summary_file(request: SignedInRequest, pk: int, name: str) -> HttpResponse:
    if name not in DOCUMENTS:
        raise Http404
    project = access.access_managed_project(request.user, pk)
    found = selectors.summary_of(project)
    if found is None:
        raise Http404
    title, content_type = DOCUMENTS[name]
    if name == "summary.pdf":
        content = documents.summary_pdf(project, found)
    elif name == "summary.xlsx":
        content = documents.summary_xlsx(project, found)
    elif name == "roster.pdf":
        content = documents.roster_pdf(project)
    else:
        content = documents.roster_xlsx(project)
    filename = f"{project.title}-{title}.{name.rsplit('.', 1)[1]}"
    return download(content, filename, content_type) if content_type else download(content, filename)


# --- A project's archive ---------------------------------------------------------------------------


def _archive_context(request, project, form=None) -> dict:
    context = project_tabs(request, project, "archive")
    latest = selectors.archives(project).first()
    context.update(
        closed=project.status in lifecycle.FINAL,
        files=list(selectors.archive_files(project).select_related("uploaded_by")),
        form=form or ArchiveFileForm(),
        latest=latest,
        keep_days=services.keep_days(),
    )
    return context


@login_required
@require_http_methods(["GET", "POST"])
def archive(request: SignedInRequest, pk: int) -> HttpResponse:
    project = access.access_managed_project(request.user, pk)
    form = ArchiveFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            services.add_archive_file(
                project=project,
                kind=form.cleaned_data["kind"],
                filename=form.checked.filename,
                content_type=form.checked.content_type,
                content=form.data_bytes,
                actor=request.user,
                request=request,
            )
            messages.success(request, _("Filed for the archive."))
            return redirect("quality:archive", pk)
        return render(request, "quality/archive.html", _archive_context(request, project, form), status=400)
    return render(request, "quality/archive.html", _archive_context(request, project))


@login_required
@require_POST
def archive_file_remove(request: SignedInRequest, pk: int, file_pk: int) -> HttpResponse:
    project = access.access_managed_project(request.user, pk)
    row = ArchiveFile.objects.filter(project=project, pk=file_pk).defer("content").first()
    if row is None:
        raise Http404
    services.remove_archive_file(row=row, actor=request.user, request=request)
    messages.success(request, _("Removed from the archive."))
    return redirect("quality:archive", pk)


@login_required
@require_POST
def archive_start(request: SignedInRequest, pk: int) -> HttpResponse:
    project = access.access_managed_project(request.user, pk)
    try:
        run = services.start_archive(project=project, actor=request.user, request=request)
    except DomainError as error:
        refuse(request, error)
        return redirect("quality:archive", pk)
    return redirect("quality:archive-run", run.pk)


@login_required
@require_GET
def archive_run(request: SignedInRequest, pk: int) -> HttpResponse:
    run = access.access_archive(request.user, pk)
    context = project_tabs(request, run.project, "archive")
    context.update(run=run, can_rerun=run.can_run_again, has_file=bool(run.path) and Path(run.path).exists())
    if request.htmx:
        return render(request, "quality/archive_run.html#progress", context)
    return render(request, "quality/archive_run.html", context)


@login_required
@require_GET
def archive_download(request: SignedInRequest, pk: int) -> HttpResponse | FileResponse:
    run = access.access_archive(request.user, pk)
    if run.state != runs.RunState.DONE or not run.path:
        if run.expires_on and run.expires_on < timezone.localdate():
            refuse(request, ArchiveExpiredError(date=run.expires_on))
            return redirect("quality:archive", run.project_id)
        raise Http404
    path = Path(run.path)
    if not path.exists():
        raise Http404
    response = FileResponse(path.open("rb"), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, f"{run.project.title}-项目档案.zip")  # type: ignore[assignment]  # never None for an attachment
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def archive_rerun(request: SignedInRequest, pk: int) -> HttpResponse:
    run = access.access_archive(request.user, pk)
    try:
        runs.run_again(run=run, actor=request.user)
    except runs.NotRestartable:
        messages.info(request, _("This archive is not stopped: there is nothing to run again."))
    return redirect("quality:archive-run", pk)
