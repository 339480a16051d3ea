"""GET /suggestions/stats: suggestions received and accepted per period, aggregates only.

A period in which fewer than STATS_MIN_PEOPLE different people suggested is withheld (no numbers, not
in the totals), the small-group rule of GET /stats: no figure describes one person.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from sharewall_common.periods import Granularity, period_keys
from sharewall_common.callers import allow, roles
from sharewall_common.errors import BadRequest
from sharewall_common.identity import STAFF
from sharewall_common.stats_query import DAYS, date_range, min_people
from suggestions import store

router = APIGatewayHttpRouter()
MAX_PERIODS = 400


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
    first, last = date_range(first, last, granularity)
    if (last - first).days > MAX_PERIODS * {"day": 1, "week": 7, "month": 31}[granularity]:
        raise BadRequest(f"from/to: more than {MAX_PERIODS} periods; ask for a shorter range or a coarser granularity")
    keys = period_keys(first, last, granularity)
    minimum = min_people()
    periods, total = summarise(store.stats_items(granularity, keys), keys, minimum)
    return {"granularity": granularity, "from": first.isoformat(), "to": last.isoformat(),
            "minimum_people": minimum, "periods": periods, "total": total}
