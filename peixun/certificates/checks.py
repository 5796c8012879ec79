"""System checks: the PDF font can be found, and the public address that QR codes point to is set
when DEBUG is off."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from peixun.lib import pdf


@register(Tags.compatibility)
def pdf_font(app_configs, **kwargs):
    try:
        pdf.find_font(getattr(settings, "PDF_FONT_PATH", ""))
    except pdf.FontMissing as missing:
        return [Error(str(missing), id="certificates.E001")]
    return []


@register(Tags.security, deploy=True)
def public_url(app_configs, **kwargs):
    if not getattr(settings, "PUBLIC_URL", ""):
        return [
            Warning(
                "PUBLIC_URL is not set: certificate QR codes would point to the development address.",
                id="certificates.W001",
            )
        ]
    return []
