"""The built site as the digest reads it: `sharewall/digest.json` (the digest's texts in every interface
language, where each language's wall lives and the sources' names in it, and the sponsored labels), published by the
build from the catalogues' `digest` section (site_builder/digest.py), and each language's `posts.json`.

Both come from the site bucket (the function may read just these keys), on AWS and on `sharewall serve`, which fills
its local bucket from its build (site_builder/local/site_bucket.py); without SITE_BUCKET (the function tests'
sites) over HTTP from the site (`sharewall_common.published`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

from sharewall_common.published import PREFIX, read_site_file

TEXTS_NAME = "digest.json"  # below sharewall/, at the site's root
KEYS = ("heading", "intro", "source", "share", "more", "open_wall", "subject", "subject_more", "footer")


class SiteError(ValueError):
    """A published file is not what the build writes; the message names the file and the field."""


@dataclass(frozen=True)
class Language:
    """One interface language's wall: its texts, where its pages are and where its posts.json is."""

    code: str
    wall: str  # the full URL of the language's wall
    prefix: str  # its folder below the site's root ("" for the main language, "en/")
    texts: dict[str, str]
    sources: dict[str, str]  # source key -> its name in this language


@dataclass(frozen=True)
class Published:
    """What sharewall/digest.json holds."""

    languages: dict[str, Language]
    sponsored: dict[str, str]  # post language -> the wall's sponsored label


@dataclass(frozen=True)
class Entry:
    """A post of posts.json as the digest shows it."""

    slug: str
    title: str
    summary: str
    source: str  # the source's name
    label: str | None  # the sponsored label, when the post is sponsored
    url: str  # the post's page on the wall
    publish: datetime
    expires: datetime | None

    # On the wall at `now`: from publish (inclusive) until expires (exclusive), as the build decides
    def active(self, now: datetime) -> bool:
        return self.publish <= now and (self.expires is None or now < self.expires)


# sharewall/digest.json as the build publishes it; SiteError naming what is wrong
def published(site_url: str, read: Callable[[str], bytes] = read_site_file) -> Published:
    where = PREFIX + TEXTS_NAME
    data = _json(read(where), where)
    try:
        languages = {
            code: Language(code, urljoin(site_url, entry["home"]), entry["prefix"],
                           {key: _text(entry["texts"][key], f"languages.{code}.texts.{key}") for key in KEYS},
                           dict(entry["sources"]))
            for code, entry in data["languages"].items()}
        return Published(languages, dict(data["sponsored"]))
    except (KeyError, TypeError, AttributeError) as error:
        raise SiteError(f"{where}: {error!s} is missing or malformed; rebuild and publish the site") from None


# A language's active and future posts from its posts.json (newest first, as the build writes them)
def posts(language: Language, published: Published, site_url: str,
          read: Callable[[str], bytes] = read_site_file) -> list[Entry]:
    where = language.prefix + "posts.json"
    data = _json(read(where), where)
    found = []
    for number, record in enumerate(data.get("posts") or [] if isinstance(data, dict) else []):
        try:
            sponsored = record.get("disclosure") == "sponsored"
            found.append(Entry(
                slug=_text(record["slug"], "slug"), title=_text(record["title"], "title"),
                summary=_text(record["summary"], "summary"),
                source=language.sources.get(record["source"], record["source"]),
                label=published.sponsored.get(record["language"]) if sponsored else None,
                url=urljoin(site_url, _text(record["url"], "url")),
                publish=_moment(record["publish"], "publish"),
                expires=_moment(record["expires"], "expires") if record.get("expires") else None))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise SiteError(f"{where}: posts[{number}]: {error!s}") from None
    return found


# The parsed JSON of a published file; SiteError naming it when it is none
def _json(data: bytes, where: str):
    try:
        return json.loads(data)
    except ValueError as error:
        raise SiteError(f"{where}: not JSON ({error})") from None


# A field that must be a text; ValueError naming it otherwise
def _text(value, name: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a text")
    return value


# An ISO 8601 moment with its offset, as posts.json writes publish and expires
def _moment(value, name: str) -> datetime:
    moment = datetime.fromisoformat(_text(value, name))
    if moment.tzinfo is None:
        raise ValueError(f"{name} {value!r} has no UTC offset")
    return moment
