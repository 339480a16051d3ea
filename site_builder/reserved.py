"""The site's own names, in one place: the paths the wall gate opens without a session, the page names
the site generates or serves itself, the pages the repository ships in `content/`, and the element ids
the site's templates, scripts and Material use. `sharewall check` and the build keep content out of all of them.

Pure Python: nothing here knows MkDocs.
"""

from __future__ import annotations

import re

# The wall gate's public paths (WallAccessFunction in template.yaml, the same rule in its JavaScript): the
# claim page, the accessibility statement (the claim page links to it) and the asset folders those pages load,
# each with or without an interface-language prefix, the sign-in page and a few top-level files. tests/test_gate_paths.py keeps the two forms in agreement.
GATE_PUBLIC = re.compile(
    r"^/(?:(?:[a-z]{2}/)?(?:claim|accessibility|assets)/|signin/|signin\.html$|404\.html$|favicon\.[a-z]+$|robots\.txt$)")

# Top-level names the site builds, serves or routes itself (pages, folders, files), in every interface
# language: a content page or folder of that name would replace or shadow it
RESERVED = frozenset({
    "signin", "claim", "stats", "finance", "invites", "suggest", "suggestions", "404", "assets", "sharewall",
    "search", "admin", "go", "page",  # page/<n>/: the wall's further pages
    "accessibility",  # the accessibility statement (templates/statement.html)
})
POSTS = "posts"  # posts/<slug>/: the post pages; below it only posts (content.POST_GLOB) are Markdown

# The reserved pages the repository ships in content/ (as `<name>.md` and `<name>.<language>.md`): comms
# edit their text, the site's scripts build the rest
SHIPPED_PAGES = frozenset({"claim", "stats", "finance", "invites", "suggest", "suggestions", "accessibility"})

# Id prefixes of the site's own elements: Material's (`__drawer`, `__config`, `__nav_1`, `__code_0` …), the
# templates' and scripts' (`sharewall-config`, `sw-share`, `sw-post-<slug>` …). Content ids never start so.
SITE_IDS = re.compile(r"(?:__|sw-|sharewall)", re.IGNORECASE)

# A twin of a page in an interface language: `<name>.<code>.md`
_TWIN = re.compile(r"(?P<name>[^/.]+)(?:\.(?P<code>[a-z]{2}))?\.md")


def opened_by_gate(path: str) -> bool:
    """Whether the wall gate serves the site path `path` (like `/en/claim/` or `/assets/x.css`) without a session."""
    return bool(GATE_PUBLIC.match(path)) and ".." not in path


def site_id(value: str) -> bool:
    """Whether an element id is one the site's own pages or Material may use."""
    return bool(SITE_IDS.match(value))


def shipped(path: str) -> bool:
    """Whether `path` (relative to content/, with '/') is a reserved page the repository ships."""
    found = _TWIN.fullmatch(path)
    return bool(found) and found["name"] in SHIPPED_PAGES


def reserved_name(path: str) -> str | None:
    """The reserved name the content file `path` (relative to content/, with '/') takes, or None: its first
    folder or page name (without language twin suffix), also below a top-level language folder (`en/signin.md`)."""
    parts = path.split("/")
    # a two-letter folder is a language's, unless it is a name the site takes itself (go/: the shared links)
    if len(parts) > 1 and re.fullmatch(r"[a-z]{2}", parts[0]) and parts[0] not in RESERVED:
        parts = parts[1:]
    name = parts[0].split(".", 1)[0]
    return name if name in RESERVED or name.lower() in RESERVED else None


def site_path(path: str) -> str:
    """The site path the content file `path` (relative to content/) is published at: a page `x.md` (and its twin
    `x.en.md`, below the language's prefix) at `/x/`, any other file as it is. The gate rule is matched against it."""
    if not path.endswith(".md"):
        return f"/{path}"
    stem = path[: -len(".md")]
    found = _TWIN.fullmatch(path.rsplit("/", 1)[-1])
    if found and found["code"]:
        stem = stem[: -len(found["code"]) - 1]
    folder, _, name = stem.rpartition("/")
    stem = folder if name in ("index", "README") else stem
    return f"/{stem}/" if stem else "/"
