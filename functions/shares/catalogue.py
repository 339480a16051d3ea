"""The wall's catalogue: which posts can be shared, where they come from and on which networks.

Every build publishes it as `sharewall/catalogue.json` (the active posts' slug, source, networks, the UTM
link each network's `/go/` link redirects to, whether the post counts clicks, its campaign and when it
leaves the wall); the function reads it with the one reader of
published files (`sharewall_common.published`: the site bucket in production, the site over HTTP
locally) and keeps it for a few minutes. So a share names a post the wall shows, its source is
the post's own (not what a browser claims) and the statistics' counters stay bounded by the
catalogue, whatever anyone sends.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from sharewall_common.published import PREFIX, Published, Unavailable, read

NAME = "catalogue.json"
PATH = PREFIX + NAME  # where every build writes it, under the site's root
CatalogueUnavailable = Unavailable  # the catalogue could not be read and no earlier copy is at hand


@dataclass(frozen=True)
class Entry:
    source: str
    networks: frozenset[str]
    links: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))  # network -> UTM link (https)
    track: bool = True  # false: the post opted out of click counting (`track: false`)
    campaign: str | None = None
    publish: datetime | None = None
    expires: datetime | None = None

    # On the wall at `now`: published and not expired (the catalogue is rebuilt hourly; expiry is checked here too)
    def active(self, now: datetime) -> bool:
        return (self.publish is None or self.publish <= now) and (self.expires is None or now < self.expires)


def _instant(value) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _links(value) -> MappingProxyType:
    # only https links: the redirect never leads anywhere else, whatever the file holds
    return MappingProxyType({str(name): link for name, link in (value or {}).items()
                             if isinstance(link, str) and link.startswith("https://")})


def parse(data: bytes) -> dict[str, Entry]:
    """Slug -> entry from the bytes of a catalogue; ValueError when they are not one."""
    document = json.loads(data)
    try:
        return {post["slug"]: Entry(str(post["source"]), frozenset(post["networks"]), _links(post.get("links")),
                                    post.get("track", True) is not False, post.get("campaign") or None,
                                    _instant(post.get("publish")), _instant(post.get("expires")))
                for post in document["posts"]}
    except (KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"not a catalogue ({error!r})") from None


class Catalogue:
    """The published catalogue, read when first needed and again once it is a few minutes old.

    When a read fails, the copy at hand is used on; without one, CatalogueUnavailable.
    """

    def __init__(self, fetch=read, clock=time.monotonic):
        self._file = Published(NAME, parse, service="shares", fetch=fetch, clock=clock)

    # The post's entry, or None when the wall does not show it
    def entry(self, slug: str) -> Entry | None:
        return self._file.get().get(slug)
