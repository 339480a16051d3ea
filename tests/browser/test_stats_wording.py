"""What the statistics page says, in German and English, against the real `sharewall serve`: a withheld
period names the configured minimum group size and why (never "nothing shared"), a range with nothing in
it draws no chart, sources show their names, post titles are not cut, numbers and dates are German."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
import yaml

from shares.stats import Bucket, summarise
from tests.browser.support import ROOT, axe_violations, dev_sign_in, offline_context
from tests.local_serve import ServeProcess, crowd_today, site_today, stats as api_stats

pytestmark = pytest.mark.browser

WITHHELD = {"de": "weniger als 3 Personen – aus Datenschutzgründen nicht ausgewiesen",
            "en": "fewer than 3 people – not shown to protect privacy"}


@pytest.fixture(scope="module")
def three_server(tmp_path_factory):
    """A `sharewall serve` whose template parameter withholds periods of fewer than three people, where two
    colleagues shared today: the page must name three, the API's minimum, not a number of its own."""
    server = ServeProcess(tmp_path_factory.mktemp("three-site"), parameters=("StatsMinimumPeople=3",))
    crowd_today(server.url, people=2)
    yield server.url
    server.stop()


@pytest.fixture
def context(browser):
    with offline_context(browser) as context:
        yield context


def open_stats(page, base: str, prefix: str = "") -> None:
    dev_sign_in(page, base, "reader", ["employee"], f"/{prefix}stats/")
    page.locator(".sw-stats__output > *").first.wait_for()


@pytest.mark.parametrize("prefix, lang", [("", "de"), ("en/", "en")])
def test_a_withheld_day_names_the_apis_minimum_and_why_in_either_language(context, three_server, prefix, lang):
    assert api_stats(three_server)["min_people"] == 3
    page = context.new_page()
    open_stats(page, three_server, prefix)
    assert page.evaluate("document.documentElement.lang") == lang
    everything = page.locator("[data-sw-stats-withheld-all]")
    assert WITHHELD[lang] in everything.inner_text()
    # no zeros that read as "nothing shared", no key figures of the withheld day
    text = page.locator("[data-sw-stats-output]").inner_text()
    assert "Noch nichts" not in text and "nichts geteilt" not in text and "Nothing shared" not in text
    assert page.locator("[data-sw-stats-figures], [data-sw-stats-empty]").count() == 0
    today = page.locator("[data-sw-chart=people] tbody tr").last
    assert today.locator("td").text_content() == WITHHELD[lang]
    assert page.locator("[data-sw-chart=shares] tbody tr").last.locator("td").text_content() == WITHHELD[lang]
    # the withheld day has no chart of its own: no axis, no stub, no bar
    assert page.locator("[data-sw-stats-output] svg, .sw-axis, .sw-bar").count() == 0
    bad = axe_violations(page)
    assert not bad, bad


def test_a_range_without_shares_says_so_and_draws_no_axis(context, three_server):
    page = context.new_page()
    open_stats(page, three_server)
    page.fill("input[name=from]", "2020-01-01")
    page.fill("input[name=to]", "2020-01-31")
    page.click(".sw-stats__controls button[type=submit]")
    page.locator("[data-sw-stats-empty]").wait_for()
    assert page.locator("[data-sw-stats-range]").inner_text() == "Zeitraum: 01.01.2020 bis 31.01.2020"
    assert page.locator("[data-sw-stats-empty]").inner_text() == "In diesem Zeitraum hat noch niemand etwas geteilt."
    # nothing was withheld, so the zeros are true
    assert page.locator("[data-sw-figure=shares] .sw-stats__figure-value").inner_text() == "0"
    assert page.locator("[data-sw-stats-output] svg, .sw-axis, [data-sw-chart], [data-sw-stats-withheld-all]").count() == 0


