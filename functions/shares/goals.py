"""Campaign goals (`goal: {shares, clicks}` in campaigns.yml): how far everyone got together, never per person.

The counts are the campaign's counters (`camp:<key>`, `click:camp:<key>`) in the day items from the
campaign's first day to its last (or today), summed over the days that are not withheld under the
small-group rule (shares.stats.withheld): the same figures the statistics show, never more.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from shares.stats import Bucket, read_buckets, withheld

if TYPE_CHECKING:  # the model (pydantic, regex) is imported where campaigns are read, never at cold start
    from sharewall_common.campaigns import PublishedCampaign

MAX_DAYS = 400  # a longer campaign counts its most recent 400 days (the statistics' own limit by day)


def running_between(campaign: PublishedCampaign, first: date, last: date) -> bool:
    """Whether a campaign with a goal ran at some day from `first` to `last`."""
    return campaign.goal is not None and campaign.start <= last and first <= campaign.end


def progress(campaign: PublishedCampaign, buckets: dict[str, Bucket], min_people: int) -> dict:
    """The campaign's goal and progress; `progress` is None while every day it was shared on is withheld."""
    shares = clicks = hidden = 0
    for bucket in buckets.values():
        counted = bucket.campaigns[campaign.key] + bucket.click_campaigns[campaign.key]
        if withheld(bucket, min_people):
            hidden += 1 if counted else 0
            continue
        shares += bucket.campaigns[campaign.key]
        clicks += bucket.click_campaigns[campaign.key]
    shown = None if hidden and not (shares or clicks) else {"shares": shares, "clicks": clicks}
    return {"campaign": campaign.key, "name": campaign.name, "start": campaign.start.isoformat(),
            "end": campaign.end.isoformat(), "goal": campaign.goal.model_dump(exclude_none=True),
            "progress": shown, "withheld": shown is None}


def goals(client, table: str, campaigns: dict[str, PublishedCampaign], first: date, last: date, today: date,
          min_people: int) -> list[dict]:
    """The goals of the campaigns running in `first`..`last`, each with its progress up to today."""
    found = []
    for campaign in sorted(campaigns.values(), key=lambda c: (c.start, c.key)):
        if not running_between(campaign, first, last):
            continue
        end = min(campaign.end, today)
        start = max(campaign.start, end - timedelta(days=MAX_DAYS - 1))
        buckets = read_buckets(client, table, start, end, "day") if start <= end else {}
        found.append(progress(campaign, buckets, min_people))
    return found
