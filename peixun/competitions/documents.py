"""An award's certificate (荣誉证书) as a PDF, drawn like a training certificate
(peixun.certificates.render: the embedded CJK font, the number with its check code, the QR code of
the public verification page). Drawn on demand from the award, never stored: a revoked award
gets no certificate, and the refusal says when and why. The wording is Chinese, as printed."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from peixun.certificates import render
from peixun.certificates.rules import numbers
from peixun.competitions import exceptions as E
from peixun.competitions.models import Award, AwardStatus
from peixun.lib.dates import format_date_zh

TITLE = "荣誉证书"
BODY = "在{organiser}举办的“{project}”中，荣获{band}。"
LEVELS = {"first": "一等奖", "second": "二等奖", "third": "三等奖"}


def verify_url(code: str) -> str:
    return f"{settings.PUBLIC_URL}{reverse('competitions:verify-award', args=[code])}"


def check(award: Award) -> None:
    """Refuse the certificate of an award that is not final, or was revoked (with the reason)."""
    if award.status == AwardStatus.REVOKED:
        revoked = timezone.localdate(award.revoked_at) if award.revoked_at else timezone.localdate()
        raise E.AwardRevokedError(date=format_date_zh(revoked), reason=award.revoke_reason or "—")
    if award.status != AwardStatus.FINAL or not award.number or not award.code:
        raise E.AwardNotIssuedError()


def award_pdf(award: Award) -> bytes:
    check(award)
    entry = award.entry
    competition = award.competition
    organiser = competition.organiser.name
    data = render.CertificateData(
        kind="excellent",
        title=TITLE,
        number=award.number,
        name=entry.person.name,
        id_masked=entry.person.id_masked,
        project=competition.name,
        organiser=organiser,
        hours="",
        starts_on=None,
        ends_on=None,
        issuer=organiser,
        issued_on=award.issued_on or timezone.localdate(),
        verify_url=verify_url(award.code),
        check_code=numbers.check_code(award.code),
        body_template=BODY,
        band=f"{entry.group.name}{entry.subject}学科{LEVELS.get(award.level, '')}",
    )
    return render.render(data)
