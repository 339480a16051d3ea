"""GET /suggestions/stats: suggestions received and accepted per period, aggregates only.

A period in which fewer than STATS_MIN_PEOPLE different people suggested is withheld (no numbers, not
in the totals), the small-group rule of GET /stats: no figure describes one person.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from sharewall_common.periods import EARLIEST, LATEST, Granularity, period_keys
from sharewall_common.callers import allow, roles
from sharewall_common.clock import today
from sharewall_common.errors import BadRequest
from sharewall_common.identity import STAFF
from suggestions import store

router = APIGatewayHttpRouter()
DEFAULT_SPAN = {"day": timedelta(days=29), "week": timedelta(weeks=11), "month": timedelta(days=334)}
MAX_PERIODS = 400
DAYS = f"YYYY-MM-DD, {EARLIEST} to {LATEST}"


def min_people() -> int:
    value = os.environ.get("STATS_MIN_PEOPLE", "5")
    if not value.isdigit() or int(value) < 1:
        raise RuntimeError(f"STATS_MIN_PEOPLE: {value!r} is not a whole number of at least 1")
    return int(value)


def summarise(items: dict[str, dict], keys: list[str], minimum: int) -> tuple[list[dict], dict]:
    """The rows of every period (zeros included) and the totals of the periods shown."""
    periods, received, accepted = [], 0, 0
    for key in keys:
        item = items.get(key) or {}
        if 0 < item.get("people", 0) < minimum:
            periods.append({"period": key, "received": None, "accepted": None, "withheld": True})
            continue
        periods.append({"period": key, "received": item.get("received", 0), "accepted": item.get("accepted", 0),
                        "withheld": False})
        received += item.get("received", 0)
        accepted += item.get("accepted", 0)
    return periods, {"received": received, "accepted": accepted}


@router.get("/suggestions/stats")
@allow(roles(*STAFF))
def suggestion_stats(
    granularity: Annotated[Granularity, Query()] = "month",
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
    if (last - first).days > MAX_PERIODS * {"day": 1, "week": 7, "month": 31}[granularity]:
        raise BadRequest(f"from/to: more than {MAX_PERIODS} periods; ask for a shorter range or a coarser granularity")
    keys = period_keys(first, last, granularity)
    minimum = min_people()
    periods, total = summarise(store.stats_items(granularity, keys), keys, minimum)
    return {"granularity": granularity, "from": first.isoformat(), "to": last.isoformat(),
            "minimum_people": minimum, "periods": periods, "total": total}
