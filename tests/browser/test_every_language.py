"""Every interface language mkdocs.yml configures (the theme's at /, each alternate under /<code>/), page by page,
in Debian's Chromium under production's Content-Security-Policy.

The repository's own site is built once. In each language: every content page is there with its twin's heading,
the language selector leads to the same page in every other language, the wall's cards speak the language (its
catalogue's "Share", dates as site_builder.formats writes them, the filter count by Intl's plural rules), and
search finds posts from that interface. No language is named here: adding one to mkdocs.yml adds its tests.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from site_builder import formats
from site_builder.catalogue import load as load_catalogue
from site_builder.catalogue import strings_for
from site_builder.frontmatter import parse as parse_page
from site_builder.local.server import serve_directory
from site_builder.settings import load_settings
from tests.browser.support import dev_sign_in, offline_context, repository_site, site_headers
from tests.interface_languages import MKDOCS_YML, interface_languages

pytestmark = pytest.mark.browser

LANGUAGES = interface_languages()
MAIN = LANGUAGES[0]
CONTENT = MKDOCS_YML.parent / "content"
PAGES = tuple(sorted(path.stem for path in CONTENT.glob("*.md") if "." not in path.stem and path.stem != "index"))
KNOWN_SHARE = {"de": "Teilen", "en": "Share", "fr": "Partager"}  # what the catalogues must say, where we know it


def home(language: str) -> str:
    """Where a language's interface starts below the site's root."""
    return "/" if language == MAIN else f"/{language}/"


def heading(page: str, language: str) -> str:
    """The first Markdown heading of a page's twin in `language` (the page itself where it has none)."""
    twin = CONTENT / f"{page}.{language}.md"
    text = (twin if language != MAIN and twin.is_file() else CONTENT / f"{page}.md").read_text(encoding="utf-8")
    body = parse_page(text).body if text.startswith("---") else text
    return next(line[2:].strip() for line in body.splitlines() if line.startswith("# "))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    site = repository_site(tmp_path_factory.mktemp("every-language"))
    url, server = serve_directory(site, headers=site_headers())
    yield url.rstrip("/")
    server.shutdown()
    server.server_close()


@pytest.fixture
def page(browser):
    with offline_context(browser) as context:
        yield context.new_page()


def test_the_site_has_more_than_one_interface_language() -> None:
    assert len(LANGUAGES) == len(set(LANGUAGES)) >= 2 and PAGES


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_is_there_in_the_language(page, demo, language: str) -> None:
    for name in PAGES:
        response = page.goto(f"{demo}{home(language)}{name}/")
        assert response.status == 200, name
        assert page.locator("html").get_attribute("lang") == language, name
        assert page.locator("h1").first.inner_text().rstrip("¶").strip() == heading(name, language), name


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_language_selector_leads_to_the_same_page_in_every_other_language(page, demo, language: str) -> None:
    page.goto(f"{demo}{home(language)}guidelines/")
    page.wait_for_load_state("networkidle")  # Material fetches the sitemaps; let it, so the link's click wins
    for other in (code for code in LANGUAGES if code != language):
        link = page.locator(f"a.md-select__link[hreflang={other}]")
        assert link.get_attribute("href").endswith(f"{home(other)}guidelines/"), other
    other = next(code for code in LANGUAGES if code != language)
    page.locator(".md-header__option .md-select").hover()
    page.locator(f"a.md-select__link[hreflang={other}]").click()
    page.wait_for_url(f"{demo}{home(other)}guidelines/")
    assert page.locator("html").get_attribute("lang") == other


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_wall_speaks_the_language(page, demo, language: str) -> None:
    strings = strings_for(language)
    page.goto(f"{demo}{home(language)}")
    card = page.locator("article.sw-card").first
    card.wait_for()
    toggle = card.locator("summary.sw-share__toggle").inner_text().strip()
    assert toggle == strings["share"] == KNOWN_SHARE.get(language, toggle)
    # the card's date as formats.date writes it in the site's timezone (German 05.12.2026, French 5 déc. 2026)
    zone = load_settings(MKDOCS_YML).zone
    time = card.locator(".sw-meta time")
    published = datetime.fromisoformat(time.get_attribute("datetime")).astimezone(zone)
    assert time.inner_text().strip() == formats.date(published, language)
    labels = [label.inner_text().strip() for label in page.locator(".sw-filters__field > span").all()]
    assert labels == [strings["topic"], strings["source"], strings["language"]]
    # the filter count comes from wall.js: the catalogue's plural form for Intl.PluralRules(language)
    page.select_option(".sw-filters select[name=language]", index=1)
    page.wait_for_function("() => document.querySelector('.sw-filters__count').innerText.trim() !== ''")
    count = page.locator(".sw-filters__count").inner_text().strip()
    forms = [re.escape(form).replace(re.escape("{count}"), r"[\d\s\u00a0\u202f.,]+")
             for form in strings["count"].values()]
    assert re.fullmatch("|".join(forms), count), count


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_that_need_signing_in_or_an_invite_say_so_in_the_language(page, demo, language: str) -> None:
    sections = load_catalogue(language).sections
    for path, says in (("stats/", sections["stats"]["signin"]), ("claim/", sections["claims_form"]["no_invite"])):
        page.goto(f"{demo}{home(language)}{path}")
        # the page's script says it once it has looked for a session or an invite (fails on timeout otherwise)
        page.wait_for_function("says => document.querySelector('article').innerText.includes(says)", arg=says)


@pytest.mark.parametrize("language", LANGUAGES)
def test_search_finds_posts_of_every_language_from_the_language_interface(page, demo, language: str) -> None:
    page.goto(f"{demo}{home(language)}")
    field = page.locator("input.md-search__input")
    field.click()
    for word in ("ARM", "Rechenzentrum"):  # a word of an English post, one of a German post
        field.fill("")
        field.press_sequentially(word, delay=20)  # Material searches on key strokes
        result = page.locator(".md-search-result__item").first
        result.wait_for(timeout=15000)
        assert word.lower() in page.locator(".md-search-result").inner_text().lower()
        assert f"{home(language)}posts/" in result.locator("a").first.get_attribute("href")


def test_the_search_index_knows_every_language_posts_are_written_in(demo, page) -> None:
    # Material's lunr gets each post language's stemmer (mkdocs.yml's search `lang`)
    for language in LANGUAGES:
        index = page.goto(f"{demo}{home(language)}search/search_index.json").json()
        assert set(load_settings(MKDOCS_YML).languages) <= set(index["config"]["lang"]), language


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_statistics_write_dates_as_the_python_side_does(browser, local_server, language: str) -> None:
    # stats.js formats with Intl, the build with Babel: both by CLDR, so today's date reads the same from either
    zone = load_settings(MKDOCS_YML).zone
    before = datetime.now(zone).date()
    with offline_context(browser) as context:
        page = context.new_page()
        dev_sign_in(page, local_server, f"reader-{language}", ["employee"], f"{home(language)}stats/")
        period = page.locator("[data-sw-stats-range]")
        period.wait_for()
        assert page.locator("html").get_attribute("lang") == language
        days = {formats.date(day, language) for day in (before, datetime.now(zone).date())}  # midnight may pass
        assert any(period.inner_text().strip().endswith(day) for day in days), period.inner_text()
