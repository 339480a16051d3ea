"""`sharewall import`: the RSS/Atom feeds of `sources.yml` become draft posts that comms review.

For every source with a `feed:` the feed is fetched over https (bounded in time and size, conditional
GET with the ETag/Last-Modified of the last run; redirects only to https on the feed's own host), parsed
with feedparser, and every entry whose link is not yet known (by a post or by the state file) is written
as a draft post by the same writer as `sharewall new`, newest first and at most `max_drafts` a source and
run (the rest come in later runs). A draft is validated by `sharewall check`'s own code before it is
moved into `posts/`; the state file (`content/.import-state.yml`) is written last. A feed that fails is
one line and is skipped; an entry that cannot be read or written is skipped with its reason; the other
entries and sources go on.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import regex
import yaml

from pydantic import ValidationError

from sharewall_common.postfields import https
from site_builder import sanitise, scaffold, sharing
from site_builder.content import POST_GLOB, Post, Source, load_post, load_sources
from site_builder.frontmatter import FrontMatterError, parse, parse_yaml
from site_builder.networks import NETWORKS
from site_builder.settings import Settings

STATE_FILE = ".import-state.yml"  # under content/: a dot file, so neither published nor hashed as a post
STAGING = ".import"  # under content/: drafts are written and checked here, then moved into posts/
TIMEOUT = 10.0  # seconds for one feed, connecting and reading
MAX_BYTES = 5 * 2**20  # a larger feed is refused
MAX_DRAFTS = 10  # new drafts per source and run (each is a pull request); the rest wait for later runs
USER_AGENT = "sharewall-import/1"
ACCEPT = "application/atom+xml, application/rss+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1"
TITLE_MAX = 120  # the limits of a post's fields (content.FrontMatter)
SUMMARY_MAX = 300
SUGGESTION_MIN = 40  # a shorter first suggestion says nothing; networks it cannot fit are left out instead
CONTROL = regex.compile(r"[\p{Cc}\p{Zl}\p{Zp}]+|[\p{Cf}--\N{ZERO WIDTH JOINER}]+", regex.V1)  # line breaks, controls, bidi
SPACES = regex.compile(r"\s+")
DRAFT_BODY = (
    "Imported from the feed of source `{source}` on {date}.\n\n"
    "Comms: rewrite the suggestion in our voice, add topics and a briefing for employees, then delete the\n"
    "line `draft: true`. A pull request with a draft cannot be merged.\n"
)


class FeedError(Exception):
    """Why one feed was skipped, in one line."""


class StateError(Exception):
    """The state file cannot be read: nothing is imported (it is not overwritten either)."""


# --- fetching ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fetched:
    body: bytes | None  # None: not modified since the last run (304)
    etag: str | None = None
    modified: str | None = None
    content_type: str | None = None


class _HttpsRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to https on the same host and port: a feed never drops to plain http or
    another scheme, nor sends the importer to another server (an internal address, say)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        target = urlsplit(urllib.parse.urljoin(req.full_url, newurl))
        if target.scheme != "https":
            raise FeedError(f"redirected to a non-https address {newurl[:80]!r}")
        if _origin(target) != _origin(urlsplit(req.full_url)):
            raise FeedError(f"redirected to another host {newurl[:80]!r}; only the feed's own host is followed")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _origin(parts) -> tuple[str, int] | None:
    """Host and port of a URL as a redirect is compared by; None when it has no valid port."""
    try:
        return (parts.hostname or "").lower(), parts.port or 443
    except ValueError:
        return None


def opener() -> urllib.request.OpenerDirector:
    """One client for a run: the trusted certificates (the system's, or SSL_CERT_FILE) are loaded once."""
    return urllib.request.build_opener(_HttpsRedirects(), urllib.request.HTTPSHandler(context=ssl.create_default_context()))


def fetch(url: str, etag: str | None = None, modified: str | None = None, *, timeout: float = TIMEOUT,
          max_bytes: int = MAX_BYTES, client: urllib.request.OpenerDirector | None = None) -> Fetched:
    """GET `url` over https within `timeout` seconds in all and at most `max_bytes`; conditional when
    `etag`/`modified` are known. Raises FeedError with the reason."""
    if urlsplit(url).scheme != "https":
        raise FeedError(f"feed {url[:80]!r} is not https")
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    deadline = time.monotonic() + timeout
    try:
        with (client or opener()).open(urllib.request.Request(url, headers=headers), timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FeedError(f"feed is {_size(int(length))}; at most {_size(max_bytes)} are read")
            body = _read(response, deadline, timeout, max_bytes)
            return Fetched(body, response.headers.get("ETag"), response.headers.get("Last-Modified"),
                           response.headers.get("Content-Type"))
    except urllib.error.HTTPError as error:
        if error.code == 304:
            return Fetched(None, etag, modified)
        raise FeedError(f"HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise FeedError(_reason(error.reason, timeout)) from None
    except (TimeoutError, socket.timeout, ssl.SSLError, OSError) as error:
        raise FeedError(_reason(error, timeout)) from None


def _read(response, deadline: float, timeout: float, max_bytes: int) -> bytes:
    """The body, chunk by chunk: a server that trickles or sends too much is cut off."""
    chunks, size = [], 0
    while chunk := response.read1(65536):
        size += len(chunk)
        if size > max_bytes:
            raise FeedError(f"feed is larger than {_size(max_bytes)}; not read further")
        if time.monotonic() > deadline:
            raise FeedError(f"timed out after {timeout:g} s")
        chunks.append(chunk)
    return b"".join(chunks)


def _size(count: int) -> str:
    return f"{count / 2**20:.1f} MB".replace(".0 MB", " MB") if count >= 2**20 else f"{count / 2**10:.0f} KB"


def _reason(error: object, timeout: float) -> str:
    if isinstance(error, (TimeoutError, socket.timeout)) or "timed out" in str(error):
        return f"timed out after {timeout:g} s"
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"TLS certificate not trusted ({error.verify_message})"
    if isinstance(error, ssl.SSLError):
        return f"TLS error ({error.reason or error})"
    if isinstance(error, socket.gaierror):
        return "host not found"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    return f"unreachable ({error})"


# --- parsing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """What a draft is made of, as text (markup stripped)."""

    link: str
    title: str
    summary: str
    language: str | None  # as the feed declares it, e.g. de-DE
    published: datetime | None


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> tuple[list[Entry], list[str]]:
    """The entries of an RSS or Atom document, and why entries were left out; FeedError if it is none."""
    import xml.sax

    import feedparser  # only `sharewall import` needs it

    headers = {"content-location": url, "content-type": content_type or "application/xml"}
    # a stream, never bytes: feedparser would try bytes as a file name first. Its HTML sanitiser is left
    # out (half the parse time): `plain` keeps no markup at all
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers, sanitize_html=False,
                              resolve_relative_uris=False)
    problem = parsed.get("bozo_exception")
    if isinstance(problem, xml.sax.SAXParseException):
        # no line number: feedparser may have rewritten the XML declaration, shifting the lines
        raise FeedError(f"not well-formed XML ({problem.getMessage()})")
    if isinstance(problem, feedparser.CharacterEncodingUnknown) or not parsed.get("version"):
        raise FeedError("not an RSS or Atom feed")
    language = parsed.feed.get("language")
    entries, skipped = [], []
    for number, item in enumerate(parsed.entries, 1):
        try:
            entry, problem = _entry(item, language)
        except Exception as error:  # one odd entry must not stop its feed
            entry, problem = None, f"entry {number}: cannot be read ({type(error).__name__}: {error})"
        if problem:
            skipped.append(problem)
        elif entry:
            entries.append(entry)
    return entries, skipped


def _entry(item, language: str | None) -> tuple[Entry | None, str | None]:
    """One feed entry as an Entry, or why it is left out (the link follows the one rule of a post's link)."""
    link = str(item.get("link") or "").strip()
    title = plain(str(item.get("title") or ""))
    try:
        link = https(link)
    except ValueError as error:
        return None, f"entry {title[:60]!r}: link {error}"
    if not title:
        return None, f"entry {link[:80]}: no title"
    details = [item.get(key) or {} for key in ("title_detail", "summary_detail")]
    when = item.get("published_parsed") or item.get("updated_parsed")
    return Entry(
        link=link, title=title, summary=plain(str(item.get("summary") or "")),
        language=next((d.get("language") for d in details if d.get("language")), None) or language,
        published=datetime(*when[:6], tzinfo=timezone.utc) if when else None,
    ), None


def newest_first(entries: list[Entry], now: datetime) -> list[Entry]:
    """Entries by date, newest first; an undated entry counts as `now` (its draft's date), feed order kept."""
    return sorted(entries, key=lambda entry: entry.published or now, reverse=True)


def plain(fragment: str) -> str:
    """The text of an HTML fragment on one line: tags dropped by the site's sanitiser, entities decoded
    (until nothing changes, so `&lt;script&gt;` does not become a tag), controls and line breaks gone."""
    text = fragment
    for _ in range(3):
        stripped = sanitise.text(text)
        if stripped == text:
            break
        text = stripped
    return SPACES.sub(" ", CONTROL.sub(" ", text)).strip()


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:–-") + "…"


# --- state ------------------------------------------------------------------------------------


@dataclass
class State:
    """What the last runs saw: per source the feed's validators, and every link ever imported."""

    feeds: dict[str, dict[str, str]] = field(default_factory=dict)
    links: set[str] = field(default_factory=set)


def link_key(link: str) -> str:
    """Links compare like `sharewall check` compares them for duplicates."""
    return link.strip().rstrip("/")


def load_state(file: Path) -> State:
    if not file.is_file():
        return State()
    try:
        document = parse_yaml(file.read_text(encoding="utf-8"), first_line=1, what=STATE_FILE)
        feeds = {str(key): {k: str(v) for k, v in (value or {}).items() if v is not None}
                 for key, value in (document.meta.get("feeds") or {}).items()}
        links = {link_key(str(link)) for link in document.meta.get("links") or ()}
    except (FrontMatterError, UnicodeDecodeError, AttributeError, TypeError) as error:
        raise StateError(f"{file}: cannot be read ({error}); fix or delete it (then every entry not in a post "
                         "is imported again)") from None
    return State(feeds, links)


def save_state(file: Path, state: State) -> None:
    data = {"feeds": {key: state.feeds[key] for key in sorted(state.feeds)}, "links": sorted(state.links)}
    text = ("# Written by `sharewall import`: the feeds' ETag/Last-Modified and every link imported, so a\n"
            "# declined draft is not imported again. Deleting it re-imports every entry not in a post.\n"
            + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000))
    scaffold.write_file(file, text)


# --- importing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    path: str  # the file, under the content folder as it was given
    slug: str
    title: str
    link: str
    source: str


@dataclass
class Outcome:
    """One source's line: `<source>: N new, M known, K skipped`, or why its feed failed."""

    source: str
    feed: str
    drafts: list[Draft] = field(default_factory=list)
    known: int = 0
    skipped: list[str] = field(default_factory=list)  # one reason per skipped entry
    waiting: int = 0  # new entries past the run's cap: the next runs import them
    error: str | None = None
    unchanged: bool = False

    def __str__(self) -> str:
        if self.error:
            return f"{self.source}: failed: {self.error} ({self.feed})"
        note = " (unchanged since the last import)" if self.unchanged else ""
        waiting = f", {self.waiting} left for the next runs" if self.waiting else ""
        return (f"{self.source}: {len(self.drafts)} new, {self.known} known, {len(self.skipped)} skipped"
                f"{waiting}{note}")


def import_feeds(content_dir: Path, settings: Settings, now: datetime, *, timeout: float = TIMEOUT,
                 max_bytes: int = MAX_BYTES, max_drafts: int = MAX_DRAFTS,
                 fetcher: Callable[..., Fetched] = fetch) -> list[Outcome]:
    """Import every source's feed, at most `max_drafts` new drafts a source (newest first); returns one
    outcome per source with a feed, in sources.yml order."""
    sources, issues = load_sources(content_dir / "sources.yml", content_dir)
    if issues:
        raise StateError(f"{issues[0]}; run `sharewall check`")
    state_file = content_dir / STATE_FILE
    state = load_state(state_file)
    feeds = {key: source for key, source in sources.items() if source.feed}
    known = state.links | _post_links(content_dir)
    taken = {file.stem for file in content_dir.glob(POST_GLOB)}
    previous = {key: state.feeds.get(key, {}) for key in feeds}
    client = opener()

    def get(key: str) -> Fetched | FeedError:
        seen = previous[key] if previous[key].get("url") == feeds[key].feed else {}
        try:
            return fetcher(feeds[key].feed, seen.get("etag"), seen.get("modified"), timeout=timeout,
                           max_bytes=max_bytes, client=client)
        except FeedError as error:
            return error

    with ThreadPoolExecutor(max_workers=min(8, len(feeds) or 1)) as pool:  # waiting on servers, side by side
        fetched = dict(zip(feeds, pool.map(get, feeds)))
    staging = content_dir / STAGING
    shutil.rmtree(staging, ignore_errors=True)  # a run that was killed leaves nothing behind
    outcomes = []
    try:
        for key, source in feeds.items():
            outcome = Outcome(key, source.feed)
            outcomes.append(outcome)
            result = fetched[key]
            try:
                if isinstance(result, FeedError):
                    raise result
                if result.body is None:
                    outcome.unchanged = True
                    continue
                if source.language and not _configured(source.language, settings):
                    raise FeedError(f"language {source.language!r} of sources.yml is not configured; "
                                    f"allowed: {', '.join(settings.languages)}")
                entries, outcome.skipped = parse_feed(result.body, source.feed, result.content_type)
            except FeedError as error:
                outcome.error = str(error)
                continue
            except Exception as error:  # a feed the parser chokes on must not stop the others
                outcome.error = f"cannot be read ({type(error).__name__}: {error})"
                continue
            _import_entries(outcome, newest_first(entries, now), max_drafts,
                            lambda entry: _write_draft(content_dir, staging, settings, sources, key, entry, now, taken),
                            known, state, taken)
            validators = {"etag": result.etag, "modified": result.modified} if not outcome.waiting else {}
            # entries left waiting: the next run must fetch the feed in full, not get a 304
            state.feeds[key] = {name: value for name, value in {"url": source.feed, **validators}.items() if value}
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    save_state(state_file, state)  # last: what it records is written
    return outcomes


def _import_entries(outcome: Outcome, entries: list[Entry], max_drafts: int,
                    write: Callable[[Entry], tuple[Draft | None, str | None]], known: set[str], state: State,
                    taken: set[str]) -> None:
    """Write the feed's new entries as drafts up to the cap; an entry that fails is skipped with its reason."""
    for entry in entries:
        if link_key(entry.link) in known:
            outcome.known += 1
            continue
        if len(outcome.drafts) >= max_drafts:
            outcome.waiting += 1
            continue
        try:
            draft, problem = write(entry)
        except Exception as error:  # one odd entry must not stop the others
            draft, problem = None, f"cannot be written ({type(error).__name__}: {error})"
        if problem:
            outcome.skipped.append(f"entry {entry.link[:80]}: {problem}")
            continue
        outcome.drafts.append(draft)
        known.add(link_key(entry.link))
        state.links.add(link_key(entry.link))
        taken.add(draft.slug)


def _post_links(content_dir: Path) -> set[str]:
    """The link of every post file, valid or not (a broken post's link is still taken)."""
    links = set()
    for file in content_dir.glob(POST_GLOB):
        try:
            link = parse(file.read_text(encoding="utf-8")).meta.get("link")
        except (FrontMatterError, UnicodeDecodeError):
            continue
        if isinstance(link, str):
            links.add(link_key(link))
    return links


def _language(declared: str | None, source: Source, settings: Settings) -> str:
    """The entry's or feed's language when the site has it, else the source's, else the site's first."""
    return _configured(declared, settings) or _configured(source.language, settings) or settings.languages[0]


def _configured(tag: str | None, settings: Settings) -> str | None:
    """A language tag as the site names it: `de-DE` is `de` when only `de` is configured."""
    if not tag:
        return None
    tag = tag.strip().lower().replace("_", "-")
    return next((name for name in (tag, tag.split("-")[0]) if name in settings.languages), None)


def _write_draft(content_dir: Path, staging: Path, settings: Settings, sources: dict[str, Source], key: str,
                 entry: Entry, now: datetime, taken: set[str]) -> tuple[Draft | None, str | None]:
    """Write one entry as a draft post, checked by `sharewall check`'s code before it enters posts/."""
    from sharewall_common.postfile import post_path, post_text, publish_time

    title = shorten(entry.title, TITLE_MAX)
    try:
        publish = entry.published.astimezone(settings.zone) if entry.published else now
    except (OverflowError, ValueError):
        return None, f"its date {entry.published:%Y-%m-%d %H:%M} UTC is out of range"
    fields = {
        "draft": True,
        "title": title,
        "link": entry.link,
        "summary": shorten(entry.summary or entry.title, SUMMARY_MAX),
        "source": key,
        "language": _language(entry.language, sources[key], settings),
        "publish": publish_time(publish),
    }
    fields.update(_first_suggestion(fields, entry, settings))
    slug = scaffold.unique_slug(title, taken)
    relative = post_path(slug, publish)
    staged = staging / relative
    scaffold.write_file(staged, post_text(fields, DRAFT_BODY.format(source=key, date=f"{now:%Y-%m-%d}")))
    post, issues = load_post(staged, staging, settings, sources)
    errors = [issue for issue in issues if issue.severity == "error"]
    if post is None or errors:
        staged.unlink()
        return None, f"the draft would not pass check: {errors[0].message if errors else 'invalid'}"
    target = content_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staged, target)
    return Draft(target.as_posix(), slug, title, entry.link, key), None


