"""Issue #17, the content side: what `sharewall check` and the build refuse at the seams between content, MkDocs
and the site's own pages (symbolic links, reserved names, control characters, links, page front matter)."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from site_builder import reserved
from site_builder.plugin import build_site

ROOT = Path(__file__).resolve().parents[1]

POST = """\
---
title: A valid post
link: https://example.com/valid
summary: Nothing wrong here.
source: comms
language: en
publish: 2026-01-10 09:00
suggestions:
  - Worth reading.
---
Body.
"""


def run_check(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "site_builder", "check", str(root), "--config", str(ROOT / "mkdocs.yml")],
                          cwd=root.parent, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})


def content(tmp_path: Path) -> Path:
    """A valid content folder: one post, sources, an image, the wall's introduction."""
    root = tmp_path / "content"
    (root / "posts" / "2026").mkdir(parents=True)
    (root / "images").mkdir()
    (root / "images" / "plain.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>')
    (root / "sources.yml").write_text("comms: {name: Comms, kind: department}\n")
    (root / "posts" / "2026" / "valid.md").write_text(POST)
    (root / "index.md").write_text("# Wall\n\nIntro.\n")
    return root


def project(tmp_path: Path, root: Path) -> Path:
    """mkdocs.yml of the repository, building `root`."""
    config = tmp_path / "mkdocs.yml"
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("docs_dir: content", f"docs_dir: {root}")
    text = text.replace("custom_dir: templates", f"custom_dir: {ROOT / 'templates'}")
    config.write_text(text.split("\nnav:", 1)[0] + "\nplugins:" + text.split("\nplugins:", 1)[1], encoding="utf-8")
    return config


def errors_of(result: subprocess.CompletedProcess) -> list[str]:
    return result.stdout.splitlines()


def fails_to_build(tmp_path: Path, root: Path, caplog, *, checked_first: bool = True) -> str:
    """Build `root` over a site published before; the build must fail and write no page. Errors the content
    check finds leave the site as it was (MkDocs cleans the site folder only after that check)."""
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "index.html").write_text("the site as last published")
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        build_site(project(tmp_path, root), site)
    if checked_first:
        assert [path.name for path in site.iterdir()] == ["index.html"]
        assert (site / "index.html").read_text() == "the site as last published"
    else:
        assert not [path for path in site.rglob("*") if path.is_file()]
    return "\n".join(record.getMessage() for record in caplog.records)


