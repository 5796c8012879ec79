"""Import pages: the job list, the upload forms, a job's progress and preview with its Apply
button, the error workbook, and the blank templates.

A job page polls itself (HTMX, every second) through its `status` partial while the job runs.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peixun.accounts.http import SignedInRequest
from peixun.core.views import download
from peixun.imports import selectors, services
from peixun.imports.access import access_job, has_perm, require_perm, scope_paths
from peixun.imports.content import unseal, unseal_changes
from peixun.imports.forms import UploadForm
from peixun.imports.models import ImportJob, ImportKind, ImportStatus
from peixun.imports.registry import importer, importers
from peixun.lib import tabular, xlsx
from peixun.orgs.imports.common import RowChange
from peixun.orgs.models import Org

# The page lists this many errors; the error workbook has them all.
ERRORS_SHOWN = 1000


def _allowed_importers(user) -> list:
    return [spec for spec in importers().values() if has_perm(user, spec.perm)]


def _require_any_import(request: HttpRequest) -> None:
    if not _allowed_importers(request.user):
        require_perm(request, "people.import")  # raises, and logs the denial


@login_required
@require_GET
def job_list(request: SignedInRequest) -> HttpResponse:
    _require_any_import(request)
    allowed = _allowed_importers(request.user)
    context = {
        "jobs": selectors.recent_jobs(request.user),
        "importers": [
            {
                "label": ImportKind(spec.kind).label,
                "icon": spec.icon,
                "upload_url": reverse(spec.upload_url_name),
                "template_url": reverse(spec.template_url_name),
            }
            for spec in allowed
        ],
    }
    return render(request, "imports/job_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: SignedInRequest, kind: str) -> HttpResponse:
    if kind not in ImportKind.values:
        raise Http404
    spec = importer(kind)
    require_perm(request, spec.perm)
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user, kind=kind)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        org = form.target_org() if spec.asks_org else _scope_org(request.user, spec.perm)
        # One byte past the cap is enough for start_import to refuse an oversized file.
        data = upload_file.read(tabular.MAX_UPLOAD_BYTES + 1)
        try:
            job = services.start_import(
                kind=kind, data=data, filename=upload_file.name, actor=request.user, org=org
            )
        except tabular.TableError as error:
            form.add_error("file", error.message)
        else:
            return redirect("imports:detail", pk=job.pk)
    context = {
        "form": form,
        "kind": kind,
        "kind_label": ImportKind(kind).label,
        "template_url": reverse(spec.template_url_name),
    }
    return render(request, "imports/job_upload.html", context)


def _scope_org(user, perm: str) -> Org | None:
    """A file not filed under a chosen org is filed under the uploader's (first) import scope, so
    the admins over it see it."""
    paths = scope_paths(user, perm)
    return Org.objects.filter(path=paths[0]).first() if paths else None


@login_required
@require_GET
def job_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    job = access_job(request.user, pk)
    results_url = importer(job.kind).results_url
    context = {
        "job": job,
        "errors": job.errors[:ERRORS_SHOWN],
        "errors_hidden": max(0, len(job.errors) - ERRORS_SHOWN),
        "can_apply": job.status == ImportStatus.VALID and has_perm(request.user, importer(job.kind).perm),
        "can_rerun": job.can_run_again and has_perm(request.user, importer(job.kind).perm),
        "results_url": results_url(job) if results_url else "",
        **_accounts_context(job, request.user),
        # A file refused as a whole (not a table, ID numbers masked …): its one message, no table.
        "file_error": job.errors[0]["message"] if len(job.errors) == 1 and job.errors[0]["row"] == 0 else "",
        "upload_url": reverse(importer(job.kind).upload_url_name),
        "changes": [RowChange.from_json(value) for value in job.changes] if not job.errors else [],
        "changes_hidden": max(0, job.created_count + job.updated_count - len(job.changes)),
        "subject_label": importer(job.kind).subject_label,
    }
    if request.htmx:
        return render(request, "imports/job_detail.html#status", context)
    return render(request, "imports/job_detail.html", context)


def _accounts_context(job: ImportJob, user) -> dict:
    """The people roster's choice to create accounts on apply (on by default: they are teachers),
    and once applied, the accounts created and their slips for whoever applied it."""
    slips = job.password_slips
    return {
        "offer_accounts": services.may_create_accounts(job, user),
        "slips": slips if slips is not None and slips.created_by_id == user.pk and slips.is_open else None,
        "initial_password_days": settings.INITIAL_PASSWORD_DAYS,
    }


@login_required
@require_POST
def job_apply(request: SignedInRequest, pk: int) -> HttpResponse:
    job = access_job(request.user, pk)
    require_perm(request, importer(job.kind).perm)
    try:
        services.apply_import(
            job=job, actor=request.user, create_accounts=request.POST.get("create_accounts") == "1"
        )
    except services.ImportNotReady:
        messages.warning(request, _("This import is not ready to apply."))
    return redirect("imports:detail", pk=job.pk)


@login_required
@require_POST
def job_rerun(request: SignedInRequest, pk: int) -> HttpResponse:
    """Run an interrupted or failed job's step again (the check, or the apply)."""
    job = access_job(request.user, pk)
    require_perm(request, importer(job.kind).perm)
    try:
        services.run_again(job=job, actor=request.user, request=request)
    except services.ImportNotReady:
        messages.warning(request, _("This import is not stopped: there is nothing to run again."))
    return redirect("imports:detail", pk=job.pk)


