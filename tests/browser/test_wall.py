"""The wall in Debian's Chromium: filters, composer, share links, the share POST and accessibility.

The demo content is built once (with a small page size, so paging and loading further pages are used)
and served on loopback; the browser context answers `POST /api/shares` like a test endpoint and records it.
"""

from __future__ import annotations

import json
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest

from site_builder import sharing
from site_builder.local.server import serve_directory
from site_builder.networks import NETWORKS
from tests.browser.support import axe_violations, clipboard_context, repository_site, site_headers, wait_until

pytestmark = pytest.mark.browser

PAGE_SIZE = 4
SPONSORED = "surface-studio-republica"  # German, sponsored, networks linkedin, x, xing, bluesky, mastodon


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo content built with the repository's settings (page size 4) and served on 127.0.0.1."""
    site = repository_site(tmp_path_factory.mktemp("demo"), page_size=PAGE_SIZE)
    url, server = serve_directory(site, headers=site_headers())  # under production's CSP
    posts = json.loads((site / "posts.json").read_text(encoding="utf-8"))["posts"]
    yield {"url": url.rstrip("/"), "shares": [], "posts": posts, "site": site}
    server.shutdown()
    server.server_close()


def record_share(shares: list[dict], route) -> None:
    """Answer POST /api/shares like the shares API and keep what it would have received."""
    if route.request.method != "POST":
        route.fallback()
        return
    shares.append({"headers": route.request.all_headers(), "body": route.request.post_data_json})
    route.fulfill(status=201, content_type="application/json", body='{"counted": true}')


@pytest.fixture
def context(browser, demo):
    """A context of the wall's origin; routes of a test's own page take precedence over its /api/shares."""
    with clipboard_context(browser, demo["url"]) as context:
        context.route("**/api/shares", lambda route: record_share(demo["shares"], route))
        yield context


def card(page, slug: str):
    return page.locator(f"article.sw-card[data-post='{slug}']")


def open_composer(page, slug: str):
    item = card(page, slug)
    item.locator("summary.sw-share__toggle").click()
    item.locator("textarea").wait_for()
    return item


def wait_for_cards(page, slugs: list[str]) -> list[str]:
    """Wait until the wall shows exactly these posts, in this order."""
    page.wait_for_function(
        "(slugs) => JSON.stringify([...document.querySelectorAll('article.sw-card')].map(c => c.dataset.post))"
        " === JSON.stringify(slugs)", arg=slugs)
    return page.locator("article.sw-card").evaluate_all("cards => cards.map(c => c.dataset.post)")


def test_filter_by_topic_covers_the_whole_wall(context, demo) -> None:
    page = context.new_page()
    page.goto(demo["url"] + "/")
    assert page.locator("article.sw-card").count() == PAGE_SIZE
    topic = "sustainability"
    expected = [p["slug"] for p in demo["posts"] if topic in p["topics"]]
    positions = [i for i, p in enumerate(demo["posts"]) if topic in p["topics"]]
    assert positions[-1] >= PAGE_SIZE, "the demo must have a matching post beyond the first page"
    # options and chips name the topic by its German label (content/topics.yml)
    assert page.locator(f"select[name=topic] option[value={topic}]").inner_text() == f"Nachhaltigkeit ({len(expected)})"
    page.select_option("select[name=topic]", topic)
    page.locator(".sw-filters__count").filter(has_text="Beiträge").wait_for()
    shown = wait_for_cards(page, expected)
    assert shown == expected
    for slug in shown:
        assert card(page, slug).locator(f".sw-topics li[data-topic={topic}]").inner_text() == "Nachhaltigkeit"
    assert page.locator(".sw-filters__count").inner_text() == f"{len(expected)} Beiträge"
    assert "topic=sustainability" in page.url
    # combined with the language, still over the whole wall
    page.select_option("select[name=language]", "en")
    english = [p["slug"] for p in demo["posts"] if topic in p["topics"] and p["language"] == "en"]
    assert english != expected
    assert wait_for_cards(page, english) == english


