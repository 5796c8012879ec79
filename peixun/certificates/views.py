"""Certificate pages: a project's certificates and batches (with progress), one PDF of a project's
or a class's certificates (made in the background, with progress), templates and their preview, a
certificate with its PDF and revocation, the teacher's own certificates and personal file, and the
public verification pages (no sign-in, rate-limited)."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peixun.accounts.http import SignedInRequest
from peixun.certificates import access, appraisal, archive, services, throttle
from peixun.certificates import render as renderer
from peixun.certificates.access import require_perm
from peixun.certificates.forms import LookupForm, RevokeForm, TemplateForm
from peixun.certificates.models import Certificate, CertificateBatch, CertificateBundle, CertificateKind
from peixun.certificates.rules import kinds as kind_rules
from peixun.certificates.rules import numbers
from peixun.core.exceptions import DomainError
from peixun.core.refusals import refuse
from peixun.core.views import XLSX_TYPE, download
from peixun.delivery.views.common import project_tabs
from peixun.orgs.models import Person

PDF_TYPE = "application/pdf"
PAGE_SIZE = 50


@login_required
@require_GET
def project_certificates(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "certificates.issue")
    project = access.access_project(request.user, pk)
    issued = (
        Certificate.objects.filter(project=project)
        .select_related("person", "enrolment__school")
        .order_by("number")
    )
    page = Paginator(issued, PAGE_SIZE).get_page(request.GET.get("page"))
    # The project's default kind first (RULES E2), so the preselected option is a 合格证书 for a
    # normal project and never the excellent-trainee one.
    found = list(access.templates_for(project))
    order = kind_rules.in_default_order([template.kind for template in found], project.project_type)
    templates = [found[index] for index in order]
    kinds = [
        {
            "kind": kind,
            "label": label,
            "can": services.can_issue(project, kind),
            "missing": len(services.missing(project, kind)),
        }
        for kind, label in CertificateKind.choices
    ]
    context = project_tabs(request, project, "certificates")
    context.update(
        page=page,
        templates=templates,
        kinds=kinds,
        batches=CertificateBatch.objects.filter(project=project).select_related("template")[:10],
        revoked=issued.filter(revoked_at__isnull=False).count(),
        valid=issued.filter(revoked_at__isnull=True).count(),
        cohorts=list(access.cohorts_of(project)),
        bundles=CertificateBundle.objects.filter(project=project)
        .select_related("cohort")
        .defer("content")[:5],
        bundle_limit=services.BUNDLE_LIMIT,
        kind_choices=CertificateKind.choices,
    )
    return render(request, "certificates/project.html", context)


@login_required
@require_POST
def batch_start(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "certificates.issue")
    project = access.access_project(request.user, pk)
    try:
        template_pk = int(request.POST.get("template", "0") or 0)
    except ValueError:
        raise Http404 from None
    template = access.templates_for(project).filter(pk=template_pk).first()
    if template is None:
        raise Http404
    try:
        batch = services.start_batch(project=project, template=template, actor=request.user, request=request)
    except DomainError as error:
        refuse(request, error)
        return redirect("certificates:project", project.pk)
    return redirect("certificates:batch", batch.pk)


def _access_batch(request: SignedInRequest, pk: int) -> CertificateBatch:
    require_perm(request, "certificates.issue")
    return access.access_batch(request.user, pk)


@login_required
@require_GET
def batch_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    batch = _access_batch(request, pk)
    context = project_tabs(request, batch.project, "certificates")
    context["batch"] = batch
    context["can_rerun"] = batch.can_run_again
    if request.htmx:
        return render(request, "certificates/batch.html#progress", context)
    return render(request, "certificates/batch.html", context)


@login_required
@require_POST
def batch_rerun(request: SignedInRequest, pk: int) -> HttpResponse:
    """Run an interrupted or failed batch again (it issues only what is still missing)."""
    batch = _access_batch(request, pk)
    try:
        services.run_again(batch=batch, actor=request.user, request=request)
    except DomainError as error:
        refuse(request, error)
    return redirect("certificates:batch", batch.pk)


# --- One PDF of many certificates -------------------------------------------------------------------


def _int_or_none(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise Http404 from None


@login_required
@require_POST
def bundle_start(request: SignedInRequest, pk: int) -> HttpResponse:
    """Start one PDF of the project's certificates, or of one class's (`cohort`), of one kind or all."""
    require_perm(request, "certificates.issue")
    project = access.access_project(request.user, pk)
    cohort = None
    cohort_pk = _int_or_none(request.POST.get("cohort"))
    if cohort_pk is not None:
        cohort = access.cohorts_of(project).filter(pk=cohort_pk).first()
        if cohort is None:
            raise Http404
    kind = request.POST.get("kind", "")
    if kind and kind not in CertificateKind.values:
        raise Http404
    try:
        bundle = services.start_bundle(
            project=project, cohort=cohort, kind=kind, actor=request.user, request=request
        )
    except DomainError as error:
        refuse(request, error)
        return redirect("certificates:project", project.pk)
    return redirect("certificates:bundle", bundle.pk)


def _access_bundle(request: SignedInRequest, pk: int) -> CertificateBundle:
    require_perm(request, "certificates.issue")
    return access.access_bundle(request.user, pk)


@login_required
@require_GET
def bundle_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    bundle = _access_bundle(request, pk)
    context = project_tabs(request, bundle.project, "certificates")
    has_file = CertificateBundle.objects.filter(pk=bundle.pk).exclude(content=b"").exists()
    context.update(bundle=bundle, can_rerun=bundle.can_run_again, has_file=has_file)
    if request.htmx:
        return render(request, "certificates/bundle.html#progress", context)
    return render(request, "certificates/bundle.html", context)


@login_required
@require_GET
def bundle_pdf(request: SignedInRequest, pk: int) -> HttpResponse:
    bundle = _access_bundle(request, pk)
    done = CertificateBundle.objects.filter(pk=bundle.pk, state="done")
    content = done.values_list("content", flat=True).first()
    if not content:
        raise Http404
    name = f"certificates-{bundle.project_id}" + (f"-class-{bundle.cohort.number}" if bundle.cohort else "")
    response = HttpResponse(bytes(content), content_type=PDF_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def bundle_rerun(request: SignedInRequest, pk: int) -> HttpResponse:
    """Make an interrupted or failed file again."""
    bundle = _access_bundle(request, pk)
    try:
        services.bundle_again(bundle=bundle, actor=request.user, request=request)
    except DomainError as error:
        refuse(request, error)
    return redirect("certificates:bundle", bundle.pk)


# --- Templates -------------------------------------------------------------------------------------


@login_required
@require_GET
def templates(request: SignedInRequest) -> HttpResponse:
    require_perm(request, "certificates.issue")
    found = access.templates_in_scope(request.user).select_related("org")
    return render(request, "certificates/templates.html", {"templates": found})


def _owners(user):
    return access.template_owners(user).order_by("path")


def _template_form(request: SignedInRequest, template=None) -> HttpResponse:
    owners = list(_owners(request.user))
    form = TemplateForm(request.POST or None, request.FILES or None, instance=template)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("seal_file")
        seal = upload.read(services.MAX_SEAL_BYTES + 1) if upload else None
        owner = (
            template.org
            if template
            else next(
                (o for o in owners if str(o.pk) == request.POST.get("org")), owners[0] if owners else None
            )
        )
        if owner is None:
            raise Http404
        fields = {name: form.cleaned_data[name] for name in services.TEMPLATE_FIELDS}
        try:
            saved = services.save_template(
                org=owner, actor=request.user, fields=fields, seal=seal, template=template, request=request
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The template was saved."))
            return redirect("certificates:template", saved.pk)
    context = {"form": form, "template": template, "owners": owners}
    return render(request, "certificates/template_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def template_create(request: SignedInRequest) -> HttpResponse:
    require_perm(request, "certificates.issue")
    return _template_form(request)


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "certificates.issue")
    return _template_form(request, access.access_template(request.user, pk))


@login_required
@require_GET
def template_preview(request: SignedInRequest, pk: int) -> HttpResponse:
    """A sample certificate from the template (number and holder made up)."""
    require_perm(request, "certificates.issue")
    template = access.access_template(request.user, pk)
    today = timezone.localdate()
    fields = {
        "kind": template.kind,
        "title": template.title or renderer.DEFAULT_TITLES[template.kind],
        "number": numbers.number(template.region, today.year, 1),
        "name": "张三",
        "id_masked": "3207**********1234",
        "project": "示例培训项目",
        "organiser": template.org.name,
        "hours": "24.0",
        "starts_on": today.replace(day=1).isoformat(),
        "ends_on": today.isoformat(),
        "issuer": template.issuer,
        "issued_on": today.isoformat(),
        "body": template.body,
        "band": "优秀",
    }
    content = renderer.render(
        services.data_for(fields, "a" * 32, bytes(template.seal) if template.seal else None)
    )
    response = HttpResponse(content, content_type=PDF_TYPE)
    response["Content-Disposition"] = 'inline; filename="preview.pdf"'
    return response


# --- One certificate -------------------------------------------------------------------------------


@login_required
@require_GET
def certificate_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    certificate = access.access_certificate(request.user, pk)
    context = {
        "certificate": certificate,
        "fields": certificate.fields,
        "body": services.body_text(certificate.fields),
        "verify_url": services.verify_url(certificate.code),
        "check_code": numbers.check_code(certificate.code),
        "can_revoke": access.can_revoke(request.user, certificate) and not certificate.revoked,
        "form": RevokeForm(),
        "own": request.user.person_id == certificate.person_id,
    }
    return render(request, "certificates/detail.html", context)


@login_required
@require_GET
def certificate_pdf(request: SignedInRequest, pk: int) -> HttpResponse:
    certificate = access.access_certificate(request.user, pk)
    response = HttpResponse(services.pdf_of(certificate), content_type=PDF_TYPE)
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.number}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def revoke(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "certificates.revoke")
    certificate = access.access_certificate(request.user, pk)
    if not access.can_revoke(request.user, certificate):
        raise Http404
    form = RevokeForm(request.POST)
    try:
        services.revoke(
            certificate=certificate,
            actor=request.user,
            reason=form.cleaned_data["reason"] if form.is_valid() else "",
            request=request,
        )
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, _("The certificate was revoked."))
    return redirect("certificates:detail", certificate.pk)


@login_required
@require_GET
def mine(request: SignedInRequest) -> HttpResponse:
    found = (
        Certificate.objects.filter(person_id=request.user.person_id)
        .select_related("project")
        .order_by("-issued_on", "-pk")
        if request.user.person_id
        else []
    )
    return render(
        request, "certificates/mine.html", {"certificates": found, "linked": bool(request.user.person_id)}
    )


# --- The personal file -----------------------------------------------------------------------------


def _archive_person(request: SignedInRequest, pk: int | None) -> Person:
    if pk is None:
        if not request.user.person_id:
            raise Http404
        return Person.objects.select_related("org").get(pk=request.user.person_id)
    if request.user.person_id != pk:
        require_perm(request, "ledger.view")
    return access.access_archive_person(request.user, pk)


def _archive_page(request: SignedInRequest, person: Person, own: bool) -> HttpResponse:
    built = archive.build(person, request.GET.get("cycle", ""))
    context = {
        "archive": built,
        "summary": archive.summary(built),
        "cycles": archive.cycles(person),
        "linked": True,
        "person": person,
        "own": own,
    }
    return render(request, "certificates/archive.html", context)


@login_required
@require_GET
def my_archive(request: SignedInRequest) -> HttpResponse:
    if not request.user.person_id:
        return render(request, "certificates/archive.html", {"linked": False, "own": True})
    return _archive_page(request, _archive_person(request, None), own=True)


@login_required
@require_GET
def person_archive(request: SignedInRequest, pk: int) -> HttpResponse:
    """A teacher's file, for the school and up (their own, for the teacher)."""
    person = _archive_person(request, pk)
    return _archive_page(request, person, own=request.user.person_id == person.pk)