@login_required
@require_GET
def job_errors(request: SignedInRequest, pk: int) -> HttpResponse:
    """The error workbook: each failing row's cells as uploaded, then row, column and reason."""
    job = access_job(request.user, pk)
    if not job.errors:
        raise Http404
    return download(_error_workbook(job), f"import-{job.pk}-errors.xlsx")


def _error_workbook(job: ImportJob) -> bytes:
    try:
        table = tabular.read_table(unseal(job.content), job.filename)
    except tabular.TableError:
        table = None
    header = list(table.header) if table else []
    cells = {number: row for number, row in table.rows} if table else {}
    rows = [
        xlsx.RowError(
            row_number=error["row"],
            cells=header if error["row"] == 1 else cells.get(error["row"], ()),
            column=error["column"],
            message=error["message"],
        )
        for error in job.errors
    ]
    return xlsx.error_workbook(header, rows)


@login_required
@require_GET
def job_changes(request: SignedInRequest, pk: int) -> HttpResponse:
    """The preview workbook: every row the file would create or change, one line per changed
    field (ID numbers masked, as on the page)."""
    job = access_job(request.user, pk)
    changes = unseal_changes(job.changes_content)
    if not changes:
        raise Http404
    return download(
        _changes_workbook(changes, str(importer(job.kind).subject_label)), f"import-{job.pk}-changes.xlsx"
    )


def _changes_workbook(changes: list[RowChange], subject_label: str) -> bytes:
    header = [_("Row"), subject_label, _("What changes"), _("Field"), _("Before"), _("After")]

    def lines():
        for change in changes:
            what = _("New") if change.new else _("Updated")
            if not change.fields:
                yield [change.row, change.who, what, None, None, None]
            for label, before, after in change.fields:
                yield [change.row, change.who, what, label, before or None, after]

    widths = [8, 32, 8, 12, 24, 24]
    return xlsx.write_workbook([xlsx.Sheet(_("Changes"), header, list(lines()), column_widths=widths)])


@login_required
@require_GET
def template(request: SignedInRequest, kind: str) -> HttpResponse:
    if kind not in ImportKind.values:
        raise Http404
    spec = importer(kind)
    require_perm(request, spec.perm)
    first = Org.objects.filter(path__in=scope_paths(request.user, spec.perm)).order_by("path").first()
    return download(spec.template(first), f"{kind}-template.xlsx")
