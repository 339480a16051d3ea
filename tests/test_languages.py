"""The interface in more than one language: the main build at the site's root, each alternate below it.

One MkDocs build per interface language from the same checked content: content pages have twins
`<name>.<code>.md`, the nav is translated, the sign-in page exists once, and nothing that the main build
leaves out (scheduled posts, their images) appears in another language's build.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from site_builder.plugin import build_site
from tests.test_plugin import POSTS, make_project

ALTERNATES = """\
      alternates:
        en:
          nav: {Leitfaden: Guidelines}
"""


def bilingual_project(root: Path, posts: dict[str, str] = POSTS) -> Path:
    config = make_project(root, posts)
    text = config.read_text(encoding="utf-8").replace("nav: [index.md]", "nav: [index.md, Leitfaden: guidelines.md]")
    config.write_text(text + ALTERNATES, encoding="utf-8")
    content = config.parent / "content"
    (content / "guidelines.md").write_text("# Leitfaden fürs Teilen\n\nSag es mit deinen Worten.\n", encoding="utf-8")
    (content / "guidelines.en.md").write_text("# Sharing guidelines\n\nSay it in your own words.\n", encoding="utf-8")
    (content / "index.en.md").write_text("# Wall\n\nShare what matters.\n", encoding="utf-8")
    return config


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_site(bilingual_project(tmp_path_factory.mktemp("bilingual")))


def browser_config(page: str) -> dict:
    found = re.search(r'<script id="sharewall-config" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


def nav_titles(page: str) -> list[str]:
    return re.findall(r'<span class="md-ellipsis">\s*([^<]+?)\s*</span>', page)


def test_each_language_is_a_site_of_its_own_with_the_same_paths(site: Path) -> None:
    german = (site / "index.html").read_text(encoding="utf-8")
    english = (site / "en" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="de"' in german and '<html lang="en"' in english
    assert browser_config(german)["ui"] == {"lang": "de", "homes": {"de": "/", "en": "/en/"}}
    assert browser_config(english)["ui"] == {"lang": "en", "homes": {"de": "/", "en": "/en/"}}
    german_posts = sorted(path.name for path in (site / "posts").iterdir())
    assert german_posts and german_posts == sorted(path.name for path in (site / "en" / "posts").iterdir())
    assert "/en/assets/sharewall/sharewall.css" in english  # the English pages link their own build's files


def test_a_twin_stands_in_for_its_page_and_only_in_its_language(site: Path) -> None:
    german = (site / "guidelines" / "index.html").read_text(encoding="utf-8")
    english = (site / "en" / "guidelines" / "index.html").read_text(encoding="utf-8")
    assert "Sag es mit deinen Worten." in german and "Say it in your own words." not in german
    assert "Say it in your own words." in english and "Sag es mit deinen Worten." not in english
    assert "Share what matters." in (site / "en" / "index.html").read_text(encoding="utf-8")
    for leftover in ("guidelines.en", "index.en", "en/guidelines.en", "en/en"):
        assert not (site / leftover).exists(), leftover


def test_the_nav_is_translated_and_the_selector_links_the_same_page(site: Path) -> None:
    english = (site / "en" / "guidelines" / "index.html").read_text(encoding="utf-8")
    german = (site / "guidelines" / "index.html").read_text(encoding="utf-8")
    assert "Guidelines" in nav_titles(english) and "Leitfaden" not in nav_titles(english)
    assert "Leitfaden" in nav_titles(german)
    for page in (english, german):
        assert re.search(r'<a href="/guidelines/" hreflang="de"[^>]*class="md-select__link" target="_self"', page)
        assert re.search(r'<a href="/en/guidelines/" hreflang="en"[^>]*class="md-select__link" target="_self"', page)
    assert re.search(r'href="/en/guidelines/" hreflang="en" lang="en" class="md-select__link" target="_self" '
                     r'aria-current="true"', english)


def test_the_sign_in_page_exists_once_at_the_root(site: Path) -> None:
    assert (site / "signin" / "index.html").is_file()
    assert not (site / "en" / "signin").exists()  # the identity provider knows one redirect URI
    english = (site / "en" / "index.html").read_text(encoding="utf-8")
    assert browser_config(english)["signInPage"] == "/signin/"


def test_what_the_main_build_leaves_out_no_language_publishes(site: Path) -> None:
    english = [path for path in (site / "en").rglob("*") if path.is_file()]
    leaks = [path for path in english if path.suffix in {".html", ".json", ".xml"}
             and "Zeppelin" in path.read_text(encoding="utf-8", errors="replace")]
    assert not leaks
    assert not (site / "en" / "images" / "zeppelin.svg").exists()
    assert (site / "en" / "images" / "orca.svg").exists()


def test_card_dates_and_labels_follow_the_interface_language(site: Path) -> None:
    german = (site / "posts" / "active-orca" / "index.html").read_text(encoding="utf-8")
    english = (site / "en" / "posts" / "active-orca" / "index.html").read_text(encoding="utf-8")
    toggle = 'class="sw-share__toggle" id="sw-share-active-orca" aria-labelledby="sw-share-active-orca sw-title-active-orca">'
    assert f"{toggle}Teilen</summary>" in german
    assert f"{toggle}Share</summary>" in english
    assert re.search(r"\d{2}\.\d{2}\.\d{4}", german)
    assert re.search(r"[A-Z][a-z]{2} \d{1,2}, \d{4}<", english)  # CLDR medium: Dec 5, 2026


def test_unsafe_markup_in_a_twin_fails_the_main_build_before_it_writes(tmp_path: Path, caplog) -> None:
    config = bilingual_project(tmp_path)
    (config.parent / "content" / "guidelines.en.md").write_text(
        "# Guidelines\n\n<img src=x onerror=alert(1)>\n", encoding="utf-8")
    with pytest.raises(Abort):
        build_site(config)
    assert "content/guidelines.en.md:3: attribute onerror" in caplog.text
    assert not (config.parent / "site").exists()  # not even the German pages: a failed build publishes nothing


def test_a_source_may_be_named_per_language(tmp_path: Path) -> None:
    config = bilingual_project(tmp_path)
    (config.parent / "content" / "sources.yml").write_text(
        "comms: {name: {de: Kommunikationsteam, en: Comms Team}, kind: department}\n", encoding="utf-8")
    site = build_site(config)
    german = (site / "posts" / "active-orca" / "index.html").read_text(encoding="utf-8")
    english = (site / "en" / "posts" / "active-orca" / "index.html").read_text(encoding="utf-8")
    assert "Kommunikationsteam" in german and "Comms Team" not in german
    assert "Comms Team" in english and "Kommunikationsteam" not in english
    filters = (site / "en" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<option value="comms">Comms Team \(\d+\)</option>', filters)


def test_a_source_without_any_name_is_refused(tmp_path: Path) -> None:
    from site_builder.content import load_content
    from site_builder.settings import Settings

    content = bilingual_project(tmp_path).parent / "content"
    (content / "sources.yml").write_text("comms: {name: {}, kind: department}\n", encoding="utf-8")
    found = load_content(content, Settings(), markup=False)
    assert any(issue.path.endswith("sources.yml") and "name" in issue.message for issue in found.errors), found.errors


def test_invites_may_open_the_claim_page_of_every_interface_language() -> None:
    # the claims function's INTERFACE_LANGUAGES (template.yaml) are mkdocs.yml's: the theme's language, then
    # each alternate; adding a language to mkdocs.yml without it here fails this test
    from site_builder.local.template import load_template
    from tests.interface_languages import MKDOCS_YML, interface_languages

    template = load_template(MKDOCS_YML.with_name("template.yaml"))
    variables = template["Resources"]["ClaimsFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["INTERFACE_LANGUAGES"].split(",") == interface_languages()
