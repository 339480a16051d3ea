"""The wall's catalogue: which posts can be shared, where they come from and on which networks.

Every build publishes it as `sharewall/catalogue.json` (the active posts' slug, source and networks;
`posts.json` has the same shape with more fields); the function reads it from `CATALOGUE_URL`, or
from the site at `SITE_URL`, and keeps it for a few minutes. So a share names a post the wall shows, its source is
the post's own (not what a browser claims) and the statistics' counters stay bounded by the
catalogue, whatever anyone sends.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass

from aws_lambda_powertools import Logger

logger = Logger(service="shares", child=True)
FRESH_SECONDS = 300  # a rebuilt wall is seen within five minutes
RETRY_SECONDS = 10  # after a failed fetch, the next request tries again only after this
TIMEOUT_SECONDS = 3
PATH = "sharewall/catalogue.json"  # where every build writes it, under the site's URL
MAX_BYTES = 8 * 1024 * 1024  # about 100 bytes a post: far more than any wall has


class CatalogueUnavailable(Exception):
    """The catalogue could not be read and no earlier copy is at hand."""


@dataclass(frozen=True)
class Entry:
    source: str
    networks: frozenset[str]


def catalogue_url(environ: dict[str, str] = os.environ) -> str:
    """CATALOGUE_URL when set (a site behind a sign-in publishes a copy elsewhere), else the site's own."""
    return environ.get("CATALOGUE_URL") or f"{environ.get('SITE_URL', '').rstrip('/')}/{PATH}"


def parse(data: bytes) -> dict[str, Entry]:
    """Slug -> entry from the bytes of a catalogue; ValueError when they are not one."""
    document = json.loads(data)
    try:
        return {post["slug"]: Entry(str(post["source"]), frozenset(post["networks"])) for post in document["posts"]}
    except (KeyError, TypeError) as error:
        raise ValueError(f"not a catalogue ({error!r})") from None


def _download(url: str) -> bytes:
    import urllib.request  # only POST /shares needs it, and only every few minutes

    with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (a configured https URL)
        return response.read(MAX_BYTES + 1)


class Catalogue:
    """The catalogue at `url`, fetched when first needed and again once it is FRESH_SECONDS old.

    When a fetch fails, the copy at hand is used on; without one, CatalogueUnavailable.
    """

    def __init__(self, url: str, download=_download, clock=time.monotonic):
        self.url, self._download, self._clock = url, download, clock
        self._entries: dict[str, Entry] | None = None
        self._due = 0.0  # when to fetch next

    # The post's entry, or None when the wall does not show it
    def entry(self, slug: str) -> Entry | None:
        if self._clock() >= self._due:
            self._refresh()
        if self._entries is None:
            raise CatalogueUnavailable(f"the wall's catalogue ({self.url}) cannot be read")
        return self._entries.get(slug)

    def _refresh(self) -> None:
        try:
            data = self._download(self.url)
            if len(data) > MAX_BYTES:
                raise ValueError(f"over {MAX_BYTES} bytes")
            self._entries = parse(data)
            self._due = self._clock() + FRESH_SECONDS
        except (OSError, ValueError) as error:
            self._due = self._clock() + RETRY_SECONDS
            kept = "keeping the copy at hand" if self._entries is not None else "no copy at hand"
            logger.warning(f"catalogue not read, {kept}", extra={"url": self.url, "error": str(error)[:200]})
