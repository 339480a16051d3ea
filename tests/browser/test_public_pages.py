"""The pages the wall gate opens without a session load nothing the gate refuses.

`sharewall serve --parameter WallAccess=employees` runs template.yaml's WallAccessFunction in front of the
site, as CloudFront does. An invited influencer on the claim page (in every interface language) and anyone on
the sign-in page or the 404 page has no session: every request such a page makes, its scripts' and Material's
included (the search index, the sitemaps the language selector reads, a feed), must be answered, never sent
to sign-in; and the page runs without a console error or page error. The claim page's header links to the
accessibility statement, which an outsider reads without a session and which shows nothing internal. The wall's other pages keep their search.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.support import offline_context

pytestmark = pytest.mark.browser


def claim_pages(site: Path) -> list[str]:
    """Every interface language's claim page: claim/ and <lang>/claim/ (paths below the base URL)."""
    return ["claim/"] + sorted(f"{folder.name}/claim/" for folder in site.iterdir()
                               if (folder / "claim" / "index.html").is_file())


class Recorder:
    """Every request of a browser context, its answer, and every console error and page error."""

    def __init__(self, context, base: str):
        self.base = base
        self.requests: list[str] = []
        self.problems: list[str] = []
        self.expected_status: dict[str, int] = {}  # the page itself, when it is the 404 page
        context.on("request", lambda request: self.requests.append(request.url))
        context.on("requestfailed", self._failed)
        context.on("response", self._response)
        context.on("console", self._console)
        context.on("weberror", lambda error: self.problems.append(f"page error: {error.error}"))

    def _console(self, message) -> None:
        if message.type != "error":
            return
        status = self.expected_status.get(message.location.get("url"))
        if status and f"responded with a status of {status} " in message.text:
            return  # Chromium's own line for the 404 page itself, whose status is expected
        self.problems.append(f"console {message.type}: {message.text}")

    def _failed(self, request) -> None:
        # net::ERR_ABORTED is the browser dropping its own request, e.g. the favicon of a page it is leaving; the
        # gate's refusals arrive as answers (see _response), and gated_paths lists every request whatever its fate
        if request.failure != "net::ERR_ABORTED":
            self.problems.append(f"failed: {request.url} ({request.failure})")

    def _response(self, response) -> None:
        url, status = response.url, response.status
        if 300 <= status < 400:
            target = urlsplit(response.headers.get("location", "")).path
            if target.rstrip("/").endswith("/signin") or target == "/signin/":
                self.problems.append(f"sent to sign-in: {url} -> {response.headers.get('location')}")
        elif status >= 400 and self.expected_status.get(url) != status:
            self.problems.append(f"{status}: {url}")

    def gated_paths(self) -> list[str]:
        """What the page asked of the gate's own domain that the gate never opens without a session."""
        from site_builder.reserved import opened_by_gate

        own = [urlsplit(url) for url in self.requests if url.startswith(self.base)]
        return sorted({parts.path for parts in own
                       if not parts.path.startswith(("/api/", "/go/", "/_dev/")) and not opened_by_gate(parts.path)})


def visit(browser, base: str, path: str, status: int = 200) -> tuple[Recorder, dict]:
    """Open base+path without a session, let it run until the network is idle and check it loaded nothing the
    gate refuses (see `assert_public`); the recorder and what the page holds."""
    with offline_context(browser) as context:
        recorder = Recorder(context, base)
        recorder.expected_status[base + path] = status
        page = context.new_page()
        response = page.goto(base + path)
        assert response.status == status and urlsplit(page.url).path == "/" + path, (path, page.url)
        page.wait_for_load_state("networkidle")
        facts = page.evaluate("""() => ({
            config: JSON.parse(document.getElementById('__config').textContent),
            search: document.querySelectorAll(
                '[data-md-component=search], label[for=__search], form[name=search]').length,
            alternates: [...document.querySelectorAll('link[rel=alternate]')].map(link => link.href),
            language: document.documentElement.lang,
            selector: [...document.querySelectorAll('a.md-select__link')].map(link => link.getAttribute('href')),
        })""")
        assert_public(recorder, facts, path)  # in here: the recorder's findings, before offline_context's own
    return recorder, facts


