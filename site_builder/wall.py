"""The wall without MkDocs: cards, share links, filters, paging, `posts.json` and the Atom feed.

Everything here depends only on the active posts, the settings and where the site lives; the MkDocs
adapter (`site_builder/plugin.py`) renders the cards with the theme once and writes what this
module returns. Share links and counting come from `sharing` and `networks`, never re-implemented.
The static wall pages double as the chunks the wall script loads: no card is written twice.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree

from site_builder import formats, sharing
from site_builder.content import Post, Source
from site_builder.networks import NETWORKS, Network
from site_builder.settings import Settings
from site_builder.catalogue import Strings, language_name

FEED_SIZE = 50  # the newest active posts in feed.xml; posts.json holds all of them
INDEX_PATH = "sharewall/index.json"  # filter facets of every active post, in wall order
CATALOGUE_PATH = "sharewall/catalogue.json"  # what the shares function accepts: slug, source, networks, redirects
SYSTEM_SHEET = "system"  # the device's share sheet: counted and redirected like a network (shares/models.py SYSTEM)
ATOM = "http://www.w3.org/2005/Atom"
TOKEN_KEY = "sharewall.token"  # sessionStorage key of the signed-in user's bearer token (site JS, dev sign-in)


# --- where things live ------------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """Where the site is served: cards use site-absolute paths so one rendering fits every page."""

    url: str | None = None  # site_url from mkdocs.yml, if any
    directory_urls: bool = True
    prefix: str = ""  # where this build's UI language lives under the site: "" for the main one, "en/"…

    @cached_property
    def root(self) -> str:
        """The site's own base path, whichever UI language is built."""
        path = urlsplit(self.url).path if self.url else "/"
        return path if path.endswith("/") else f"{path}/"

    @cached_property
    def base(self) -> str:
        return self.root + self.prefix

    @cached_property
    def origin(self) -> str:
        parts = urlsplit(self.url) if self.url else None
        return f"{parts.scheme}://{parts.netloc}" if parts else ""

    def post_dest(self, slug: str) -> str:
        """The output file of a post page."""
        return f"posts/{slug}/index.html" if self.directory_urls else f"posts/{slug}.html"

    def page_dest(self, number: int | str) -> str:
        """The output file of wall page `number` (page 1 is the wall itself, `index.md`)."""
        if number == 1:
            return "index.html"
        return f"page/{number}/index.html" if self.directory_urls else f"page/{number}.html"

    def href(self, dest: str) -> str:
        """The site-absolute link to an output file, without `index.html` for directory URLs."""
        if self.directory_urls and (dest == "index.html" or dest.endswith("/index.html")):
            dest = dest[: -len("index.html")]
        return self.base + dest

    def absolute(self, dest: str) -> str:
        """A full URL of an output file for feeds and integrations."""
        return self.full(self.href(dest))

    def post_url(self, slug: str) -> str:
        """The full URL of a post page: its id in the feed and its address in posts.json."""
        return self.absolute(self.post_dest(slug))

    def full(self, href: str) -> str:
        """A site-absolute path as a full URL; unchanged when it is one or no site_url is set."""
        return self.origin + href if self.url and href.startswith("/") else href


# --- cards ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """One network's share link as served without JavaScript: the first suggestion, disclosed."""

    network: str
    label: str
    href: str
    takes_text: bool


@dataclass(frozen=True)
class Card:
    """What a card and a post page show of one post; rendered once by the adapter."""

    post: Post
    url: str
    image: str | None
    source: str
    language: str
    date: str
    label: str | None  # the sponsored badge, in the post's language
    text: str  # the first suggestion with hashtags and disclosure: what the plain links share
    networks: tuple[str, ...]
    shares: tuple[Share, ...]
    composer: str  # script-safe JSON for composer.js
    topics: tuple[tuple[str, str], ...] = ()  # (slug, label in the UI language) of each topic, as the post orders them
    targets: tuple[tuple[str, str], ...] = ()  # (network, UTM link) where `/go/` redirects, the share sheet's too
    tracked: bool = True  # shares carry the `/go/` link (false: `track: false`, the UTM link)


