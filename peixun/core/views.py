"""What every app's views share: the way back to the page a form came from, and a file download.
(A refused action is shown by peixun.core.refusals.refuse.)"""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import content_disposition_header

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def back(request: HttpRequest, fallback: str, *args) -> HttpResponseRedirect:
    """Redirect to the page the form came from (same site only), else `fallback`."""
    target = request.POST.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(fallback, *args)


def download(content: bytes, filename: str, content_type: str = XLSX_TYPE) -> HttpResponse:
    """The bytes as a file to save, named `filename`."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)  # type: ignore[assignment]  # never None for an attachment
    response["X-Content-Type-Options"] = "nosniff"
    return response
