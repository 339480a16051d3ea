"""The rules of a post's fields that a suggestion shares: one implementation for the content model
(site_builder/content.py) and the suggestions function, whose package holds no site_builder.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import regex

TITLE_MAX = 120
SUMMARY_MAX = 300
SUGGESTIONS_MAX = 5
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
SCRIPT_SCHEMES = ("javascript:", "data:", "vbscript:")


# Characters no text field holds: C0/C1 controls (U+001B, U+000B, U+007F...), lone surrogates, the
# noncharacters XML cannot hold, and the Unicode line separators. Format characters (ZWJ in emoji) stay.
CONTROL = regex.compile(r"[\p{Cc}\p{Cs}\u2028\u2029\uFFFE\uFFFF]")
# In multi-line fields (reasons, descriptions, briefings) a line break is the one control allowed
CONTROL_MULTILINE = regex.compile(r"[^\P{Cc}\n\r\t]|[\p{Cs}\u2028\u2029\uFFFE\uFFFF]")
# Whitespace anywhere in a link (U+00A0 too) or a control character: refused, never stripped inside
LINK_SPACE = regex.compile(r"[\s\p{Cc}\p{Cf}\p{Z}]")


def control_character(value: str, *, multiline: bool = False) -> str | None:
    """The first character `value` must not hold, or None: controls are refused in every text field;
    `multiline` fields accept line breaks (and tabs) and nothing else below U+0020."""
    found = (CONTROL_MULTILINE if multiline else CONTROL).search(value)
    return found[0] if found else None


def plain_text(value: str, *, multiline: bool = False) -> str:
    """`value` unchanged when it holds no control character; ValueError naming the character otherwise."""
    found = control_character(value, multiline=multiline)
    if found is not None:
        raise ValueError(f"must not contain the control character U+{ord(found):04X}")
    return value


def https(value: str) -> str:
    """The one URL rule of every link field (posts, suggestions, feeds): an absolute https URL as a URL
    parser reads it, no whitespace or control character anywhere, no user info, a host name with a dot.
    Returns it stripped of surrounding spaces; ValueError says what was wrong."""
    text = value.strip(" ")
    lowered = text.lower()
    if lowered.startswith(SCRIPT_SCHEMES):
        raise ValueError(f"must start with https://, got a script URL {_shown(text, 40)}")
    if lowered in ("", "https://", "https:"):
        raise ValueError("must be filled in: the public https:// address of the page")
    found = LINK_SPACE.search(text)
    if found:
        raise ValueError(f"must not contain whitespace or control characters (U+{ord(found[0]):04X} found)")
    if not lowered.startswith("https://"):
        raise ValueError(f"must start with https://, got {_shown(text, 80)}")
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        parts.port  # noqa: B018 (raises ValueError on a port that is no number)
    except ValueError:
        raise ValueError(f"is not a valid URL: {_shown(text, 80)}") from None
    if "@" in parts.netloc:
        raise ValueError(f"must not contain user info before the host ('…@'), got {_shown(text, 80)}")
    if "." not in host.strip(".") or host.startswith(".") or ".." in host or "\\" in text:
        raise ValueError(f"must name a host with a dot (like news.example.com), got {_shown(text, 80)}")
    return text


def _shown(text: str, limit: int) -> str:
    """`text` quoted for a message, cut at `limit` characters and with controls escaped."""
    return repr(text[:limit])


def slug(value: str) -> str:
    """A topic or campaign slug: lower-case letters, digits and '-'."""
    if not SLUG.fullmatch(value):
        raise ValueError(f"{value!r} is not a slug; use lower-case letters, digits and '-'")
    return value