def test_load_more_appends_the_next_cards_newest_first(context, demo) -> None:
    page = context.new_page()
    page.goto(demo["url"] + "/")
    page.click("[data-sw-more]")
    expected = [p["slug"] for p in demo["posts"][:2 * PAGE_SIZE]]
    assert wait_for_cards(page, expected) == expected


def test_composer_counts_and_x_link_carries_disclosure_edited_text_and_utm(context, demo) -> None:
    page = context.new_page()
    page.goto(f"{demo['url']}/?topic=surface")
    item = open_composer(page, SPONSORED)
    counter = item.locator("output.sw-count__value")
    assert item.locator("select").input_value() == "x"
    before = counter.inner_text()
    edited = "Ich war am Stand – das Lettering auf dem Surface Studio ist großartig! 👩‍🎨"
    item.locator("textarea").fill(edited)
    after = counter.inner_text()
    assert after != before
    message = f"Werbung | {edited}"
    link = f"{demo['url']}/go/{SPONSORED}/x"  # the wall's /go/ link on the page's own origin (#21)
    assert after == f"{sharing.length(NETWORKS['x'], message, link)} / 280 Zeichen"  # with its unit
    href = item.locator("a.sw-network[data-network=x]").get_attribute("href")
    query = parse_qs(urlsplit(href).query)
    assert query["text"] == [message]
    assert query["url"] == [link]
    # the counter follows the chosen network's rules: Bluesky counts the whole (/go/) link and graphemes
    item.locator("select").select_option("bluesky")
    bluesky_link = f"{demo['url']}/go/{SPONSORED}/bluesky"
    assert counter.inner_text() == f"{sharing.length(NETWORKS['bluesky'], message, bluesky_link)} / 300 Zeichen"
    # the disclosure sits outside the editable field and cannot be edited away
    assert item.locator(".sw-locked--prefix").inner_text() == "Werbung |"
    item.locator("textarea").fill("")
    assert parse_qs(urlsplit(item.locator("a.sw-network[data-network=x]").get_attribute("href")).query)["text"] == ["Werbung |"]


def test_sharing_posts_to_the_api_without_waiting(context, demo) -> None:
    page = context.new_page()
    page.goto(demo["url"] + "/?topic=surface")
    page.evaluate("sessionStorage.setItem('sharewall.token', 'test-token')")
    item = open_composer(page, SPONSORED)
    item.locator("textarea").fill("Mein eigener Text")
    demo["shares"].clear()
    with context.expect_page() as popup:
        item.locator("a.sw-network[data-network=x]").click()
    assert popup.value.url.startswith("https://x.com/intent/tweet?")
    wait_until(lambda: demo["shares"], page)
    share = demo["shares"][-1]
    assert share["body"] == {"post": SPONSORED, "network": "x", "personalised": True}
    assert uuid.UUID(share["headers"]["idempotency-key"])
    assert share["headers"]["content-type"] == "application/json"
    assert share["headers"]["authorization"] == "Bearer test-token"


def test_signed_out_a_share_works_says_it_is_not_counted_and_sends_nothing(context, demo) -> None:
    page = context.new_page()
    page.goto(demo["url"] + "/?topic=surface")
    item = open_composer(page, SPONSORED)
    hint = item.locator(".sw-composer__signin")
    assert "nicht angemeldet" in hint.inner_text()
    assert hint.get_by_role("link").get_attribute("href") == "/_dev/signin?next=%2F%3Ftopic%3Dsurface"
    demo["shares"].clear()
    with context.expect_page() as popup:
        item.locator("a.sw-network[data-network=x]").click()
    assert popup.value.url.startswith("https://x.com/intent/tweet?")
    page.wait_for_timeout(300)
    assert demo["shares"] == []  # the API would refuse it; nothing is sent
    page.evaluate("sessionStorage.setItem('sharewall.token', 'test-token')")
    page.reload()
    assert open_composer(page, SPONSORED).locator(".sw-composer__signin").count() == 0


