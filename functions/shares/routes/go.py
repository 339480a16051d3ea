"""GET /go/{post}/{network}: the shared link on the wall's own domain; one click counted, then the post's link.

Anyone may follow it (CloudFront's /go/* behaviour sends it here, past the wall gate). The answer is a 302 to
the UTM link the build published for that post and network (never a URL from the request), also when
counting fails: a reader is never kept from the article. HEAD, link-preview crawlers and prefetches are
redirected and not counted. Nothing of the requester is stored or logged.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from aws_lambda_powertools.metrics import MetricUnit

from shares.catalogue import Catalogue, CatalogueUnavailable, Entry
from shares.clicks import count_click
from shares.crawlers import counts_as_click
from shares.models import NETWORKS, SLUG, SYSTEM
from sharewall_common.aws import client
from sharewall_common.callers import allow, anyone
from sharewall_common.errors import NotFound, ServiceUnavailable
from sharewall_common.periods import today

router = APIGatewayHttpRouter()
logger = Logger(service="shares", child=True)
metrics = Metrics(service="shares")
TABLE = os.environ.get("APP_TABLE", "")
catalogue = Catalogue()  # the wall's catalogue: each post's networks, UTM links and active window
_SLUG = re.compile(SLUG)
_NETWORKS = frozenset(NETWORKS) | {SYSTEM}


# A shared link: redirect first in importance, count when it is a person's click
@router.route("/go/<post>/<network>", method=["GET", "HEAD"])
@allow(anyone)
def follow(post: str, network: str):
    entry = _entry(post, network)
    event = router.current_event
    headers = {key.lower(): value for key, value in (event.headers or {}).items()}
    if entry.track and counts_as_click(event.http_method, headers):
        _count(event.request_context.request_id, post, network, entry.campaign)
    return Response(status_code=302, headers={"Location": entry.links[network], "Cache-Control": "no-store"})


# An active post with a published UTM link for the network (one of its own, or the share sheet); 404 for anything else
def _entry(post: str, network: str) -> Entry:
    if not _SLUG.match(post) or network not in _NETWORKS:
        raise NotFound("no such shared link", code="unknown_link")
    try:
        entry = catalogue.entry(post)
    except CatalogueUnavailable:
        raise ServiceUnavailable("the wall's catalogue cannot be read right now; try the link again") from None
    if entry is None or not entry.active(datetime.now(timezone.utc)):
        raise NotFound(f"post: {post!r} is not on the wall", code="unknown_post")
    if (network != SYSTEM and network not in entry.networks) or network not in entry.links:
        raise NotFound(f"network: {post!r} is not shared on {network}", code="network_not_offered")
    return entry


# Counting never stands between the reader and the article: a failure is logged (no request data) and measured
def _count(request_id: str, post: str, network: str, campaign: str | None) -> None:
    try:
        if count_click(client("dynamodb"), TABLE, request_id, post, network, today(), campaign):
            metrics.add_metric(name="Clicks", unit=MetricUnit.Count, value=1)
    except Exception as error:  # noqa: BLE001 (any failure: the redirect still goes out)
        logger.warning("click not counted", extra={"error": type(error).__name__})
        metrics.add_metric(name="ClicksNotCounted", unit=MetricUnit.Count, value=1)
