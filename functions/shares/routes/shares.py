"""POST /shares: count one share of a post, exactly once per Idempotency-Key."""

from __future__ import annotations

import os
from typing import Annotated

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Header
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from aws_lambda_powertools.metrics import MetricUnit

from shares.catalogue import Catalogue, CatalogueUnavailable, Entry
from shares.counting import KeyReused, Share, count_share
from sharewall_common.api import IDEMPOTENCY_KEY
from shares.models import SYSTEM, ShareRequest, ShareResponse
from sharewall_common.periods import today
from sharewall_common.aws import client
from sharewall_common.errors import BadRequest, Conflict, ServiceUnavailable
from sharewall_common.callers import allow, current_caller, roles
from sharewall_common.identity import STAFF

router = APIGatewayHttpRouter()
logger = Logger(service="shares", child=True)  # the app configures the handler; routes log through it
metrics = Metrics(service="shares")
TABLE = os.environ.get("APP_TABLE", "")
catalogue = Catalogue()  # the wall's catalogue, read when first needed


# The key makes retries safe: the browser makes one per share and resends it on every retry
@router.post("/shares")
@allow(roles(*STAFF))
def post_share(
    body: ShareRequest,
    idempotency_key: Annotated[str, Header(alias="idempotency-key", pattern=IDEMPOTENCY_KEY,
                                           description="8-128 letters, digits, - or _; one per share")],
) -> Response[ShareResponse]:
    caller = current_caller(router)
    entry = _on_the_wall(body.post, body.network)
    share = Share(body.post, body.network, body.personalised, entry.source, entry.campaign)
    try:
        outcome = count_share(client("dynamodb"), TABLE, idempotency_key, share, caller.subject, today())
    except KeyReused:
        raise Conflict("idempotency-key: already used for a different share; make a new key per share") from None
    if not outcome.replayed:
        metrics.add_dimension(name="network", value=share.network)
        metrics.add_metric(name="Shares", unit=MetricUnit.Count, value=1)
    logger.info("share counted", extra={"network": share.network, "replayed": outcome.replayed})
    answer = ShareResponse(post=share.post, network=share.network, personalised=share.personalised,
                           source=share.source, period=outcome.period, replayed=outcome.replayed)
    return Response(status_code=200 if outcome.replayed else 201, content_type="application/json",
                    body=answer)


# Only posts the wall shows, on the networks they offer (or the share sheet): the counters stay bounded by the catalogue;
# the post's entry gives its source and campaign
def _on_the_wall(post: str, network: str) -> Entry:
    try:
        entry = catalogue.entry(post)
    except CatalogueUnavailable:
        raise ServiceUnavailable("the wall's catalogue cannot be read right now; retry with the same key") from None
    if entry is None:
        raise BadRequest(f"post: {post!r} is not on the wall", code="unknown_post")
    if network != SYSTEM and network not in entry.networks:
        raise BadRequest(f"network: {post!r} is not offered on {network}", code="network_not_offered")
    return entry
