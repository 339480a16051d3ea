"""The social networks a post can be shared to, and how each one takes a share.

One table, read by the content rules (does a suggestion fit?), the share links and, as JSON,
by the composer in the browser, so the counting rules live in one place.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Network:
    name: str
    label: str
    share_url: str  # Python format string with {text}, {url} and {subject}, all already encoded
    takes_text: bool  # False: the text is copied to the clipboard, the user pastes it
    url_in_text: bool  # True: the link is part of the text (and counts like it)
    limit: int | None  # None: no practical limit
    url_weight: int | None = None  # a link counts as this many characters (X, Mastodon)
    graphemes: bool = False  # count user-perceived characters (Bluesky)

    def as_json(self) -> dict:
        return asdict(self)


NETWORKS: dict[str, Network] = {
    network.name: network
    for network in (
        Network("linkedin", "LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?url={url}", False, False, 3000),
        Network("xing", "XING", "https://www.xing.com/spi/shares/new?url={url}", False, False, 3000),
        Network("facebook", "Facebook", "https://www.facebook.com/sharer/sharer.php?u={url}", False, False, 63206),
        Network("x", "X", "https://x.com/intent/tweet?text={text}&url={url}", True, False, 280, url_weight=23),
        Network("bluesky", "Bluesky", "https://bsky.app/intent/compose?text={text}", True, True, 300, graphemes=True),
        Network("mastodon", "Mastodon", "https://share.joinmastodon.org/#text={text}", True, True, 500, url_weight=23),
        Network("threads", "Threads", "https://www.threads.com/intent/post?text={text}&url={url}", True, False, 500),
        Network("whatsapp", "WhatsApp", "https://wa.me/?text={text}", True, True, None),
        Network("email", "E-Mail", "mailto:?subject={subject}&body={text}", True, True, None),
    )
}
