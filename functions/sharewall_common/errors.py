"""API errors as exceptions, turned into `{"error": {"code", "message"}}` responses in one place."""

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

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
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


class ServiceUnavailable(ApiError):
    status, code = 503, "unavailable"


def error_response(status: int, code: str, message: str) -> Response:
    """The one shape of every error the API returns."""
    return Response(
        status_code=status,
        content_type="application/json",
        body=json.dumps({"error": {"code": code, "message": message}}),
    )


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
        return error_response(exc.status, exc.code, exc.message)

    @app.exception_handler(RequestValidationError)
    def _invalid(exc: RequestValidationError) -> Response:
        return error_response(400, "invalid_request", describe_validation(list(exc.errors())))

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
