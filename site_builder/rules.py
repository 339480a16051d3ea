"""Content rules that span fields, files or settings; each yields (line, message) or an Issue."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import regex

from site_builder import sharing
from site_builder.content import Issue, Post, Source
from site_builder.frontmatter import Document
from site_builder.networks import NETWORKS
from site_builder.settings import Settings

# Raw HTML that could run script: script-like elements, event handler attributes, script URLs.
UNSAFE_HTML = regex.compile(
    r"<\s*(script|iframe|object|embed|frame|frameset|base|meta)\b"
    r"|<[^>]*\son[a-z]+\s*="
    r"|\b(javascript|vbscript)\s*:"
    r"|data\s*:\s*text/html",
    regex.IGNORECASE,
)


def for_post(post: Post, document: Document, root: Path, settings: Settings, sources: dict[str, Source]) -> Iterator[tuple[int, str]]:
    """The rules of one post that need more than its own field types."""
    line = document.line_of
    if post.expires is not None and post.expires <= post.publish:
        yield line("expires"), f"expires ({post.expires:%Y-%m-%d %H:%M}) must be after publish ({post.publish:%Y-%m-%d %H:%M})"
    if post.source not in sources:
        yield line("source"), f"source '{post.source}' is unknown; known sources in sources.yml: {', '.join(sorted(sources)) or 'none'}"
    if post.language not in settings.languages:
        yield line("language"), f"language '{post.language}' is not configured; allowed: {', '.join(settings.languages)}"
    if post.disclosure == "sponsored" and not post.campaign:
        yield line("disclosure"), "campaign is required when disclosure is sponsored; name the campaign the sponsorship belongs to"
    yield from _image_rules(post, line, root)
    for index, name in enumerate(post.networks or ()):
        if name not in settings.networks:
            yield line("networks", index), f"networks[{index}] '{name}' is not configured; allowed: {', '.join(settings.networks)}"
    yield from _suggestion_rules(post, line, settings)
    yield from _unsafe_body(post, document)


def across_posts(posts: list[Post], root: Path, settings: Settings, now: datetime) -> Iterator[Issue]:
    """Rules between posts (duplicate slugs and links) and the state of a post as of `now`."""
    by_slug: dict[str, list[Post]] = defaultdict(list)
    by_link: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        by_slug[post.slug].append(post)
        by_link[post.link.rstrip("/")].append(post)
    for same in by_slug.values():
        for post in same[1:]:
            yield Issue(post.path, 1, f"slug '{post.slug}' is already used by {same[0].path}; slugs must be unique, rename the file")
    for same in by_link.values():
        for post in same[1:]:
            yield Issue(post.path, 1, f"link is shared with {same[0].path}; is this post a duplicate?", "warning")
    for post in posts:
        if post.expires is not None and post.expires <= now:
            yield Issue(post.path, 1, f"post expired at {post.expires:%Y-%m-%d %H:%M} and is not on the wall", "warning")


def _image_rules(post: Post, line, root: Path) -> Iterator[tuple[int, str]]:
    if post.image is None:
        return
    if not post.image_alt:
        yield line("image"), "image_alt is required when image is set; describe the image for screen readers"
    if post.image_is_url:
        return
    if ":" in post.image or post.image.startswith("/") or ".." in Path(post.image).parts:
        yield line("image"), f"image '{post.image}' must be a file under content/ or an https:// URL"
    elif not (root / post.image).is_file():
        yield line("image"), f"image '{post.image}' does not exist under {root.as_posix()}/"


def _suggestion_rules(post: Post, line, settings: Settings) -> Iterator[tuple[int, str]]:
    prepared = sharing.prepare(post, settings)
    # only networks with a limit can be exceeded, and only those that take text count the link
    links = {name: prepared.link(name) for name in prepared.networks if NETWORKS[name].limit}
    for index, text in enumerate(post.suggestions):
        if UNSAFE_HTML.search(text):
            yield line("suggestions", index), f"suggestions[{index}] contains HTML or a URL that could run script; write plain text"
            continue
        message = prepared.lock.wrap(prepared.suggestions[index])
        for name in links:
            problem = sharing.limit_error(name, message, links[name])
            if problem:
                yield line("suggestions", index), f"suggestions[{index}] {problem}; shorten it or drop {name} from networks"


def _unsafe_body(post: Post, document: Document) -> Iterator[tuple[int, str]]:
    for offset, text in enumerate(post.body.splitlines()):
        found = UNSAFE_HTML.search(text)
        if found:
            yield document.body_line + offset, f"body contains {found.group(0).strip()!r}, which could run script; remove the raw HTML"
