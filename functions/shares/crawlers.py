"""Requests for a `/go/` link that are no person's click: link-preview crawlers, prefetches, HEAD.

A network fetches a shared link once to draw its preview card (and again now and then); a browser may
fetch a link before anyone clicks it. They are redirected like a click, but never counted. The list is
matched case-insensitively as parts of the User-Agent; add a fetcher here when one shows up.
"""

from __future__ import annotations

from collections.abc import Mapping

# Parts of the User-Agent of the networks' and messengers' link-preview fetchers
PREVIEW_FETCHERS = (
    "linkedinbot",  # LinkedIn
    "twitterbot",  # X
    "facebookexternalhit", "facebot", "meta-externalagent",  # Facebook, Threads, Instagram
    "slackbot", "slack-imgproxy",  # Slack (Slackbot-LinkExpanding)
    "xing",  # XING-contenttabreceiver
    "whatsapp",  # WhatsApp/2.x
    "cardyb", "bluesky",  # Bluesky's card fetcher ("Bluesky Cardyb/1.1")
    "mastodon", "pleroma", "akkoma",  # fediverse servers ("http.rb/5 (Mastodon/4.2; +https://…)")
    "skypeuripreview", "microsoftpreview", "teamsbot",  # Microsoft Teams and Skype previews
    "discordbot", "telegrambot", "googlebot", "bingbot", "applebot", "embedly", "iframely",
)
# Purpose / Sec-Purpose (Chromium: "prefetch", "prefetch;prerender"), X-Purpose ("preview"), X-Moz ("prefetch")
PREFETCH_HEADERS = ("purpose", "sec-purpose", "x-purpose", "x-moz")
PREFETCH_VALUES = ("prefetch", "preview", "prerender")


def is_preview_fetcher(user_agent: str) -> bool:
    """Whether the User-Agent is a link-preview crawler's."""
    agent = user_agent.lower()
    return any(part in agent for part in PREVIEW_FETCHERS)


def is_prefetch(headers: Mapping[str, str]) -> bool:
    """Whether the request only fetches ahead, before anyone clicked."""
    return any(value in str(headers.get(name) or "").lower() for name in PREFETCH_HEADERS for value in PREFETCH_VALUES)


def counts_as_click(method: str, headers: Mapping[str, str]) -> bool:
    """A person following the link: a GET that is neither a preview fetcher's nor a prefetch (headers in lower case)."""
    return method == "GET" and not is_preview_fetcher(str(headers.get("user-agent") or "")) and not is_prefetch(headers)
