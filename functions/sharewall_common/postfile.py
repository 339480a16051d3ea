"""A post file as `sharewall new` and an accepted suggestion write it: its path and its text.

One writer for the command line (site_builder/scaffold.py) and the suggestions function, which has no
site_builder in its package. Front matter is written by YAML's safe dumper, so any text a person typed
(quotes, colons, `---`, newlines) stays a value and never becomes another field.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

import regex
import yaml

BRIEFING = "Briefing for employees: background, talking points, what not to claim.\n"


def slugify(title: str) -> str:
    """'Surface Studio auf der re:publica' -> 'surface-studio-auf-der-re-publica'."""
    text = title.lower().translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return regex.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80].rstrip("-") or "post"


def post_path(slug: str, now: datetime) -> str:
    """Where a post lives under the content folder: `posts/<year>/<slug>.md`."""
    return f"posts/{now:%Y}/{slug}.md"


def publish_time(now: datetime) -> str:
    """The `publish` value as authors write it (site time, minutes)."""
    return f"{now:%Y-%m-%d %H:%M}"


def post_text(fields: dict, body: str = BRIEFING) -> str:
    """The file: front matter with `fields` in the given order, then the briefing body."""
    front = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{front}---\n{body if body.endswith(chr(10)) else body + chr(10)}"
