"""The employee's side: suggest a post (idempotent, at most 10 a day) and see their own suggestions."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Header, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from sharewall_common.callers import allow, current_caller, roles
from sharewall_common.clock import today
from sharewall_common.identity import STAFF, display_name
from suggestions import store, views
from sharewall_common.api import IDEMPOTENCY_KEY
from suggestions.models import SuggestionIn

router = APIGatewayHttpRouter()
logger = Logger(service="suggestions", child=True)
PAGE = 50


# The key makes the form's retries safe: the page makes one per submission and resends it with every retry
@router.post("/suggestions")
@allow(roles(*STAFF))
def suggest(
    body: SuggestionIn,
    idempotency_key: Annotated[str, Header(alias="idempotency-key", pattern=IDEMPOTENCY_KEY,
                                           description="8-128 letters, digits, - or _; one per submission")],
) -> Response[dict]:
    caller = current_caller(router)
    # the token's name is kept only when the suggester asks to be named
    name = display_name(router.current_event.raw_event) if body.name_me else None
    suggestion, replayed = store.add(body.model_dump(), caller.subject, idempotency_key, name,
                                     datetime.now(timezone.utc), today())
    logger.info("suggestion stored", extra={"suggestion": suggestion["id"], "replayed": replayed})
    return Response(status_code=200 if replayed else 201, content_type="application/json", body=views.own(suggestion))


@router.get("/suggestions/mine")
@allow(roles(*STAFF))
def mine(cursor: Annotated[str | None, Query(max_length=1024, description="`next` of the previous page")] = None) -> dict:
    caller = current_caller(router)
    items, next_cursor = store.mine(caller.subject, PAGE, cursor)
    return {"items": [views.own(item) for item in items], "next": next_cursor, "roles": sorted(caller.roles)}
