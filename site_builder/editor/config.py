"""Decap CMS's configuration of the editor at /admin/ (`config.<lang>.yml`), generated from the post model.

Pure: from the settings, the loaded content, one language's catalogue (its `editor` section) and the backend's
options. One source of truth: every field of `FrontMatter` gets its widget here (a field without one stops the
build, WIDGETS), `required` as the model says, and the limits and patterns of `sharewall check` taken from the
model's constants, written as the regular expressions Decap tests: `RegExp(pattern)` without flags, so they see
UTF-16 code units and ASCII `\\w`. Where Python's rules are Unicode (a hashtag's `\\w`, the characters a link
or a text must not hold) the character classes are generated from Python's own patterns (`js_character`), so
the editor and `check` agree character by character; an astral character counts once, as Python counts it.

What the widgets cannot say (a suggestion too long for a chosen network, `sponsored` forced by a reimbursed
campaign or an influencer source, an expiry not after the publication, an image without alt text) the widgets of
editor.js say (`sharewall-suggestions`, `sharewall-disclosure`, and `sharewall-expires` and `sharewall-image-alt`
wrapping Decap's datetime and string); `check` on the pull request stays the gate.

topics.yml and campaigns.yml are left out of the editor: each is a mapping whose keys are the slugs themselves
(`events: {de: …, en: …}`), and Decap's file collections edit fixed keys only (a list widget would write a list,
which is another format), so they are edited in Git; the posts' select widgets list what they declare.
"""

from __future__ import annotations

import re
import sys
from array import array
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, get_args
from urllib.parse import urlsplit

import regex

from sharewall_common import decap
from sharewall_common.postfields import CONTROL, CONTROL_MULTILINE, LINK_SPACE, SLUG, SUGGESTIONS_MAX
from site_builder import catalogue
from site_builder.model import HASHTAG, Content, FrontMatter, PageFrontMatter
from site_builder.networks import NETWORKS
from site_builder.settings import LOOPBACK_HTTP, Settings

# the posts' collection (editor.js registers its preview for this name, folder below content/) and the workflow's
# label prefix (decap-cms/draft, …/pending_review, …): Decap's conventions the suggestions function follows too
POSTS, LABEL_PREFIX = decap.COLLECTION, decap.LABEL_PREFIX
MEDIA_FOLDER = "images"  # below content/: where uploads go; a post's `image` is relative to content/ (images/x.png)
PAGE = "guidelines"  # the page comms edit in the editor: content/guidelines.md and its twins guidelines.<code>.md
DATETIME = "YYYY-MM-DD HH:mm"  # Day.js: what authors write by hand; model._parse_time reads it in the site timezone
# The body's toolbar: text, links, headings, quotes and lists; no images, code blocks or raw HTML (the sanitiser's rules)
BODY_BUTTONS = ("bold", "italic", "link", "heading-two", "heading-three", "quote", "bulleted-list", "numbered-list")
AUTH_ENDPOINT = "api/cms/auth"  # the stack's OAuth function (functions/editorauth), below the site's origin
REPOSITORY = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")  # GitHub's owner/name (template.yaml's AllowedPattern)
# One character as Python counts it, in JavaScript's UTF-16 code units: a surrogate pair (beyond U+FFFF), any other
# unit, or a high surrogate alone; the three never overlap, so a long text cannot make the engine backtrack for ever
CHARACTER = r"(?:[\uD800-\uDBFF][\uDC00-\uDFFF]|[^\uD800-\uDBFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF]))"
# a port urlsplit accepts (0-65535); a host: labels without space, '/', '?', '#', '@', '\', ':' or brackets
PORT = r"(?:[0-9]{0,4}|[0-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])"
HOST_LABEL = r"[^\s/?#@\\.:\[\]]+"


class EditorError(ValueError):
    """The editor's options in mkdocs.yml are wrong; the message names the option."""


@dataclass(frozen=True)
class Backend:
    """Where the editor commits: a GitHub repository through the stack's OAuth, or locally decap-server."""

    repo: str = ""  # owner/name; empty: the editor cannot sign in at GitHub (`serve` uses the local backend)
    branch: str = "main"
    api_root: str = "https://api.github.com"
    local: str | None = None  # decap-server's API (…/api/v1): only the build `sharewall serve` makes

    # Refuse what would make a broken or unsafe editor, naming the option
    def __post_init__(self) -> None:
        if self.repo and not REPOSITORY.fullmatch(self.repo):
            raise EditorError(f"editor.repo: {self.repo!r} is not a GitHub repository like owner/name")
        if not self.branch.strip():
            raise EditorError("editor.branch: name the base branch, like main")
        for name, url in (("editor.api_root", self.api_root), ("editor_local_backend", self.local)):
            if url is not None and not (url.startswith("https://") or LOOPBACK_HTTP.match(url)):
                raise EditorError(f"{name}: {url!r} must be an https:// address (plain http only on loopback)")


