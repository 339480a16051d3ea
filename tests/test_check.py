"""`sharewall check`: one broken fixture per rule of DESIGN.md, each with its message and line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sharewall_common.postfile import BRIEFING
from site_builder.content import load_content
from site_builder.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]

VALID = """\
---
title: A valid post
link: https://example.com/valid
summary: Nothing wrong here.
source: comms
language: en
publish: 2026-01-10 09:00
topics: [news]
suggestions:
  - Worth reading.
---
Body.
"""


def post(**changes: str | None) -> str:
    """VALID with fields replaced (value) or removed (None); the order of fields is kept."""
    lines = VALID.splitlines(keepends=True)
    out = []
    for line in lines:
        key = line.rstrip("\n").split(":", 1)[0]
        if key in changes:
            value = changes.pop(key)
            if value is not None:
                out.append(f"{key}: {value}\n" if "\n" not in value else value)
            continue
        out.append(line)
    if changes:  # new fields go right after the opening '---'
        out[1:1] = [f"{key}: {value}\n" for key, value in changes.items()]
    return "".join(out)


LONG = "x" * 270
# name -> (file text or bytes, expected line, expected part of the message)
BROKEN: dict[str, tuple[str | bytes, int, str]] = {
    "no-front-matter": ("Just a body, no fields.\n", 1, "no front matter"),
    "unclosed-front-matter": ("---\ntitle: x\n", 1, "front matter is not closed"),
    "yaml-error": (post(summary='"an unclosed quote'), 4, "YAML error"),
    "unknown-field": (post(colour="red"), 2, "unknown field 'colour'"),
    "typo-field": (post(title=None, titel="A valid post"), 2, "unknown field 'titel' (did you mean 'title'?)"),
    "missing-summary": (post(summary=None), 1, "missing required field 'summary'"),
    "wrong-type": (post(topics="news"), 8, "topics must be a list like [a, b]"),
    "title-too-long": (post(title="t" * 121), 2, "title is 121 characters long; at most 120 allowed"),
    "bad-date": (post(publish="next tuesday"), 7, "publish 'next tuesday' is not a valid date"),
    "impossible-date": (post(publish="2026-02-30 10:00"), 7, "publish '2026-02-30 10:00' is not a valid date"),
    "expires-before-publish": (post(expires="2026-01-01"), 2, "expires (2026-01-02 00:00) must be after publish"),
    "http-link": (post(link="http://example.com/x"), 3, "link must start with https://"),
    "javascript-link": (post(link="javascript:alert(1)"), 3, "link must start with https://, got a script URL"),
    "unknown-source": (post(source="marketing"), 5, "source 'marketing' is unknown; known sources in sources.yml: comms"),
    "unknown-language": (post(language="pl"), 6, "language 'pl' is not configured; allowed: de, en"),
    "bad-disclosure": (post(disclosure="secret"), 2, "disclosure must be one of 'employee', 'sponsored' or 'none'"),
    "sponsored-no-campaign": (post(disclosure="sponsored"), 2, "campaign is required when disclosure is sponsored"),
    "missing-image": (post(image="images/nope.png", image_alt="A picture"), 2, "image 'images/nope.png' does not exist"),
    "missing-alt": (post(image="images/ok.png"), 2, "image_alt is required when image is set"),
    "no-suggestions": (post(suggestions="[]", **{"  - Worth reading.": None}), 9, "suggestions must hold 1 to 5 entries, got 0"),
    "too-many-suggestions": (post(suggestions="[a, b, c, d, e, f]", **{"  - Worth reading.": None}), 9, "suggestions must hold 1 to 5 entries, got 6"),
    "too-long-for-x": (post(networks="[x]", **{"  - Worth reading.": f"  - {LONG}\n"}), 11, "suggestions[0] is 304 characters on x with link and disclosure; the limit is 280"),
    "script-in-body": (VALID.replace("Body.", "Intro\n<script>alert(1)</script>"), 13, "<script> element is removed from the page"),
    "iframe-in-body": (VALID.replace("Body.", "<iframe src='https://evil.example'></iframe>"), 12, "<iframe> element is removed"),
    "handler-in-body": (VALID.replace("Body.", '<img src="x" onerror="alert(1)">'), 12, "attribute onerror='alert(1)' of <img> is removed"),
    "javascript-url-in-body": (VALID.replace("Body.", "[click](javascript:alert(1))"), 12, "attribute href='javascript:alert(1)' of <a>"),
    "script-in-suggestion": (VALID.replace("Worth reading.", "'<img src=x onerror=alert(1)>'"), 10,
                             "suggestions[0] contains attribute onerror='alert(1)' of <img>, which could run script"),
    # fields that are identifiers refuse markup outright (text fields show it as text)
    "markup-in-topics": (post(topics="['<img src=x onerror=alert(1)>']"), 8, "topics '<img src=x onerror=alert(1)>' is not a slug"),
    "markup-in-hashtags": (post(hashtags="['<svg/onload=alert(1)>']"), 2, "hashtags '<svg/onload=alert(1)>' is not a hashtag"),
    **{f"hostile-{name}": (VALID.replace("Body.", f"Intro.\n\n{body}"), 14 + offset, message)
       for name, (body, offset, message) in {
        "handler-on-next-line": ('<img src="x"\n     onerror="alert(1)">', 1, "attribute onerror='alert(1)' of <img>"),
        "entity-encoded-javascript": ("[x](&#106;avascript:alert(1))", 0, "attribute href='javascript:alert(1)' of <a>"),
        "tab-in-javascript": ('<a href="jav&#x09;ascript:alert(1)">x</a>', 0, "attribute href='jav\\tascript:alert(1)' of <a>"),
        "attr-list-handler": ("Text\n{: onmouseover=alert(1) }", 1, "attribute onmouseover='alert(1)' of <p>"),
        "attr-list-heading": ("## Heading { onfocus=alert(1) }", 0, "attribute onfocus='alert(1)' of <h2>"),
        "svg-onload": ("<svg onload=alert(1)></svg>", 0, "<svg> element"),
        "img-onerror": ("<img src=x onerror=alert(1)>", 0, "attribute onerror='alert(1)' of <img>"),
        "object": ('<object data="https://evil.example/x"></object>', 0, "<object> element"),
        "form": ('<form action="https://evil.example/">\n<input name="q"></form>', 0, "<form> element"),
        "meta-refresh": ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', 0, "<meta> element"),
        "base": ('<base href="https://evil.example/">', 0, "<base> element"),
        "style-expression": ("<style>p { width: expression(alert(1)) }</style>", 0, "<style> element"),
        "data-link": ("[x](data:text/html;base64,PHNjcmlwdD4=)", 0, "attribute href='data:text/html;base64"),
        "reference-link": ("[x][evil]\n\n[evil]: javascript:alert(1)", 2, "attribute href='javascript:alert(1)' of <a>"),
        "comment-hiding-an-image": ("<p>a</p><!--><img src=x onerror=alert(1)>-->", 0,
                                    "<img> element is hidden from this check: browsers read the HTML around it"),
        "site-config-id": ('<pre id="sharewall-config">{"api": "https://evil.example"}</pre>', 0,
                           "attribute id='sharewall-config' of <pre> is removed from the page: ids starting with __"),
        "material-config-id": ("Text\n{: #__config }", 1, "attribute id='__config' of <p> is removed"),
    }.items()},
    "not-utf8": (VALID.replace("Body.", "Gr\u00fc\u00dfe").encode("latin-1"), 12, "file is not UTF-8"),
    "Bad_Name": (VALID, 1, "file name 'Bad_Name' is not a slug"),
    "dup": (VALID.replace("valid", "dup"), 1, "slug 'dup' is already used by broken/posts/2025/dup.md"),
}


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A content folder with every defect in a file of its own, beside valid posts that must stay unnamed.

    Built once for the module: the tests only read it.
    """
    root = tmp_path_factory.mktemp("check") / "broken"
    (root / "posts" / "2026").mkdir(parents=True)
    (root / "posts" / "2025").mkdir(parents=True)
    (root / "images").mkdir()
    (root / "images" / "ok.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (root / "sources.yml").write_text("comms: {name: Comms, kind: department}\npartners: {name: Partners, kind: partner}\n")
    (root / "posts" / "2026" / "valid-post.md").write_text(VALID)
    (root / "posts" / "2025" / "dup.md").write_text(VALID.replace("valid", "dup"))
    for name, (text, _, _) in BROKEN.items():
        file = root / "posts" / "2026" / f"{name}.md"
        file.write_bytes(text if isinstance(text, bytes) else text.encode())
    return root


def run_check(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "site_builder", "check", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.mark.parametrize("name", list(BROKEN))
def test_each_rule_names_the_file_line_and_field(broken: Path, name: str) -> None:
    content = load_content(broken, load_settings(ROOT / "mkdocs.yml"), now=_now())  # the site's Markdown extensions
    _, line, message = BROKEN[name]
    path = f"broken/posts/2026/{name}.md"
    found = [str(issue) for issue in content.errors if issue.path == path]
    assert any(item.startswith(f"{path}:{line}: ") and message in item for item in found), found


def test_all_errors_of_all_files_in_one_run_and_never_a_valid_file(broken: Path) -> None:
    result = run_check(str(broken))
    assert result.returncode == 1
    named = {line.split(":", 1)[0] for line in result.stdout.splitlines()}
    expected = {f"{broken}/posts/2026/{name}.md" for name in BROKEN} | {f"{broken}/sources.yml"}
    expected = {path.replace(str(broken.parent) + "/", "") for path in expected}
    assert named == expected
    assert "broken/sources.yml:2: source partners: kind must be one of" in result.stdout


HOSTILE_PAGES = {
    # path under content/ -> (text, line, message)
    "index.md": ("# Wall\n\nWelcome <b onclick=\"alert(1)\">all</b>.\n", 3, "attribute onclick='alert(1)' of <b>"),
    "guidelines.md": ("# Guidelines\n\n<iframe src=\"https://evil.example/\"></iframe>\n", 3, "<iframe> element"),
    "claim.md": ("---\ntitle: Claim\ntemplate: claims.html\nsharewall_app: claim\n---\n# Claim\n\n"
                 "[pay](javascript:alert(1))\n", 8, "attribute href='javascript:alert(1)' of <a>"),
    "finance/review.md": ("Intro\n\n<p>a</p><svg><script>alert(1)</script></svg>\n", 3, "<svg> element"),
    "stats.md": ("# Stats\n\nFigures\n{: onmouseover=alert(1) }\n", 4, "attribute onmouseover='alert(1)' of <p>"),
    "broken-front-matter.md": ("---\ntitle: [unclosed\n---\nBody\n", 3, "YAML error"),
    "page.html": ("<script>alert(1)</script>", 1, ".html files are not published from content/"),
    "images/active.svg": ('<svg xmlns="http://www.w3.org/2000/svg">\n<script>alert(1)</script>\n'
                          '<a href="javascript:alert(2)"><text>x</text></a></svg>', 2, "SVG image contains a <script>"),
}


@pytest.fixture(scope="module")
def hostile_pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A content folder whose only posts are valid, with a hostile page or file beside them for each case."""
    root = tmp_path_factory.mktemp("pages") / "content"
    (root / "posts" / "2026").mkdir(parents=True)
    (root / "sources.yml").write_text("comms: {name: Comms, kind: department}\n")
    (root / "posts" / "2026" / "valid-post.md").write_text(VALID)
    (root / "images").mkdir()
    (root / "images" / "plain.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>')
    (root / "notes.md").write_text("# Notes\n\nA [link](https://example.com/) and <kbd>Ctrl</kbd>, **bold**.\n")
    for path, (text, _, _) in HOSTILE_PAGES.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    return root


def test_every_page_and_published_file_is_checked_not_only_posts(hostile_pages: Path) -> None:
    result = run_check(str(hostile_pages))
    assert result.returncode == 1
    for path, (_, line, message) in HOSTILE_PAGES.items():
        assert any(item.startswith(f"content/{path}:{line}: ") and message in item
                   for item in result.stdout.splitlines()), (path, result.stdout)
    named = {item.split(":", 1)[0] for item in result.stdout.splitlines()}
    assert named == {f"content/{path}" for path in HOSTILE_PAGES}  # valid posts, pages and pictures pass
    assert "content/images/active.svg:3: SVG image has attribute href='javascript:alert(2)' on <a>" in result.stdout


def test_markup_in_text_fields_is_text_not_an_error(tmp_path: Path) -> None:
    """Title, summary, alt text and source names are shown as text (escaped), so markup there is allowed."""
    root = tmp_path / "content"
    (root / "posts" / "2026").mkdir(parents=True)
    (root / "images").mkdir()
    (root / "images" / "ok.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (root / "sources.yml").write_text("comms: {name: '<b>Comms</b> & Co', kind: department}\n")
    (root / "posts" / "2026" / "text.md").write_text(post(
        title="'<b>Bold</b> claims & <script>alert(1)</script>'", summary="'\"><img src=x onerror=alert(1)>'",
        image="images/ok.png", image_alt="'<svg onload=alert(1)>'"))
    result = run_check(str(root))
    assert result.returncode == 0, result.stdout


def test_demo_content_passes() -> None:
    result = run_check("content")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors" in result.stderr
    assert "expenses.yml" not in result.stdout + result.stderr  # the shipped expense policy is valid


def test_warnings_do_not_fail(tmp_path: Path) -> None:
    root = tmp_path / "content"
    (root / "posts" / "2026").mkdir(parents=True)
    (root / "sources.yml").write_text("comms: {name: Comms, kind: department}\n")
    (root / "posts" / "2026" / "old.md").write_text(post(expires="2026-02-01"))
    (root / "posts" / "2026" / "same-link.md").write_text(VALID)
    result = run_check(str(root))
    assert result.returncode == 0, result.stdout
    assert "content/posts/2026/old.md:1: warning: post expired at 2026-02-02 00:00" in result.stderr
    assert "link is shared with content/posts/2026/old.md" in result.stderr


def test_github_format_prints_annotations(broken: Path) -> None:
    result = run_check(str(broken), "--format", "github")
    assert result.returncode == 1
    assert "::error file=broken/posts/2026/http-link.md,line=3::link must start with https://" in result.stdout
    assert all(line.startswith("::") for line in result.stdout.splitlines())


def test_settings_come_from_the_given_config(broken: Path, tmp_path: Path) -> None:
    config = tmp_path / "site.yml"
    config.write_text("plugins:\n  - sharewall:\n      languages: [de, pl]\n      disclosures:\n"
                      "        de: {sponsored: 'Werbung |', employee: '#Mitarbeiter'}\n"
                      "        pl: {sponsored: 'Reklama |', employee: '#pracownik'}\n")
    assert load_settings(config).languages == ("de", "pl")
    result = run_check(str(broken), "--config", str(config))
    assert "unknown-language.md" not in result.stdout
    assert "valid-post.md:6: language 'en' is not configured; allowed: de, pl" in result.stdout


def test_naive_times_are_in_the_site_timezone(tmp_path: Path) -> None:
    root = tmp_path / "content"
    (root / "posts" / "2026").mkdir(parents=True)
    (root / "sources.yml").write_text("comms: {name: Comms, kind: department}\n")
    (root / "posts" / "2026" / "a.md").write_text(post(publish="2026-07-01 08:00", expires="2026-07-31"))
    (item,) = load_content(root, Settings(timezone="Europe/Berlin"), now=_now()).posts
    assert item.publish.isoformat() == "2026-07-01T08:00:00+02:00"
    assert item.expires.isoformat() == "2026-08-01T00:00:00+02:00"  # a date alone lasts the whole day


def test_new_writes_a_skeleton_that_passes_once_filled(tmp_path: Path) -> None:
    root = tmp_path / "content"
    root.mkdir()
    (root / "sources.yml").write_text("comms: {name: Comms, kind: department}\n")
    made = subprocess.run([sys.executable, "-m", "site_builder", "new", "Grüße aus Köln: re:publica", "--source", "comms",
                           "--language", "de", "--content-dir", str(root), "--config", str(ROOT / "mkdocs.yml")],
                          capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert made.returncode == 0, made.stderr
    path = Path(made.stdout.strip())
    assert path.parent.parent.name == "posts" and path.name == "gruesse-aus-koeln-re-publica.md"
    untouched = run_check(str(root), "--config", str(ROOT / "mkdocs.yml"))
    assert untouched.returncode == 1  # every placeholder is refused, each at its line, in one run
    lines = path.read_text().splitlines()
    briefing_line = lines.index(BRIEFING.strip()) + 1
    relative = path.relative_to(tmp_path).as_posix()
    for field, message in [("link: https://", "link must be filled in: the public https:// address of the page"),
                           ("summary: ''", "summary must not be empty"),
                           ("suggestions:", "suggestions must not contain an empty text")]:
        assert f"{relative}:{lines.index(field) + 1}: {message}" in untouched.stdout, untouched.stdout
    assert f"{relative}:{briefing_line}: the body is still the placeholder of `sharewall new`" in untouched.stdout
    assert "must start with https://" not in untouched.stdout
    text = path.read_text().replace("link: https://\n", "link: https://example.com/koeln\n")
    text = text.replace("summary: ''", "summary: Wir waren da.").replace("- ''", "- Schön war's!")
    path.write_text(text)
    fields_filled = run_check(str(root), "--config", str(ROOT / "mkdocs.yml"))
    assert fields_filled.returncode == 1  # the placeholder briefing would be published: refused
    assert fields_filled.stdout.strip().splitlines() == [
        f"{relative}:{briefing_line}: the body is still the placeholder of `sharewall new` "
        f"({BRIEFING.strip()!r}): replace it with the briefing for employees: background, talking points, "
        "what not to claim"]
    body_start = text.index(BRIEFING)
    path.write_text(text[:body_start] + "Wir zeigen das Surface Studio; keine Preise nennen.\n")
    result = run_check(str(root), "--config", str(ROOT / "mkdocs.yml"))
    assert result.returncode == 0, result.stdout


def test_a_draft_may_keep_the_placeholder_briefing_until_comms_publish_it(tmp_path: Path) -> None:
    # the skeleton's placeholder alone: a draft may hold it; publishing it (no `draft: true`) is refused
    root = tmp_path / "content"
    (root / "posts" / "2026").mkdir(parents=True)
    (root / "sources.yml").write_text("comms: {name: Comms, kind: department}\n")
    (root / "posts" / "2026" / "a.md").write_text(post(draft="true").replace("Body.\n", BRIEFING))
    assert [issue.severity for issue in load_content(root, Settings(), now=_now()).issues] == ["warning"]
    (root / "posts" / "2026" / "a.md").write_text(post().replace("Body.\n", BRIEFING))
    (issue,) = load_content(root, Settings(), now=_now()).issues
    assert issue.severity == "error" and issue.message.startswith("the body is still the placeholder")
    # an accepted suggestion's body (the same first line, then its credit) is comms' to judge, not a skeleton
    (root / "posts" / "2026" / "a.md").write_text(
        post().replace("Body.\n", BRIEFING + "Suggested by a colleague through the wall.\n"))
    assert load_content(root, Settings(), now=_now()).issues == []


def _now():
    from datetime import datetime, timezone

    return datetime(2026, 3, 1, tzinfo=timezone.utc)


def test_wrong_settings_name_the_file_and_every_field_without_a_traceback(tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text((ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace(
        "      page_size: 24\n",
        "      page_size: 0\n      timezone: Mars/Olympus\n"
        "      sign_in: {authorize_url: 'http://login.example.com', token_url: 'https://l.example.com', client_id: a}\n"),
        encoding="utf-8")
    result = run_check("content", "--config", str(config))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert f"{config}: invalid sharewall settings" in result.stderr
    for field in ("page_size", "timezone", "sign_in.authorize_url"):
        assert f"{field}: " in result.stderr


# --- campaigns and disclosure (content/campaigns.yml) -----------------------------------------

CAMPAIGNS = """\
fair:
  name: {de: Messe, en: Fair}
  start: 2026-01-01
  end: 2026-12-31
  reimbursed: true
brand: {name: Brand, start: 2026-01-01, end: 2026-06-30, reimbursed: false}
"""
DISCLOSURE_POSTS = {
    # name -> (file text, line, message); each names only its own problem
    "reimbursed-undisclosed": (post(campaign="fair", disclosure="employee"), 3,
                               "disclosure must be sponsored: campaign 'fair' reimburses influencers"),
    "reimbursed-no-disclosure-field": (post(campaign="fair"), 2, "disclosure must be sponsored: campaign 'fair'"),
    "influencer-undisclosed": (post(source="creator", disclosure="none"), 2,
                               "disclosure must be sponsored: source 'creator' is an influencer, got 'none'"),
    "undeclared-campaign": (post(campaign="fiar", disclosure="sponsored"), 2,
                            "campaign 'fiar' is not declared in campaigns.yml; declared: brand, fair"),
}


def disclosure_content(root: Path, campaigns: str = CAMPAIGNS) -> Path:
    (root / "posts" / "2026").mkdir(parents=True)
    (root / "sources.yml").write_text("comms: {name: Comms, kind: department}\ncreator: {name: Creator, kind: influencer}\n")
    (root / "campaigns.yml").write_text(campaigns)
    for name, (text, _, _) in DISCLOSURE_POSTS.items():
        (root / "posts" / "2026" / f"{name}.md").write_text(text)
    # what passes: sponsored posts of a reimbursed campaign and of an influencer, an unsponsored brand campaign post
    (root / "posts" / "2026" / "fair-sponsored.md").write_text(post(campaign="fair", disclosure="sponsored"))
    (root / "posts" / "2026" / "creator-sponsored.md").write_text(
        post(source="creator", campaign="fair", disclosure="sponsored", link="https://example.com/creator"))
    (root / "posts" / "2026" / "brand-employee.md").write_text(post(campaign="brand", link="https://example.com/brand"))
    return root


def test_check_fails_undisclosed_posts_of_reimbursed_campaigns_and_influencers_naming_file_and_line(tmp_path: Path) -> None:
    root = disclosure_content(tmp_path / "content")
    result = run_check(str(root))
    assert result.returncode == 1
    errors = result.stdout.splitlines()
    for name, (_, line, message) in DISCLOSURE_POSTS.items():
        assert any(item.startswith(f"content/posts/2026/{name}.md:{line}: ") and message in item for item in errors), (name, errors)
    named = {item.split(":", 1)[0] for item in errors}
    assert named == {f"content/posts/2026/{name}.md" for name in DISCLOSURE_POSTS}  # the disclosed ones pass


def test_a_post_naming_a_campaign_without_campaigns_yml_fails(tmp_path: Path) -> None:
    root = disclosure_content(tmp_path / "content")
    (root / "campaigns.yml").unlink()
    result = run_check(str(root))
    assert "content/posts/2026/fair-sponsored.md:2: campaign 'fair' is not declared in campaigns.yml; declared: none" in result.stdout


@pytest.mark.parametrize(("campaigns", "line", "message"), [
    (CAMPAIGNS.replace("  reimbursed: true", "  reimbursed: 'true'"), 5, "campaign fair: reimbursed must be bool"),
    (CAMPAIGNS.replace("  end: 2026-12-31", "  end: 2025-12-31"), 4, "campaign fair: end (2025-12-31) must not be before start (2026-01-01)"),
    (CAMPAIGNS.replace("  start: 2026-01-01", "  start: 2026-02-30"), 3, "campaign fair: start '2026-02-30' is not a valid date; use YYYY-MM-DD"),
    (CAMPAIGNS.replace("  start: 2026-01-01", "  start: next week"), 3, "start 'next week' is not a valid date"),
    (CAMPAIGNS.replace("reimbursed: false}", "reimbursed: false, budget: 100}"), 6,
     "campaign brand: unknown field 'budget'; allowed fields: name, start, end, reimbursed"),
    (CAMPAIGNS.replace("  start: 2026-01-01\n", "", 1), 1, "campaign fair: missing required field 'start'"),
    (CAMPAIGNS.replace("{de: Messe, en: Fair}", "{deutsch: Messe}"), 2, "campaign fair: name language 'deutsch' is not a two-letter code"),
    (CAMPAIGNS + "Big Fair: {name: X, start: 2026-01-01, end: 2026-01-02, reimbursed: true}\n", 7,
     "campaign key 'Big Fair' is not a slug"),
    (CAMPAIGNS + "broken: [unclosed\n", 8, "YAML error"),
])
def test_campaigns_yml_errors_name_the_line_and_field(tmp_path: Path, campaigns: str, line: int, message: str) -> None:
    root = disclosure_content(tmp_path / "content", campaigns)
    result = run_check(str(root))
    assert result.returncode == 1
    assert any(item.startswith(f"content/campaigns.yml:{line}: ") and message in item
               for item in result.stdout.splitlines()), result.stdout
