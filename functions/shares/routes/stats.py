"""GET /stats, GET /stats/export.csv and GET /stats/goals: aggregates over a range of days, weeks or months, the
campaigns' goals; nothing per person."""

from __future__ import annotations

import os
from datetime import date
from typing import Annotated

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from shares.export import stats_csv
from shares.goals import goals
from sharewall_common.periods import Granularity, today, zone
from shares.stats import read_buckets, summarise
from sharewall_common.aws import client
from sharewall_common.csv_text import Dialect
from sharewall_common.errors import BadRequest
from sharewall_common.callers import allow, roles
from sharewall_common.identity import STAFF
from sharewall_common.published import Published, Unavailable
from sharewall_common.stats_query import DAYS, date_range, min_people

router = APIGatewayHttpRouter()
logger = Logger(service="shares", child=True)
TABLE = os.environ.get("APP_TABLE", "")
MAX_DAYS = {"day": 400, "week": 7 * 260, "month": 31 * 120}  # about 400 days, 5 years, 10 years
MIN_PEOPLE = min_people()  # periods with fewer active people are withheld (1 shows all)
campaigns: Published | None = None  # their goals, as the build published them: set up at the first read


# Defaults to the last 30 days, 12 weeks or 12 months up to today
@router.get("/stats")
@allow(roles(*STAFF))
def get_stats(
    granularity: Annotated[Granularity, Query()] = "day",
    first: Annotated[date | None, Query(alias="from", description=f"first day, {DAYS}")] = None,
    last: Annotated[date | None, Query(alias="to", description=f"last day, {DAYS}")] = None,
) -> dict:
    return _summary(granularity, first, last)


# The page's aggregates for spreadsheets; `dialect=de` as the claims export (';', decimal comma, TT.MM.JJJJ)
@router.get("/stats/export.csv")
@allow(roles("comms"))
def export_stats(
    granularity: Annotated[Granularity, Query()] = "day",
    first: Annotated[date | None, Query(alias="from", description=f"first day, {DAYS}")] = None,
    last: Annotated[date | None, Query(alias="to", description=f"last day, {DAYS}")] = None,
    dialect: Annotated[Dialect, Query()] = "standard",
):
    summary = _summary(granularity, first, last)
    name = f"sharewall-stats-{summary['from']}-{summary['to']}-{granularity}{'-de' if dialect == 'de' else ''}.csv"
    return Response(200, "text/csv; charset=utf-8", stats_csv(summary, dialect),
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


# The goals of the campaigns running today, for the wall's cards of their posts (a few reads, not the whole statistics)
@router.get("/stats/goals")
@allow(roles(*STAFF))
def get_goals() -> dict:
    day = today()
    return {"goals": goals(client("dynamodb"), TABLE, _campaigns(), day, day, day, MIN_PEOPLE), "min_people": MIN_PEOPLE}


# Shares, clicks and the running campaigns' goals of one range, under the small-group rule
def _summary(granularity: Granularity, first: date | None, last: date | None) -> dict:
    first, last = date_range(first, last, granularity)
    if (last - first).days > MAX_DAYS[granularity]:
        raise BadRequest(f"from/to: more than {MAX_DAYS[granularity]} days by {granularity}; "
                         "ask for a shorter range or a coarser granularity")
    buckets = read_buckets(client("dynamodb"), TABLE, first, last, granularity)
    summary = summarise(buckets, first, last, granularity, zone().key, MIN_PEOPLE)
    summary["goals"] = goals(client("dynamodb"), TABLE, _campaigns(), first, last, today(), MIN_PEOPLE)
    return summary


# The published campaigns; without them (not published yet, unreadable) the statistics come without goals.
# Their model (pydantic, regex) is imported here, at the first statistics read, not at every cold start
def _campaigns() -> dict:
    global campaigns
    if campaigns is None:
        from sharewall_common.campaigns import PUBLISHED_NAME, campaigns_from_published

        campaigns = Published(PUBLISHED_NAME, campaigns_from_published, service="shares")
    try:
        return campaigns.get()
    except Unavailable:
        return {}
