"""Writes for certificates: templates with their seal, batches that issue a project's certificates
in the background, numbering by region-year-sequence, one PDF of a project's or a class's
certificates merged in the background, revocation with a reason, and revoking what a changed
result no longer supports."""

import io
import logging
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import date
from multiprocessing import get_context
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peixun.accounts.models import User
from peixun.assessment.models import ExcellenceStatus, Result
from peixun.audit import events
from peixun.certificates import render
from peixun.certificates.models import (
    Certificate,
    CertificateBatch,
    CertificateBundle,
    CertificateKind,
    CertificateSequence,
    CertificateTemplate,
)
from peixun.certificates.rules import numbers
from peixun.core import runs
from peixun.core.exceptions import DomainError
from peixun.delivery.rules import files as file_rules
from peixun.lib.dates import format_hours
from peixun.lib.pdfmerge import Merger
from peixun.lib.processes import exit_with_parent
from peixun.orgs.models import Org
from peixun.training.models import Cohort, Enrolment, EnrolmentStatus, Project
from peixun.training.rules import lifecycle

logger = logging.getLogger(__name__)

CHUNK = 200
POOL_FROM = 200  # batches this large render in worker processes
MAX_SEAL_BYTES = 2 * 1024 * 1024
SEAL_SIZE = 360


class TemplateInvalidError(DomainError):
    code = "template_invalid"
    message = _("%(why)s")
    status = 400


class NotIssuableError(DomainError):
    code = "not_issuable"
    message = _(
        "Certificates are issued once the project is closed "
        "(and, for excellent trainees, once the list is final)."
    )


class AlreadyRevokedError(DomainError):
    code = "already_revoked"
    message = _("This certificate has already been revoked.")


class NotRestartableError(DomainError):
    code = "not_restartable"
    message = _("This batch is not stopped: there is nothing to run again.")


class NothingToBundleError(DomainError):
    code = "nothing_to_bundle"
    message = _("There is no valid certificate to put in the file yet: issue the certificates first.")


class BundleTooLargeError(DomainError):
    code = "bundle_too_large"
    message = _(
        "One file holds at most %(limit)s certificates and this choice has %(count)s: "
        "download them class by class."
    )


class ReasonRequiredError(DomainError):
    code = "reason_required"
    message = _("Give a reason.")
    status = 400


