"""Loading `content/`: posts and sources read into the model (`model.py`), validated by it and the
rules (`rules.py`), with every error located.

Pure Python: nothing here knows MkDocs. `load_content` never stops at the first problem; it returns
the valid posts and one `Issue` (path, line, message) per problem of every file.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sharewall_common.postfields import SLUG, control_character
from site_builder import rules
from site_builder.frontmatter import Document, FrontMatterError, parse, parse_yaml
# the model's types, named here too: callers load content and read its types from one module
from site_builder.model import (DERIVED, POST_GLOB, Campaign, Content, FrontMatter, Issue, PageFrontMatter, Post,
                                Source, Topic, Topics, is_post_file)
from site_builder.settings import Settings

YEAR = re.compile(r"\d{4}")
MULTILINE_FIELDS = frozenset({"suggestions"})  # front-matter fields that may hold line breaks (and tabs)


# --- loading ----------------------------------------------------------------------------------


def load_content(content_dir: str | Path, settings: Settings, now: datetime | None = None, *,
                 markup: bool = True, refuse_drafts: bool = False) -> Content:
    """Load and validate `sources.yml`, every post and page; collect every issue of every file.

    `markup=False` leaves out rendering bodies to find what the sanitiser would remove: the build checks
    the HTML it renders anyway (site_builder/plugin.py), so no body is rendered twice.
    A draft is a warning, or an error with `refuse_drafts` (`sharewall check --no-drafts`).
    """
    root = Path(content_dir)
    content = Content()
    files, content.issues = walk(root)
    content.files = [file.relative_to(root).as_posix() for file in files]
    content.sources, source_issues = load_sources(root / "sources.yml", root)
    content.issues += source_issues
    content.campaigns, campaign_issues = load_campaigns(root / "campaigns.yml", root)
    content.issues += campaign_issues
    content.issues += load_expenses(root / "expenses.yml", root)
    content.topics, topic_issues = load_topics(root / "topics.yml", root, settings)
    content.issues += topic_issues
    posts = [file for file in files if is_post_file(_relative(file, root, inside=True))]
    for file in posts:
        post, issues = load_post(file, root, settings, content.sources, markup=markup, refuse_drafts=refuse_drafts,
                                 campaigns=content.campaigns, topics=content.topics)
        content.issues += issues
        if post is not None:
            content.posts.append(post)
    for file in sorted(set(file for file in files if file.suffix == ".md") - set(posts)):
        content.issues += load_page(file, root, settings, markup=markup)
    content.issues += rules.published_files(files, lambda file: _relative(file, root))
    content.issues += rules.site_names(files, root, lambda file: _relative(file, root))
    content.issues += rules.across_posts(content.posts, root, settings, now or datetime.now(settings.zone))
    content.posts.sort(key=lambda post: (post.publish, post.slug), reverse=True)
    content.issues = sorted(set(content.issues), key=lambda issue: (issue.path, issue.line, issue.message))
    return content


def walk(root: Path) -> tuple[list[Path], list[Issue]]:
    """The files under `root` that `check` reads and the build may publish, and one issue per symbolic link.

    The one walk of the content folder (the build checks MkDocs' own walk against it): it never follows a
    link, and refuses each one, file or folder, since the build would copy what it points at (any file of the
    machine building the site) onto the wall. Files in hidden folders or with hidden names are left out, as
    MkDocs leaves them out.
    """
    files, issues = [], []
    for folder, folders, names in os.walk(root, followlinks=False):
        here = Path(folder)
        for name in sorted(folders + names):
            path = here / name
            if path.is_symlink():
                issues.append(symlink_issue(path, _relative(path, root)))
            elif name in names and not path.is_file():  # a pipe or device: reading it could hang the build
                issues.append(Issue(_relative(path, root), 1, "is not a regular file; content holds files and folders only"))
            elif name in names and not any(part.startswith(".") for part in path.relative_to(root).parts):
                files.append(path)
    return sorted(files), issues


def symlink_issue(file: Path, path: str) -> Issue:
    """A symbolic link under content/ is refused, never read or followed."""
    return Issue(path, 1, f"is a symbolic link (to {os.readlink(file)!r}); content holds files and folders only, "
                          f"never links: the build would publish whatever it points at")


def load_sources(file: Path, root: Path) -> tuple[dict[str, Source], list[Issue]]:
    """Read `sources.yml`: a mapping of source key to name, kind and optional feed."""
    path = _relative(file, root)
    if not file.is_file():
        return {}, [Issue(path, 1, "sources.yml is missing; every post names a source defined there")]
    text, issue = _read_text(file, path)
    if issue:
        return {}, [issue]
    try:
        document = parse_yaml(text, first_line=1, what="sources.yml")
    except FrontMatterError as error:
        return {}, [Issue(path, error.line, str(error))]
    sources, issues = {}, [Issue(path, line, message) for line, message in control_characters(document)]
    for key, value in document.meta.items():
        line = document.line_of(key)
        if not isinstance(key, str) or not SLUG.fullmatch(key):
            issues.append(Issue(path, line, f"source key {key!r} is not a slug; use lower-case letters, digits and '-'"))
            continue
        try:
            sources[key] = Source.model_validate(value)
        except ValidationError as error:
            issues += [Issue(path, line, f"source {key}: {_message(e)}") for e in error.errors()]
    return sources, issues


def load_campaigns(file: Path, root: Path) -> tuple[dict[str, Campaign], list[Issue]]:
    """Read `campaigns.yml` (optional: no file, no campaigns): campaign key to name, start, end, reimbursed."""
    path = _relative(file, root)
    if not file.is_file():
        return {}, []
    text, issue = _read_text(file, path)
    if issue:
        return {}, [issue]
    try:
        document = parse_yaml(text, first_line=1, what="campaigns.yml")
    except FrontMatterError as error:
        return {}, [Issue(path, error.line, str(error))]
    campaigns, issues = {}, [Issue(path, line, message) for line, message in control_characters(document)]
    for key, value in document.meta.items():
        if not isinstance(key, str) or not SLUG.fullmatch(key):
            issues.append(Issue(path, document.line_of(key), f"campaign key {key!r} is not a slug; use lower-case letters, digits and '-'"))
            continue
        try:
            campaigns[key] = Campaign.model_validate(value)
        except ValidationError as error:
            issues += [Issue(path, document.line_of(key, *e["loc"][:1]), f"campaign {key}: {_campaign_message(e)}")
                       for e in error.errors()]
    return campaigns, issues


def load_topics(file: Path, root: Path, settings: Settings) -> tuple[Topics | None, list[Issue]]:
    """Read `topics.yml` (optional: without it posts may name any slug, shown as it is): topic slug to its label
    in every configured language, e.g. `sustainability: {de: Nachhaltigkeit, en: Sustainability}`.

    None when the file is missing or cannot be read as a mapping, so its one error is not repeated by every post.
    """
    path = _relative(file, root)
    if not file.is_file():
        return None, []
    text, issue = _read_text(file, path)
    if issue:
        return None, [issue]
    try:
        document = parse_yaml(text, first_line=1, what="topics.yml")
    except FrontMatterError as error:
        return None, [Issue(path, error.line, str(error))]
    labels, issues = {}, [Issue(path, line, message) for line, message in control_characters(document)]
    for key, value in document.meta.items():
        line = document.line_of(key)
        if not isinstance(key, str) or not SLUG.fullmatch(key):
            issues.append(Issue(path, line, f"topic key {key!r} is not a slug; use lower-case letters, digits and '-'"))
            continue
        if not isinstance(value, dict):
            issues.append(Issue(path, line, f"topic {key}: must be a label per language like "
                                            f"{{{', '.join(f'{lang}: …' for lang in settings.languages)}}}, "
                                            f"got {_short(value)}"))
            continue
        try:
            topic = Topic.model_validate(value)
        except ValidationError as error:
            issues += [Issue(path, document.line_of(key, *e["loc"][:1]), f"topic {key}: label {_message(e)}")
                       for e in error.errors()]
            continue
        found = len(issues)
        for language in topic.root:
            if language not in settings.languages:
                issues.append(Issue(path, document.line_of(key, language),
                                    f"topic {key}: language '{language}' is not configured; "
                                    f"allowed: {', '.join(settings.languages)}"))
        missing = [language for language in settings.languages if language not in topic.root]
        if missing:
            issues.append(Issue(path, line, f"topic {key}: no label for {', '.join(missing)}; every topic needs a "
                                            f"label in each configured language ({', '.join(settings.languages)})"))
        if len(issues) == found:
            labels[key] = topic
    declared = frozenset(key for key in document.meta if isinstance(key, str) and SLUG.fullmatch(key))
    return Topics(labels=labels, declared=declared), issues


def load_expenses(file: Path, root: Path) -> list[Issue]:
    """Validate `expenses.yml`, the influencers' expense policy (optional: no file, no claims)."""
    from sharewall_common.expenses import PolicyError, load_policy  # shared with the claims function

    path = _relative(file, root)
    if not file.is_file():
        return []
    text, issue = _read_text(file, path)
    if issue:
        return [issue]
    try:
        load_policy(text)
    except PolicyError as error:
        return [Issue(path, line, message) for line, message in error.problems]
    return []


def load_page(file: Path, root: Path, settings: Settings, *, markup: bool = True) -> list[Issue]:
    """Check a Markdown page that is not a post: its optional front matter (PageFrontMatter) and, with `markup`,
    what its HTML may hold."""
    path = _relative(file, root)
    text, issue = _read_text(file, path)
    if issue:
        return [issue]
    try:
        document = page_document(text)
    except FrontMatterError as error:
        return [Issue(path, error.line, str(error))]
    issues = [Issue(path, line, message) for line, message in control_characters(document)]
    try:
        PageFrontMatter.model_validate(document.meta)
    except ValidationError as error:
        issues += [Issue(path, document.line_of(*e["loc"]), _page_message(e)) for e in error.errors()]
    return issues + list(rules.for_page(path, document, settings) if markup else ())


def page_document(text: str) -> Document:
    """A page's front matter (optional: a page without a first line '---' has none) and body. The build hands
    MkDocs only the body, so MkDocs reads no metadata of its own from a page (site_builder/plugin.py)."""
    if text.startswith("---"):
        return parse(text)
    return Document(meta={}, body=text, body_line=1)


def read_page(file: Path) -> Document:
    """A page file as the build reads it (after `check` passed): its front matter and body."""
    return page_document(file.read_text(encoding="utf-8").removeprefix("\ufeff"))


def load_post(file: Path, root: Path, settings: Settings, sources: dict[str, Source], *,
              markup: bool = True, refuse_drafts: bool = False,
              campaigns: dict[str, Campaign] | None = None,
              topics: Topics | None = None) -> tuple[Post | None, list[Issue]]:
    """Parse and validate one post file; the post is None when it has any error.

    With `campaigns` (what campaigns.yml declares) the disclosure rules of campaigns and sources apply too;
    with `topics` (what topics.yml declares) every topic must be declared there.
    """
    path = _relative(file, root)
    text, issue = _read_text(file, path)
    if issue:
        return None, [issue]
    issues = _file_name_issues(file, path)
    try:
        document = parse(text)
    except FrontMatterError as error:
        return None, [*issues, Issue(path, error.line, str(error))]
    issues += [Issue(path, line, message) for line, message in control_characters(document)]
    reserved = [key for key in document.meta if key in DERIVED]
    data = {key: value for key, value in document.meta.items() if key not in DERIVED}
    issues += [Issue(path, document.line_of(key), _unknown_field(key)) for key in reserved]
    issues += [Issue(path, line, message) for line, message in rules.placeholder_briefing(document)]
    try:
        post = Post.model_validate(
            {**data, "slug": file.stem, "path": path, "body": document.body, "body_line": document.body_line},
            context={"settings": settings},
        )
    except ValidationError as error:
        issues += [Issue(path, document.line_of(*e["loc"]), _message(e)) for e in error.errors()]
        return None, issues
    issues += [Issue(path, line, message) for line, message in rules.for_post(post, document, root, settings, sources, markup)]
    if campaigns is not None:
        issues += [Issue(path, line, message) for line, message in rules.disclosure(post, document, sources, campaigns)]
    if topics is not None:
        issues += [Issue(path, line, message) for line, message in rules.declared_topics(post, document, topics)]
    valid = not issues
    if post.draft:
        issues.append(rules.draft(path, document.line_of("draft"), refuse_drafts))
    return (post if valid else None), issues


# --- helpers: reading files -------------------------------------------------------------------


def _read_text(file: Path, path: str) -> tuple[str, Issue | None]:
    if file.is_symlink():  # never read through a link (walk reports it, once)
        return "", symlink_issue(file, path)
    raw = file.read_bytes()
    try:
        return raw.decode("utf-8").removeprefix("\ufeff"), None
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start]
        return "", Issue(path, line, f"file is not UTF-8 (byte 0x{byte:02x} at offset {error.start}); save it as UTF-8")


