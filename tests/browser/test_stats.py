"""The statistics page and the whole loop in Debian's Chromium against the real `sharewall serve`:
sign in on the dev page, share a post on the wall, see it on the statistics page."""

from __future__ import annotations

import json
import urllib.request
import uuid

import pytest
import yaml

from tests.browser.support import ROOT, axe_violations, clipboard_context, dev_sign_in, offline_context
from tests.local_serve import stats as api_stats

pytestmark = pytest.mark.browser


@pytest.fixture
def context(browser, local_server):
    with clipboard_context(browser, local_server) as context:
        yield context


def sign_in(page, base: str, user: str, next_path: str = "/") -> None:
    dev_sign_in(page, base, user, ["employee"], next_path)


def figure(page, name: str) -> str:
    return page.locator(f"[data-sw-figure={name}] .sw-stats__figure-value").inner_text()


def test_sign_in_share_on_the_wall_and_the_statistics_show_it(context, local_server):
    before = api_stats(local_server)
    page = context.new_page()
    sign_in(page, local_server, f"browser-{uuid.uuid4().hex[:8]}")
    first = page.locator("article.sw-card").first
    slug, title = first.get_attribute("data-post"), first.locator(".sw-card__title").inner_text()
    first.locator("summary.sw-share__toggle").click()
    first.locator("textarea").fill("Das sage ich in meinen eigenen Worten.")
    link = first.locator("a.sw-network").first
    network = link.get_attribute("data-network")
    with context.expect_page():
        link.click()
    # the share is recorded in the background; the statistics page reads it back
    deadline = 50
    while api_stats(local_server)["totals"]["shares"] == before["totals"]["shares"] and deadline:
        page.wait_for_timeout(100)
        deadline -= 1

    page.goto(local_server + "stats/")
    page.locator("[data-sw-stats-figures]").wait_for()
    assert figure(page, "shares") == str(before["totals"]["shares"] + 1)
    people = int(figure(page, "people"))
    assert people >= 1
    posts_table = page.locator("[data-sw-chart=posts] table")
    assert title.strip() in posts_table.text_content()
    assert posts_table.locator("a", has_text=title.strip()).get_attribute("href") == f"/posts/{slug}/"
    with urllib.request.urlopen(local_server + "posts.json", timeout=30) as response:
        source = next(item["source"] for item in json.load(response)["posts"] if item["slug"] == slug)
    # the source by its name in content/sources.yml, not by its key
    name = yaml.safe_load((ROOT / "content" / "sources.yml").read_text(encoding="utf-8"))[source]["name"]
    sources_table = page.locator("[data-sw-chart=sources] table").text_content()
    assert name in sources_table and source not in sources_table
    networks_table = page.locator("[data-sw-chart=networks] table").text_content()
    label = page.evaluate(f"JSON.parse(document.getElementById('sharewall-config').textContent).networks['{network}'].label")
    assert label in networks_table
    # the edited text counts as personalised
    after = api_stats(local_server)
    assert after["totals"]["personalised"] == before["totals"]["personalised"] + 1
    # every chart comes with its table, in the site's language (German)
    for chart in ("people", "shares", "networks", "sources", "posts", "personalised"):
        section = page.locator(f"[data-sw-chart={chart}]")
        drawn = section.locator("svg.sw-columns, ol.sw-hbars")  # columns over time, bars as a list
        assert drawn.count() == 1 and section.locator("table caption").count() == 1
    assert page.locator("[data-sw-chart=people] h2").inner_text() == "Aktive Personen im Zeitverlauf"


def test_without_sign_in_the_page_asks_for_it(context, local_server):
    page = context.new_page()
    page.goto(local_server + "stats/")
    status = page.locator(".sw-stats__status[role=status]")
    status.get_by_role("link").wait_for()
    assert "Melde dich an" in status.inner_text()
    assert status.get_by_role("link").get_attribute("href") == "/_dev/signin?next=%2Fstats%2F"


def test_month_view_and_axe_find_no_serious_violation(context, local_server):
    page = context.new_page()
    sign_in(page, local_server, "axe-reader", "/stats/")
    page.locator("[data-sw-stats-figures]").wait_for()
    page.select_option("select[name=granularity]", "month")
    page.click(".sw-stats__controls button[type=submit]")
    # months by their German names: "November 2026"
    page.wait_for_function("() => document.querySelector('[data-sw-chart=people] tbody th')"
                           " && /^[A-ZÄÖÜ][a-zäöü]+ \\d{4}$/.test(document.querySelector('[data-sw-chart=people] tbody th').textContent)")
    bad = axe_violations(page)
    assert not bad, bad


def test_a_day_of_too_few_people_is_withheld_and_says_why(browser, sparse_server):
    # a stack of its own where fewer than five people shared today: nothing of the range is shown, and
    # the page says why instead of showing zeros that read as "nothing shared"
    with offline_context(browser) as context:
        page = context.new_page()
        sign_in(page, sparse_server, "reader", "/stats/")
        page.locator("[data-sw-stats-withheld-all]").wait_for()
        assert page.locator("[data-sw-stats-figures]").count() == 0
        assert page.locator("[data-sw-stats-empty]").count() == 0
        assert "weniger als 5 Personen – aus Datenschutzgründen nicht ausgewiesen" in \
            page.locator("[data-sw-stats-withheld-all]").inner_text()
        note = page.locator("[data-sw-stats-withheld]")
        assert note.get_attribute("data-sw-stats-withheld") == "1"
        assert "weniger als 5 aktiven Personen" in note.inner_text()
        today = page.locator("[data-sw-chart=people] tbody tr").last
        assert today.locator("td").text_content() == "weniger als 5 Personen – aus Datenschutzgründen nicht ausgewiesen"
        withheld = page.locator("[data-sw-chart=shares] tbody tr").last.locator("td")
        assert withheld.count() == 1 and withheld.get_attribute("colspan") == "2"
        assert withheld.text_content() == "weniger als 5 Personen – aus Datenschutzgründen nicht ausgewiesen"
        # nothing to draw: no chart, no axis, no breakdown by network, source or post
        assert page.locator(".sw-stats__output svg").count() == 0
        assert page.locator("[data-sw-chart=networks], [data-sw-chart=sources], [data-sw-chart=posts]").count() == 0
        bad = axe_violations(page)
        assert not bad, bad