def test_sources_by_name_titles_in_full_and_german_dates(context, local_server):
    # the session's stack: five colleagues shared "arm-migration" today, so today is shown
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 900})
    open_stats(page, local_server)
    page.locator("[data-sw-stats-figures]").wait_for()
    names = {key: source["name"]["de"] if isinstance(source["name"], dict) else source["name"] for key, source in
             yaml.safe_load((ROOT / "content" / "sources.yml").read_text(encoding="utf-8")).items()}
    sources = page.locator("[data-sw-chart=sources] .sw-hbar__label").all_inner_texts()
    assert "Vorschläge aus dem Team" in sources  # the source of arm-migration
    assert set(sources) <= set(names.values())
    # top posts: the whole title, wrapped within the column on a phone, and as a tooltip
    label = page.locator("[data-sw-chart=posts] .sw-hbar__label", has_text="Lessons from moving")
    assert label.inner_text() == "Lessons from moving 200 services to ARM"
    assert label.get_attribute("title") == "Lessons from moving 200 services to ARM"
    box = label.evaluate("e => ({scroll: e.scrollWidth, client: e.clientWidth, right: e.getBoundingClientRect().right})")
    assert box["scroll"] <= box["client"] and box["right"] <= 390
    # today as a German date, in the range and the table
    today = site_today(local_server)
    first = today - timedelta(days=29)
    assert page.locator("[data-sw-stats-range]").inner_text() == \
        f"Zeitraum: {first:%d.%m.%Y} bis {today:%d.%m.%Y}"
    assert page.locator("[data-sw-chart=people] tbody tr th").last.text_content() == f"{today:%d.%m.%Y}"
    # weeks as German calendar weeks with their days
    page.select_option("select[name=granularity]", "week")
    page.click(".sw-stats__controls button[type=submit]")
    week = page.locator("[data-sw-chart=people] tbody tr th").last
    monday = today - timedelta(days=today.weekday())
    expected = (f"KW {today.isocalendar()[1]}/{today.isocalendar()[0]} "
                f"({monday:%d.%m.%Y} – {monday + timedelta(days=6):%d.%m.%Y})")
    page.wait_for_function("text => [...document.querySelectorAll('[data-sw-chart=people] tbody th')]"
                           ".some(th => th.textContent === text)", arg=expected)
    assert week.text_content() == expected


def planted_reply(min_people: int = 5) -> dict:
    """GET /stats as the shares function words it (its own summarise), for a week with thousands of shares
    and one withheld day."""
    last = date(2026, 11, 27)
    first = last - timedelta(days=6)
    buckets = {}
    for offset in range(7):
        key = (first + timedelta(days=offset)).isoformat()
        people = 2 if offset == 3 else 1200 + offset
        bucket = Bucket(period=key, shares=2 * people, people=people, personalised=people // 4)
        bucket.networks.update({"linkedin": 2 * people - 1, "system": 1})
        bucket.sources.update({"corporate-communications": 2 * people})
        bucket.posts.update({"arm-migration": 2 * people})
        buckets[key] = bucket
    return summarise(buckets, first, last, "day", "Europe/Berlin", min_people)


@pytest.mark.parametrize("prefix, expected", [
    ("", {"shares": "14.436", "last_shares": "2.412", "people": "1.206", "rate": "12,5\u00a0%", "range": "Zeitraum: 21.11.2026 bis 27.11.2026",
          "last": "27.11.2026", "system": "Teilen-Dialog des Geräts", "some": "Ohne 1 Zeitraum mit weniger als 7 Personen – aus Datenschutzgründen nicht ausgewiesen."}),
    ("en/", {"shares": "14,436", "last_shares": "2,412", "people": "1,206", "rate": "12.5%", "range": "Period: Nov 21, 2026 to Nov 27, 2026",
             "last": "Nov 27, 2026", "system": "The device's share sheet", "some": "Without 1 period with fewer than 7 people – not shown to protect privacy."}),
])
def test_thousands_and_dates_in_the_pages_language(context, local_server, prefix, expected):
    reply = planted_reply(min_people=7)
    page = context.new_page()
    page.route(re.compile(r".*/api/stats\?.*"), lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps(reply)))
    open_stats(page, local_server, prefix)
    page.locator("[data-sw-stats-figures]").wait_for()
    for name in ("shares", "people", "rate"):
        assert page.locator(f"[data-sw-figure={name}] .sw-stats__figure-value").inner_text() == expected[name]
    assert page.locator("[data-sw-stats-range]").inner_text() == expected["range"]
    assert page.locator("[data-sw-stats-withheld-some]").inner_text() == expected["some"]
    rows = page.locator("[data-sw-chart=shares] tbody tr")
    assert rows.last.locator("th").text_content() == expected["last"]
    assert rows.last.locator("td").first.text_content() == expected["last_shares"]
    # the withheld day: a dashed stub among the columns and one cell in the table saying why
    assert page.locator("[data-sw-chart=shares] rect.sw-bar--withheld").count() == 1
    assert page.locator("[data-sw-chart=shares] td[data-sw-withheld]").count() == 1
    assert page.locator("[data-sw-chart=shares] .sw-chart__legend").count() == 1
    networks = page.locator("[data-sw-chart=networks]").inner_text()
    assert expected["system"] in networks and "system" not in networks  # the share sheet by name, not its key
