"""The one NinjaAPI of Peixun, served at /api/v1/ with its OpenAPI document at
/api/v1/openapi.json. Each app mounts its router here. Refusals answer as JSON
{code, message}: a DomainError with its own status, 404 for anything missing or out of scope."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import path
from ninja import NinjaAPI

from peixun.api.auth import ApiKeyAuth, BrowserSession
from peixun.delivery.api import router as delivery_router
from peixun.training.api import router as training_router
from peixun.training.exceptions import DomainError, NotEligibleError
from peixun.training.wording import reason_text


class PeixunAPI(NinjaAPI):
    """NinjaAPI whose root (/api/v1/) points to the OpenAPI document instead of answering 404
    (its interactive docs page is off: it would load scripts from a CDN)."""

    def _get_urls(self):
        urls = [u for u in super()._get_urls() if getattr(u, "name", None) != "api-root"]
        return [
            *urls,
            path("", lambda request, **kwargs: HttpResponseRedirect("openapi.json"), name="api-root"),
        ]


api = PeixunAPI(
    title="Peixun API",
    version="1",
    description="Teacher training: projects, eligibility and enrolment. Authenticate with an API key "
    "(X-API-Key header) or a signed-in browser session.",
    urls_namespace="api",
    auth=[ApiKeyAuth(), BrowserSession()],
    docs_url=None,  # the interactive docs would load scripts from a CDN; the JSON document is served
)
api.add_router("/training/", training_router)
api.add_router("/delivery/", delivery_router)


@api.exception_handler(DomainError)
def domain_error(request, error: DomainError):
    body: dict[str, Any] = {"code": error.code, "message": str(error), "reasons": []}
    if isinstance(error, NotEligibleError):
        body["reasons"] = [{"code": r.code, "message": reason_text(r)} for r in error.reasons]
    return api.create_response(request, body, status=error.status)


@api.exception_handler(Http404)
def not_found(request, error):
    return api.create_response(
        request, {"code": "not_found", "message": "Not found", "reasons": []}, status=404
    )


@api.exception_handler(PermissionDenied)
def denied(request, error):
    return api.create_response(
        request, {"code": "forbidden", "message": "Forbidden", "reasons": []}, status=403
    )
