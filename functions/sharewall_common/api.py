"""The resolver every function uses: HTTP API v2, callers checked first, bodies screened, errors mapped once.

Per request, in this order: the route's declared callers (sharewall_common.callers; 401/403), then the
raw input (body encoding and size, content type, Content-Length; 4xx), then Powertools' validation of
path, query, headers and body against the route's annotations, then the route.
"""

from __future__ import annotations

import base64
import binascii
import json

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

from sharewall_common.callers import CONTEXT_KEY, check_of
from sharewall_common.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType, register_error_handlers

MAX_BODY_BYTES = 4096
# An Idempotency-Key header: a random token the browser makes once per share or submission and resends
# with its retries (e.g. a UUID)
IDEMPOTENCY_KEY = r"^[A-Za-z0-9_-]{8,128}$"
STAGE_PREFIXES = ["/api"]  # CloudFront sends /api/... to the stage `api`; rawPath may keep the prefix
# What this resolver refuses before a route runs, as (status, codes, only where a body is read): the
# OpenAPI documents list these on every route (site_builder/responses.py); keep it in step with screen,
# capped_json and errors.register_error_handlers
RESOLVER_REFUSALS = (
    (400, ("bad_request", "invalid_request"), False),
    (415, ("unsupported_media_type",), False),
    (413, ("payload_too_large",), True),
)


def _no_constants(name: str):
    raise BadRequest(f"body: {name} is not a JSON number")


def capped_json(limit: int):
    """A JSON body parser that refuses bodies over `limit` bytes before parsing them, and what JSON can't hold."""

    def parse(text: str):
        size = len(text.encode("utf-8", "surrogatepass")) if isinstance(text, str) else len(text)
        if size > limit:
            raise PayloadTooLarge(f"body: {size} bytes is over the limit of {limit} bytes")
        try:
            return json.loads(text, parse_constant=_no_constants)
        except json.JSONDecodeError:
            raise  # Powertools reports it as malformed JSON with the position
        except RecursionError:
            raise BadRequest("body: nested too deeply") from None
        except ValueError as error:  # e.g. an integer of more than 4300 digits
            raise BadRequest(f"body: not usable JSON ({error})"[:200]) from None

    return parse


def screen(event) -> None:
    """Refuse raw input the validation could not read: a body that is not UTF-8 JSON text, a bad Content-Length."""
    headers = event.headers or {}
    length = str(headers.get("content-length") or "").strip()
    if length and not length.isdigit():
        raise BadRequest(f"content-length: {length[:20]!r} is not a number of bytes")
    kind = str(headers.get("content-type") or "").split(";")[0].strip().lower()
    # Powertools parses form bodies itself, even empty ones (multipart without a boundary raises): JSON only
    if kind and kind != "application/json" and (event.body or kind.startswith(("multipart/", "application/x-www-form-urlencoded"))):
        raise UnsupportedMediaType(f"content-type: {kind[:60]!r} is not accepted; send the body as application/json")
    if not event.body:
        return
    if event.is_base64_encoded:
        try:
            base64.b64decode(event.body, validate=True)
        except (binascii.Error, ValueError):
            raise BadRequest("body: marked base64 but is not base64") from None
    try:
        event.decoded_body  # noqa: B018 (decoded once here, kept by Powertools for the parser)
    except ValueError:  # UnicodeDecodeError
        raise BadRequest("body: not UTF-8 text") from None


class SharewallResolver(APIGatewayHttpResolver):
    """Powertools' HTTP API resolver with the callers check and the input screen before its validation."""

    # Powertools validates input in the first middleware of a route; this runs before all of them
    def _call_route(self, route, route_arguments):
        check = check_of(route.func)
        try:
            if check is not None:
                self.append_context(**{CONTEXT_KEY: check(self.current_event.raw_event)})
            elif self._is_registered(route):
                raise RuntimeError(f"route {route.method} {route.path} declares no callers")
            screen(self.current_event)
        except Exception as error:
            handled = self._call_exception_handler(error, route)
            if handled is None:
                raise
            return handled
        return super()._call_route(route, route_arguments)

    def _is_registered(self, route) -> bool:
        return any(known is route for known in self._static_routes + self._dynamic_routes)

    # Every route says who may call it: a route without `@allow(...)` fails the function's cold start
    def include_router(self, router, prefix: str | None = None) -> None:
        super().include_router(router, prefix)
        missing = [f"{route.method} {route.path}" for route in self._static_routes + self._dynamic_routes
                   if check_of(route.func) is None]
        if missing:
            raise RuntimeError(f"routes without @allow(...) from sharewall_common.callers: {', '.join(missing)}")


def make_resolver(logger=None, max_body_bytes: int = MAX_BODY_BYTES) -> SharewallResolver:
    """The resolver with validation on, bodies capped, callers checked first and the error mapping registered."""
    app = SharewallResolver(enable_validation=True, json_body_deserializer=capped_json(max_body_bytes),
                            strip_prefixes=STAGE_PREFIXES)
    register_error_handlers(app, logger)
    return app