def _file_name_issues(file: Path, path: str) -> list[Issue]:
    issues = []
    if not YEAR.fullmatch(file.parent.name):
        issues.append(Issue(path, 1, f"post folder {file.parent.name!r} must be a year: posts/YYYY/<slug>.md"))
    if not SLUG.fullmatch(file.stem):
        issues.append(Issue(path, 1, f"file name {file.stem!r} is not a slug; use lower-case letters, digits and '-'"))
    return issues


def _relative(file: Path, root: Path, *, inside: bool = False) -> str:
    """`file` as issues name it (from the content folder's parent: `content/posts/…`), or `inside` the folder."""
    try:
        return file.relative_to(root if inside or not root.name else root.parent).as_posix()
    except ValueError:
        return file.as_posix()


# --- helpers: values and messages -------------------------------------------------------------


def control_characters(document: Document) -> Iterator[tuple[int, str]]:
    """Every front-matter or YAML text (names and values, at any depth) holding a control character, at its line:
    single-line fields hold none, MULTILINE_FIELDS and the body only line breaks and tabs. A title with U+001B
    would break feed.xml and every page that prints it."""
    stack: list[tuple[tuple, Any]] = [((key,), value) for key, value in document.meta.items()]
    found = [((), key) for key in document.meta]
    while stack:
        loc, value = stack.pop()
        if isinstance(value, dict):
            found += [((*loc, key), key) for key in value]
            stack += [((*loc, key), item) for key, item in value.items()]
        elif isinstance(value, (list, tuple)):
            stack += [((*loc, index), item) for index, item in enumerate(value)]
        else:
            found.append((loc, value))
    for loc, value in found:
        multiline = bool(loc) and loc[0] in MULTILINE_FIELDS
        character = control_character(value, multiline=multiline) if isinstance(value, str) else None
        if character is not None:
            name = _name(loc) if loc else f"field name {value!r}"
            yield document.line_of(*loc) if loc else document.line_of(value), \
                f"{name} must not contain the control character U+{ord(character):04X}; write plain text"
    if document.body_line:
        character = control_character(document.body, multiline=True)
        if character is not None:
            at = document.body.index(character)
            yield document.body_line + document.body.count("\n", 0, at), \
                f"the body must not contain the control character U+{ord(character):04X}; write plain text"


