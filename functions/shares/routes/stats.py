"""GET /stats: aggregates over a range of days, weeks or months; nothing per person."""

from __future__ import annotations

import os
from datetime import date, timedelta
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from sharewall_common.periods import EARLIEST, LATEST, Granularity, today, zone
from shares.stats import read_buckets, summarise
from sharewall_common.aws import client
from sharewall_common.errors import BadRequest
from sharewall_common.callers import allow, roles
from sharewall_common.identity import STAFF

router = APIGatewayHttpRouter()
TABLE = os.environ.get("APP_TABLE", "")
DEFAULT_SPAN = {"day": timedelta(days=29), "week": timedelta(weeks=11), "month": timedelta(days=334)}
DAYS = f"YYYY-MM-DD, {EARLIEST} to {LATEST}"
MAX_DAYS = {"day": 400, "week": 7 * 260, "month": 31 * 120}  # about 400 days, 5 years, 10 years


def _min_people(value: str) -> int:
    """Periods with fewer active people are withheld (template.yaml's StatsMinimumPeople; 1 shows all)."""
    if not value.isdigit() or int(value) < 1:
        raise RuntimeError(f"STATS_MIN_PEOPLE: {value!r} is not a whole number of at least 1")
    return int(value)


MIN_PEOPLE = _min_people(os.environ.get("STATS_MIN_PEOPLE", "5"))


# Defaults to the last 30 days, 12 weeks or 12 months up to today
@router.get("/stats")
@allow(roles(*STAFF))
def get_stats(
    granularity: Annotated[Granularity, Query()] = "day",
    first: Annotated[date | None, Query(alias="from", description=f"first day, {DAYS}")] = None,
    last: Annotated[date | None, Query(alias="to", description=f"last day, {DAYS}")] = None,
) -> dict:
    for name, day in (("from", first), ("to", last)):
        if day is not None and not EARLIEST <= day <= LATEST:
            raise BadRequest(f"{name}: {day} is outside the statistics' calendar ({EARLIEST} to {LATEST})")
    last = last or today()
    first = first or max(EARLIEST, last - DEFAULT_SPAN[granularity])
    if first > last:
        raise BadRequest(f"from: {first} is after to: {last}")
    if (last - first).days > MAX_DAYS[granularity]:
        raise BadRequest(f"from/to: more than {MAX_DAYS[granularity]} days by {granularity}; "
                         "ask for a shorter range or a coarser granularity")
    buckets = read_buckets(client("dynamodb"), TABLE, first, last, granularity)
    return summarise(buckets, first, last, granularity, zone().key, MIN_PEOPLE)
