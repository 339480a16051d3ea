"""The campaigns invites may name: `content/campaigns.yml` as the build published it (`sharewall/campaigns.json`,
read like the expense policy by `sharewall_common.published`); 503 when it cannot be read and no copy is at hand."""

from __future__ import annotations

from datetime import datetime

from sharewall_common.campaigns import PUBLISHED_NAME, PublishedCampaign, campaigns_from_published, invite_refusal
from sharewall_common.errors import BadRequest, ServiceUnavailable
from sharewall_common.published import Published, Unavailable

published = Published(PUBLISHED_NAME, campaigns_from_published, service="claims")


def current() -> dict[str, PublishedCampaign]:
    """The published campaigns by key (kept a few minutes)."""
    try:
        return published.get()
    except Unavailable:
        raise ServiceUnavailable("the campaigns cannot be read right now; try again in a minute",
                                 code="campaigns_unavailable") from None


def open_for_invites(key: str, now: datetime) -> PublishedCampaign:
    """The campaign an invite names, when it is declared, running and reimbursed; else 400 naming `campaign`."""
    campaigns = current()
    refusal = invite_refusal(campaigns, key, now)
    if refusal:
        raise BadRequest(f"campaign: {refusal}", code="invalid_campaign")
    return campaigns[key]


def name_of(key: str | None) -> str | dict[str, str] | None:
    """A campaign's name (one text or one per language) for pages that show it; None when unknown or unreadable."""
    if not key:
        return None
    try:
        campaign = published.get().get(key)
    except Unavailable:
        return None
    return campaign.name if campaign else None
