"""The whole wall in English too, in Debian's Chromium: an English-speaking employee switches the interface.

The repository's own site (German at /, English at /en/) is built once and served under production's
Content-Security-Policy; the scripts' texts, dates and numbers must follow the page's language.
"""

from __future__ import annotations

import re

import pytest

from site_builder.local.server import serve_directory
from tests.browser.support import offline_context, repository_site, site_headers

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    site = repository_site(tmp_path_factory.mktemp("english"))
    url, server = serve_directory(site, headers=site_headers())
    yield url.rstrip("/")
    server.shutdown()
    server.server_close()


@pytest.fixture
def page(browser):
    with offline_context(browser) as context:
        yield context.new_page()


def test_the_language_selector_switches_to_the_same_page_in_english(page, demo) -> None:
    page.goto(f"{demo}/guidelines/")
    # Material fetches the other language's sitemap to steal the click; wait for it, so the test sees the link win
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "de"
    page.locator(".md-header__option .md-select").hover()
    page.locator("a.md-select__link[hreflang=en]").click()
    page.wait_for_url(f"{demo}/en/guidelines/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").first.inner_text().rstrip("¶") == "Sharing guidelines"
    nav = page.locator(".md-nav--primary").inner_text()
    for title in ("Guidelines", "Statistics", "Suggest a post"):
        assert title in nav
    assert "Leitfaden" not in nav
    page.locator(".md-header__option .md-select").hover()
    page.locator("a.md-select__link[hreflang=de]").click()
    page.wait_for_url(f"{demo}/guidelines/")


def test_the_english_wall_speaks_english(page, demo) -> None:
    page.goto(f"{demo}/en/")
    card = page.locator("article.sw-card").first
    card.wait_for()
    toggle = card.locator("summary.sw-share__toggle")
    assert toggle.inner_text().strip() == "Share"
    assert re.search(r"\b\d{1,2} [A-Z][a-z]{2} \d{4}\b", card.locator(".sw-meta").inner_text())
    filters = page.locator(".sw-filters").inner_text()
    assert "Topic" in filters and "Thema" not in filters
    toggle.click()
    composer = card.locator(".sw-composer")
    composer.locator("textarea").wait_for()
    text = composer.inner_text()
    assert "characters" in text.lower() and "Zeichen" not in text
    page.select_option(".sw-filters select[name=language]", "en")
    page.wait_for_function("() => document.querySelector('.sw-filters__count').innerText.trim() !== ''")
    count = page.locator(".sw-filters__count").inner_text()
    assert re.fullmatch(r"\d+ posts|1 post", count.strip()), count


def test_the_german_wall_stays_german(page, demo) -> None:
    page.goto(f"{demo}/")
    card = page.locator("article.sw-card").first
    card.wait_for()
    assert card.locator("summary.sw-share__toggle").inner_text().strip() == "Teilen"
    assert re.search(r"\b\d{2}\.\d{2}\.\d{4}\b", card.locator(".sw-meta").inner_text())
    page.select_option(".sw-filters select[name=language]", "de")
    page.wait_for_function("() => document.querySelector('.sw-filters__count').innerText.includes('Beitr')")


def test_pages_that_need_signing_in_say_so_in_english(page, demo) -> None:
    for path, german_word in (("/en/stats/", "Anmelden"), ("/en/claim/", "Einladung")):
        page.goto(demo + path)
        page.wait_for_function("() => document.querySelector('article').innerText.length > 40")
        text = page.locator("article").inner_text()
        assert german_word not in text, (path, text)


def test_search_finds_german_and_english_posts_from_the_english_interface(page, demo) -> None:
    page.goto(f"{demo}/en/")
    field = page.locator("input.md-search__input")
    field.click()
    for word, expected in (("ARM", "ARM"), ("Rechenzentrum", "Rechenzentrum")):
        field.fill("")
        field.press_sequentially(word, delay=20)  # Material searches on key strokes
        result = page.locator(".md-search-result__item").first
        result.wait_for(timeout=15000)
        assert expected.lower() in page.locator(".md-search-result").inner_text().lower()
        assert "/en/posts/" in result.locator("a").first.get_attribute("href")