def _archive_download(request: SignedInRequest, pk: int | None, kind: str) -> HttpResponse:
    person = _archive_person(request, pk)
    built = archive.build(person, request.GET.get("cycle", ""))
    stamp = built.cycle.start.year if built.cycle else date.today().year  # noqa: DTZ011 - a year in a file name
    if kind == "pdf":
        return download(archive.to_pdf(built), f"archive-{person.pk}-{stamp}.pdf", PDF_TYPE)
    return download(archive.to_xlsx(built), f"archive-{person.pk}-{stamp}.xlsx", XLSX_TYPE)


@login_required
@require_GET
def my_archive_pdf(request: SignedInRequest) -> HttpResponse:
    return _archive_download(request, None, "pdf")


@login_required
@require_GET
def my_archive_xlsx(request: SignedInRequest) -> HttpResponse:
    return _archive_download(request, None, "xlsx")


@login_required
@require_GET
def person_archive_pdf(request: SignedInRequest, pk: int) -> HttpResponse:
    return _archive_download(request, pk, "pdf")


@login_required
@require_GET
def person_archive_xlsx(request: SignedInRequest, pk: int) -> HttpResponse:
    return _archive_download(request, pk, "xlsx")


@login_required
@require_GET
def person_appraisal_xlsx(request: SignedInRequest, pk: int) -> HttpResponse:
    """One teacher's hours sheet for appointment and promotion (职称评审, RULES A18)."""
    person = _archive_person(request, pk)
    content = appraisal.person_workbook(person, timezone.localdate())
    return download(content, f"appraisal-{person.pk}.xlsx", XLSX_TYPE)