# Decap's configuration of the editor in the interface `language`; `sections` is that language's catalogue (a
# Catalogue or its sections), `pages` the guidelines' files by language (paths below the project), `content_folder`
# the docs_dir below the project (the repository's root, where Decap's paths start)
def editor_config(language: str, settings: Settings, content: Content, sections: Any, backend: Backend,
                  pages: Mapping[str, str] | None = None, content_folder: str = "content") -> dict[str, Any]:
    t = strings("editor", sections)  # the catalogue section of the labels, hints and messages
    config: dict[str, Any] = {
        "locale": language,
        "backend": _backend(backend, settings.site_url),
        "publish_mode": "editorial_workflow",
        # no omit_empty_optional_fields: Decap has no such option (it is Sveltia's) and writes a field the author
        # emptied as "" (check refuses `image: ""`); editor.js's preSave handler drops the empty fields instead
        "media_folder": f"{content_folder}/{MEDIA_FOLDER}",
        "public_folder": MEDIA_FOLDER,
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [_posts(language, settings, content, t, content_folder)],
    }
    if backend.local:
        config["local_backend"] = {"url": backend.local, "allowed_hosts": ["127.0.0.1", "localhost"]}
    if settings.site_url:
        config["site_url"] = settings.site_url
    if pages:
        config["collections"].append(_pages(pages, t))
    return config


# One section of a catalogue (a Catalogue or its sections by name)
def strings(section: str, sections: Any) -> dict[str, str]:
    found = sections.sections if isinstance(sections, catalogue.Catalogue) else sections
    return dict(found.get(section, {}))


# GitHub through the stack's OAuth function at the site's origin
def _backend(backend: Backend, site_url: str | None) -> dict[str, Any]:
    found: dict[str, Any] = {"name": "github", "branch": backend.branch, "api_root": backend.api_root,
                             "auth_endpoint": AUTH_ENDPOINT, "cms_label_prefix": LABEL_PREFIX}
    if backend.repo:
        found["repo"] = backend.repo
    if site_url:  # without it Decap would sign in through Netlify's API: editor.js then sets the page's origin
        parts = urlsplit(site_url)
        found["base_url"] = f"{parts.scheme}://{parts.netloc}"
    return found


# The posts' folder collection: one widget per front-matter field, then the body
def _posts(language: str, settings: Settings, content: Content, t: dict[str, str], folder: str) -> dict[str, Any]:
    widgets = _widgets(language, settings, content, t)
    missing = [name for name in FrontMatter.model_fields if name not in widgets]
    if missing:
        raise EditorError(f"the post fields {', '.join(missing)} have no widget in the editor: add them to "
                          "site_builder/editor/config.py (_widgets) and their labels to the catalogues' editor section")
    suggestions = _limit(FrontMatter.model_fields["suggestions"], "max_length")
    fields = [{"name": name, "label": t[name], "hint": t["hint_" + name].format(timezone=settings.timezone, max=suggestions),
               "required": FrontMatter.model_fields[name].is_required(), **widgets[name]}
              for name in FrontMatter.model_fields]
    fields.append({"name": "body", "label": t["body"], "hint": t["hint_body"], "required": False, **_markdown()})
    # its own media folders: Decap gives a collection with a `path` the entry's folder (content/posts/2026/x.png,
    # `image: x.png`) unless it names one; an absolute one (from the repository's root) is the same for every entry
    return {"name": POSTS, "label": t["posts"], "label_singular": t["post"], "folder": f"{folder}/{POSTS}",
            "media_folder": f"/{folder}/{MEDIA_FOLDER}", "public_folder": MEDIA_FOLDER,
            "path": "{{year}}/{{slug}}", "slug": "{{slug}}", "extension": "md", "format": "frontmatter",
            "create": True, "identifier_field": "title", "summary": "{{title}}", "fields": fields}


