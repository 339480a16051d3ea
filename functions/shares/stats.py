"""Read the statistics: the pre-aggregated period items by key, never the shares themselves.

The cost depends on the number of periods asked for and on the catalogue (networks, sources, posts),
not on how many shares were counted.

A period in which fewer than `min_people` people were active is withheld: its row carries no numbers
and none of its shares or clicks reach the totals or the breakdowns, so that no figure describes one
person (or two). Every figure shown is an aggregate over at least `min_people` people.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sharewall_common.periods import Granularity, period_keys

TOP_POSTS = 10
BATCH = 100  # BatchGetItem's limit of keys per call
UNPROCESSED_ATTEMPTS = 6
NETWORK, SOURCE, POST, CAMPAIGN = "net:", "src:", "post:", "camp:"  # counter prefixes in a period item (counting)
CLICKS, CLICK_NETWORK, CLICK_POST, CLICK_CAMPAIGN = "clicks", "click:net:", "click:post:", "click:camp:"  # (clicks)
PREFIXES = {NETWORK: "networks", SOURCE: "sources", POST: "posts", CAMPAIGN: "campaigns",
            CLICK_NETWORK: "click_networks", CLICK_POST: "click_posts", CLICK_CAMPAIGN: "click_campaigns"}


@dataclass
class Bucket:
    period: str
    shares: int = 0
    people: int = 0
    personalised: int = 0
    clicks: int = 0
    networks: Counter = field(default_factory=Counter)
    sources: Counter = field(default_factory=Counter)
    posts: Counter = field(default_factory=Counter)
    campaigns: Counter = field(default_factory=Counter)
    click_networks: Counter = field(default_factory=Counter)
    click_posts: Counter = field(default_factory=Counter)
    click_campaigns: Counter = field(default_factory=Counter)


def withheld(bucket: Bucket, min_people: int) -> bool:
    """Whether a period's figures could describe fewer than `min_people` people: some shared, too few; or
    links were clicked in a period nobody shared (the clicks would tell of someone's earlier share)."""
    if min_people <= 1:
        return False
    return bucket.people < min_people and (bucket.people > 0 or bucket.clicks > 0)


def parse_item(item: dict) -> Bucket:
    """A period item's counters; unknown attributes are ignored."""
    bucket = Bucket(period=item["sk"]["S"])
    for name, value in item.items():
        if "N" not in value:
            continue
        number = int(value["N"])
        if name in ("shares", "people", "personalised", CLICKS):
            setattr(bucket, name, number)
            continue
        for prefix, attribute in PREFIXES.items():
            if name.startswith(prefix):
                getattr(bucket, attribute)[name[len(prefix):]] = number
    return bucket


def read_buckets(client, table: str, first: date, last: date, granularity: Granularity) -> dict[str, Bucket]:
    """The period items from `first` to `last`, fetched by key (BatchGetItem, 100 keys a call).

    The keys are known in advance, so no read ever looks at anything but the items asked for.
    """
    keys = [{"pk": {"S": f"STATS#{granularity}"}, "sk": {"S": key}} for key in period_keys(first, last, granularity)]
    buckets: dict[str, Bucket] = {}
    for start in range(0, len(keys), BATCH):
        request = {table: {"Keys": keys[start:start + BATCH]}}
        for attempt in range(UNPROCESSED_ATTEMPTS):
            page = client.batch_get_item(RequestItems=request)
            for item in page.get("Responses", {}).get(table, []):
                bucket = parse_item(item)
                buckets[bucket.period] = bucket
            request = page.get("UnprocessedKeys") or {}
            if not request:
                break
            time.sleep(0.01 * 2 ** attempt)  # throttled: DynamoDB hands back what it did not read
        else:
            raise RuntimeError("statistics not read: DynamoDB kept keys unprocessed")
    return buckets


def _ranked(counter: Counter, label: str, limit: int | None = None) -> list[dict]:
    ordered = sorted(counter.items(), key=lambda pair: (-pair[1], pair[0]))[:limit]
    return [{label: name, "shares": count} for name, count in ordered if count]


def summarise(buckets: dict[str, Bucket], first: date, last: date, granularity: Granularity,
              timezone_name: str, min_people: int = 1) -> dict:
    """The response of GET /stats: a series with every period (zeros included) and the totals."""
    series, networks, sources, posts = [], Counter(), Counter(), Counter()
    shares = personalised = hidden = 0
    for key in period_keys(first, last, granularity):
        bucket = buckets.get(key) or Bucket(period=key)
        if withheld(bucket, min_people):
            series.append({"period": key, "shares": None, "people": None, "personalised": None, "withheld": True})
            hidden += 1
            continue
        series.append({"period": key, "shares": bucket.shares, "people": bucket.people,
                       "personalised": bucket.personalised, "withheld": False})
        shares += bucket.shares
        personalised += bucket.personalised
        networks.update(bucket.networks)
        sources.update(bucket.sources)
        posts.update(bucket.posts)
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "granularity": granularity,
        "timezone": timezone_name,
        "min_people": min_people,
        "series": series,
        "totals": {
            "shares": shares,
            "personalised": personalised,
            "personalised_rate": round(personalised / shares, 4) if shares else None,
            # people are distinct within each period only; a sum over periods would count twice
            "people_peak": max((row["people"] or 0 for row in series), default=0),
            "withheld_periods": hidden,
        },
        "by_network": _ranked(networks, "network"),
        "by_source": _ranked(sources, "source"),
        "top_posts": _ranked(posts, "post", TOP_POSTS),
        "clicks": clicks_summary(buckets, first, last, granularity, min_people),
    }


def clicks_summary(buckets: dict[str, Bucket], first: date, last: date, granularity: Granularity,
                   min_people: int = 1) -> dict:
    """Clicks on shared links next to the shares they came from, withheld in the same periods as the shares."""
    series, networks, posts, shared_on, shared_posts = [], Counter(), Counter(), Counter(), Counter()
    total = shares = 0
    for key in period_keys(first, last, granularity):
        bucket = buckets.get(key) or Bucket(period=key)
        if withheld(bucket, min_people):
            series.append({"period": key, "clicks": None, "withheld": True})
            continue
        series.append({"period": key, "clicks": bucket.clicks, "withheld": False})
        total += bucket.clicks
        shares += bucket.shares
        networks.update(bucket.click_networks)
        posts.update(bucket.click_posts)
        shared_on.update(bucket.networks)
        shared_posts.update(bucket.posts)
    return {
        "total": total,
        "per_share": _ratio(total, shares),
        "series": series,
        "by_network": _with_shares(networks, shared_on, "network"),
        "by_post": _with_shares(posts, shared_posts, "post", TOP_POSTS),
    }


def _ratio(clicks: int, shares: int) -> float | None:
    return round(clicks / shares, 4) if shares else None


# Clicks ranked, each with the shares of the same network or post in the same periods and their ratio
def _with_shares(clicks: Counter, shares: Counter, label: str, limit: int | None = None) -> list[dict]:
    ordered = sorted(clicks.items(), key=lambda pair: (-pair[1], pair[0]))[:limit]
    return [{label: name, "clicks": count, "shares": shares[name], "per_share": _ratio(count, shares[name])}
            for name, count in ordered if count]