def _first_suggestion(fields: dict, entry: Entry, settings: Settings) -> dict:
    """A first share text from the entry (title, then summary) that fits every configured network with
    link and disclosure; a network whose limit not even a short one fits is left out of `networks`."""
    text = f"{fields['title']} – {fields['summary']}" if entry.summary else fields["title"]
    try:
        post = Post.model_validate({**fields, "suggestions": [text], "slug": "draft", "path": "draft"},
                                   context={"settings": settings})
    except ValidationError:  # the check of the written draft names what is wrong
        return {"suggestions": [text]}
    prepared = sharing.prepare(post, settings)
    limited = [name for name in prepared.networks if NETWORKS[name].limit]

    def misfits(candidate: str) -> list[str]:
        message = prepared.lock.wrap(sharing.with_hashtags(candidate, post.hashtags))
        return [name for name in limited if sharing.limit_error(name, message, prepared.link(name))]

    size = len(text)
    while misfits(text) and size > SUGGESTION_MIN:
        size = max(SUGGESTION_MIN, size - max(10, size // 10))
        text = shorten(text, size)
    left_out = misfits(text)
    if left_out:
        return {"suggestions": [text], "networks": [name for name in prepared.networks if name not in left_out]}
    return {"suggestions": [text]}


def write_report(file: Path, outcomes: list[Outcome]) -> None:
    """The drafts written, as JSON for the import workflow (one pull request each)."""
    import json

    sources = {outcome.source: outcome.feed for outcome in outcomes}
    drafts = [{"path": d.path, "slug": d.slug, "title": d.title, "link": d.link, "source": d.source,
               "feed": sources[d.source]} for outcome in outcomes for d in outcome.drafts]
    file.write_text(json.dumps(drafts, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
