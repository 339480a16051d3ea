"""`sharewall digest --preview`: from a built site, the Teams card and the mail text the digest's next run would send."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from site_builder.plugin import build_site
from tests.test_plugin import make_project, post

SHAREWALL = Path(sys.executable).parent / "sharewall"
NOW = datetime.now(ZoneInfo("Europe/Berlin")).replace(second=0, microsecond=0)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    config = make_project(tmp_path_factory.mktemp("preview"), {
        "fresh-otter": post("Fresh Otter", NOW - timedelta(hours=2)),
        "sponsored-heron": post("Sponsored Heron", NOW - timedelta(hours=5), disclosure="sponsored",
                                campaign="heron-fair"),
        "old-orca": post("Old Orca", NOW - timedelta(days=3)),
        "scheduled-zeppelin": post("Scheduled Zeppelin", NOW + timedelta(hours=2)),
        "draft-xylofant": post("Draft Xylofant", NOW - timedelta(hours=1), draft="true"),
    })
    build_site(config)
    return config.parent


def preview(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(SHAREWALL), "digest", *args], cwd=project, capture_output=True, text=True, timeout=60)


def test_the_preview_prints_the_card_and_the_mail_of_the_posts_that_became_active(project):
    result = preview(project, "--preview", "--email-to", "wall-de@example.com")
    assert result.returncode == 0, result.stderr
    teams, mail = result.stdout.split("\n\n== de: e-mail")
    assert teams.startswith("== de: Teams")
    message = json.loads(teams.split("\n", 1)[1])
    card = message["attachments"][0]["content"]
    assert message["type"] == "message" and card["version"] == "1.5"
    posts = [[item.get("text") for item in block["items"]] for block in card["body"] if block["type"] == "Container"]
    assert [texts[0] for texts in posts] == ["Fresh Otter", "Anzeige"]  # newest first; the heron with its label
    assert posts[1][1] == "Sponsored Heron"
    assert "Subject: Neu auf der Wall: Fresh Otter (+1)" in mail
    assert "Anzeige | Sponsored Heron" in mail and "https://wall.example.com/posts/fresh-otter/" in mail
    assert "weil wall-de@example.com den täglichen Überblick" in mail
    for never in ("Scheduled Zeppelin", "Draft Xylofant", "Old Orca"):
        assert never not in result.stdout


def test_since_and_max_posts_show_more_and_count_the_rest(project):
    since = f"{NOW - timedelta(days=4):%Y-%m-%d}"
    result = preview(project, "--preview", "--since", since, "--max-posts", "1")
    assert result.returncode == 0, result.stderr
    card = json.loads(result.stdout.split("\n\n== de: e-mail")[0].split("\n", 1)[1])["attachments"][0]["content"]
    assert [b["items"][0]["text"] for b in card["body"] if b["type"] == "Container"] == ["Fresh Otter"]
    assert card["body"][-1]["text"] == "Weitere neue Beiträge auf der Wall: 2"  # the heron and the orca


def test_nothing_new_is_said_and_wrong_use_is_one_clear_line(project, tmp_path):
    old = preview(project, "--preview", "--since", f"{NOW + timedelta(days=1):%Y-%m-%d}")
    assert old.returncode == 0 and old.stdout.strip() == "== de: nothing new: the run would send nothing"
    language = preview(project, "--preview", "--language", "fr")
    assert language.returncode == 1 and "--language fr: the site's interface languages are de" in language.stderr
    missing = preview(project, "--preview", "--site-dir", str(tmp_path / "nothing"))
    assert missing.returncode == 1 and "sharewall/digest.json is missing: build the site first" in missing.stderr
    without = preview(project)
    assert without.returncode == 2 and "only previews it: sharewall digest --preview" in without.stderr
