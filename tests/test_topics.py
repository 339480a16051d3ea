"""Topics: `content/topics.yml` gives every topic slug a label per configured language. `sharewall check`
names file and line of a malformed or unlabelled topic and of a post naming an undeclared one; the wall's
filter, the cards' chips and the suggest pages' index show the label in the build's interface language.
Without topics.yml (small sites) any slug is a topic and shows as itself."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from site_builder.content import load_content
from site_builder.plugin import build_site
from site_builder.settings import Settings, load_settings
from tests.test_check import VALID, post, run_check
from tests.test_plugin import POSTS, all_text, make_project

TOPICS = """\
# comment line
news: {de: Nachrichten, en: News}
events:
  de: Veranstaltungen
  en: Events
"""


def content_with(root: Path, topics: str | None, posts: dict[str, str]) -> Path:
    (root / "posts" / "2026").mkdir(parents=True)
    (root / "sources.yml").write_text("comms: {name: Comms, kind: department}\n")
    if topics is not None:
        (root / "topics.yml").write_text(topics, encoding="utf-8")
    for name, text in posts.items():
        (root / "posts" / "2026" / f"{name}.md").write_text(text, encoding="utf-8")
    return root


def errors_of(root: Path) -> list[str]:
    return [str(issue) for issue in load_content(root, Settings(languages=("de", "en"))).errors]


def test_declared_topics_pass_and_give_their_labels(tmp_path: Path) -> None:
    root = content_with(tmp_path / "content", TOPICS, {"ok": post(topics="[news, events]")})
    content = load_content(root, Settings(languages=("de", "en")))
    assert content.errors == [] and [p.slug for p in content.posts] == ["ok"]
    assert content.topic_labels("de") == {"news": "Nachrichten", "events": "Veranstaltungen"}
    assert content.topic_labels("en") == {"news": "News", "events": "Events"}


@pytest.mark.parametrize(("topics", "line", "message"), [
    (TOPICS + "press: {de: Presse}\n", 6, "topic press: no label for en; every topic needs a label in each configured language"),
    (TOPICS.replace("  en: Events\n", ""), 3, "topic events: no label for en"),
    (TOPICS + "press: {de: Presse, en: Press, fr: Presse}\n", 6, "topic press: language 'fr' is not configured; allowed: de, en"),
    (TOPICS.replace("  en: Events", "  en: ''"), 5, "topic events: label en must not be empty"),
    (TOPICS.replace("  en: Events", "  en: " + "E" * 41), 5, "topic events: label en is 41 characters long; at most 40 allowed"),
    (TOPICS.replace("  en: Events", "  en: [Events]"), 5, "topic events: label en must be text"),
    (TOPICS + "Big News: {de: Groß, en: Big}\n", 6, "topic key 'Big News' is not a slug"),
    (TOPICS + "press: Presse\n", 6, "topic press: must be a label per language like {de: …, en: …}, got 'Presse'"),
    (TOPICS + "press: {de: 'Presse, en: Press}\n", 6, "YAML error"),
    ("- news\n- events\n", 1, "topics.yml must be a mapping"),
])
def test_topics_yml_errors_name_file_line_and_topic(tmp_path: Path, topics: str, line: int, message: str) -> None:
    root = content_with(tmp_path / "content", topics, {"ok": post(topics="[news]")})
    config = tmp_path / "mkdocs.yml"  # two languages, whichever the site configures
    config.write_text("plugins:\n  - sharewall:\n      languages: [de, en]\n", encoding="utf-8")
    result = run_check(str(root), "--config", str(config))
    assert result.returncode == 1
    errors = [item for item in result.stdout.splitlines() if item.startswith("content/") and ": warning: " not in item]
    assert any(item.startswith(f"content/topics.yml:{line}: ") and message in item for item in errors), result.stdout
    # one problem, one error: a post naming a declared topic is not flagged because of the file's problem
    assert not any(item.startswith("content/posts/") for item in errors), result.stdout


def test_a_post_naming_an_undeclared_topic_fails_at_its_line(tmp_path: Path) -> None:
    block = VALID.replace("topics: [news]\n", "topics:\n  - news\n  - evnts\n")
    root = content_with(tmp_path / "content", TOPICS, {"flow": post(topics="[news, sport]"), "block": block})
    assert errors_of(root) == [
        "content/posts/2026/block.md:10: topics[1] 'evnts' is not declared in topics.yml (did you mean 'events'?); "
        "declare it there with a label per language, or pick one of: events, news",
        "content/posts/2026/flow.md:8: topics[1] 'sport' is not declared in topics.yml; "
        "declare it there with a label per language, or pick one of: events, news",
    ]
    assert [p.slug for p in load_content(root, Settings(languages=("de", "en"))).posts] == []


def test_an_unlabelled_topic_still_counts_as_declared_for_posts(tmp_path: Path) -> None:
    root = content_with(tmp_path / "content", TOPICS + "press: {de: Presse}\n", {"ok": post(topics="[press]")})
    assert [error.split(": ", 1)[0] for error in errors_of(root)] == ["content/topics.yml:6"]


def test_without_topics_yml_any_slug_is_a_topic(tmp_path: Path) -> None:
    root = content_with(tmp_path / "content", None, {"ok": post(topics="[whatever, news]")})
    content = load_content(root, Settings(languages=("de", "en")))
    assert content.errors == [] and content.topics is None and content.topic_labels("de") == {}


def test_an_empty_topics_yml_declares_none(tmp_path: Path) -> None:
    root = content_with(tmp_path / "content", "# no topics yet\n", {"ok": post(topics="[news]")})
    assert errors_of(root) == ["content/posts/2026/ok.md:8: topics[0] 'news' is not declared in topics.yml; "
                               "declare it there with a label per language, or pick one of: none"]


def test_the_demo_declares_every_topic_its_posts_name() -> None:
    root = Path(__file__).resolve().parents[1] / "content"
    content = load_content(root, load_settings(root.parent / "mkdocs.yml"))  # the site's languages
    used = {topic for p in content.posts for topic in p.topics}
    assert content.errors == [] and used and used <= set(content.topic_labels("de"))


# --- the build: labels where topics show ------------------------------------------------------

LABELS = """\
alpha: {de: Alphatiere, en: Alpha animals}
beta: {de: Betatest, en: Beta testing}
secret-topic: {de: Geheimprojekt, en: Secret project}
"""


def project_with_topics(root: Path, language: str = "de", topics: str | None = LABELS) -> Path:
    config = make_project(root, POSTS, page_size=1)
    text = config.read_text(encoding="utf-8").replace("  campaigns.yml\n", "  campaigns.yml\n  topics.yml\n")
    config.write_text(text.replace("language: de}", f"language: {language}}}"), encoding="utf-8")
    if topics is not None:
        (root / "content" / "topics.yml").write_text(topics, encoding="utf-8")
    return config


def options(page: str, facet: str) -> list[tuple[str, str]]:
    select = page.split(f'<select name="{facet}">', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]*)">([^<]*)</option>', select)


def chips(page: str) -> list[list[tuple[str, str]]]:
    return [re.findall(r'<li data-topic="([^"]+)">([^<]+)</li>', ul)
            for ul in re.findall(r'<ul class="sw-topics"[^>]*>(.*?)</ul>', page, re.S)]


@pytest.fixture(scope="module")
def german(tmp_path_factory) -> Path:
    return build_site(project_with_topics(tmp_path_factory.mktemp("topics-de")))


def test_the_walls_filter_and_chips_show_german_labels(german: Path) -> None:
    wall = (german / "index.html").read_text(encoding="utf-8")
    assert options(wall, "topic") == [("", "Alle"), ("alpha", "Alphatiere (1)"), ("beta", "Betatest (2)")]
    assert chips(wall) == [[("alpha", "Alphatiere"), ("beta", "Betatest")]]
    assert chips((german / "page" / "2" / "index.html").read_text(encoding="utf-8")) == [[("beta", "Betatest")]]
    page = (german / "posts" / "active-orca" / "index.html").read_text(encoding="utf-8")
    assert chips(page) == [[("alpha", "Alphatiere"), ("beta", "Betatest")]]  # the post page's meta too
    index = json.loads((german / "sharewall" / "index.json").read_text(encoding="utf-8"))
    assert index["topics"] == ["alpha", "beta"] and index["topicLabels"] == ["Alphatiere", "Betatest"]
    assert index["posts"] == [[[0, 1], 0, 0], [[1], 0, 0]]  # wall.js filters by slug as before
    assert not (german / "topics.yml").exists()
    feed = (german / "feed.xml").read_text(encoding="utf-8")
    assert '<category term="alpha" label="Alphatiere" />' in feed and feed.count('label="Betatest"') == 2


def test_a_topic_only_scheduled_posts_use_leaks_neither_slug_nor_label(german: Path) -> None:
    leaks = [path for path, text in all_text(german).items() if "Geheimprojekt" in text or "secret-topic" in text]
    assert not leaks


def test_an_english_interface_shows_english_labels(tmp_path: Path) -> None:
    site = build_site(project_with_topics(tmp_path, language="en"))
    wall = (site / "index.html").read_text(encoding="utf-8")
    assert options(wall, "topic") == [("", "All"), ("alpha", "Alpha animals (1)"), ("beta", "Beta testing (2)")]
    assert chips(wall) == [[("alpha", "Alpha animals"), ("beta", "Beta testing")]]


def test_without_topics_yml_the_wall_shows_slugs(tmp_path: Path) -> None:
    site = build_site(project_with_topics(tmp_path, topics=None))
    wall = (site / "index.html").read_text(encoding="utf-8")
    assert options(wall, "topic") == [("", "Alle"), ("alpha", "alpha (1)"), ("beta", "beta (2)")]
    assert chips(wall) == [[("alpha", "alpha"), ("beta", "beta")]]
    assert json.loads((site / "sharewall" / "index.json").read_text())["topicLabels"] == ["alpha", "beta"]


def test_the_build_refuses_an_undeclared_topic(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    config = project_with_topics(tmp_path, topics=LABELS.replace("beta:", "gamma:"))
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        build_site(config)
    errors = "\n".join(record.getMessage() for record in caplog.records)
    assert "content/posts/2026/active-orca.md:8: topics[1] 'beta' is not declared in topics.yml" in errors
    assert not (tmp_path / "site" / "index.html").exists()
