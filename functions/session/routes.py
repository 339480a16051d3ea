"""POST /session: a signed-in employee's wall session; DELETE /session: sign-out."""

from __future__ import annotations

import os
import time

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from botocore.exceptions import BotoCoreError, ClientError

from session.cookie import cleared_cookie, lifetime, mint, origin_of, parse_ttl, session_cookie
from sharewall_common.callers import allow, anyone, roles
from sharewall_common.errors import ServiceUnavailable, Unauthorized
from sharewall_common.identity import STAFF
from sharewall_common.secret_values import secret_text

router = APIGatewayHttpRouter()
AUDIENCE = origin_of(os.environ.get("SITE_URL", ""))
TTL = parse_ttl(os.environ.get("SESSION_TTL", "3600"))
MIN_KEY_LENGTH = 32  # HS256 wants a key at least as long as its hash; the template generates 64 characters
KEY_MAX_AGE = 300  # a rotated key is in use everywhere five minutes later (docs/operators.md, job Stack)
NO_STORE = {"Cache-Control": "no-store"}


# The HTTP API's JWT authorizer verified the token; its `exp` bounds the session (claims arrive as text)
def _token_expiry(event: dict) -> int | None:
    claims = (((event.get("requestContext") or {}).get("authorizer") or {}).get("jwt") or {}).get("claims") or {}
    value = claims.get("exp")
    if value is None:
        return None
    try:
        return int(float(str(value)))
    except (ValueError, OverflowError):  # text, NaN, infinity
        raise Unauthorized("the sign-in token's exp is not a time; sign in again") from None


# Read again every few minutes, so a rotated key takes over; a key that cannot be had is the service's fault
def _session_key() -> str:
    try:
        key = secret_text("SESSION_KEY_SECRET_ARN", max_age=KEY_MAX_AGE)
    except (BotoCoreError, ClientError, KeyError):
        raise ServiceUnavailable("sessions cannot be issued right now; try again shortly") from None
    if len(key) < MIN_KEY_LENGTH:
        raise ServiceUnavailable("sessions cannot be issued: the session key is too short")
    return key


# Only staff: the cookie opens the whole wall, which influencers (invite holders) must not read
@router.post("/session")
@allow(roles(*STAFF))
def start_session() -> Response[None]:
    event = router.current_event.raw_event
    now = int(time.time())
    seconds = lifetime(now, TTL, _token_expiry(event))
    if seconds <= 0:
        raise Unauthorized("the sign-in token has expired; sign in again")
    token = mint(_session_key(), AUDIENCE, now, seconds)
    return Response(status_code=204, headers=NO_STORE, cookies=[session_cookie(token, seconds)])


# Anyone may drop the cookie: signing out must work even after the sign-in token has expired
@router.delete("/session")
@allow(anyone)
def end_session() -> Response[None]:
    return Response(status_code=204, headers=NO_STORE, cookies=[cleared_cookie()])