# The widget (and its options) of every front-matter field by name; `required` and the labels are added by _posts
def _widgets(language: str, settings: Settings, content: Content, t: dict[str, str]) -> dict[str, dict[str, Any]]:
    names = catalogue.Strings({}, language)
    disclosures = get_args(FrontMatter.model_fields["disclosure"].annotation)
    suggestions = FrontMatter.model_fields["suggestions"]
    return {
        "title": {"widget": "string", "pattern": _text_rule("title", t)},
        "link": {"widget": "string", "pattern": [link_pattern(), t["link_pattern"]]},
        "summary": {"widget": "text", "pattern": _text_rule("summary", t)},
        "source": {"widget": "select", "options": _options(
            {key: source.named(language).name for key, source in content.sources.items()})},
        "language": {"widget": "select", "options": _options(
            {code: catalogue.language_name(names, code) for code in settings.languages})},
        "publish": {"widget": "datetime", "format": DATETIME, "picker_utc": False, "default": "{{now}}"},
        # Decap's datetime shown as `check` reads it: a date alone is the end of that day; after publish (editor.js)
        "expires": {"widget": "sharewall-expires", "format": DATETIME, "picker_utc": False},
        "topics": _topics(language, content, t),
        "image": {"widget": "image", "choose_url": True},
        # Decap's string, required once an image is set (editor.js): rules._image_rules
        "image_alt": {"widget": "sharewall-image-alt", "pattern": _text_rule("image_alt", t)},
        "disclosure": {"widget": "sharewall-disclosure", "default": FrontMatter.model_fields["disclosure"].default,
                       "options": [{"label": t["disclosure_" + value], "value": value} for value in disclosures]},
        "campaign": {"widget": "select", "options": _options(
            {key: campaign.name_in(language) for key, campaign in content.campaigns.items()})},
        "networks": {"widget": "select", "multiple": True, "options": _options(
            {name: NETWORKS[name].label for name in settings.networks})},
        "hashtags": {"widget": "list", "label_singular": t["hashtag"], "field": {
            "name": "hashtag", "label": t["hashtag"], "widget": "string",
            "pattern": [hashtag_pattern(), t["hashtag_pattern"]]}},
        "suggestions": {"widget": "sharewall-suggestions", "min": _limit(suggestions, "min_length"),
                        "max": _limit(suggestions, "max_length") or SUGGESTIONS_MAX},
        "draft": {"widget": "boolean", "default": FrontMatter.model_fields["draft"].default},
        "track": {"widget": "boolean", "default": FrontMatter.model_fields["track"].default},
    }


# topics.yml's topics with their labels in `language`; without topics.yml any slug is a topic: a list of slugs
def _topics(language: str, content: Content, t: dict[str, str]) -> dict[str, Any]:
    if content.topics is not None:
        return {"widget": "select", "multiple": True, "options": _options(content.topics.labels_in(language))}
    return {"widget": "list", "label_singular": t["topic"], "field": {
        "name": "topic", "label": t["topic"], "widget": "string", "pattern": [slug_pattern(), t["slug_pattern"]]}}


# A select's options, labelled, in the order written
def _options(labels: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"label": label, "value": value} for value, label in labels.items()]


# The body: Markdown with the toolbar the sanitiser lets through, no images inside it (the post has its own)
def _markdown() -> dict[str, Any]:
    return {"widget": "markdown", "buttons": list(BODY_BUTTONS), "editor_components": [],
            "modes": ["rich_text", "raw"], "sanitize_preview": True}


# A single-line text field's rule: the model's length and no control character
def _text_rule(name: str, t: dict[str, str]) -> list[str]:
    most = _limit(FrontMatter.model_fields[name], "max_length")
    return [text_pattern(most), t["text_pattern"].format(max=most)]


# A length constraint of a model field (min_length, max_length) as pydantic keeps it
def _limit(field, kind: str) -> int | None:
    return next((getattr(item, kind) for item in field.metadata if getattr(item, kind, None) is not None), None)


# The guidelines' file collection: one entry per language that has its file
def _pages(pages: Mapping[str, str], t: dict[str, str]) -> dict[str, Any]:
    title, description = PageFrontMatter.model_fields["title"], PageFrontMatter.model_fields["description"]
    fields = [
        {"name": "title", "label": t["page_title"], "hint": t["hint_page_title"], "required": False,
         "widget": "string", "pattern": [text_pattern(_limit(title, "max_length")),
                                         t["text_pattern"].format(max=_limit(title, "max_length"))]},
        {"name": "description", "label": t["description"], "hint": t["hint_description"], "required": False,
         "widget": "text", "pattern": [text_pattern(_limit(description, "max_length")),
                                       t["text_pattern"].format(max=_limit(description, "max_length"))]},
        {"name": "body", "label": t["body"], "hint": t["hint_page_body"], "required": False, **_markdown()},
    ]
    files = [{"name": f"{PAGE}-{code}", "label": t["guidelines"].format(language=catalogue.endonym(code)),
              "file": path, "fields": fields} for code, path in pages.items()]
    return {"name": "pages", "label": t["pages"], "extension": "md", "format": "frontmatter", "files": files}