def _name(loc: tuple) -> str:
    """A field's location as messages name it: `suggestions[1]`, `name.de`."""
    return str(loc[0]) + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc[1:])


def _campaign_message(error: dict) -> str:
    if error["type"] == "extra_forbidden" and len(error["loc"]) > 1 and error["loc"][0] == "goal":
        return f"unknown field 'goal.{error['loc'][1]}'; a goal names shares, clicks or both, like {{shares: 500}}"
    if error["type"] == "extra_forbidden":
        return f"unknown field '{error['loc'][0]}'; allowed fields: {', '.join(Campaign.model_fields)}"
    if not error["loc"]:
        return f"must be a mapping like {{name: …, start: YYYY-MM-DD, end: YYYY-MM-DD, reimbursed: true}}, got {_short(error.get('input'))}"
    return _message(error)


def _page_message(error: dict) -> str:
    """A page's front-matter error; an unknown field lists what a page may set."""
    if error["type"] == "extra_forbidden":
        allowed = ", ".join(PageFrontMatter.model_fields)
        return f"unknown field '{error['loc'][0]}' in a page's front matter; allowed fields: {allowed}"
    return _message(error)


def _unknown_field(key: Any) -> str:
    allowed = sorted(FrontMatter.model_fields)
    guess = difflib.get_close_matches(str(key), allowed, n=1)
    hint = f" (did you mean '{guess[0]}'?)" if guess else ""
    return f"unknown field '{key}'{hint}; allowed fields: {', '.join(allowed)}"


