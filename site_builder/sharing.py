"""Sharing rules: the locked disclosure, the UTM-tagged link, the `/go/` link, each network's count and share link.

A post's shares carry `/go/{post}/{network}` on the wall's own domain (the shares function counts a click
and redirects to the post's UTM link, which the build publishes in the catalogue); `track: false` shares
the UTM link itself.

`templates/assets/sharewall/composer.js` does the same in the browser from `NETWORKS` as JSON;
`tests/test_sharing.py` pins both to the same examples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit, urlunsplit

import regex

from site_builder.networks import NETWORKS, Network

if TYPE_CHECKING:
    from site_builder.model import Post
    from site_builder.settings import Settings

_URL = regex.compile(r"https?://\S+")
_GRAPHEME = regex.compile(r"\X")


@dataclass(frozen=True)
class Locked:
    """The disclosure around the editable text: always part of what is shared."""

    prefix: str = ""
    suffix: str = ""

    def wrap(self, text: str) -> str:
        return " ".join(part for part in (self.prefix, text.strip(), self.suffix) if part)


def locked(disclosure: str, sponsored_label: str, employee_tag: str) -> Locked:
    """Sponsored posts start with the label (German law wants it first), employee posts end with the tag."""
    if disclosure == "sponsored":
        return Locked(prefix=sponsored_label)
    if disclosure == "employee":
        return Locked(suffix=employee_tag)
    return Locked()


def with_hashtags(text: str, hashtags: list[str] | tuple[str, ...]) -> str:
    """The suggestion as the composer first shows it: the post's hashtags appended once."""
    missing = [f"#{tag}" for tag in hashtags if f"#{tag}".lower() not in text.lower()]
    return " ".join([text.strip(), *missing]) if missing else text.strip()


def utm_link(link: str, network: str, medium: str, campaign: str) -> str:
    """The post's link with `utm_source`, `utm_medium` and `utm_campaign` (replacing any already there)."""
    parts = urlsplit(link)
    kept = [pair for pair in parts.query.split("&") if pair and not pair.startswith("utm_")]
    utm = [f"utm_source={quote(network, safe='')}", f"utm_medium={quote(medium, safe='')}",
           f"utm_campaign={quote(campaign, safe='')}"]
    return urlunsplit(parts._replace(query="&".join(kept + utm)))


# `utm_source` left open: one link per post, each network's filled in by `fill_slot` (here and in composer.js)
NETWORK_SLOT = "{network}"
_SLOT = quote(NETWORK_SLOT, safe="")


def fill_slot(slot_link: str, network: str) -> str:
    """The `utm_link` of one network from the post's link made with `NETWORK_SLOT` as the network."""
    return slot_link.replace(_SLOT, quote(network, safe=""))


GO_PATH = "go/"  # below the site's root: CloudFront's /go/* behaviour sends it to the shares function


def go_slot_path(root: str, slug: str) -> str:
    """The site path of a post's `/go/` link with `NETWORK_SLOT` as the network (`root`: the site's own path)."""
    return f"{root}{GO_PATH}{quote(slug, safe='')}/{_SLOT}"


@dataclass(frozen=True)
class Prepared:
    """What every share of one post starts from; the wall's cards and the length rules of `check` alike."""

    lock: Locked
    networks: tuple[str, ...]  # the post's networks that the site has configured, in the post's order
    suggestions: tuple[str, ...]  # with the post's hashtags, without the disclosure
    slot_link: str  # the UTM link with `NETWORK_SLOT` as the network: where `/go/` redirects to
    go_slot: str | None = None  # the `/go/` link with the slot (full URL when site_url is known); None: `track: false`

    @property
    def shared_slot(self) -> str:
        """The link shares carry, with the slot: the `/go/` link, or the UTM link of an untracked post."""
        return self.go_slot or self.slot_link

    def link(self, network: str) -> str:
        """The link a share on `network` carries (and a network that counts URLs in full counts)."""
        return fill_slot(self.shared_slot, network)

    def utm(self, network: str) -> str:
        """The post's own link with `network`'s UTM parameters: the redirect's target."""
        return fill_slot(self.slot_link, network)


