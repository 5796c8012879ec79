"""The one NinjaAPI of Peixun, served at /api/v1/ with its OpenAPI document at
/api/v1/openapi.json. Each app mounts its router here. Every refusal answers in one shape,
ErrorOut {code, message, reasons}: a DomainError with its own status, 404 for anything missing or
out of scope, 401 without valid credentials, and 422 when parameters or the body do not validate —
the message naming each wrong field (peixun.core.apierrors). The OpenAPI document declares the 422
(and, where credentials are needed, the 401) answer of every operation with that schema."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as ModelInvalid
from django.http import Http404, HttpResponseRedirect
from django.urls import path
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as ParamsInvalid

from peixun.api.auth import ApiKeyAuth, BrowserSession, RateLimitedError
from peixun.assessment.api import router as assessment_router
from peixun.certificates.api import router as certificates_router
from peixun.core import apierrors
from peixun.core.exceptions import DomainError
from peixun.core.schemas import ErrorOut
from peixun.delivery.api import router as delivery_router
from peixun.imports.api import router as imports_router
from peixun.ledger.api import router as ledger_router
from peixun.training.api import router as training_router
from peixun.training.exceptions import NotEligibleError
from peixun.training.wording import reason_text

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}


def _error_response(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}


# The refusals any operation may answer, all in the one shape ErrorOut (peixun.core.apierrors),
# declared on every operation of the OpenAPI document so that a client — and the fuzz probe
# (ADR 0050) — can rely on them.
SHARED_REFUSALS = {
    400: "The request cannot be handled as sent (code `bad_request` or the refusal's own code).",
    401: "No valid API key and no signed-in session (code `unauthorized`).",
    403: "a role that does not allow it (code `forbidden`).",
    404: "What is asked for does not exist or is outside the caller's org subtree (code `not_found`).",
    409: "The lifecycle does not allow it now; the message says why.",
    422: "The parameters or the body do not validate: code `invalid_request`, a message naming each wrong "
    "field, and one reason per field {code, field, message}.",
    429: "The key made too many calls this minute (code `throttled`, Retry-After).",
}


class PeixunAPI(NinjaAPI):
    """NinjaAPI whose root (/api/v1/) points to the OpenAPI document instead of answering 404
    (its interactive docs page is off: it would load scripts from a CDN), and whose OpenAPI
    document declares the shared error answers of every operation."""

    def _get_urls(self):
        urls = [u for u in super()._get_urls() if getattr(u, "name", None) != "api-root"]
        return [
            *urls,
            path("", lambda request, **kwargs: HttpResponseRedirect("openapi.json"), name="api-root"),
        ]

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas.setdefault("ErrorOut", ErrorOut.model_json_schema())
        actions = self._actions()
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                secured = bool(operation.get("security"))
                action = actions.get(operation.get("operationId", ""))
                if action:
                    operation["x-action"] = action
                    operation["description"] = (
                        operation.get("description", "") + f"\n\nAPI key action: `{action}`."
                    ).strip()
                for status, description in SHARED_REFUSALS.items():
                    if status in (401, 429) and not secured:
                        continue
                    if status == 403 and action:
                        description = (
                            f"An API key without the action `{action}` (code `action_not_allowed`), "
                            f"or {description}"
                        )
                    elif status == 403:
                        description = description[0].upper() + description[1:]
                    responses.setdefault(status, _error_response(description))
        return schema

    def _actions(self) -> dict[str, str]:
        """operationId → the key action its view needs (peixun.core.apiscope.needs)."""
        found = {}
        for _prefix, router in self._routers:
            for path_view in router.path_operations.values():
                for operation in path_view.operations:
                    action = getattr(operation.view_func, "api_action", None)
                    if action:
                        found[operation.operation_id or self.get_openapi_operation_id(operation)] = action
        return found


api = PeixunAPI(
    title="Peixun API",
    version="1",
    description="Teacher training through its whole lifecycle: projects and their moves, enrolment, "
    "classes, lessons, attendance, coursework and scores, results, certificates, ledger entries and "
    "compliance. Authenticate with an API key (X-API-Key header: the key acts for its org subtree with "
    "its role, may take only its actions — each operation names the one it needs — and is limited to "
    "a number of calls a minute, 429 with Retry-After beyond) or a signed-in browser session. "
    "A worked example: docs/api.md.",
    urls_namespace="api",
    auth=[ApiKeyAuth(), BrowserSession()],
    docs_url=None,  # the interactive docs would load scripts from a CDN; the JSON document is served
)
api.add_router("/training/", training_router)
api.add_router("/delivery/", delivery_router)
api.add_router("/imports/", imports_router)
api.add_router("/assessment/", assessment_router)
api.add_router("/certificates/", certificates_router)
api.add_router("/ledger/", ledger_router)


@api.exception_handler(DomainError)
def domain_error(request, error: DomainError):
    body: dict[str, Any] = {"code": error.code, "message": str(error), "reasons": []}
    if isinstance(error, NotEligibleError):
        body["reasons"] = [{"code": r.code, "message": reason_text(r)} for r in error.reasons]
    else:
        body["reasons"] = [{"code": error.code, "message": str(detail)} for detail in error.details()]
    response = api.create_response(request, body, status=error.status)
    if isinstance(error, RateLimitedError):
        response["Retry-After"] = str(error.retry_after)
    return response


@api.exception_handler(ParamsInvalid)
def invalid(request, error: ParamsInvalid):
    return api.create_response(request, apierrors.validation_body(error.errors), status=422)


@api.exception_handler(HttpError)
def http_error(request, error: HttpError):
    """django-ninja's own refusals (credentials missing, a body that is not JSON …) in our shape."""
    if isinstance(error, AuthenticationError):
        return api.create_response(request, apierrors.unauthorized_body(), status=401)
    body = apierrors.http_error_body(error.status_code, str(error))
    return api.create_response(request, body, status=error.status_code)


@api.exception_handler(ModelInvalid)
def model_invalid(request, error: ModelInvalid):
    """A value a model refuses (a code not among its choices, dates in the wrong order …): 422,
    one reason per field, in the words of the model's own validation."""
    fields = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    listed = [
        {"code": "invalid", "field": field, "message": f"{field}: {message}" if field else str(message)}
        for field, messages in fields.items()
        for message in messages
    ]
    problems = _("; ").join(r["message"] for r in listed)
    body = apierrors.error_body(
        apierrors.INVALID_REQUEST, _("The request is not valid: %(problems)s.") % {"problems": problems}
    )
    body["reasons"] = listed
    return api.create_response(request, body, status=422)


@api.exception_handler(Http404)
def not_found(request, error):
    return api.create_response(request, apierrors.not_found_body(), status=404)


@api.exception_handler(PermissionDenied)
def denied(request, error):
    return api.create_response(request, apierrors.forbidden_body(), status=403)
