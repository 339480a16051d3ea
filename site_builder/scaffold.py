"""`sharewall new`: a correctly named post skeleton that passes `check` once its text is filled in
(`check` refuses each placeholder left: the link, summary, suggestion and the briefing).

The file itself is written by sharewall_common.postfile, the writer accepted suggestions use too.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sharewall_common.postfile import BRIEFING, post_path, post_text, publish_time, slugify
from site_builder.content import load_sources
from site_builder.rules import NEW_POST_HINTS
from site_builder.settings import Settings

__all__ = ["ScaffoldError", "slugify", "write_post"]


class ScaffoldError(ValueError):
    """The post cannot be written as asked (unknown source or language, file exists)."""


def write_post(content_dir: Path, settings: Settings, title: str, source: str, language: str, now: datetime) -> Path:
    """Create `posts/<year>/<slug>.md` with every required field; placeholders say what to write."""
    sources, _ = load_sources(content_dir / "sources.yml", content_dir)
    if source not in sources:
        raise ScaffoldError(f"unknown source {source!r}; known sources in sources.yml: {', '.join(sorted(sources))}")
    if language not in settings.languages:
        raise ScaffoldError(f"unknown language {language!r}; allowed: {', '.join(settings.languages)}")
    path = content_dir / post_path(slugify(title), now)
    if path.exists():
        raise ScaffoldError(f"{path} exists already; choose another title")
    fields = {
        "title": title,
        "link": "https://",
        "summary": "",
        "source": source,
        "language": language,
        "publish": publish_time(now),
        "topics": [],
        "suggestions": [""],
    }
    body = f"{BRIEFING}{NEW_POST_HINTS[0]}\n"  # `check` refuses these lines until replaced (rules.placeholder_briefing)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(post_text(fields, body), encoding="utf-8")
    return path


def unique_slug(title: str, taken: set[str]) -> str:
    """The title's slug, with -2, -3 … appended while a post of any year (`taken`) has it already."""
    base = slugify(title)
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base[:80 - len(str(number)) - 1].rstrip('-')}-{number}"
    return slug


def write_file(path: Path, text: str) -> None:
    """Write `text` to a temporary file next to `path`, then rename: no reader ever sees half a file."""
    import os
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