@login_required
@require_GET
def org_appraisal_xlsx(request: SignedInRequest, pk: int) -> HttpResponse:
    """The hours sheet for appointment and promotion of every teacher of a school (or unit)."""
    require_perm(request, "ledger.view")
    org = access.access_org(request.user, pk, "ledger.view")
    content = appraisal.org_workbook(org, timezone.localdate())
    return download(content, f"appraisal-org-{org.pk}.xlsx", XLSX_TYPE)


# --- Public verification -----------------------------------------------------------------------------


def _too_many(request: HttpRequest, *, number: bool = False) -> HttpResponse:
    context = {"throttled": True, "throttled_number": number}
    response = render(request, "certificates/verify.html", context, status=429)
    response["Retry-After"] = "3600" if number else "60"
    return response


@never_cache
@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """The public page of a certificate: what proves it (no part of the holder's ID number) and
    whether it stands or was revoked. Reached through its unguessable code (the QR code); unknown
    codes answer 404."""
    if not throttle.allowed(request, "verify"):
        return _too_many(request)
    certificate = None
    if numbers.is_code(code):
        certificate = Certificate.objects.filter(code=code).first()
    if certificate is None:
        return render(request, "certificates/verify.html", {"missing": True}, status=404)
    fields = services.public_fields(certificate.fields)
    context = {"certificate": certificate, "fields": fields, "body": services.body_text(fields)}
    return render(request, "certificates/verify.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """Find a certificate by its number and the check code printed beside it (both must match),
    limited per address and per number; a match goes on to its public page."""
    form = LookupForm(request.POST or None)
    not_found = False
    if request.method == "POST":
        if not throttle.allowed(request, "lookup", limit=10):
            return _too_many(request)
        if form.is_valid():
            number = numbers.normalise_number(form.cleaned_data["number"])
            if numbers.is_number(number) and not throttle.number_allowed(number):
                return _too_many(request, number=True)
            found = Certificate.objects.filter(number=number).first() if numbers.is_number(number) else None
            if found is not None and numbers.check_matches(found.code, form.cleaned_data["check"]):
                return redirect("certificates:verify", found.code)
            not_found = True
    return render(request, "certificates/lookup.html", {"form": form, "not_found": not_found})
