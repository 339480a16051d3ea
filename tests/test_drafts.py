"""`draft: true`: a post awaiting comms is checked like any other, kept out of every output of the build,
and refused by `sharewall check --no-drafts` (the gate on pull requests into main)."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from site_builder.content import load_content
from site_builder.fingerprint import active_set
from site_builder.plugin import build_site
from site_builder.settings import Settings
from tests.test_plugin import NOW, POSTS, all_text, make_project, post

SHAREWALL = Path(sys.executable).parent / "sharewall"
# an otherwise active post (published yesterday) with words found nowhere else
DRAFT = post("Draft Xylofant", NOW - timedelta(days=1), topics="[xylo-topic]", image="images/zeppelin.svg",
             image_alt="A xylofant", hashtags="[XylofantTag]").replace("---\ntitle:", "---\ndraft: true\ntitle:", 1)
SECRETS = ("Xylofant", "xylofant", "xylo-topic", "XylofantTag")


def sharewall(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(SHAREWALL), *args], cwd=cwd, capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("drafts")
    make_project(root, {"active-orca": POSTS["active-orca"], "draft-xylofant": DRAFT})
    return root


def test_check_accepts_a_draft_with_a_warning_at_its_line(project):
    result = sharewall("check", "content", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "content/posts/2026/draft-xylofant.md:2: warning: draft: true: not on the wall" in result.stderr
    assert "2 valid posts, 0 errors, 1 warnings" in result.stderr


def test_check_no_drafts_refuses_it_naming_file_and_line(project):
    result = sharewall("check", "content", "--no-drafts", cwd=project)
    assert result.returncode == 1
    assert "content/posts/2026/draft-xylofant.md:2: draft: true: a draft must not reach main" in result.stdout
    github = sharewall("check", "content", "--no-drafts", "--format", "github", cwd=project)
    assert github.returncode == 1
    assert "::error file=content/posts/2026/draft-xylofant.md,line=2::draft: true" in github.stdout


def test_draft_false_is_an_ordinary_post_and_the_flag_is_a_strict_boolean(tmp_path):
    make_project(tmp_path, {
        "plain": post("Plain Otter", NOW - timedelta(days=1), draft="false"),
        "quoted": post("Quoted Seal", NOW - timedelta(days=1), draft='"true"'),
        "number": post("Number Seal", NOW - timedelta(days=1), draft="1"),
    })
    content = load_content(tmp_path / "content", Settings(), NOW, refuse_drafts=True)
    assert [p.slug for p in content.active(NOW)] == ["plain"]
    messages = sorted(str(issue) for issue in content.errors)
    assert len(messages) == 2, messages
    assert all(":8: draft must be bool" in message for message in messages), messages


def test_a_draft_is_never_on_the_wall(project, tmp_path):
    site = build_site(project / "mkdocs.yml", tmp_path / "site")
    files = all_text(site)
    assert "posts/active-orca/index.html" in files  # the control: a published post is there
    assert any("Active Orca" in text for path, text in files.items() if path.endswith(".json"))
    for secret in SECRETS:
        leaks = [path for path, text in files.items() if secret in text]
        assert not leaks, f"{secret!r} of a draft leaked into {leaks}"
    assert not (site / "posts" / "draft-xylofant").exists()
    assert not (site / "images" / "zeppelin.svg").exists()  # the draft's image is not published either
    outputs = {"index.html", "posts.json", "feed.xml", "sitemap.xml", "search/search_index.json",
               "sharewall/catalogue.json", "sharewall/index.json"}
    assert outputs <= set(files), outputs - set(files)


def test_a_draft_does_not_count_in_the_active_posts_fingerprint(project, tmp_path):
    settings = Settings()
    with_draft = active_set(project / "content", settings, NOW)
    copy = tmp_path / "content"
    subprocess.run(["cp", "-r", str(project / "content"), str(copy)], check=True)
    (copy / "posts" / "2026" / "draft-xylofant.md").unlink()
    without = active_set(copy, settings, NOW)
    assert (with_draft.active, with_draft.fingerprint) == (without.active, without.fingerprint) == (1, without.fingerprint)
    undrafted = copy / "posts" / "2026" / "draft-xylofant.md"
    undrafted.write_text(DRAFT.replace("draft: true\n", ""), encoding="utf-8")
    assert active_set(copy, settings, NOW).active == 2  # the control: the same post, approved, is active
