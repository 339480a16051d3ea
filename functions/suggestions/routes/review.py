"""Comms' side: the queue of open suggestions, and the decision: accept (a draft pull request) or decline."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Annotated, Literal

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from sharewall_common.callers import allow, roles
from sharewall_common.clock import today
from sharewall_common.errors import ApiError, BadRequest, NotFound
from suggestions import store, views
from suggestions.models import SUGGESTION_ID, DecisionIn, languages

router = APIGatewayHttpRouter()
logger = Logger(service="suggestions", child=True)
TOPIC = r"^[a-z0-9][a-z0-9-]{0,39}$"


class PublisherFailed(ApiError):
    status, code = 502, "publisher_failed"


# Oldest first: the queue is worked through in the order suggestions came in
@router.get("/suggestions")
@allow(roles("comms"))
def queue(
    status: Annotated[Literal["open", "accepted", "declined"], Query()] = "open",
    language: Annotated[str | None, Query(max_length=10, description="one of the site's languages",
                                          json_schema_extra={"enum": list(languages())})] = None,
    topic: Annotated[str | None, Query(pattern=TOPIC, description="only suggestions with this topic")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=1024, description="`next` of the previous page")] = None,
) -> dict:
    if language is not None and language not in languages():
        raise BadRequest(f"language: must be one of {', '.join(languages())}", code="invalid_request")
    items, next_cursor = store.listing(status, language, topic, limit, cursor)
    return {"items": [views.for_comms(item) for item in items], "next": next_cursor}


@router.post("/suggestions/<suggestion_id>/decision")
@allow(roles("comms"))
def decide(suggestion_id: str, decision: DecisionIn) -> dict:
    suggestion = store.get(suggestion_id) if re.fullmatch(SUGGESTION_ID, suggestion_id) else None
    if suggestion is None:
        raise NotFound(f"no suggestion {suggestion_id[:40]!r} (decided ones are deleted after the retention period)")
    now = datetime.now(timezone.utc)
    if decision.action == "decline":
        decided = store.decline(suggestion, decision.reason or "", now)
        logger.info("suggestion declined", extra={"suggestion": suggestion_id})
        return views.for_comms(decided)
    return views.for_comms(_accept(suggestion, now))


# open -> accepting (one decision wins) -> publish (idempotent) -> accepted; `accepting` again resumes
def _accept(suggestion: dict, now: datetime) -> dict:
    from suggestions.draft import draft_of
    from suggestions.publisher import publisher
    from suggestions.publishing import PublishFailed

    if suggestion["status"] == store.OPEN:
        try:
            suggestion = store.start_accepting(suggestion, now)
        except store.AlreadyDecided:  # a concurrent decision got in first: go on from what it did
            suggestion = store.get(suggestion["id"]) or suggestion
    if suggestion["status"] == store.ACCEPTED:
        return suggestion
    if suggestion["status"] != store.ACCEPTING:
        raise store.AlreadyDecided(f"suggestion is {suggestion['status']}, not open")
    started = datetime.fromisoformat(suggestion["accepting_at"].replace("Z", "+00:00"))
    try:  # the draft as of the accept's start: a retry writes the very same file
        pull = publisher().publish(draft_of(suggestion, started))
    except PublishFailed as error:
        logger.warning("publishing a suggestion failed", extra={"suggestion": suggestion["id"], "why": str(error)})
        raise PublisherFailed(f"{error}; the suggestion stays accepted-in-progress: accept again to finish") from None
    accepted = store.finish_accepting(suggestion, pull.as_dict(), now, today())
    logger.info("suggestion accepted", extra={"suggestion": suggestion["id"], "pull_request": pull.number})
    return accepted
