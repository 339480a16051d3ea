"""Campaigns (`content/campaigns.yml`): name, dates and whether influencers are reimbursed for them.

Pure Python (pydantic): `sharewall check` validates each entry with `Campaign`, the build publishes
them as `sharewall/campaigns.json`, and the claims function reads that file back with the same model
to allow invites only for declared, running, reimbursed campaigns.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

import regex
from pydantic import BaseModel, ConfigDict, PositiveInt, StrictBool, ValidationInfo, field_validator, model_validator

PUBLISHED_NAME = "campaigns.json"  # the build writes sharewall/campaigns.json; the claims function reads it
KEY = regex.compile(r"[a-z0-9][a-z0-9-]{0,59}")  # the slug posts and invites name a campaign by
LANGUAGE = regex.compile(r"[a-z]{2}")
DATE = regex.compile(r"\d{4}-\d{2}-\d{2}")


class Goal(BaseModel):
    """What the campaign aims for together, shown as shared progress (never per person): shares, clicks or both."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    shares: PositiveInt | None = None
    clicks: PositiveInt | None = None

    @model_validator(mode="after")
    def _something(self) -> Goal:
        if self.shares is None and self.clicks is None:
            raise ValueError("must name shares, clicks or both, like {shares: 500}")
        return self


class Campaign(BaseModel):
    """One campaign: its name (one text, or one per language), first and last day, reimbursed or not, a goal."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str | dict[str, str]
    start: date
    end: date  # the last day, inclusive
    reimbursed: StrictBool
    goal: Goal | None = None  # shown on the campaign's posts and the statistics page from aggregate counts

    # one check before pydantic's union of the two forms, so a wrong name is one clear error
    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, value: Any) -> Any:
        texts = {"": value} if isinstance(value, str) else value
        if not isinstance(texts, dict) or not texts:
            raise ValueError("must be a text or one text per language like {de: …, en: …}")
        for language, text in texts.items():
            if language and not (isinstance(language, str) and LANGUAGE.fullmatch(language)):
                raise ValueError(f"language {language!r} is not a two-letter code like de or en")
            if not isinstance(text, str) or not text.strip() or len(text) > 80:
                raise ValueError(f"must be 1-80 characters of text, got {text!r}")
        return value

    @field_validator("start", "end", mode="before")
    @classmethod
    def _day(cls, value: Any) -> Any:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str) and DATE.fullmatch(value.strip()):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise ValueError(f"{value!r} is not a valid date; use YYYY-MM-DD")

    @field_validator("end")
    @classmethod
    def _in_order(cls, value: date, info: ValidationInfo) -> date:
        start = info.data.get("start")
        if start is not None and value < start:
            raise ValueError(f"({value}) must not be before start ({start})")
        return value

    def name_in(self, language: str) -> str:
        """The name in `language`, else in English, else the first one written."""
        if isinstance(self.name, str):
            return self.name
        return self.name.get(language) or self.name.get("en") or next(iter(self.name.values()))


class PublishedCampaign(Campaign):
    """A campaign as the build publishes it: with its key and when it runs, as instants in the site timezone."""

    key: str
    starts_at: datetime  # the first day's midnight
    ends_at: datetime  # the midnight after the last day

    def running(self, now: datetime) -> bool:
        return self.starts_at <= now < self.ends_at


def published_campaigns(campaigns: dict[str, Campaign], zone: tzinfo) -> bytes:
    """The validated campaigns as the JSON the build publishes next to the site (sorted by key)."""
    items = []
    for key, campaign in sorted(campaigns.items()):
        starts = datetime.combine(campaign.start, time(), zone)
        ends = datetime.combine(campaign.end + timedelta(days=1), time(), zone)
        items.append({"key": key, "name": campaign.name, "start": campaign.start.isoformat(),
                      "end": campaign.end.isoformat(), "reimbursed": campaign.reimbursed,
                      "goal": campaign.goal.model_dump(exclude_none=True) if campaign.goal else None,
                      "starts_at": starts.isoformat(), "ends_at": ends.isoformat()})
    return json.dumps({"campaigns": items}, ensure_ascii=False).encode("utf-8")


def campaigns_from_published(data: bytes) -> dict[str, PublishedCampaign]:
    """The campaigns from the published JSON, validated by the same model (ValueError if it is not one)."""
    document = json.loads(data)
    if not isinstance(document, dict) or not isinstance(document.get("campaigns"), list):
        raise ValueError("campaigns.json must be {\"campaigns\": [...]}")
    found = {}
    for item in document["campaigns"]:
        campaign = PublishedCampaign.model_validate(item)  # pydantic's ValidationError is a ValueError
        found[campaign.key] = campaign
    return found


def invite_refusal(campaigns: dict[str, PublishedCampaign], key: str, now: datetime) -> str | None:
    """Why an invite may not name campaign `key` as of `now` (None: it may): unknown, not running, not reimbursed."""
    campaign = campaigns.get(key)
    allowed = ", ".join(sorted(k for k, c in campaigns.items() if c.reimbursed and c.running(now))) or "none"
    if campaign is None:
        return f"'{key}' is not declared in campaigns.yml; campaigns open for invites: {allowed}"
    if not campaign.running(now):
        when = "has not started yet" if now < campaign.starts_at else "has ended"
        return f"'{key}' {when} (it runs {campaign.start} to {campaign.end}); campaigns open for invites: {allowed}"
    if not campaign.reimbursed:
        return f"'{key}' is not a reimbursed campaign (reimbursed: false in campaigns.yml); campaigns open for invites: {allowed}"
    return None
