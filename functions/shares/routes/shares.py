"""POST /shares: count one share of a post, exactly once per Idempotency-Key."""

from __future__ import annotations

import os
from typing import Annotated

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Header
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from aws_lambda_powertools.metrics import MetricUnit

from shares.counting import KeyReused, Share, count_share
from shares.models import IDEMPOTENCY_KEY, ShareRequest, ShareResponse
from shares.periods import today
from sharewall_common.aws import client
from sharewall_common.errors import Conflict
from sharewall_common.identity import STAFF, identity_of

router = APIGatewayHttpRouter()
logger = Logger(service="shares", child=True)  # the app configures the handler; routes log through it
metrics = Metrics(service="shares")
TABLE = os.environ.get("APP_TABLE", "")
UNKNOWN_SOURCE = "unknown"


# The key makes retries safe: the browser makes one per share and resends it on every retry
@router.post("/shares")
def post_share(
    body: ShareRequest,
    idempotency_key: Annotated[str, Header(alias="idempotency-key", pattern=IDEMPOTENCY_KEY,
                                           description="8-128 letters, digits, - or _; one per share")],
) -> Response[ShareResponse]:
    caller = identity_of(router.current_event.raw_event).require(*STAFF)
    share = Share(body.post, body.network, body.personalised, body.source or UNKNOWN_SOURCE)
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