# --- the patterns: JavaScript regular expressions (no flags) that agree with the model's Python rules ---------------


# A text of 1 to `most` characters once stripped (as the model counts: an astral character once), no control character
def text_pattern(most: int, *, multiline: bool = False) -> str:
    control = js_character(CONTROL_MULTILINE if multiline else CONTROL)
    return rf"^(?![\s\S]*{control})\s*(?=\S){CHARACTER}{{1,{most}}}(?<=\S)\s*$"


# postfields.https: an absolute https URL (any case), no whitespace, control or format character and no backslash
# anywhere, no user info, a host of dot-separated labels, a port urlsplit accepts
def link_pattern() -> str:
    refused = js_character(LINK_SPACE)
    return (rf"^(?![\s\S]*(?:{refused}|\\))[Hh][Tt][Tt][Pp][Ss]://(?:{HOST_LABEL}\.)+{HOST_LABEL}\.?"
            rf"(?::{PORT})?(?:[/?#][\s\S]*)?$")


# model.HASHTAG: Python's Unicode \w, without '#'
def hashtag_pattern() -> str:
    return rf"^{js_character(HASHTAG)}+$"


# postfields.SLUG (ASCII already: the same in both languages)
def slug_pattern() -> str:
    return rf"^(?:{SLUG.pattern})$"


# One character that `pattern` (re or regex, matching single characters) matches, as a JavaScript expression without
# flags: a class of the characters up to U+FFFF, and the surrogate pairs of those beyond
def js_character(pattern: re.Pattern | regex.Pattern) -> str:
    return _js_character(pattern.pattern, pattern.flags, isinstance(pattern, regex.Pattern))


@lru_cache(maxsize=None)
def _js_character(source: str, flags: int, is_regex: bool) -> str:
    runs = _runs(source, flags, is_regex)
    parts = []
    bmp = [(first, min(last, 0xFFFF)) for first, last in runs if first <= 0xFFFF]
    if bmp:
        parts.append("[" + "".join(_span(first, last) for first, last in bmp) + "]")
    lows: dict[int, list[tuple[int, int]]] = {}  # high surrogate -> its low surrogates' ranges
    for first, last in ((max(first, 0x10000), last) for first, last in runs if last > 0xFFFF):
        for high in range(_units(first)[0], _units(last)[0] + 1):
            start, end = max(first, _code(high, 0xDC00)), min(last, _code(high, 0xDFFF))
            lows.setdefault(high, []).append((_units(start)[1], _units(end)[1]))
    groups: list[list] = []  # [first high, last high, lows]: consecutive highs with the same lows merged
    for high, spans in lows.items():
        if groups and groups[-1][1] == high - 1 and groups[-1][2] == spans:
            groups[-1][1] = high
        else:
            groups.append([high, high, spans])
    parts += [f"[{_span(first, last)}][{''.join(_span(a, b) for a, b in spans)}]" for first, last, spans in groups]
    return "(?:" + "|".join(parts) + ")" if parts else "(?!)"


# The ranges (first, last) of the code points a single-character pattern matches, found by the regex engine itself
def _runs(source: str, flags: int, is_regex: bool) -> list[tuple[int, int]]:
    engine = regex.compile(f"(?:{source})+", flags) if is_regex else re.compile(f"(?:{source})+", flags)
    text = _every_character()
    found = []
    for match in engine.finditer(text):
        first, last = _point(match.start()), _point(match.end() - 1)
        if first < 0xD800 < last:  # a run across the surrogates' gap is two
            found += [(first, 0xD7FF), (0xE000, last)]
        else:
            found.append((first, last))
    return found


# Every code point but the surrogates, in order (a Python text holds none)
@lru_cache(maxsize=1)
def _every_character() -> str:
    units = array("I", range(0xD800)) + array("I", range(0xE000, 0x110000))
    return units.tobytes().decode(f"utf-32-{sys.byteorder[0]}e")


# The code point at an index of _every_character()
def _point(index: int) -> int:
    return index if index < 0xD800 else index + 0x800


# A code point's UTF-16 surrogates (high, low)
def _units(point: int) -> tuple[int, int]:
    offset = point - 0x10000
    return 0xD800 + (offset >> 10), 0xDC00 + (offset & 0x3FF)


# The code point of a surrogate pair
def _code(high: int, low: int) -> int:
    return 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)


# A range of a character class, escaped (\uXXXX) so no character is special
def _span(first: int, last: int) -> str:
    return f"\\u{first:04X}" if first == last else f"\\u{first:04X}-\\u{last:04X}"
