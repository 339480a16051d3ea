"""What the shares routes accept and return."""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StrictBool

# The networks of site_builder/networks.py (a test keeps the two equal; functions can't import the site)
Network = Literal["linkedin", "xing", "facebook", "x", "bluesky", "mastodon", "threads", "whatsapp", "email"]
NETWORKS: tuple[str, ...] = get_args(Network)
SLUG = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,119}$"  # a post slug: no slashes, dots or escapes


class ShareRequest(BaseModel):
    """One share: which post, to which network, and whether the employee rewrote the text.

    The post's source is not asked for: the wall's catalogue knows it.
    """

    model_config = ConfigDict(extra="forbid")

    post: str = Field(pattern=SLUG, description="the post's slug")
    network: Network
    personalised: StrictBool = Field(description="the employee changed the suggested text")


class ShareResponse(BaseModel):
    post: str
    network: str
    personalised: bool
    source: str
    period: str  # the day it was counted for
    replayed: bool  # True: this Idempotency-Key was counted before; nothing changed now
