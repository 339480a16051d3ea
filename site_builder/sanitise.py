"""The one allow-list for HTML built from `content/`: what a page keeps of its rendered Markdown.

The build passes every page's HTML through `clean` (nh3, the Rust `ammonia` sanitiser); `sharewall check`
reports what `clean` removes (`removals`), so a reviewer sees an error instead of a silently changed page.
Front-matter values never reach a template as markup: `escape_meta` turns them into escaped text.
Pure: nothing here knows MkDocs.
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import nh3
from markupsafe import escape

from site_builder import reserved

# What Markdown and its extensions (admonition, attr_list, toc permalinks, tables, fenced code) produce,
# plus the harmless HTML an author may write: ammonia's default tags, no form, frame, media or script
TAGS = frozenset(nh3.ALLOWED_TAGS)
# Attributes per tag; "*" on every tag. attr_list may set only these: an `on…` handler or a `style` goes
ATTRIBUTES = {
    **{tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"id", "class", "title", "lang", "dir"},
}
# The alignment the tables extension writes, exactly (no other style survives)
ALIGNMENTS = {"style": {f"text-align: {side};" for side in ("left", "center", "right")}}
ATTRIBUTE_VALUES = {"th": ALIGNMENTS, "td": ALIGNMENTS}
# Links and images: web pages, mail and phone only (no javascript:, data:, vbscript: …); relative URLs stay
URL_SCHEMES = frozenset({"https", "http", "mailto", "tel"})
# Elements the HTML parser adds to a table itself when the author left them out: no misreading
IMPLIED = frozenset({"tbody", "colgroup"})
# Removed with everything inside them (other disallowed tags give up their text)
CONTENT_DROPPED = frozenset({"script", "style"})
# An id the theme can put in a link and a CSS selector (Markdown's own are slugs); others go
SAFE_ID = re.compile(r"[\w.:-]+")


# An attribute_filter: other ids go (a quote in one would break out of the theme's TOC link), and so do the
# site's own (`sharewall-config`, `__config`, `sw-…`): content never stands in for an element the site's
# scripts or Material look up by id
def _safe_id(tag: str, attribute: str, value: str) -> str | None:
    return value if attribute != "id" or SAFE_ID.fullmatch(value) and not reserved.site_id(value) else None


# Built once: ammonia's rules are compiled when the cleaner is made, not per page
_CLEANER = nh3.Cleaner(
    tags=set(TAGS), clean_content_tags=set(CONTENT_DROPPED), attributes=ATTRIBUTES,
    tag_attribute_values=ATTRIBUTE_VALUES, url_schemes=set(URL_SCHEMES), link_rel=None, strip_comments=True,
    attribute_filter=_safe_id,
)
_TEXT = nh3.Cleaner(tags=set(), clean_content_tags=set(CONTENT_DROPPED), attributes={})


def clean(markup: str) -> str:
    """The HTML with everything outside the allow-list removed; allowed HTML comes back as it was."""
    return _CLEANER.clean(markup)


def safe_id(value: str) -> str:
    """An id as the sanitiser keeps it: unchanged when it is safe, else only its safe characters (and never
    one of the site's own)."""
    kept = value if SAFE_ID.fullmatch(value) else "".join(SAFE_ID.findall(value)) or "_"
    return heading_id(kept)


def heading_id(slug: str) -> str:
    """A heading's generated id that is not one of the site's own: `Sharewall config` gets `h-sharewall-config`."""
    return f"h-{slug}" if reserved.site_id(slug) else slug


def content_slugify(base):
    """Markdown's toc `slugify` (mkdocs.yml's or the default) whose ids are never the site's own, so a heading
    can be called anything; ids an author writes (`{#__config}`, `<p id=…>`) are refused instead."""
    if getattr(base, "sharewall", False):
        return base

    def slugify(value: str, separator: str) -> str:
        return heading_id(base(value, separator))

    slugify.sharewall = True
    return slugify


def text(fragment: str) -> str:
    """The plain text of an HTML fragment (a heading's inner HTML): tags dropped, entities decoded."""
    return html.unescape(_TEXT.clean(fragment))


def escape_meta(value: Any) -> Any:
    """A front-matter value with every string in it escaped (Markup: templates print it as text, never twice)."""
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, dict):
        return {key: escape_meta(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(escape_meta(item) for item in value)
    return value


# --- what `clean` removes ---------------------------------------------------------------------


@dataclass(frozen=True)
class Removal:
    """One element or attribute `clean` removes, where it starts in the HTML, and how it was written."""

    line: int  # 1-based line of the element's start tag in the HTML
    tag: str
    attribute: str | None  # None: the whole element goes
    value: str | None  # the attribute's value as the browser reads it
    raw: str  # the start tag exactly as written in the HTML
    hidden: bool = False  # not removed but misread: the browser's parser sees it where this check's did not

    def __str__(self) -> str:
        if self.attribute is None:
            return f"<{self.tag}> element"
        shown = f"={_short(self.value)}" if self.value else ""
        return f"attribute {self.attribute}{shown} of <{self.tag}>"


def removals(markup: str) -> list[Removal]:
    """Every element and attribute of `markup` that `clean` removes, in document order, and every one that `clean`
    (the browser's HTML parser, html5ever) reads where Python's parser, which this check reads with, saw none:
    `<!--><img src=x onerror=…>-->` is one comment to one parser and an image to the other. The sanitised page
    holds such an element, so `check` refuses it rather than pass HTML that renders otherwise than written."""
    if "<" not in markup:
        return []
    before, after = _start_tags(markup), _start_tags(clean(markup))
    found: list[Removal] = []
    matcher = difflib.SequenceMatcher(None, [t.tag for t in before], [t.tag for t in after], autojunk=False)
    for operation, b1, b2, a1, a2 in matcher.get_opcodes():
        if operation in ("delete", "replace"):
            found += [Removal(tag.line, tag.tag, None, None, tag.raw) for tag in before[b1:b2]]
        if operation in ("insert", "replace"):
            found += [Removal(tag.line, tag.tag, None, None, tag.raw, hidden=True)
                      for tag in after[a1:a2] if tag.tag not in IMPLIED]
        elif operation == "equal":
            for offset, tag in enumerate(before[b1:b2]):
                kept = after[a1 + offset].attrs
                found += [Removal(tag.line, tag.tag, name, value, tag.raw)
                          for name, value in tag.attrs.items() if kept.get(name) != value]
                found += [Removal(tag.line, tag.tag, name, value, tag.raw, hidden=True)
                          for name, value in kept.items() if name not in tag.attrs]
    return found


@dataclass(frozen=True)
class _StartTag:
    tag: str
    attrs: dict[str, str]
    line: int
    raw: str


class _StartTags(HTMLParser):
    """The start tags of a document with their attributes (as a browser reads them) and lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[_StartTag] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.tags.append(_StartTag(tag, values, self.getpos()[0], self.get_starttag_text() or ""))

    handle_startendtag = handle_starttag


def _start_tags(markup: str) -> list[_StartTag]:
    if "<" not in markup:
        return []
    parser = _StartTags()
    parser.feed(markup)
    parser.close()
    return parser.tags


def _short(value: str | None, size: int = 40) -> str:
    shown = repr(value)
    return shown if len(shown) <= size else shown[: size - 4] + "…" + shown[0]