def test_a_failing_api_never_blocks_the_share(context, demo) -> None:
    page = context.new_page()
    hanging: list = []  # an API that never answers: sharing must not wait for it
    page.route("**/api/shares", lambda route: hanging.append(route))
    page.goto(demo["url"] + "/?topic=surface")
    page.evaluate("sessionStorage.setItem('sharewall.token', 'test-token')")
    item = open_composer(page, SPONSORED)
    for network, prefix in (("x", "https://x.com/intent/tweet?"), ("linkedin", "https://www.linkedin.com/sharing/")):
        with context.expect_page(timeout=5000) as popup:
            item.locator(f"a.sw-network[data-network={network}]").click()
        assert popup.value.url.startswith(prefix)
    assert len(hanging) == 2  # both shares were sent, neither was awaited
    page.route("**/api/shares", lambda route: route.abort("connectionrefused"))
    for route in hanging:
        route.abort("connectionrefused")


def test_linkedin_copies_the_text_first_and_says_so(context, demo) -> None:
    page = context.new_page()
    page.goto(demo["url"] + "/?topic=surface")
    page.evaluate("sessionStorage.setItem('sharewall.token', 'test-token')")
    item = open_composer(page, SPONSORED)
    demo["shares"].clear()
    with context.expect_page() as popup:
        item.locator("a.sw-network[data-network=linkedin]").click()
    assert popup.value.url.startswith("https://www.linkedin.com/sharing/share-offsite/?url=")
    first = "Lena Hoff zeichnet auf der re:publica live auf dem Surface Studio – kommt an Stand 12 vorbei und schaut zu!"
    assert page.evaluate("navigator.clipboard.readText()") == f"Werbung | {first} #SurfaceStudio #rp26"
    assert "LinkedIn" in item.locator(".sw-composer__status").inner_text()
    wait_until(lambda: demo["shares"], page)
    assert demo["shares"][-1]["body"] == {"post": SPONSORED, "network": "linkedin", "personalised": False}


def test_sponsored_posts_start_with_the_label(context, demo) -> None:
    sponsored = [p for p in demo["posts"] if p["disclosure"] == "sponsored"]
    assert sponsored
    page = context.new_page()
    for post in sponsored:
        page.goto(demo["url"] + urlsplit(post["url"]).path)
        prefix = {"de": "Werbung |", "en": "Ad |"}[post["language"]]
        label = {"de": "Werbung", "en": "Ad"}[post["language"]]
        assert page.locator(".sw-badge").first.inner_text().lower() == label.lower()
        text = page.locator("textarea").input_value()
        assert page.locator(".sw-locked--prefix").inner_text() == prefix
        for link in page.locator("a.sw-network").all():
            network = NETWORKS[link.get_attribute("data-network")]
            if network.takes_text:
                query = parse_qs(urlsplit(link.get_attribute("href").replace("#text=", "?text=")).query)
                shared = (query.get("text") or query.get("body"))[0]
                assert shared.startswith(f"{prefix} {text}")


def test_without_javascript_the_wall_lists_posts_and_share_links_work(browser, demo) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(demo["url"] + "/")
    slugs = [a.get_attribute("data-post") for a in page.locator("article.sw-card").all()]
    assert slugs == [p["slug"] for p in demo["posts"][:PAGE_SIZE]]
    page.click("a[data-sw-older]")
    second = [a.get_attribute("data-post") for a in page.locator("article.sw-card").all()]
    assert second == [p["slug"] for p in demo["posts"][PAGE_SIZE:2 * PAGE_SIZE]]
    first = demo["posts"][PAGE_SIZE]
    x = page.locator(f"article[data-post='{first['slug']}'] a.sw-network").first.get_attribute("href")
    assert x.startswith(("https://", "mailto:"))
    context.close()


@pytest.mark.parametrize("path", ["/", f"/posts/{SPONSORED}/"])
def test_axe_finds_no_serious_or_critical_violation(context, demo, path) -> None:
    page = context.new_page()
    page.goto(demo["url"] + path)
    if path == "/":
        open_composer(page, demo["posts"][0]["slug"])
    bad = axe_violations(page)
    assert not bad, bad
