"""`sharewall new`: a correctly named post skeleton that passes `check` once its text is filled in."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from pathlib import Path

import regex
import yaml

from site_builder.content import load_sources
from site_builder.settings import Settings


class ScaffoldError(ValueError):
    """The post cannot be written as asked (unknown source or language, file exists)."""


def slugify(title: str) -> str:
    """'Surface Studio auf der re:publica' -> 'surface-studio-auf-der-re-publica'."""
    text = title.lower().translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return regex.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80].rstrip("-") or "post"


def write_post(content_dir: Path, settings: Settings, title: str, source: str, language: str, now: datetime) -> Path:
    """Create `posts/<year>/<slug>.md` with every required field; placeholders say what to write."""
    sources, _ = load_sources(content_dir / "sources.yml", content_dir)
    if source not in sources:
        raise ScaffoldError(f"unknown source {source!r}; known sources in sources.yml: {', '.join(sorted(sources))}")
    if language not in settings.languages:
        raise ScaffoldError(f"unknown language {language!r}; allowed: {', '.join(settings.languages)}")
    path = content_dir / "posts" / f"{now:%Y}" / f"{slugify(title)}.md"
    if path.exists():
        raise ScaffoldError(f"{path} exists already; choose another title")
    fields = {
        "title": title,
        "link": "https://",
        "summary": "",
        "source": source,
        "language": language,
        "publish": f"{now:%Y-%m-%d %H:%M}",
        "topics": [],
        "suggestions": [""],
    }
    front = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=1000)
    body = (
        "Briefing for employees: background, talking points, what not to claim.\n"
        "Fill in link (the public https:// page), summary and at least one suggestion, then run `sharewall check`.\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    return path
