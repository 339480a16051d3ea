"""Finance's list filters (GET /claims ?q&campaign&from&to) checked and put as the store reads them.

Pure apart from the site's timezone: days are the site's (`sharewall_common.clock`), turned into the UTC
instants claims are stored with (`submitted_at`), so a claim filed at 00:30 in Berlin counts on that day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sharewall_common.errors import BadRequest
from sharewall_common.postfields import SLUG, control_character


# The filters as store.find_claims takes them, or None when nothing narrows the list; BadRequest naming each field
# as Powertools names query values (`query.from`)
def filters(text: str | None, campaign: str | None, first: str | None, last: str | None, zone: ZoneInfo) -> dict | None:
    problems: list[dict] = []
    text = (text or "").strip() or None
    if text and control_character(text):
        problems.append({"field": "query.q", "code": "control_character"})
    if campaign and not SLUG.fullmatch(campaign):
        problems.append({"field": "query.campaign", "code": "invalid"})
    days = {name: _day(value, name, problems) for name, value in (("from", first), ("to", last))}
    if days["from"] and days["to"] and days["from"] > days["to"]:
        problems.append({"field": "query.to", "code": "before_from", "from": days["from"].isoformat()})
    if problems:
        raise BadRequest("; ".join(f"{problem['field']}: {problem['code'].replace('_', ' ')}" for problem in problems),
                         code="invalid_request", fields=problems)
    if not (text or campaign or days["from"] or days["to"]):
        return None
    return {"text": text, "campaign": campaign or None,
            "since": _instant(days["from"], zone) if days["from"] else None,
            "until": _instant(days["to"] + timedelta(days=1), zone) if days["to"] else None}


# A YYYY-MM-DD query value as a date; None (and a problem noted) when it is none
def _day(value: str | None, name: str, problems: list[dict]) -> date | None:
    if not value:
        return None
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        problems.append({"field": f"query.{name}", "code": "invalid_date"})
        return None


# The start of a site day as claims' submitted_at writes instants (UTC, microseconds), so strings compare as times
def _instant(day: date, zone: ZoneInfo) -> str:
    return datetime.combine(day, time(), zone).astimezone(timezone.utc).isoformat(timespec="microseconds")