def _actor(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk and actor.is_authenticated else None


# --- Templates -----------------------------------------------------------------------------------


def clean_seal(data: bytes) -> bytes:
    """A seal image as a square-fitting PNG with transparency, at most SEAL_SIZE pixels: refused
    unless its bytes are PNG, JPEG or WebP, and kept small so each certificate embeds it fast."""
    from PIL import Image

    if len(data) > MAX_SEAL_BYTES:
        raise TemplateInvalidError(why=_("The seal image is larger than 2 MB."))
    sniffed = file_rules.sniff(data)
    if sniffed.kind not in file_rules.IMAGES:
        raise TemplateInvalidError(why=_("The seal must be a PNG, JPEG or WebP image."))
    try:
        with Image.open(io.BytesIO(data)) as opened:
            if opened.width * opened.height > 16_000_000:
                raise TemplateInvalidError(why=_("The seal image is too large."))
            image = opened.convert("RGBA")
            image.thumbnail((SEAL_SIZE, SEAL_SIZE))
            output = io.BytesIO()
            image.save(output, "PNG", optimize=True)
    except (OSError, ValueError, Image.DecompressionBombError):
        raise TemplateInvalidError(why=_("The seal image could not be read.")) from None
    return output.getvalue()


TEMPLATE_FIELDS = ("name", "kind", "title", "body", "issuer", "region", "active")


@transaction.atomic
def save_template(
    *,
    org: Org,
    actor: User | None,
    fields: dict[str, Any],
    seal: bytes | None = None,
    template: CertificateTemplate | None = None,
    request: HttpRequest | None = None,
) -> CertificateTemplate:
    if not numbers.valid_region(str(fields.get("region", template.region if template else "")).upper()):
        raise TemplateInvalidError(
            why=_("The number prefix is 2 to 12 digits or capital letters, e.g. 320705.")
        )
    template = template or CertificateTemplate(org=org, created_by=_actor(actor))
    for name in TEMPLATE_FIELDS:
        if name in fields:
            setattr(template, name, fields[name])
    template.region = template.region.upper()
    if not template.title:
        template.title = render.DEFAULT_TITLES.get(template.kind, "")
    if seal:
        template.seal = clean_seal(seal)
    template.full_clean(exclude=["org", "created_by", "seal"])
    template.save()
    events.record(
        action="certificate_template_saved",
        actor=actor,
        target=template,
        org_path=template.org.path,
        changes={"name": template.name, "kind": template.kind, "seal": bool(seal)},
        request=request,
    )
    return template


# --- Issuing -------------------------------------------------------------------------------------


def qualifying(project: Project, kind: str) -> QuerySet[Result]:
    """Enrolments that qualify for the kind: passed (excellent: on the final list)."""
    results = Result.objects.filter(project=project, enrolment__status=EnrolmentStatus.ENROLLED)
    if kind == CertificateKind.EXCELLENT:
        results = results.filter(excellent=True)
    else:
        results = results.filter(passed=True)
    return results


def can_issue(project: Project, kind: str) -> bool:
    if project.status not in lifecycle.FINAL:
        return False
    if kind == CertificateKind.EXCELLENT:
        round_ = getattr(project, "excellence", None)
        return round_ is not None and round_.status == ExcellenceStatus.FINAL
    return True


def missing(project: Project, kind: str) -> list[int]:
    """Enrolment ids that qualify and hold no valid certificate of the kind."""
    holding = Certificate.objects.filter(project=project, kind=kind, revoked_at__isnull=True).values(
        "enrolment_id"
    )
    return list(
        qualifying(project, kind)
        .exclude(enrolment_id__in=holding)
        .order_by("enrolment__person__name_pinyin", "enrolment_id")
        .values_list("enrolment_id", flat=True)
    )


def start_batch(
    *, project: Project, template: CertificateTemplate, actor: User | None, request: HttpRequest | None = None
) -> CertificateBatch:
    """Queue a batch issuing `template`'s kind to everyone who qualifies and has none yet."""
    if not can_issue(project, template.kind):
        raise NotIssuableError
    with transaction.atomic():
        batch = CertificateBatch.objects.create(
            project=project,
            template=template,
            kind=template.kind,
            total=len(missing(project, template.kind)),
            actor=_actor(actor),
        )
        events.record(
            action="certificates_batch_started",
            actor=actor,
            target=project,
            org_path=project.organiser.path,
            changes={"kind": template.kind, "template": template.pk, "total": batch.total},
            request=request,
        )
    # After the commit, so a worker in another process finds the batch; the test backend runs it here.
    return runs.enqueue(batch)


def allocate(region: str, year: int, count: int) -> int:
    """Take `count` numbers in the region's year; returns the first. One conditional UPDATE in a
    short transaction, so concurrent batches get disjoint blocks."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                CertificateSequence.objects.get_or_create(region=region, year=year)
        except IntegrityError:
            pass
        CertificateSequence.objects.filter(region=region, year=year).update(last=F("last") + count)
        last = CertificateSequence.objects.get(region=region, year=year).last
    return last - count + 1


def verify_url(code: str) -> str:
    return f"{settings.PUBLIC_URL}{reverse('certificates:verify', args=[code])}"


def fields_for(template: CertificateTemplate, result: Result, number: str, issued_on: date) -> dict:
    """What the certificate shows, frozen at issue: the PDF and the verification page both read it."""
    enrolment = result.enrolment
    project = enrolment.project
    band = ""
    if result.band:
        levels = {
            b["code"]: b["label"] for b in (result.version.document.get("bands") or {}).get("levels", [])
        }
        band = levels.get(result.band, "")
    return {
        "kind": template.kind,
        "title": template.title or render.DEFAULT_TITLES[template.kind],
        "number": number,
        "name": enrolment.person.name,
        "id_masked": enrolment.person.id_masked,
        "project": project.title,
        "organiser": project.organiser.name,
        "hours": format_hours(result.hours_total),
        "starts_on": project.starts_on.isoformat() if project.starts_on else "",
        "ends_on": project.ends_on.isoformat() if project.ends_on else "",
        "issuer": template.issuer,
        "issued_on": issued_on.isoformat(),
        "body": template.body,
        "band": band,
    }


# What the public verification page shows: what proves the certificate, and no part of the
# holder's ID number.
PUBLIC_FIELDS = (
    "kind",
    "title",
    "number",
    "name",
    "project",
    "organiser",
    "hours",
    "starts_on",
    "ends_on",
    "issuer",
    "issued_on",
    "body",
    "band",
)


def public_fields(fields: dict) -> dict:
    return {name: fields[name] for name in PUBLIC_FIELDS if name in fields}


def data_for(fields: dict, code: str, seal: bytes | None) -> render.CertificateData:
    def day(text: str) -> date | None:
        return date.fromisoformat(text) if text else None

    return render.CertificateData(
        kind=fields["kind"],
        title=fields["title"],
        number=fields["number"],
        name=fields["name"],
        id_masked=fields.get("id_masked", ""),
        project=fields["project"],
        organiser=fields["organiser"],
        hours=fields["hours"],
        starts_on=day(fields["starts_on"]),
        ends_on=day(fields["ends_on"]),
        issuer=fields["issuer"],
        issued_on=date.fromisoformat(fields["issued_on"]),
        verify_url=verify_url(code),
        check_code=numbers.check_code(code),
        body_template=fields.get("body") or "",
        band=fields.get("band") or "",
        seal_png=seal or None,
    )


def pdf_of(certificate: Certificate) -> bytes:
    """The PDF to hand out: the stored original while the certificate stands; once revoked, the
    same certificate drawn again from its stored fields with the 作废 watermark and the date of
    revocation (the stored original is kept as it was issued)."""
    if certificate.revoked_at is None:
        return bytes(certificate.pdf)
    seal = bytes(certificate.template.seal) if certificate.template.seal else None
    data = replace(
        data_for(certificate.fields, certificate.code, seal),
        revoked_on=timezone.localdate(certificate.revoked_at),
    )
    return render.render(data)


def body_text(fields: dict) -> str:
    """The certificate's wording as printed."""
    return data_for(fields, "x" * 32, None).body


class Renderer:
    """Draws certificates, in worker processes for a large batch (reportlab is CPU-bound).

    The pool is forked once per batch, after the database connections are closed, so no child
    holds (and on exit tears down) a connection of the parent; the children only draw."""

    def __init__(self, workers: int, total: int) -> None:
        self.pool = None
        if workers > 1 and total >= POOL_FROM:
            from django.db import connections

            render.fonts_ready()
            connections.close_all()
            self.pool = ProcessPoolExecutor(
                max_workers=workers, mp_context=get_context("fork"), initializer=exit_with_parent
            )

    def __call__(self, items: list[render.CertificateData]) -> list[bytes]:
        if self.pool is None:
            return [render.render(item) for item in items]
        return list(self.pool.map(render.render, items, chunksize=20))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()


def issue_chunk(
    batch: CertificateBatch, enrolment_ids: list[int], *, renderer: Renderer | None = None
) -> int:
    """Issue the certificates of one chunk: numbers taken, PDFs drawn outside any transaction,
    rows written in one. A trainee who got one meanwhile (another batch) is skipped."""
    template = batch.template
    results = list(
        Result.objects.filter(enrolment_id__in=enrolment_ids)
        .select_related("enrolment__person", "enrolment__project__organiser", "version")
        .order_by("enrolment__person__name_pinyin", "enrolment_id")
    )
    if not results:
        return 0
    today = timezone.localdate()
    first = allocate(template.region, today.year, len(results))
    seal = bytes(template.seal) if template.seal else None
    planned = []
    for offset, result in enumerate(results):
        number = numbers.number(template.region, today.year, first + offset)
        fields = fields_for(template, result, number, today)
        planned.append((result, fields, numbers.new_code()))
    renderer = renderer or Renderer(1, 0)
    pdfs = renderer([data_for(fields, code, seal) for _r, fields, code in planned])
    rows = [
        Certificate(
            number=fields["number"],
            kind=batch.kind,
            template=template,
            project_id=result.project_id,
            enrolment_id=result.enrolment_id,
            person_id=result.enrolment.person_id,
            batch=batch,
            fields=fields,
            code=code,
            pdf=pdf,
            issued_on=today,
            issued_by=batch.actor,
        )
        for (result, fields, code), pdf in zip(planned, pdfs, strict=True)
    ]
    written = 0
    try:
        with transaction.atomic():
            Certificate.objects.bulk_create(rows)
            written = len(rows)
    except IntegrityError:
        for row in rows:
            try:
                with transaction.atomic():
                    row.save()
                    written += 1
            except IntegrityError:
                continue
    return written


def run_batch(batch_id: int, *, workers: int | None = None) -> CertificateBatch:
    """Issue a batch chunk by chunk, writing progress as it goes (the task calls this). Each chunk
    commits on its own: a batch interrupted half-way keeps what it issued, and running it again
    issues only what is still missing (one valid certificate per trainee and kind)."""
    workers = workers if workers is not None else getattr(settings, "CERTIFICATE_WORKERS", 1)
    with runs.work(CertificateBatch, batch_id) as work:
        if work is None:
            return CertificateBatch.objects.get(pk=batch_id)
        batch = CertificateBatch.objects.select_related("template", "project", "actor").get(pk=batch_id)
        renderer = None
        try:
            todo = missing(batch.project, batch.kind)
            work.progress(0, len(todo))
            renderer = Renderer(workers, len(todo))
            size = CHUNK if renderer.pool is None else CHUNK * workers * 2
            done = issued = 0
            for start in range(0, len(todo), size):
                chunk = todo[start : start + size]
                issued += issue_chunk(batch, chunk, renderer=renderer)
                done += len(chunk)
                work.progress(done, len(todo))
        finally:
            if renderer is not None:
                renderer.close()
        work.finish(counts={"issued": issued})
    return CertificateBatch.objects.get(pk=batch_id)


def run_again(
    *, batch: CertificateBatch, actor: User, request: HttpRequest | None = None
) -> CertificateBatch:
    """Queue an interrupted or failed batch again: it issues only what is still missing."""
    was = batch.shown_state
    with transaction.atomic():
        try:
            batch = runs.run_again(run=batch, actor=actor)
        except runs.NotRestartable:
            raise NotRestartableError from None
        events.record(
            action="background_run_restarted",
            actor=actor,
            target=batch.project,
            org_path=batch.project.organiser.path,
            changes={"batch": batch.pk, "kind": batch.kind, "was": was},
            request=request,
        )
    batch.refresh_from_db()
    return batch


# --- One file of many certificates ----------------------------------------------------------------

# Certificates in one file: 1,000 make about 31 MB in about 12 s, the worker peaking near 650 MB
# (ADR 0037); more are made class by class.
BUNDLE_LIMIT = 1000
BUNDLE_CHUNK = 25  # certificates read from the database at a time (each about 50 KB)

_KIND_ORDER = Case(
    *[When(kind=kind, then=Value(index)) for index, kind in enumerate(CertificateKind.values)],
    output_field=IntegerField(),
)


def bundled(project: Project, *, cohort: Cohort | None = None, kind: str = "") -> QuerySet[Certificate]:
    """The certificates one file holds, in print order: valid ones only (a revoked certificate is
    never printed by mistake), class by class, then by the holder's name in pinyin, then by kind."""
    found = Certificate.objects.filter(project=project, revoked_at__isnull=True)
    if cohort is not None:
        found = found.filter(enrolment__cohort=cohort)
    if kind:
        found = found.filter(kind=kind)
    return found.annotate(kind_order=_KIND_ORDER).order_by(
        F("enrolment__cohort__number").asc(nulls_last=True),
        "person__name_pinyin",
        "enrolment_id",
        "kind_order",
        "pk",
    )


def left_out(project: Project, *, cohort: Cohort | None = None, kind: str = "") -> int:
    """How many revoked certificates the same choice leaves out of the file."""
    found = Certificate.objects.filter(project=project, revoked_at__isnull=False)
    if cohort is not None:
        found = found.filter(enrolment__cohort=cohort)
    if kind:
        found = found.filter(kind=kind)
    return found.count()


def start_bundle(
    *,
    project: Project,
    actor: User | None,
    cohort: Cohort | None = None,
    kind: str = "",
    request: HttpRequest | None = None,
) -> CertificateBundle:
    """Queue one PDF of the project's (or one class's) valid certificates, of one kind or all."""
    if cohort is not None and cohort.project_id != project.pk:
        raise ValueError("the class is not the project's")
    if kind and kind not in CertificateKind.values:
        raise ValueError(f"unknown kind {kind!r}")
    count = bundled(project, cohort=cohort, kind=kind).count()
    if not count:
        raise NothingToBundleError
    if count > BUNDLE_LIMIT:
        raise BundleTooLargeError(limit=BUNDLE_LIMIT, count=count)
    with transaction.atomic():
        bundle = CertificateBundle.objects.create(
            project=project, cohort=cohort, kind=kind, total=count, actor=_actor(actor)
        )
        events.record(
            action="certificates_bundle_started",
            actor=actor,
            target=project,
            org_path=project.organiser.path,
            changes={
                "bundle": bundle.pk,
                "class": cohort.name if cohort else "",
                "kind": kind,
                "total": count,
            },
            request=request,
        )
    return runs.enqueue(bundle)


def bundle_title(bundle: CertificateBundle) -> str:
    parts = [bundle.project.title, bundle.cohort.name if bundle.cohort else "", "证书"]
    return " ".join(part for part in parts if part)


def run_bundle(bundle_id: int) -> CertificateBundle:
    """Merge the file (the task calls this): the stored PDFs of the certificates, as issued, read a
    chunk at a time, with progress; the file is written with the run's end, so an interrupted run
    leaves nothing half-made and running it again makes it whole."""
    with runs.work(CertificateBundle, bundle_id) as work:
        if work is None:
            return CertificateBundle.objects.get(pk=bundle_id)
        bundle = CertificateBundle.objects.select_related("project__organiser", "cohort").get(pk=bundle_id)
        ids = list(
            bundled(bundle.project, cohort=bundle.cohort, kind=bundle.kind).values_list("pk", flat=True)
        )
        work.progress(0, len(ids))
        merger = Merger(title=bundle_title(bundle), author=bundle.project.organiser.name)
        for start in range(0, len(ids), BUNDLE_CHUNK):
            chunk = ids[start : start + BUNDLE_CHUNK]
            rows = {
                pk: (number, name, pdf)
                for pk, number, name, pdf in Certificate.objects.filter(pk__in=chunk).values_list(
                    "pk", "number", "person__name", "pdf"
                )
            }
            for pk in chunk:
                number, name, pdf = rows[pk]
                merger.add(bytes(pdf), f"{name} {number}")
            work.progress(start + len(chunk), len(ids))
        content = merger.finish()
        finished = work.finish(
            content=content,
            counts={
                "certificates": len(ids),
                "pages": merger.pages,
                "bytes": len(content),
                "revoked_left_out": left_out(bundle.project, cohort=bundle.cohort, kind=bundle.kind),
            },
        )
        if finished:
            # Only the newest file of a choice is kept: the older ones are out of date anyway.
            CertificateBundle.objects.filter(
                project=bundle.project, cohort=bundle.cohort, kind=bundle.kind, pk__lt=bundle.pk
            ).exclude(content=b"").update(content=b"")
    return CertificateBundle.objects.get(pk=bundle_id)


def bundle_again(
    *, bundle: CertificateBundle, actor: User, request: HttpRequest | None = None
) -> CertificateBundle:
    """Queue an interrupted or failed file again: it is made whole from the start."""
    was = bundle.shown_state
    with transaction.atomic():
        try:
            bundle = runs.run_again(run=bundle, actor=actor)
        except runs.NotRestartable:
            raise NotRestartableError from None
        events.record(
            action="background_run_restarted",
            actor=actor,
            target=bundle.project,
            org_path=bundle.project.organiser.path,
            changes={"bundle": bundle.pk, "was": was},
            request=request,
        )
    bundle.refresh_from_db()
    return bundle


# --- Revocation ----------------------------------------------------------------------------------


@transaction.atomic
def revoke(
    *, certificate: Certificate, actor: User | None, reason: str, request: HttpRequest | None = None
) -> Certificate:
    if not reason.strip():
        raise ReasonRequiredError
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is not None:
        raise AlreadyRevokedError
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = _actor(actor)
    certificate.revoke_reason = reason.strip()[:500]
    certificate.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    events.record(
        action="certificate_revoked",
        actor=actor,
        target=certificate,
        org_path=certificate.project.organiser.path,
        changes={"number": certificate.number, "reason": certificate.revoke_reason},
        request=request,
    )
    return certificate


def revoke_unqualified(*, project: Project, actor: User | None) -> int:
    """When a project closes again after a change, revoke the certificates its results no longer
    support: a pass-type certificate of someone who no longer passes, an excellence certificate of
    someone no longer on the final list."""
    count = 0
    valid = Certificate.objects.filter(project=project, revoked_at__isnull=True)
    for certificate in valid.exclude(kind=CertificateKind.EXCELLENT).exclude(
        enrolment_id__in=qualifying(project, CertificateKind.PASS).values("enrolment_id")
    ):
        revoke(certificate=certificate, actor=actor, reason="考核结果变更，已不符合发证条件")
        count += 1
    for certificate in valid.filter(kind=CertificateKind.EXCELLENT).exclude(
        enrolment_id__in=qualifying(project, CertificateKind.EXCELLENT).values("enrolment_id")
    ):
        revoke(certificate=certificate, actor=actor, reason="优秀学员名单变更，已不符合发证条件")
        count += 1
    return count


__all__ = [
    "Enrolment",
    "allocate",
    "bundle_again",
    "bundled",
    "pdf_of",
    "revoke",
    "revoke_unqualified",
    "run_again",
    "run_batch",
    "run_bundle",
    "save_template",
    "start_batch",
    "start_bundle",
]
