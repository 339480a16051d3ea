"""What GET /stats and GET /suggestions/stats share: the from/to range asked for and the small-group rule.

Aggregates only: a period in which fewer than STATS_MIN_PEOPLE different people were active is withheld.
"""

from __future__ import annotations

import os
from datetime import date, timedelta

from sharewall_common.clock import today
from sharewall_common.errors import BadRequest
from sharewall_common.periods import EARLIEST, LATEST, Granularity

# Without from: the last 30 days, 12 weeks or 12 months up to `to`
DEFAULT_SPAN = {"day": timedelta(days=29), "week": timedelta(weeks=11), "month": timedelta(days=334)}
DAYS = f"YYYY-MM-DD, {EARLIEST} to {LATEST}"  # the from/to parameters' description


def date_range(first: date | None, last: date | None, granularity: Granularity) -> tuple[date, date]:
    """from and to with their defaults (to: today), or BadRequest when outside the calendar or reversed."""
    for name, day in (("from", first), ("to", last)):
        if day is not None and not EARLIEST <= day <= LATEST:
            raise BadRequest(f"{name}: {day} is outside the statistics' calendar ({EARLIEST} to {LATEST})")
    last = last or today()
    first = first or max(EARLIEST, last - DEFAULT_SPAN[granularity])
    if first > last:
        raise BadRequest(f"from: {first} is after to: {last}")
    return first, last


def min_people() -> int:
    """STATS_MIN_PEOPLE (template.yaml's StatsMinimumPeople, default 5; 1 shows every period)."""
    value = os.environ.get("STATS_MIN_PEOPLE", "5")
    if not value.isdigit() or int(value) < 1:
        raise RuntimeError(f"STATS_MIN_PEOPLE: {value!r} is not a whole number of at least 1")
    return int(value)
