"""What the shares routes accept and return."""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StrictBool

# The networks of site_builder/networks.py (a test keeps the two equal; functions can't import the site)
Network = Literal["linkedin", "xing", "facebook", "x", "bluesky", "mastodon", "threads", "whatsapp", "email"]
NETWORKS: tuple[str, ...] = get_args(Network)
# The device's own share sheet (the Web Share API): the person picks the app there, so it is no network of a
# post's list; a share through it counts under this name for any post on the wall
SYSTEM = "system"
ShareNetwork = Literal[NETWORKS + (SYSTEM,)]  # type: ignore[valid-type]  # what POST /shares accepts
SLUG = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,119}$"  # a post slug: no slashes, dots or escapes


class ShareRequest(BaseModel):
    """One share: which post, to which network, and whether the employee rewrote the text.

    The post's source is not asked for: the wall's catalogue knows it.
    """

    model_config = ConfigDict(extra="forbid")

    post: str = Field(pattern=SLUG, description="the post's slug")
    network: ShareNetwork = Field(description="one of the post's networks, or system: the device's share sheet")
    personalised: StrictBool = Field(description="the employee changed the suggested text")


class ShareResponse(BaseModel):
    post: str
    network: str
    personalised: bool
    source: str
    period: str  # the day it was counted for
    replayed: bool  # True: this Idempotency-Key was counted before; nothing changed now
