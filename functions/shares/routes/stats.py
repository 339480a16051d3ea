"""GET /stats: aggregates over a range of days, weeks or months; nothing per person."""

from __future__ import annotations

import os
from datetime import date
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from sharewall_common.periods import Granularity, zone
from shares.stats import read_buckets, summarise
from sharewall_common.aws import client
from sharewall_common.errors import BadRequest
from sharewall_common.callers import allow, roles
from sharewall_common.identity import STAFF
from sharewall_common.stats_query import DAYS, date_range, min_people

router = APIGatewayHttpRouter()
TABLE = os.environ.get("APP_TABLE", "")
MAX_DAYS = {"day": 400, "week": 7 * 260, "month": 31 * 120}  # about 400 days, 5 years, 10 years
MIN_PEOPLE = min_people()  # periods with fewer active people are withheld (1 shows all)


# Defaults to the last 30 days, 12 weeks or 12 months up to today
@router.get("/stats")
@allow(roles(*STAFF))
def get_stats(
    granularity: Annotated[Granularity, Query()] = "day",
    first: Annotated[date | None, Query(alias="from", description=f"first day, {DAYS}")] = None,
    last: Annotated[date | None, Query(alias="to", description=f"last day, {DAYS}")] = None,
) -> dict:
    first, last = date_range(first, last, granularity)
    if (last - first).days > MAX_DAYS[granularity]:
        raise BadRequest(f"from/to: more than {MAX_DAYS[granularity]} days by {granularity}; "
                         "ask for a shorter range or a coarser granularity")
    buckets = read_buckets(client("dynamodb"), TABLE, first, last, granularity)
    return summarise(buckets, first, last, granularity, zone().key, MIN_PEOPLE)
