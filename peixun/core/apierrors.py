"""The JSON API's refusals in its one error shape, {code, message, reasons}, every message translated
(English source, Chinese by default): validation errors — one message naming every field that is
wrong and why, and one reason per field, built from the error list pydantic and django-ninja
produce (type, loc, ctx), never echoing the value sent (it may be an ID number) —, and the answers
for what is missing or out of scope (404), refused (403), unauthenticated (401), unreadable (400)
and too frequent (429), each saying what to do."""

from collections.abc import Iterable, Mapping, Sequence

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

INVALID_REQUEST = "invalid_request"
NOT_FOUND = "not_found"
FORBIDDEN = "forbidden"
UNAUTHORIZED = "unauthorized"
HTTP_ERROR_CODES = {400: "bad_request", 401: UNAUTHORIZED, 403: FORBIDDEN, 404: NOT_FOUND, 429: "throttled"}
# What django-ninja says, in English, when it refuses on its own.
NINJA_UNPARSABLE_BODY = "Cannot parse request body"
NINJA_CSRF_FAILED = "CSRF check Failed"
PLACES = ("query", "path", "body", "form", "header", "cookie", "file")
MAX_REASONS = 20


def _place_label(place: str, name: str) -> str:
    labels = {
        "query": gettext_lazy("query parameter %(name)s"),
        "path": gettext_lazy("path parameter %(name)s"),
        "body": gettext_lazy("body field %(name)s"),
        "form": gettext_lazy("form field %(name)s"),
        "header": gettext_lazy("header %(name)s"),
        "cookie": gettext_lazy("cookie %(name)s"),
        "file": gettext_lazy("file %(name)s"),
    }
    return str(labels.get(place, labels["body"])) % {"name": name}


def field_path(loc: Sequence) -> tuple[str, str]:
    """(place, dotted path) of an error's location: ("query", "limit"), ("body", "rows[0].id_number").
    django-ninja puts the body parameter's own name after "body"; it is left out."""
    parts = list(loc)
    place = "body"
    if parts and parts[0] in PLACES:
        place = parts.pop(0)
        if place == "body" and len(parts) > 1 and isinstance(parts[0], str):
            parts.pop(0)
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + str(part)
    return place, path


def _problem(kind: str, ctx: Mapping) -> str:
    """Why a value was refused, in words."""
    limit = next((ctx[key] for key in ("ge", "gt", "le", "lt", "max_length", "min_length") if key in ctx), "")
    if kind == "missing":
        return _("is required")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("must be a whole number")
    if kind in ("float_parsing", "float_type", "decimal_parsing", "decimal_type"):
        return _("must be a number")
    if kind in ("bool_parsing", "bool_type"):
        return _("must be true or false")
    if kind in ("string_type", "string_unicode"):
        return _("must be text")
    if kind in ("date_parsing", "date_type", "date_from_datetime_parsing"):
        return _("must be a date such as 2026-09-01")
    if kind in ("datetime_parsing", "datetime_type", "datetime_from_date_parsing"):
        return _("must be a date and time such as 2026-09-01T08:30:00+08:00")
    if kind in ("list_type", "tuple_type", "set_type"):
        return _("must be a list")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("must be an object")
    if kind in ("greater_than_equal",):
        return _("must be at least %(limit)s") % {"limit": limit}
    if kind in ("greater_than",):
        return _("must be more than %(limit)s") % {"limit": limit}
    if kind in ("less_than_equal",):
        return _("must be at most %(limit)s") % {"limit": limit}
    if kind in ("less_than",):
        return _("must be less than %(limit)s") % {"limit": limit}
    if kind in ("string_too_long", "too_long"):
        return _("is too long (at most %(limit)s)") % {"limit": limit}
    if kind in ("string_too_short", "too_short"):
        return _("is too short (at least %(limit)s)") % {"limit": limit}
    if kind in ("enum", "literal_error"):
        return _("must be one of %(choices)s") % {"choices": ctx.get("expected", "")}
    if kind == "extra_forbidden":
        return _("is not expected")
    if kind in ("decimal_max_digits", "decimal_max_places", "decimal_whole_digits"):
        return _("has too many digits")
    return _("is not valid")


def reasons(errors: Iterable[Mapping]) -> list[dict]:
    """One {code, field, message} per error (at most MAX_REASONS), in the order given."""
    found: list[dict] = []
    for error in errors:
        if len(found) == MAX_REASONS:
            break
        kind = str(error.get("type", ""))
        if kind == "json_invalid":
            found.append({"code": kind, "field": "", "message": _("the request body is not valid JSON")})
            continue
        place, path = field_path(error.get("loc", ()))
        label = _place_label(place, path) if path else _("the request body")
        found.append(
            {
                "code": kind or "invalid",
                "field": path,
                "message": f"{label} {_problem(kind, error.get('ctx') or {})}",
            }
        )
    return found


def validation_body(errors: Iterable[Mapping]) -> dict:
    """The API's answer to a request whose parameters or body do not validate (status 422)."""
    listed = reasons(errors)
    summary = _("; ").join(reason["message"] for reason in listed) or _("the request is not valid")
    return {
        "code": INVALID_REQUEST,
        "message": _("The request is not valid: %(problems)s.") % {"problems": summary},
        "reasons": listed,
    }


def error_body(code: str, message: str) -> dict:
    return {"code": code, "message": message, "reasons": []}


def not_found_body() -> dict:
    """A missing object and one outside the caller's scope answer alike (404)."""
    return error_body(NOT_FOUND, _("Not found: it does not exist, or you may not see it."))


def forbidden_body() -> dict:
    return error_body(
        FORBIDDEN,
        _("You may not do this: none of your roles allows it. Ask an administrator of your organisation."),
    )


def unauthorized_body() -> dict:
    return error_body(UNAUTHORIZED, _("Sign in, or send a valid API key in the X-API-Key header."))


def http_error_body(status: int, text: str) -> dict:
    """django-ninja's own refusals (credentials missing, a body that is not JSON, the CSRF check of
    a browser session, throttling), their English text replaced by ours."""
    if status == 401:
        return unauthorized_body()
    if status == 400 and text.startswith(NINJA_UNPARSABLE_BODY):
        message = _("The request body is not valid JSON.")
    elif status == 403 and text == NINJA_CSRF_FAILED:
        message = _("The security check (CSRF) failed: reload the page and try again, or use an API key.")
    elif status == 403:
        return forbidden_body()
    elif status == 404:
        return not_found_body()
    elif status == 429:
        message = _("Too many requests: wait a moment and try again.")
    else:
        message = _("The request could not be handled.")
    return error_body(HTTP_ERROR_CODES.get(status, "error"), message)
