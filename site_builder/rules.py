"""Content rules that span fields, files or settings; each yields (line, message) or an Issue."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.parsers import expat

from sharewall_common.postfile import BRIEFING  # the body's placeholder line (`sharewall new`, suggestions)
from site_builder import catalogue_check, reserved, sanitise, sharing
from site_builder.model import Campaign, Issue, Post, Source, Topics, is_post_file
from site_builder.frontmatter import Document
from site_builder.networks import NETWORKS
from site_builder.settings import MKDOCS_EXTENSIONS, Settings

# The instruction line `sharewall new` writes under BRIEFING (site_builder/scaffold.py), and the one it wrote before:
# a body holding one is the untouched skeleton, which `check` refuses
NEW_POST_HINTS = (
    "Fill in link (the public https:// page), summary and at least one suggestion, replace these two lines with "
    "the briefing, then run `sharewall check`.",
    "Fill in link (the public https:// page), summary and at least one suggestion, then run `sharewall check`.",
)
# Markdown without these writes only what the sanitiser keeps (text, lists, headings, admonitions):
# raw HTML, attr_list braces, inline and reference links and images
MARKUP = re.compile(r"[<{]|\]\s*[(:]")
# Files MkDocs may publish from content/: pages, data and images (an .html, .js or .xml file would be
# served as is on the wall's origin)
PUBLISHED_SUFFIXES = (".md", ".yml", ".yaml", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg")
# What makes an SVG image a document that runs script when opened on its own
SVG_ACTIVE = frozenset({"script", "foreignObject", "iframe", "embed", "object", "handler", "listener"})
SVG_URL = re.compile(r"(javascript|vbscript):|data:text/html", re.IGNORECASE)


def for_post(post: Post, document: Document, root: Path, settings: Settings, sources: dict[str, Source],
             markup: bool = True) -> Iterator[tuple[int, str]]:
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
    if markup:
        yield from unsafe_markup(post.body, post.body_line, settings)


def placeholder_briefing(document: Document) -> Iterator[tuple[int, str]]:
    """The body `sharewall new` wrote, left as it was (its instruction line, or its placeholder line alone): it would
    be published as the briefing. A draft awaiting comms may hold it until comms publish it."""
    if document.meta.get("draft") is True or not document.body_line:
        return
    lines = [text.strip() for text in document.body.splitlines()]
    placeholder = BRIEFING.strip()
    if not any(hint in lines for hint in NEW_POST_HINTS) and [text for text in lines if text] != [placeholder]:
        return
    first = next(number for number, text in enumerate(lines) if text == placeholder or text in NEW_POST_HINTS)
    yield document.body_line + first, (
        f"the body is still the placeholder of `sharewall new` ({lines[first]!r}): replace it with the "
        "briefing for employees: background, talking points, what not to claim")


def disclosure(post: Post, document: Document, sources: dict[str, Source],
               campaigns: dict[str, Campaign]) -> Iterator[tuple[int, str]]:
    """A post names only declared campaigns, and is `sponsored` when its campaign reimburses influencers or its
    source is an influencer ("if a post was sponsored or supported in any way, say so")."""
    line = document.line_of
    campaign = campaigns.get(post.campaign) if post.campaign else None
    if post.campaign and campaign is None:
        yield line("campaign"), (f"campaign '{post.campaign}' is not declared in campaigns.yml; "
                                 f"declared: {', '.join(sorted(campaigns)) or 'none'}")
    if post.disclosure == "sponsored":
        return
    at = line("disclosure") if "disclosure" in document.meta else None
    if campaign is not None and campaign.reimbursed:
        yield at or line("campaign"), (f"disclosure must be sponsored: campaign '{post.campaign}' reimburses influencers "
                                       f"(reimbursed: true in campaigns.yml), got {post.disclosure!r}")
    source = sources.get(post.source)
    if source is not None and source.kind == "influencer":
        yield at or line("source"), (f"disclosure must be sponsored: source '{post.source}' is an influencer, "
                                     f"got {post.disclosure!r}")


def declared_topics(post: Post, document: Document, topics: Topics) -> Iterator[tuple[int, str]]:
    """Every topic of a post is declared in topics.yml, which gives it its label in each language."""
    for index, topic in enumerate(post.topics):
        if topic not in topics.declared:
            guess = difflib.get_close_matches(topic, sorted(topics.declared), n=1)
            hint = f" (did you mean '{guess[0]}'?)" if guess else ""
            yield document.line_of("topics", index), (
                f"topics[{index}] '{topic}' is not declared in topics.yml{hint}; declare it there with a label per "
                f"language, or pick one of: {', '.join(sorted(topics.declared)) or 'none'}")


def draft(path: str, line: int, refuse: bool) -> Issue:
    """A draft waits for comms: allowed while reviewed (a warning), refused where it would be published."""
    if refuse:
        return Issue(path, line, "draft: true: a draft must not reach main; comms remove the line when they approve "
                                 "the post, or close the pull request")
    return Issue(path, line, "draft: true: not on the wall and in no output until comms remove the line", "warning")


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
        unsafe = [str(removal) for removal in sanitise.removals(text)]
        if unsafe:
            yield line("suggestions", index), f"suggestions[{index}] contains {', '.join(unsafe)}, which could run script; write plain text"
            continue
        message = prepared.lock.wrap(prepared.suggestions[index])
        for name in links:
            problem = sharing.limit_error(name, message, links[name])
            if problem:
                yield line("suggestions", index), f"suggestions[{index}] {problem}; shorten it or drop {name} from networks"


def unsafe_markup(body: str, first_line: int, settings: Settings) -> Iterator[tuple[int, str]]:
    """What the sanitiser would remove from the Markdown `body` as the build renders it, at the line it was
    written on (`first_line` is the file line of the body's first line)."""
    if not MARKUP.search(body):
        return
    searched: dict[str, int] = {}
    for removal in sanitise.removals(render(body, settings)):
        line = first_line + body.count("\n", 0, _written_at(body, removal, searched))
        yield line, _why(removal)


def _why(removal: sanitise.Removal) -> str:
    """What the sanitiser does to it, why, and what to write instead."""
    if removal.hidden:
        return (f"{removal} is hidden from this check: browsers read the HTML around it otherwise than written (an "
                f"unusual comment like <!-->, <!---> or --!>, or misnested tags); write plain HTML and <!-- comments -->")
    prefix = f"{removal} is removed from the page: "
    if removal.attribute == "id" and removal.value and reserved.site_id(removal.value):
        return prefix + ("ids starting with __, sw- or sharewall are the site's own (its scripts and the theme look "
                         "elements up by them); choose another id")
    return prefix + "it could run script or load from elsewhere; use Markdown or plain HTML without it"


def render(body: str, settings: Settings) -> str:
    """The body as HTML, by Markdown with the site's extensions (one instance per extension set)."""
    key = (settings.markdown_extensions, repr(sorted(settings.markdown_configs.items())))
    if key not in _RENDERERS:
        _RENDERERS[key] = _markdown(settings)
    renderer = _RENDERERS[key]
    return renderer.reset().convert(body)


_RENDERERS: dict[tuple, Any] = {}


def _markdown(settings: Settings):
    import markdown  # only when a body holds markup

    try:
        return markdown.Markdown(extensions=list(settings.markdown_extensions),
                                 extension_configs=markdown_configs(settings.markdown_configs))
    except Exception:  # an extension MkDocs loads but this check cannot (e.g. a !!python/name option)
        return markdown.Markdown(extensions=[*MKDOCS_EXTENSIONS, "attr_list", "admonition"],
                                 extension_configs={"toc": markdown_configs({})["toc"]})


def markdown_configs(configs: dict[str, Any]) -> dict[str, Any]:
    """mkdocs.yml's Markdown options as `check` and the build use them: toc's slugify never makes a heading id
    the site's own pages use (sanitise.content_slugify)."""
    from markdown.extensions.toc import slugify

    toc = dict(configs.get("toc") or {})
    toc["slugify"] = sanitise.content_slugify(toc.get("slugify") or slugify)
    return {**configs, "toc": toc}


def _written_at(source: str, removal: sanitise.Removal, searched: dict[str, int]) -> int:
    """Where in `source` a removed element or attribute was written, as well as the source tells: the
    verbatim start tag (raw HTML), else the attribute's value or name (links, attr_list), else `<tag`."""
    needles = [(re.escape(removal.raw), removal.attribute)] if removal.raw else []
    if removal.attribute:
        written = re.search(rf"[\s\"'/]{re.escape(removal.attribute)}\s*=\s*(\"[^\"]*|'[^']*|[^\s>]+)",
                            removal.raw, re.IGNORECASE)
        values = [value for value in (written and written.group(1).lstrip("\"'"), removal.value) if value]
        name = re.escape(removal.attribute)
        needles += [(rf"(?<![\w-]){name}\s*=\s*[\"']?{re.escape(value)}", None) for value in values]
        needles += [(re.escape(value), None) for value in values]  # a link's or image's URL in Markdown
    if removal.attribute:
        needles.append((rf"(?<![\w-]){re.escape(removal.attribute)}(?![\w-])", None))
    needles.append((rf"<\s*{re.escape(removal.tag)}(?![\w-])", None))
    for pattern, attribute in needles:
        found = re.compile(pattern, re.IGNORECASE).search(source, searched.get(pattern, 0))
        if found:
            searched[pattern] = found.end()
            inside = attribute and re.search(rf"[\s\"'/]{re.escape(attribute)}(?![\w-])", found.group(0), re.IGNORECASE)
            return found.start() + (inside.start() + 1 if inside else 0)
    return 0


def for_page(path: str, document: Document, settings: Settings) -> Iterator[Issue]:
    """The rules of a Markdown page that is not a post (the wall's introduction, guidelines, claim…)."""
    for line, message in unsafe_markup(document.body, document.body_line or 1, settings):
        yield Issue(path, line, message)


def published_files(files: list[Path], relative) -> Iterator[Issue]:
    """Files under content/ (content.walk's) the site would publish as they are: only pages, data and images,
    and SVG images that are pictures, not documents with script."""
    for file in files:
        if file.suffix.lower() not in PUBLISHED_SUFFIXES:
            yield Issue(relative(file), 1, f"{file.suffix or 'a file without suffix'} files are not published from content/ "
                                           f"(they could run script on the wall); allowed: {', '.join(PUBLISHED_SUFFIXES)}")
        elif file.suffix.lower() == ".svg":
            yield from (Issue(relative(file), line, message) for line, message in _active_svg(file))


def site_names(files: list[Path], root: Path, relative) -> Iterator[Issue]:
    """Content stays out of the site's own names (site_builder/reserved.py): a page or folder named like a page
    the site generates or routes (`signin.md`, `search/`, `go/`) would replace it, and a file the wall gate
    serves without a session (`claim/…`, `assets/…`, `favicon.png`) would be public. Only the shipped pages may."""
    for file in files:
        path = file.relative_to(root).as_posix()
        if reserved.shipped(path):
            continue
        name = reserved.reserved_name(path)
        public = reserved.opened_by_gate(reserved.site_path(path))
        if path.startswith(f"{reserved.POSTS}/") and file.suffix == ".md" and not is_post_file(path):
            yield Issue(relative(file), 1, f"a page under {reserved.POSTS}/ would take the place of a post's page; "
                                           f"posts are {reserved.POSTS}/YYYY/<slug>.md, other pages go elsewhere")
        elif name:
            yield Issue(relative(file), 1, f"'{name}' is a name the site uses itself ({', '.join(sorted(reserved.RESERVED))})"
                                           f"{'; it is also public without sign-in' if public else ''}: "
                                           f"rename or move the file")
        elif public:
            yield Issue(relative(file), 1, f"{reserved.site_path(path)} would be public without sign-in (the wall gate "
                                           f"opens it to anyone): rename or move the file")


def _active_svg(file: Path) -> Iterator[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    parser = expat.ParserCreate(namespace_separator=" ")

    def start(tag: str, attributes: dict[str, str]) -> None:
        name, line = tag.rsplit(" ", 1)[-1], parser.CurrentLineNumber
        if name in SVG_ACTIVE:
            found.append((line, f"SVG image contains a <{name}> element, which could run script; export it as a plain picture"))
        for attribute, value in attributes.items():
            local = attribute.rsplit(" ", 1)[-1]
            if local.lower().startswith("on") or SVG_URL.search(re.sub(r"[\x00-\x20]", "", value)):
                found.append((line, f"SVG image has attribute {local}={value[:40]!r} on <{name}>, which could run script; remove it"))

    parser.StartElementHandler = start
    try:
        parser.Parse(file.read_bytes(), True)
    except expat.ExpatError as error:
        found.append((error.lineno, f"SVG image is not well-formed XML ({expat.errors.messages[error.code]}); export it again"))
    yield from found


# The interface catalogues of the configured languages: complete, used, the same placeholders (catalogue_check)
def catalogues(settings: Settings) -> list[Issue]:
    return catalogue_check.check(settings.catalogued, settings.locales, [settings.templates] if settings.templates else [])
