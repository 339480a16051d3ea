"""The statistics page and the whole loop in Debian's Chromium against the real `sharewall serve`:
sign in on the dev page, share a post on the wall, see it on the statistics page."""

from __future__ import annotations

import json
import re
import urllib.request
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def api_stats(base: str) -> dict:
    request = urllib.request.Request(base + "api/stats", headers={"X-Sharewall-Dev-User": "test-reader"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser, local_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=local_server.rstrip("/"))
    # nothing leaves the machine: the networks' share dialogs and web fonts answer locally
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.fulfill(
        status=200, content_type="text/html", body="<!doctype html><title>network</title>"))
    errors: list[str] = []
    context.on("weberror", lambda error: errors.append(str(error.error)))
    yield context
    context.close()
    assert not errors, errors


def sign_in(page, base: str, user: str, next_path: str = "/") -> None:
    page.goto(f"{base}_dev/signin?next={next_path}")
    page.fill("#user", user)
    page.check("input[name=role][value=employee]")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(re.escape(base.rstrip("/") + next_path) + "$"))


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
    assert source in page.locator("[data-sw-chart=sources] table").text_content()
    networks_table = page.locator("[data-sw-chart=networks] table").text_content()
    label = page.evaluate(f"JSON.parse(document.getElementById('sharewall-config').textContent).networks['{network}'].label")
    assert label in networks_table
    # the edited text counts as personalised
    after = api_stats(local_server)
    assert after["totals"]["personalised"] == before["totals"]["personalised"] + 1
    # every chart comes with its table, in the site's language (German)
    for chart in ("people", "shares", "networks", "sources", "posts", "personalised"):
        section = page.locator(f"[data-sw-chart={chart}]")
        assert section.locator("svg").count() == 1 and section.locator("table caption").count() == 1
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
    page.wait_for_function("() => document.querySelector('[data-sw-chart=people] tbody th')"
                           " && /^\\d{4}-\\d{2}$/.test(document.querySelector('[data-sw-chart=people] tbody th').textContent)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
           for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, bad