def build_card(post: Post, settings: Settings, sources: dict[str, Source], site: Site, strings: Strings,
               image_url: str | None, topics: dict[str, str] | None = None) -> Card:
    """The view of one post: labels, share links and the composer's data.

    `topics` are the labels of topics.yml in the UI language (`Content.topic_labels`); a topic without one shows its slug.
    """
    prepared = sharing.prepare(post, settings)
    text = prepared.lock.wrap(prepared.suggestions[0])
    hrefs = sharing.share_hrefs(prepared.networks, text, prepared.shared_slot, post.title)  # quoted once a post
    shares = tuple(_share(NETWORKS[name], hrefs[name]) for name in prepared.networks)
    composer = {
        "post": post.slug, "subject": post.title, "prefix": prepared.lock.prefix, "suffix": prepared.lock.suffix,
        "networks": prepared.networks, "suggestions": prepared.suggestions,
        # one link for all networks, composer.js fills in the network's name: the `/go/` link as a site path (the
        # page's own origin goes before it), or the UTM link of an untracked post
        "link": sharing.go_slot_path(site.root, post.slug) if prepared.go_slot else prepared.slot_link,
    }
    return Card(
        post=post,
        url=site.href(site.post_dest(post.slug)),
        image=image_url,
        source=sources[post.source].name if post.source in sources else post.source,
        language=language_name(strings, post.language),
        date=formats.date(post.publish.astimezone(settings.zone), strings.code),  # the day where the site is
        label=settings.disclosures[post.language].label if post.disclosure == "sponsored" else None,
        text=text,
        networks=prepared.networks,
        shares=shares,
        composer=script_json(composer),
        topics=tuple((topic, (topics or {}).get(topic, topic)) for topic in post.topics),
        targets=tuple((name, prepared.utm(name)) for name in (*prepared.networks, SYSTEM_SHEET)),
        tracked=prepared.go_slot is not None,
    )


def _share(network: Network, href: str) -> Share:
    """The plain share link (`sharing.share_hrefs`), as the composer would make it from the first suggestion."""
    return Share(network.name, network.label, href, network.takes_text)


def compact_json(data: Any) -> str:
    """JSON as the site writes it: UTF-8 text as is, no spaces."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def script_json(data: Any) -> str:
    """JSON that is safe inside a `<script>` element and in HTML attributes."""
    text = compact_json(data)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def browser_config(settings: Settings, sign_in_page: str = "/signin/", ui: dict | None = None) -> str:
    """What every page's scripts need: the API, sign-in, the UI languages, the network table (their strings
    come from the language's generated catalogue script, assets/sharewall/locales/<code>.js).

    `ui` is this build's interface language and where each UI language's site starts:
    `{"lang": "en", "homes": {"de": "/", "en": "/en/"}}` (the same page is at the same path below each home).
    """
    sign_in = settings.sign_in
    return script_json({
        "ui": ui or {"lang": "en", "homes": {"en": "/"}},
        "api": settings.api.rstrip("/"),
        "tokenKey": TOKEN_KEY,
        "signIn": sign_in and sign_in.browser(),
        "signInPage": sign_in_page,
        "networks": {name: NETWORKS[name].as_json() for name in NETWORKS},
    })


# --- the wall: pages, filters and what is written next to the HTML -----------------------------


@dataclass
class Wall:
    """The active posts as cards, newest first, split into pages of `page_size`."""

    cards: list[Card]
    page_size: int
    site: Site
    sources: dict[str, Source]
    strings: Strings  # the interface language's, which also formats counts
    now: datetime
    title: str = "Sharewall"
    topics: dict[str, str] = field(default_factory=dict)  # slug -> label in the UI language (topics.yml), else the slug
    facets: dict[str, list[tuple[str, str, str]]] = field(init=False)  # facet -> (key, name, formatted count)

    def __post_init__(self) -> None:
        self.facets = self._facets()

    @property
    def page_count(self) -> int:
        return max(1, -(-len(self.cards) // self.page_size))

    def page(self, number: int) -> slice:
        """Which cards wall page `number` (1-based) shows."""
        start = (number - 1) * self.page_size
        return slice(start, start + self.page_size)

    def page_href(self, number: int | str) -> str:
        return self.site.href(self.site.page_dest(number))

    def pager(self, number: int) -> dict[str, Any]:
        """Links to the neighbouring pages of the static wall."""
        return {
            "number": formats.number(number, self.strings.code),
            "count": formats.number(self.page_count, self.strings.code),
            "newer": self.page_href(number - 1) if number > 1 else None,
            "older": self.page_href(number + 1) if number < self.page_count else None,
        }

    def script_state(self, number: int) -> str:
        """What wall.js needs on a wall page: sizes, where the wall pages and the filter index live."""
        return script_json({
            "page": number, "pageSize": self.page_size, "total": len(self.cards),
            "index": self.site.base + INDEX_PATH, "first": self.page_href(1), "pages": self.page_href("{n}"),
        })

    def outputs(self) -> dict[str, bytes]:
        """Files to write next to the HTML: the filter index, the catalogue, posts.json and feed.xml."""
        files = {}
        files[INDEX_PATH] = compact_json(self._index()).encode()
        files[CATALOGUE_PATH] = catalogue_json(self.cards, self.now).encode()
        files["posts.json"] = posts_json(self.cards, self.site, self.now).encode()
        files["feed.xml"] = atom_feed(self.cards[:FEED_SIZE], self.site, self.now, self.title)
        return files

    # Topics, sources and languages present on the wall, with counts, for the filter controls
    def _facets(self) -> dict[str, list[tuple[str, str, str]]]:
        posts = [card.post for card in self.cards]
        counts = {
            "topic": Counter(topic for post in posts for topic in post.topics),
            "source": Counter(post.source for post in posts),
            "language": Counter(post.language for post in posts),
        }
        names = {
            "topic": lambda key: self.topics.get(key, key),
            "source": lambda key: self.sources[key].name if key in self.sources else key,
            "language": lambda key: language_name(self.strings, key),
        }
        return {
            facet: sorted(((key, names[facet](key), formats.number(count, self.strings.code))
                           for key, count in found.items()), key=lambda f: f[1].lower())
            for facet, found in counts.items()
        }

    # Compact facets per post in wall order: [[topic indexes], source index, language index]; the topics' labels
    # (in the UI language) for the suggest pages
    def _index(self) -> dict[str, Any]:
        keys = {facet: [key for key, _, _ in values] for facet, values in self.facets.items()}
        position = {facet: {key: i for i, key in enumerate(values)} for facet, values in keys.items()}
        return {
            "topics": keys["topic"], "topicLabels": [label for _, label, _ in self.facets["topic"]],
            "sources": keys["source"], "languages": keys["language"],
            "posts": [
                [[position["topic"][t] for t in card.post.topics], position["source"][card.post.source],
                 position["language"][card.post.language]]
                for card in self.cards
            ],
        }


def catalogue_json(cards: list[Card], now: datetime) -> str:
    """The active posts as the shares function checks shares and redirects `/go/` links with them: where each
    network's link leads (the UTM links of `sharing`), when the post leaves the wall, its campaign."""
    return compact_json({
        "generated": now.isoformat(timespec="seconds"),
        "posts": [{"slug": card.post.slug, "source": card.post.source, "networks": list(card.networks),
                   "links": dict(card.targets), "track": card.tracked, "campaign": card.post.campaign,
                   "publish": card.post.publish.isoformat(),
                   "expires": card.post.expires.isoformat() if card.post.expires else None}
                  for card in cards],
    })


