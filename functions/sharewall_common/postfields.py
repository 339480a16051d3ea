"""The rules of a post's fields that a suggestion shares: one implementation for the content model
(site_builder/content.py) and the suggestions function, whose package holds no site_builder.
"""

from __future__ import annotations

import re

TITLE_MAX = 120
SUMMARY_MAX = 300
SUGGESTIONS_MAX = 5
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
SCRIPT_SCHEMES = ("javascript:", "data:", "vbscript:")


def https(value: str) -> str:
    """An https:// URL without spaces, stripped; ValueError says what was given instead."""
    lowered = value.strip().lower()
    if lowered.startswith(SCRIPT_SCHEMES):
        raise ValueError(f"must start with https://, got a script URL {value[:40]!r}")
    if not lowered.startswith("https://") or len(lowered) <= len("https://") or " " in value.strip():
        raise ValueError(f"must start with https://, got {value[:80]!r}")
    return value.strip()


def slug(value: str) -> str:
    """A topic or campaign slug: lower-case letters, digits and '-'."""
    if not SLUG.fullmatch(value):
        raise ValueError(f"{value!r} is not a slug; use lower-case letters, digits and '-'")
    return value