def assert_public(recorder: Recorder, facts: dict, path: str) -> None:
    assert not recorder.problems, (path, recorder.problems)
    assert not recorder.gated_paths(), (path, recorder.gated_paths())
    assert "search" not in facts["config"] and facts["search"] == 0, (path, facts)
    assert not facts["alternates"], (path, facts["alternates"])  # Material reads a sitemap for each


def test_the_claim_page_in_every_language_loads_nothing_the_gate_refuses(browser, gated_server):
    base, site = gated_server
    pages = claim_pages(site)
    assert len(pages) >= 2, pages  # German at /, English at /en/
    languages = set()
    for path in pages:
        recorder, facts = visit(browser, base, path)
        assert any(url.startswith(base) and "/assets/" in url for url in recorder.requests)  # it did load its files
        languages.add(facts["language"])
        # the language selector still offers this very page in the other languages
        assert sorted(facts["selector"]) == sorted("/" + other for other in pages), facts["selector"]
    assert len(languages) == len(pages), languages


def test_the_sign_in_page_loads_nothing_the_gate_refuses(browser, gated_server):
    base, _ = gated_server
    visit(browser, base, "signin/")


def test_the_404_page_of_a_public_path_loads_nothing_the_gate_refuses(browser, gated_server):
    base, _ = gated_server
    visit(browser, base, "claim/no-such-page/", status=404)


def test_the_language_selector_on_the_claim_page_switches_without_a_session(browser, gated_server):
    base, site = gated_server
    other = claim_pages(site)[1]
    with offline_context(browser) as context:
        recorder = Recorder(context, base)
        page = context.new_page()
        page.goto(base + "claim/")
        page.wait_for_load_state("networkidle")
        page.locator(".md-header__option .md-select").hover()
        page.locator(f"a.md-select__link[href='/{other}']").click()
        page.wait_for_url(base + other)
        page.wait_for_load_state("networkidle")
        assert not recorder.problems, recorder.problems
        assert not recorder.gated_paths(), recorder.gated_paths()


def test_the_claim_page_links_to_the_accessibility_statement_an_outsider_can_read(browser, gated_server):
    # an invited influencer (no session) follows the claim header's link to the statement in the page's language;
    # the statement shows the claim page's header: nothing internal (no navigation, no search, no sign-in)
    base, site = gated_server
    for path in claim_pages(site):
        statement = path.replace("claim/", "accessibility/")
        with offline_context(browser) as context:
            recorder = Recorder(context, base)
            page = context.new_page()
            page.set_viewport_size({"width": 390, "height": 844})
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            link = page.locator("header [data-sw-statement-link]")
            link.click()
            page.wait_for_url(base + statement)
            page.locator("[data-sw-report]").wait_for()
            page.wait_for_load_state("networkidle")
            assert not recorder.problems and not recorder.gated_paths(), (statement, recorder.problems)
            header = page.locator("header")
            assert header.locator("a[href]:not([hreflang]):not([data-sw-statement-link])").count() == 0
            assert page.locator(".md-nav__link, [for=__drawer]:visible, [data-sw-signin-link]").count() == 0
            assert header.locator("[data-sw-statement-link]").get_attribute("aria-current") == "page"
        visit(browser, base, statement)


def test_behind_the_gate_the_wall_keeps_its_search(browser, gated_server):
    """A signed-in employee's page still has Material's search: its worker in __config, its box, its index."""
    from tests.browser.support import dev_sign_in

    base, _ = gated_server
    with offline_context(browser) as context:
        page = context.new_page()
        dev_sign_in(page, base, "public-pages-clara", ["employee"], "/guidelines/")
        config = json.loads(page.locator("#__config").text_content())
        assert config["search"].endswith(".js")
        with page.expect_response(lambda response: response.url.endswith("/search/search_index.json")) as answer:
            page.reload()
        assert answer.value.status == 200
        page.click("input.md-search__input")
        page.locator("input.md-search__input").press_sequentially("Leitfaden", delay=30)
        page.locator(".md-search-result__item").first.wait_for()