def _message(error: dict) -> str:
    """A pydantic error as '<field> <what is wrong and what is allowed>'."""
    loc = error["loc"]
    name = ".".join(str(part) for part in loc[:1]) + "".join(f"[{part}]" for part in loc[1:])
    kind, ctx, value = error["type"], error.get("ctx", {}), error.get("input")
    if kind == "missing":
        return f"missing required field '{name}'"
    if kind == "extra_forbidden":
        return _unknown_field(name)
    if kind == "string_too_long":
        return f"{name} is {len(value)} characters long; at most {ctx['max_length']} allowed"
    if kind == "string_too_short":
        return f"{name} must not be empty"
    if kind == "too_short" or kind == "too_long":
        bounds = FrontMatter.model_fields.get(str(loc[0]))
        lo, hi = _length_bounds(bounds)
        return f"{name} must hold {lo} to {hi} entries, got {ctx.get('actual_length')}"
    if kind == "literal_error":
        return f"{name} must be one of {ctx['expected']}, got {value!r}"
    if kind in {"string_type", "list_type", "tuple_type", "bool_type", "int_type", "dict_type", "model_type"}:
        wanted = {"string_type": "text", "list_type": "a list like [a, b]", "tuple_type": "a list like [a, b]",
                  "dict_type": "a mapping", "model_type": "a mapping"}.get(kind, kind.removesuffix("_type"))
        return f"{name} must be {wanted}, got {type(value).__name__} {_short(value)}"
    message = error["msg"].removeprefix("Value error, ")
    return f"{name} {message}"


def _length_bounds(info: Any) -> tuple[Any, Any]:
    lo = hi = "?"
    for item in getattr(info, "metadata", []):
        lo = getattr(item, "min_length", lo)
        hi = getattr(item, "max_length", hi)
    return lo, hi


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."

