"""Days, ISO weeks and months as sortable keys, in the site's timezone: the periods of every statistic."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Literal

from sharewall_common.clock import today as today  # re-exported: the functions ask for today here and in clock
from sharewall_common.clock import zone

Granularity = Literal["day", "week", "month"]
GRANULARITIES: tuple[Granularity, ...] = ("day", "week", "month")
# The calendar the statistics cover: far from date.min/date.max, so period arithmetic never overflows
EARLIEST, LATEST = date(2000, 1, 1), date(2199, 12, 31)


def period_key(day: date, granularity: Granularity) -> str:
    """`2026-11-26`, `2026-W48` or `2026-11`: keys that sort in time order as strings."""
    if granularity == "day":
        return day.isoformat()
    if granularity == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day.year}-{day.month:02d}"


def period_start(day: date, granularity: Granularity) -> date:
    if granularity == "day":
        return day
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def next_period(start: date, granularity: Granularity) -> date:
    if granularity == "day":
        return start + timedelta(days=1)
    if granularity == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def period_keys(first: date, last: date, granularity: Granularity) -> list[str]:
    """Every period key from the one holding `first` to the one holding `last`."""
    keys, current = [], period_start(first, granularity)
    while current <= last:
        keys.append(period_key(current, granularity))
        current = next_period(current, granularity)
    return keys


def period_end_epoch(day: date, granularity: Granularity) -> int:
    """The end of the period holding `day` as a Unix time: when its people markers may expire."""
    end = next_period(period_start(day, granularity), granularity)
    return int(datetime(end.year, end.month, end.day, tzinfo=zone()).astimezone(timezone.utc).timestamp())