def posts_json(cards: list[Card], site: Site, now: datetime) -> str:
    """The active posts for integrations, newest first."""
    return compact_json({
        "generated": now.isoformat(timespec="seconds"),
        "posts": [_post_record(card, site) for card in cards],
    })


def _post_record(card: Card, site: Site) -> dict[str, Any]:
    post = card.post
    return {
        "slug": post.slug, "title": post.title, "url": site.post_url(post.slug),
        "link": post.link, "summary": post.summary, "source": post.source, "language": post.language,
        "publish": post.publish.isoformat(), "expires": post.expires.isoformat() if post.expires else None,
        "topics": list(post.topics), "image": card.image, "image_alt": post.image_alt,
        "disclosure": post.disclosure, "campaign": post.campaign, "networks": list(card.networks),
        "hashtags": list(post.hashtags), "suggestions": list(post.suggestions),
    }


def atom_feed(cards: list[Card], site: Site, now: datetime, title: str = "Sharewall") -> bytes:
    """An Atom 1.0 feed of the newest active posts."""
    ElementTree.register_namespace("", ATOM)

    def add(parent: ElementTree.Element, tag: str, text: str | None = None, **attrs: str) -> ElementTree.Element:
        element = ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        element.text = text
        return element

    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    add(feed, "title", title)
    add(feed, "id", site.absolute("index.html"))
    add(feed, "link", rel="alternate", href=site.absolute("index.html"))
    add(feed, "link", rel="self", href=site.absolute("feed.xml"))
    add(feed, "updated", (cards[0].post.publish if cards else now).isoformat())
    add(add(feed, "author"), "name", title)
    for card in cards:
        post = card.post
        entry = add(feed, "entry")
        add(entry, "title", post.title)
        url = site.post_url(post.slug)
        add(entry, "id", url)
        add(entry, "link", rel="alternate", href=url)
        add(entry, "link", rel="related", href=post.link)
        add(entry, "published", post.publish.isoformat())
        add(entry, "updated", post.publish.isoformat())
        add(add(entry, "author"), "name", card.source)
        add(entry, "summary", f"{card.label}: {post.summary}" if card.label else post.summary)
        for topic, label in card.topics:  # the label as the wall shows it (topics.yml)
            add(entry, "category", term=topic, label=label)
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