# --- 1. symbolic links ------------------------------------------------------------------------


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    """Content with a link to a secret file, to /proc/self/environ and a linked folder holding an SVG with script."""
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "token.yml").write_text("password: hunter2\n")
    (secret / "evil.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    root = content(tmp_path)
    (root / "leak.yml").symlink_to(secret / "token.yml")
    (root / "environ.yml").symlink_to("/proc/self/environ")
    (root / "images" / "more").symlink_to(secret, target_is_directory=True)
    return root


def test_check_refuses_every_symbolic_link_naming_it_and_reads_none(linked: Path) -> None:
    result = run_check(linked)
    assert result.returncode == 1
    errors = errors_of(result)
    for path in ("content/leak.yml", "content/environ.yml", "content/images/more"):
        assert any(line.startswith(f"{path}:1: is a symbolic link") for line in errors), errors
    assert "hunter2" not in result.stdout + result.stderr
    assert "evil.svg" not in result.stdout  # the linked folder is refused, not walked


def test_the_build_refuses_symbolic_links_and_publishes_nothing(tmp_path: Path, linked: Path, caplog) -> None:
    errors = fails_to_build(tmp_path, linked, caplog)
    assert "content/leak.yml:1: is a symbolic link" in errors
    assert "content/images/more:1: is a symbolic link" in errors
    assert "hunter2" not in errors


def test_check_refuses_a_pipe_that_would_hang_the_build(tmp_path: Path) -> None:
    root = content(tmp_path)
    os.mkfifo(root / "notes.md")
    result = run_check(root)
    assert result.returncode == 1
    assert "content/notes.md:1: is not a regular file" in result.stdout


def test_a_sources_yml_that_is_a_link_is_not_read(tmp_path: Path) -> None:
    root = content(tmp_path)
    (tmp_path / "elsewhere.yml").write_text("comms: {name: 'secret: hunter2', kind: nope}\n")
    (root / "sources.yml").unlink()
    (root / "sources.yml").symlink_to(tmp_path / "elsewhere.yml")
    result = run_check(root)
    assert "content/sources.yml:1: is a symbolic link" in result.stdout
    assert "hunter2" not in result.stdout + result.stderr


def test_the_build_publishes_only_files_the_check_walked(tmp_path: Path, monkeypatch, caplog) -> None:
    """The build asserts MkDocs' own file set is within the check's walk: a file MkDocs found that `check`
    did not look at fails the build (here the walk is made to miss one)."""
    from site_builder import content as model

    root = content(tmp_path)
    (root / "notes.md").write_text("# Notes\n")
    walk = model.walk
    monkeypatch.setattr(model, "walk", lambda folder: ([f for f in walk(folder)[0] if f.name != "notes.md"], []))
    errors = fails_to_build(tmp_path, root, caplog, checked_first=False)
    assert "content/notes.md:1: MkDocs would publish a file sharewall check did not read" in errors


# --- 3. reserved names and what the gate opens ------------------------------------------------

RESERVED_FILES = {
    # path under content/ -> what the error says
    "signin.md": "'signin' is a name the site uses itself",
    "signin.en.md": "'signin' is a name the site uses itself",
    "search/index.md": "'search' is a name the site uses itself",
    "go.md": "'go' is a name the site uses itself",
    "admin/notes.md": "'admin' is a name the site uses itself",
    "404.md": "'404' is a name the site uses itself",
    "sharewall/index.md": "'sharewall' is a name the site uses itself",
    "claim/secret.md": "'claim' is a name the site uses itself (",
    "assets/handbook.png": "it is also public without sign-in",
    "en/signin.md": "'signin' is a name the site uses itself",
    "favicon.png": "/favicon.png would be public without sign-in",
    "page/2.md": "'page' is a name the site uses itself",
    "posts/valid.md": "a page under posts/ would take the place of a post's page",
}


def test_check_refuses_reserved_names_and_public_paths_but_not_the_shipped_pages(tmp_path: Path) -> None:
    root = content(tmp_path)
    for path in RESERVED_FILES:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(b"\x89PNG\r\n\x1a\n" if path.endswith(".png") else b"# Page\n")
    for page in ("claim.md", "claim.en.md", "stats.md", "finance.en.md", "guidelines.md"):
        shutil.copy(ROOT / "content" / page, root / page)
    result = run_check(root)
    errors = errors_of(result)
    for path, message in RESERVED_FILES.items():
        assert any(line.startswith(f"content/{path}:1: ") and message in line for line in errors), (path, errors)
    assert {line.split(":", 1)[0] for line in errors} == {f"content/{path}" for path in RESERVED_FILES}


def test_the_gate_rule_opens_claim_signin_and_assets_in_every_language_and_nothing_else() -> None:
    for path in ("/claim/", "/en/claim/", "/fr/claim/x", "/assets/sharewall/x.js", "/de/assets/x.css", "/signin/",
                 "/404.html", "/favicon.ico", "/robots.txt"):
        assert reserved.opened_by_gate(path), path
    for path in ("/", "/stats/", "/en/", "/images/claim/", "/claims/", "/posts/x/", "/claim/../stats/", "/xyz/claim/"):
        assert not reserved.opened_by_gate(path), path
    assert reserved.site_path("claim.en.md") == "/claim/" and reserved.site_path("guides/index.md") == "/guides/"


# --- 4. control characters --------------------------------------------------------------------

CONTROL_CASES = {
    # name -> (file under content/, text, line, message)
    "escape-title": ("posts/2026/escape-title.md", POST.replace("title: A valid post", 'title: "A \\e post"'), 2,
                     "title must not contain the control character U+001B"),
    "vtab-summary": ("posts/2026/vtab-summary.md", POST.replace("summary: Nothing wrong here.", 'summary: "a\\vb"'), 4,
                     "summary must not contain the control character U+000B"),
    "delete-alt": ("posts/2026/delete-alt.md", POST.replace("source: comms", 'source: comms\nimage: images/plain.svg\n'
                                                                             'image_alt: "x\\x7f"'), 7,
                   "image_alt must not contain the control character U+007F"),
    "nonchar-suggestion": ("posts/2026/nonchar-suggestion.md", POST.replace("  - Worth reading.", '  - "ok"\n  - "a\\uFFFF"'),
                           10, "suggestions[1] must not contain the control character U+FFFF"),
    "escape-body": ("posts/2026/escape-body.md", POST.replace("Body.", "Body.\nSecond \x1b[31mred"), 12,
                    "the body must not contain the control character U+001B"),
    "page-title": ("notes.md", '---\ntitle: "Notes \\e"\n---\n# Notes\n', 2, "title must not contain the control character U+001B"),
    "source-name": ("sources.yml", 'comms: {name: Comms, kind: department}\nother: {name: "O\\x1b", kind: department}\n', 2,
                    "other.name must not contain the control character U+001B"),
    "topic-label": ("topics.yml", 'news: {de: "Neu\\x7f", en: News}\n', 1, "news.de must not contain the control character U+007F"),
    "campaign-name": ("campaigns.yml", 'fair: {name: "Fair\\x0b", start: 2026-01-01, end: 2026-12-31, reimbursed: false}\n', 1,
                      "fair.name must not contain the control character U+000B"),
}


def test_check_refuses_control_characters_in_every_text_field_at_its_line(tmp_path: Path) -> None:
    root = content(tmp_path)
    for file, text, _, _ in CONTROL_CASES.values():
        (root / file).write_text(text)
    result = run_check(root)
    errors = errors_of(result)
    for name, (file, _, line, message) in CONTROL_CASES.items():
        assert any(item.startswith(f"content/{file}:{line}: ") and message in item for item in errors), (name, errors)


def test_line_breaks_stay_allowed_where_text_has_lines(tmp_path: Path) -> None:
    root = content(tmp_path)
    (root / "posts" / "2026" / "lines.md").write_text(POST.replace("  - Worth reading.", '  - "Line one\\n\\tLine two"')
                                                      .replace("link: https://example.com/valid", "link: https://example.com/b"))
    assert run_check(root).returncode == 0


# --- 8. links -----------------------------------------------------------------------------------

LINKS = {
    "newline": ('"https://news.example.com/a\\nb"', "link must not contain whitespace or control characters (U+000A found)"),
    "tab": ('"https://news.example.com/a\\tb"', "link must not contain whitespace or control characters (U+0009 found)"),
    "nbsp": ('"https://news.example.com/a\\u00a0b"', "link must not contain whitespace or control characters (U+00A0 found)"),
    "userinfo": ("https://news.example.com@evil.example/", "link must not contain user info before the host ('…@')"),
    "no-dot": ("https://intranet/page", "link must name a host with a dot (like news.example.com)"),
    "empty": ("https://", "link must be filled in: the public https:// address of the page"),
}


def test_check_refuses_links_that_are_not_plain_public_https_urls(tmp_path: Path) -> None:
    root = content(tmp_path)
    for name, (link, _) in LINKS.items():
        (root / "posts" / "2026" / f"link-{name}.md").write_text(POST.replace("https://example.com/valid", link))
    errors = errors_of(run_check(root))
    for name, (_, message) in LINKS.items():
        assert f"content/posts/2026/link-{name}.md:3: {message}" in "\n".join(errors), (name, errors)


# --- 5. and 7. front matter -----------------------------------------------------------------


def test_a_page_may_set_only_the_fields_and_templates_of_the_site(tmp_path: Path) -> None:
    root = content(tmp_path)
    (root / "passwd.md").write_text("---\ntitle: Passwd\ntemplate: ../../../../etc/passwd\n---\n# P\n")
    (root / "extra.md").write_text("---\ntitle: Extra\nhide: [toc]\nextra_css: [x.css]\n---\n# E\n")
    (root / "wall.md").write_text("---\ntemplate: post.html\n---\n# W\n")
    for page in ("claim.md", "finance.en.md", "suggestions.md", "stats.md"):
        shutil.copy(ROOT / "content" / page, root / page)  # the shipped pages' fields pass
    errors = "\n".join(errors_of(run_check(root)))
    assert "content/passwd.md:3: template must be one of 'main.html', 'claims.html', 'stats.html', 'suggestions.html' or 'statement.html', " \
           "got '../../../../etc/passwd'" in errors
    assert "content/extra.md:4: unknown field 'extra_css' in a page's front matter; allowed fields: title," in errors
    assert "content/wall.md:2: template must be one of" in errors
    assert {line.split(":", 1)[0] for line in errors.splitlines()} == {"content/passwd.md", "content/extra.md", "content/wall.md"}


def test_the_build_refuses_a_page_template_outside_the_site_naming_file_and_line(tmp_path: Path, caplog) -> None:
    root = content(tmp_path)
    (root / "passwd.md").write_text("---\ntitle: Passwd\ntemplate: ../../../../etc/passwd\n---\n# P\n")
    errors = fails_to_build(tmp_path, root, caplog)
    assert "content/passwd.md:3: template must be one of" in errors
    assert "Traceback" not in errors


def test_a_body_gives_mkdocs_no_front_matter_of_its_own(tmp_path: Path) -> None:
    """A second `---` block, or MultiMarkdown `key: value` lines, at the start of a body are text, never metadata."""
    root = content(tmp_path)
    (root / "posts" / "2026" / "valid.md").write_text(POST.replace(
        "---\nBody.", "---\n---\nroles: [finance]\nsearch: {exclude: true}\n---\nBody."))
    (root / "plain.md").write_text("roles: finance\ntemplate: signin.html\n\n# Plain page\n")
    site = build_site(project(tmp_path, root), tmp_path / "site")
    post = (site / "posts" / "valid" / "index.html").read_text()
    assert 'name="sharewall-roles"' not in post and "roles: [finance]" in post  # shown as written
    search = (site / "search" / "search_index.json").read_text()
    assert "posts/valid/" in search
    plain = (site / "plain" / "index.html").read_text()
    assert 'name="sharewall-roles"' not in plain and "data-sw-signin" not in plain
    assert "roles: finance" in plain


def test_the_build_refuses_reserved_names_control_characters_and_links_at_file_and_line(tmp_path: Path, caplog) -> None:
    root = content(tmp_path)
    (root / "signin.md").write_text("# Anmelden\n\n[Weiter](https://evil.example/)\n")
    (root / "claim").mkdir()
    (root / "claim" / "secret.md").write_text("# Only for employees\n")
    (root / "posts" / "2026" / "escape.md").write_text(POST.replace("title: A valid post", 'title: "A \\e post"')
                                                        .replace("https://example.com/valid", "https://example.com/e"))
    (root / "posts" / "2026" / "userinfo.md").write_text(
        POST.replace("https://example.com/valid", "https://news.example.com@evil.example/"))
    errors = fails_to_build(tmp_path, root, caplog)
    assert "content/signin.md:1: 'signin' is a name the site uses itself" in errors
    assert "content/claim/secret.md:1: 'claim' is a name the site uses itself" in errors
    assert "content/posts/2026/escape.md:2: title must not contain the control character U+001B" in errors
    assert "content/posts/2026/userinfo.md:3: link must not contain user info before the host" in errors


# --- 2. ids -------------------------------------------------------------------------------------


class _Ids(HTMLParser):
    """Every id of a page, and whether it stands inside the page's content (Material's article)."""

    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[tuple[str, bool]] = []
        self.depth = 0  # open elements inside the article, 0 outside it

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        inside = self.depth > 0
        if inside and tag not in self.VOID:
            self.depth += 1
        if not inside and tag == "article" and "md-content__inner" in (values.get("class") or ""):
            self.depth = 1
        if values.get("id"):
            self.ids.append((values["id"], inside))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.depth > 0 and tag not in self.VOID:
            self.depth -= 1

    def handle_endtag(self, tag):
        if self.depth > 0 and tag not in self.VOID:
            self.depth -= 1


def test_the_demo_site_has_each_id_once_and_content_never_makes_one_of_the_sites(tmp_path: Path) -> None:
    """Built from the repository's content/: on every page every id is there once; the templates' and Material's
    ids all start as site_builder/reserved.py says, and no id the content makes does."""
    site = build_site(ROOT / "mkdocs.yml", tmp_path / "site")
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 30
    made_by_content = 0
    for page in pages:
        parser = _Ids()
        parser.feed(page.read_text(encoding="utf-8"))
        ids = [value for value, _ in parser.ids]
        assert sorted(value for value in ids if ids.count(value) > 1) == [], page
        outside = [value for value, inside in parser.ids if not inside]
        assert [value for value in outside if not reserved.site_id(value)] == [], page  # the site's own
        made_by_content += len([value for value, inside in parser.ids if inside and not reserved.site_id(value)])
    assert made_by_content > 10  # the guidelines' headings, among others
    guidelines = (site / "guidelines" / "index.html").read_text(encoding="utf-8")
    assert 'id="sharewall-config"' in guidelines.split("</head>")[0]  # the configuration stands in <head>
