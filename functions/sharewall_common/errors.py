"""API errors as exceptions, turned into `{"error": {"code", "message"}}` responses in one place.

A refusal of particular fields also carries `fields`: one `{"field", "code", ...params}` per problem, e.g.
`{"field": "payee.iban", "code": "iban_invalid"}` or `{"field": "lines[2].gross", "code": "category_limit",
"limit": "90.00", "category": "meals"}`, so pages can say it in their language next to the field. `message`
stays for people reading logs and for callers without a translation; neither holds the input itself.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)


class ApiError(Exception):
    """A request the API refuses; `status` and `code` say how, the message says why (never personal data)."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, fields: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or None
        if code:
            self.code = code


class BadRequest(ApiError):
    status, code = 400, "bad_request"


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class NotFound(ApiError):
    status, code = 404, "not_found"


class Conflict(ApiError):
    status, code = 409, "conflict"


class Gone(ApiError):
    status, code = 410, "gone"


class PayloadTooLarge(ApiError):
    status, code = 413, "payload_too_large"


class UnsupportedMediaType(ApiError):
    status, code = 415, "unsupported_media_type"


class TooManyRequests(ApiError):
    status, code = 429, "too_many_requests"


class ServiceUnavailable(ApiError):
    status, code = 503, "unavailable"


def error_response(status: int, code: str, message: str, fields: list[dict[str, Any]] | None = None) -> Response:
    """The one shape of every error the API returns (`fields` only when the refusal names fields)."""
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return Response(status_code=status, content_type="application/json", body=json.dumps({"error": error}))


def field_path(location) -> str:
    """A location as pages name fields: ('body', 'lines', 2, 'gross') -> 'lines[2].gross'; the body itself is 'body'."""
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part != "body" or path:
            path += ("." if path else "") + str(part)
    return path or "body"


# Pydantic's error types -> the API's codes for them (a custom PydanticCustomError type is its own code)
VALIDATION_CODES = {
    "missing": "required", "string_too_short": "too_short", "string_too_long": "too_long",
    "too_short": "too_few", "too_long": "too_many", "string_pattern_mismatch": "invalid_format",
    "literal_error": "not_allowed", "enum": "not_allowed", "extra_forbidden": "unknown_field",
    "greater_than": "too_small", "greater_than_equal": "too_small", "less_than": "too_large",
    "less_than_equal": "too_large", "json_invalid": "malformed_json", "value_error": "invalid",
}
# what of pydantic's context a page may use in its sentence (never the input)
VALIDATION_PARAMS = {"min_length": "min", "max_length": "max", "gt": "limit", "ge": "limit", "lt": "limit",
                     "le": "limit", "expected": "expected"}


def validation_fields(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pydantic/Powertools validation errors as `{field, code, ...params}`, one per field and code, in order."""
    found, seen = [], set()
    for error in errors:
        kind = str(error.get("type", "invalid"))
        if kind.endswith("_parsing") and kind.startswith(("date", "datetime")) or kind in ("date_type", "date_from_datetime_inexact"):
            code = "invalid_date"
        elif kind.endswith(("_type", "_parsing")):
            code = "wrong_type"
        else:
            code = VALIDATION_CODES.get(kind, kind)
        context = error.get("ctx") or {}
        location = (*error.get("loc", ()), *([context["at"]] if isinstance(context.get("at"), str) else []))
        if code == "malformed_json":
            location = ("body",)  # Powertools puts the character position where a field would be
        item = {"field": field_path(location), "code": code}
        if code == kind:  # our own codes (claims.model.refusal) carry their own parameters
            item.update({name: str(value) for name, value in context.items()
                         if name not in ("at", "message") and isinstance(value, (str, int, float))})
        else:
            item.update({VALIDATION_PARAMS[name]: str(value) for name, value in context.items() if name in VALIDATION_PARAMS})
        if (item["field"], code) not in seen:
            seen.add((item["field"], code))
            found.append(item)
    return found


def describe_validation(errors: list[dict[str, Any]]) -> str:
    """Pydantic/Powertools validation errors as `where: what` sentences naming each field."""
    parts = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part != "body" or len(error["loc"]) == 1]
        where = ".".join(location) or "body"
        if error.get("type") == "json_invalid":
            detail = (error.get("ctx") or {}).get("error", "")
            parts.append(f"body: malformed JSON ({detail})" if detail else "body: malformed JSON")
        elif error.get("type") == "missing":
            parts.append(f"{where}: required")
        else:
            parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def register_error_handlers(app, logger=None) -> None:
    """Map ApiError, validation errors, unknown routes and anything unexpected to JSON, once per resolver."""

    @app.exception_handler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        return error_response(exc.status, exc.code, exc.message, exc.fields)

    @app.exception_handler(RequestValidationError)
    def _invalid(exc: RequestValidationError) -> Response:
        errors = list(exc.errors())
        return error_response(400, "invalid_request", describe_validation(errors), validation_fields(errors))

    @app.exception_handler(RequestUnsupportedContentType)
    def _unsupported(_exc: RequestUnsupportedContentType) -> Response:
        return error_response(415, "unsupported_media_type", "content-type: send the body as application/json")

    @app.not_found
    def _not_found(_exc: Exception) -> Response:
        return error_response(404, "not_found", "no such route")

    @app.exception_handler(Exception)
    def _unexpected(exc: Exception) -> Response:
        if logger is not None:
            logger.exception("unexpected error", extra={"error_type": type(exc).__name__})
        return error_response(500, "internal", "internal error; the request may be retried with the same key")