def prepare(post: Post, settings: Settings) -> Prepared:
    """The disclosure lock, networks, suggestions and link of `post` (no lock for an unconfigured language)."""
    disclosure = settings.disclosures.get(post.language)
    lock = locked(post.disclosure, disclosure.sponsored, disclosure.employee) if disclosure else Locked()
    networks = tuple(name for name in post.networks or settings.networks if name in settings.networks)
    suggestions = tuple(with_hashtags(text, post.hashtags) for text in post.suggestions)
    slot_link = utm_link(post.link, NETWORK_SLOT, settings.utm_medium, post.campaign_or_slug)
    go_slot = None
    if post.track:
        site = urlsplit(settings.site_url or "/")
        root = site.path if site.path.endswith("/") else f"{site.path}/"
        origin = f"{site.scheme}://{site.netloc}" if site.netloc else ""
        go_slot = origin + go_slot_path(root, post.slug)
    return Prepared(lock, networks, suggestions, slot_link, go_slot)


def length(network: Network, message: str, url: str) -> int:
    """How long the network counts `message` plus the shared `url`, by the network's own rules."""
    if not network.takes_text:
        return _plain_length(network, message)  # pasted by hand, the link rides in the preview
    if network.url_weight is not None:  # the link counts the same, whatever it is
        return _plain_length(network, message) + 1 + network.url_weight
    return _plain_length(network, f"{message} {url}")


def _plain_length(network: Network, text: str) -> int:
    if network.graphemes and text.isascii() and "\r" not in text:
        return len(text)  # plain ASCII: one character, one grapheme (\r\n aside, which never fits a post)
    if network.graphemes:
        return len(_GRAPHEME.findall(text))
    if network.url_weight is not None:
        if "://" not in text:
            return len(text)
        return len(_URL.sub("x" * network.url_weight, text))
    return len(text)


def share_href(network: Network, message: str, url: str, subject: str) -> str:
    """The link that opens the network's own share dialog, prefilled where the network allows."""
    return _share_href(network, _encode(message), _encode(url), _encode(subject))


def share_hrefs(networks: tuple[str, ...], message: str, slot_link: str, subject: str) -> dict[str, str]:
    """`share_href` of each of `networks` for the link `slot_link` filled with the network (`fill_slot`), quoted
    once for them all: quoting is per character, so the network's name goes into the quoted link's slot."""
    text, link, subject = _encode(message), _encode(slot_link), _encode(subject)
    return {name: _share_href(NETWORKS[name], text, link.replace(_ENCODED_SLOT, _encode(quote(name, safe=""))), subject)
            for name in networks}


# The network's share URL from the message, link and subject already quoted (the link is part of the text where
# the network wants it there: quote(f"{message} {url}") is the two quoted with a quoted space between them)
def _share_href(network: Network, message: str, url: str, subject: str) -> str:
    return network.share_url.format(text=f"{message}%20{url}" if network.url_in_text else message, url=url,
                                    subject=subject)


def _encode(value: str) -> str:
    return quote(value, safe="")


_ENCODED_SLOT = _encode(_SLOT)  # the network's slot in a quoted slot link


def limit_error(network_name: str, message: str, url: str) -> str | None:
    """Why `message` (disclosure included) does not fit `network_name`, or None when it does."""
    network = NETWORKS[network_name]
    if network.limit is None:
        return None
    if network.graphemes and len(message) + 1 + len(url) <= network.limit:
        return None  # never more graphemes than code points: fits without segmenting
    counted = length(network, message, url)
    if counted <= network.limit:
        return None
    unit = "graphemes" if network.graphemes else "characters"
    return f"is {counted} {unit} on {network_name} with link and disclosure; the limit is {network.limit}"
