"""Reach in Debian's Chromium against the real `sharewall serve`: the composer shares the post's /go/ link in
every interface language, the link counts a click and leads to the post's own UTM link; the statistics page
shows clicks, clicks per share and the campaign goal, and gives comms (only) the CSV."""

from __future__ import annotations

import csv
import http.client
import io
import json
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from tests.browser.support import clipboard_context, dev_sign_in, wait_until
from tests.interface_languages import interface_languages
from tests.local_serve import share
from tests.local_serve import stats as api_stats

pytestmark = pytest.mark.browser
LANGUAGES = interface_languages()
SHOTS = Path("/tmp/shots-reach")  # looked at by hand, never committed
CAMPAIGN_POST, CAMPAIGN = "surface-studio-republica", "republica-2026"  # content/: the campaign with a goal


@pytest.fixture
def context(browser, local_server):
    with clipboard_context(browser, local_server) as context:
        yield context


def home(language: str) -> str:
    return "" if language == LANGUAGES[0] else f"{language}/"


def follow(base: str, path: str, method: str = "GET", agent: str = "Mozilla/5.0 Chrome/131") -> tuple[int, str]:
    """One request for a /go/ path, redirects not followed: (status, Location)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.netloc, timeout=30)
    try:
        connection.request(method, path, headers={"User-Agent": agent})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("location") or ""
    finally:
        connection.close()


def published(base: str, slug: str) -> dict:
    with urllib.request.urlopen(base + "posts.json", timeout=30) as response:
        return next(post for post in json.load(response)["posts"] if post["slug"] == slug)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_composer_shares_the_posts_go_link_in_every_language(context, local_server, language):
    page = context.new_page()
    # a device share sheet that keeps what it was given
    page.add_init_script("navigator.share = function (data) { window.__shared = data; return Promise.resolve(); };")
    dev_sign_in(page, local_server, f"reach-{language}", ["employee"], "/" + home(language))
    # a post offered on X (which posts are newest depends on today's date: the demo's dates are fixed)
    card = page.locator("article.sw-card").filter(has=page.locator("a.sw-network[data-network=x]")).first
    slug = card.get_attribute("data-post")
    card.locator("summary.sw-share__toggle").click()
    card.locator("textarea").fill("In meinen eigenen Worten.")
    origin = local_server.rstrip("/")
    for network in ("x", "bluesky"):
        link = card.locator(f"a.sw-network[data-network={network}]")
        if not link.count():
            continue
        href = unquote(link.get_attribute("href"))
        # the link on the wall's own origin, whatever site_url says (locally another port)
        assert f"{origin}/go/{slug}/{network}" in href, href
        assert "utm_source" not in href  # the UTM link is where /go/ leads, not what is shared
    # the share sheet's text carries the /go/ link too, under the sheet's own name
    card.locator("button.sw-network--system").click()
    wait_until(lambda: page.evaluate("Boolean(window.__shared)"), page)
    assert page.evaluate("window.__shared.text").endswith(f" {origin}/go/{slug}/system")
    before = api_stats(local_server)["clicks"]["total"]
    status, location = follow(local_server, f"/go/{slug}/x")
    assert status == 302
    target = urlsplit(location)
    own = urlsplit(published(local_server, slug)["link"])
    assert (target.scheme, target.netloc, target.path) == (own.scheme, own.netloc, own.path)
    assert parse_qs(target.query)["utm_source"] == ["x"]
    assert api_stats(local_server)["clicks"]["total"] == before + 1
    # a preview fetcher and HEAD are led the same way and not counted
    assert follow(local_server, f"/go/{slug}/x", agent="LinkedInBot/1.0")[1] == location
    assert follow(local_server, f"/go/{slug}/x", method="HEAD")[0] == 302
    assert api_stats(local_server)["clicks"]["total"] == before + 1
    # the post's page (the wall's 404 page for what the wall does not offer)
    assert follow(local_server, f"/go/{slug}/myspace")[0] == 404
    assert follow(local_server, "/go/no-such-post/x")[0] == 404


def stats_page(context, base: str, language: str, roles: list[str], user: str):
    page = context.new_page()
    dev_sign_in(page, base, user, roles, f"/{home(language)}stats/")
    page.locator("[data-sw-stats-figures]").wait_for()
    return page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_statistics_show_clicks_and_the_campaign_goal(context, local_server, language):
    share(local_server, "goal-anna", post=CAMPAIGN_POST)
    for _ in range(3):
        assert follow(local_server, f"/go/{CAMPAIGN_POST}/linkedin")[0] == 302
    expected = api_stats(local_server)
    goal = next(item for item in expected["goals"] if item["campaign"] == CAMPAIGN)
    page = stats_page(context, local_server, language, ["employee"], f"goal-reader-{language}")
    wait_until(lambda: page.locator(f"[data-sw-goal={CAMPAIGN}]").count() == 1, page)
    shown = api_stats(local_server)  # what the page read (no click in between but this test's own)
    figure = page.locator("[data-sw-figure=clicks] .sw-stats__figure-value").inner_text()
    assert int(figure.replace(".", "").replace(",", "").replace("\u202f", "").replace("\xa0", "")) == shown["clicks"]["total"]
    line = page.locator(f"[data-sw-goal={CAMPAIGN}] [data-sw-goal-kind=shares]").inner_text()
    words = {"de": "von 500 Teilungen", "en": "of 500 shares", "fr": "sur 500 partages"}
    assert words[language] in line and goal["progress"]["shares"] >= 1
    assert page.locator(f"[data-sw-goal={CAMPAIGN}] progress").first.get_attribute("max") == "500"
    clicks = page.locator("[data-sw-chart=clicks-posts] table")
    assert clicks.locator("tbody tr").count() == len(shown["clicks"]["by_post"])
    # the campaign's post is among the clicked ones, with its clicks per share
    assert page.locator("[data-sw-chart=clicks] table caption").count() == 1
    assert page.locator("[data-sw-stats-exports]").is_hidden()  # an employee gets no CSV
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"stats-{language}-{width}.png"), full_page=True)


@pytest.mark.parametrize("dialect, delimiter, heading", [("standard", ",", "section"), ("de", ";", "Bereich")])
def test_comms_download_the_statistics_as_csv(context, local_server, dialect, delimiter, heading):
    page = stats_page(context, local_server, LANGUAGES[0], ["comms"], "carla-comms")
    exports = page.locator("[data-sw-stats-exports]")
    assert exports.is_visible()
    with page.expect_download() as info:
        exports.locator(f"button[data-sw-export={dialect}]").click()
    download = info.value
    assert download.suggested_filename.endswith(("-de.csv" if dialect == "de" else "-day.csv"))
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))
    assert rows[0][0] == heading and len(rows) > 30  # thirty days and the breakdowns
    SHOTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"stats-comms-{dialect}-{width}.png"), full_page=False)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_campaigns_posts_show_its_goal_on_the_wall(context, local_server, language):
    share(local_server, "goal-wall-ben", post=CAMPAIGN_POST)
    page = context.new_page()
    dev_sign_in(page, local_server, f"wall-goal-{language}", ["employee"], "/" + home(language))
    line = page.locator(f"[data-sw-goal={CAMPAIGN}]:visible").first
    line.wait_for()
    goal = next(item for item in api_stats(local_server)["goals"] if item["campaign"] == CAMPAIGN)
    words = {"de": "von 500 Teilungen", "en": "of 500 shares", "fr": "sur 500 partages"}
    assert words[language] in line.inner_text() and goal["progress"]["shares"] >= 1
    # a post of no campaign has no goal line
    assert page.locator("article.sw-card:not(:has([data-sw-goal]))").count() >= 1
    card = page.locator(f"article.sw-card:has([data-sw-goal={CAMPAIGN}]:visible)").first
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        card.scroll_into_view_if_needed()
        SHOTS.mkdir(exist_ok=True)
        card.screenshot(path=str(SHOTS / f"wall-goal-{language}-{width}.png"))
