"""The wall's catalogue: which posts can be shared, where they come from and on which networks.

Every build publishes it as `sharewall/catalogue.json` (the active posts' slug, source and networks;
`posts.json` has the same shape with more fields); the function reads it with the one reader of
published files (`sharewall_common.published`: the site bucket in production, the site over HTTP
locally) and keeps it for a few minutes. So a share names a post the wall shows, its source is
the post's own (not what a browser claims) and the statistics' counters stay bounded by the
catalogue, whatever anyone sends.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from sharewall_common.published import PREFIX, Published, Unavailable, read

NAME = "catalogue.json"
PATH = PREFIX + NAME  # where every build writes it, under the site's root
CatalogueUnavailable = Unavailable  # the catalogue could not be read and no earlier copy is at hand


@dataclass(frozen=True)
class Entry:
    source: str
    networks: frozenset[str]


def parse(data: bytes) -> dict[str, Entry]:
    """Slug -> entry from the bytes of a catalogue; ValueError when they are not one."""
    document = json.loads(data)
    try:
        return {post["slug"]: Entry(str(post["source"]), frozenset(post["networks"])) for post in document["posts"]}
    except (KeyError, TypeError) as error:
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
