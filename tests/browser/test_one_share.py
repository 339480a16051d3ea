"""One click, one share (issue #12, item 2) and the composer's small promises (item 8) in Debian's Chromium.

A double-click opens one window and counts one share (against the real `sharewall serve`); a text too long
for a network switches off exactly that network's button and says why; the post page keeps its composer
open and lists each suggestion once; the device's share sheet gets the disclosure and the link; the paste
hint names the platform's shortcut; the wall's rows leave no holes beside cards with images.
"""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlsplit

import pytest

from site_builder import sharing
from site_builder.networks import NETWORKS
from tests.browser.support import axe_violations, clipboard_context, dev_sign_in, offline_context, wait_until
from tests.browser.test_wall import SPONSORED, card, context, demo, open_composer  # noqa: F401  (fixtures)
from tests.local_serve import stats as api_stats

pytestmark = pytest.mark.browser

MAC = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/130.0.0.0 Safari/537.36")
# A stand-in for the Web Share API that keeps what it was given; `__shareAnswer` decides how it ends
STUB_SHARE = """
window.__shared = [];
window.__shareAnswer = "ok";
navigator.share = function (data) {
  window.__shared.push(data);
  return window.__shareAnswer === "ok" ? Promise.resolve()
    : Promise.reject(new DOMException("cancelled", "AbortError"));
};
"""


def popups_of(context) -> list:
    opened: list = []
    context.on("page", lambda page: opened.append(page))
    return opened


def sign_in_token(page) -> None:
    page.evaluate("sessionStorage.setItem('sharewall.token', 'test-token')")


# --- one click, one share ----------------------------------------------------------------------------------

def test_a_double_click_opens_one_window_and_counts_one_share(browser, local_server) -> None:
    with clipboard_context(browser, local_server) as context:
        page = context.new_page()
        dev_sign_in(page, local_server, f"double-{uuid.uuid4().hex[:8]}", ["employee"], "/")
        item = (page.locator("article.sw-card").filter(has=page.locator("a.sw-network[data-network=x]"))
                .filter(has=page.locator("a.sw-network[data-network=linkedin]")).first)
        item.locator("summary.sw-share__toggle").click()
        item.locator("textarea").fill("Doppelt geklickt, einmal geteilt.")
        for network in ("x", "linkedin"):  # the browser opens X's link; LinkedIn's opens after copying
            link = item.locator(f"a.sw-network[data-network={network}]")
            before = api_stats(local_server)["totals"]["shares"]
            opened = popups_of(context)
            link.dblclick()
            assert link.get_attribute("aria-busy") == "true"  # busy while the window opens and the request runs
            page.wait_for_timeout(2500)
            assert len(opened) == 1, [p.url for p in opened]
            assert api_stats(local_server)["totals"]["shares"] == before + 1
            assert link.get_attribute("aria-busy") is None
            for popup in opened:
                popup.close()


def test_a_repeated_send_of_the_same_share_keeps_its_key_and_a_new_share_gets_a_new_one(context, demo) -> None:
    page = context.new_page()
    answers = ["refuse"]  # the first send fails on the way: the retry must carry the same key
    sent: list[dict] = []

    def api(route):
        sent.append({"key": route.request.headers["idempotency-key"], "body": route.request.post_data_json})
        if answers and answers.pop(0) == "refuse":
            route.abort("connectionrefused")
        else:
            route.fulfill(status=201, content_type="application/json", body="{}")

    page.route("**/api/shares", api)
    page.goto(f"{demo['url']}/?topic=surface")
    sign_in_token(page)
    item = open_composer(page, SPONSORED)
    item.locator("textarea").fill("Mein Text")
    x = item.locator("a.sw-network[data-network=x]")
    for _ in range(3):
        with context.expect_page() as popup:
            x.click()
        popup.value.close()
        page.wait_for_function("(el) => !el.hasAttribute('aria-busy')", arg=x.element_handle(), timeout=10000)
    assert len(sent) == 3
    assert sent[0]["key"] == sent[1]["key"]  # not counted yet: the same share again
    assert sent[2]["key"] != sent[1]["key"]  # counted: the next click is a share of its own
    with context.expect_page() as popup:
        item.locator("textarea").fill("Mein Text, geändert")
        x.click()
    popup.value.close()
    wait_until(lambda: len(sent) == 4, page)
    assert sent[3]["key"] not in {s["key"] for s in sent[:3]}


# --- over a network's limit --------------------------------------------------------------------------------

def test_a_text_too_long_for_one_network_switches_off_exactly_that_button_and_says_why(context, demo) -> None:
    page = context.new_page()
    page.goto(f"{demo['url']}/?topic=surface")
    item = open_composer(page, SPONSORED)
    links = {name: f"{demo['url']}/go/{SPONSORED}/{name}" for name in NETWORKS}  # the wall's /go/ links (#21)
    # long enough for Bluesky (300 graphemes with the whole link), short enough for X (a link counts 23)
    text = "Lettering live am Stand. " * 9 + "Kommt alle vorbei!"
    message = f"Werbung | {text.strip()}"
    over = {name for name in ("linkedin", "x", "xing", "bluesky", "mastodon")
            if sharing.length(NETWORKS[name], message, links[name]) > NETWORKS[name].limit}
    assert over == {"bluesky"}
    item.locator("textarea").fill(text)
    bluesky = item.locator("a.sw-network[data-network=bluesky]")
    assert bluesky.get_attribute("aria-disabled") == "true"
    assert bluesky.get_attribute("href") is None
    reason = page.locator("#" + bluesky.get_attribute("aria-describedby"))
    counted = sharing.length(NETWORKS["bluesky"], message, links["bluesky"])
    assert reason.inner_text() == f"Zu lang für Bluesky: {counted} von 300 Zeichen"
    assert reason.is_visible()
    for name in ("linkedin", "x", "xing", "mastodon"):
        other = item.locator(f"a.sw-network[data-network={name}]")
        assert other.get_attribute("aria-disabled") is None and other.get_attribute("href")
    assert item.locator(".sw-network__why:visible").count() == 1
    # a click on the switched-off button opens nothing and sends nothing
    sign_in_token(page)
    opened = popups_of(context)
    demo["shares"].clear()
    bluesky.click(force=True)
    page.wait_for_timeout(500)
    assert opened == [] and demo["shares"] == []
    # short enough again: the button is back, the reason gone
    item.locator("textarea").fill("Kurz.")
    assert bluesky.get_attribute("aria-disabled") is None
    assert parse_qs(urlsplit(bluesky.get_attribute("href")).query)["text"][0].startswith("Werbung | Kurz.")
    assert not reason.is_visible()


def test_the_reason_is_in_english_on_the_english_wall(context, demo) -> None:
    assert (demo["site"] / "en" / "posts" / f"{SPONSORED}-en" / "index.html").exists()
    page = context.new_page()
    page.goto(f"{demo['url']}/en/posts/{SPONSORED}-en/")
    page.locator("textarea").fill("Lettering live at the stand. " * 9)
    reason = page.locator("a.sw-network[data-network=bluesky] + .sw-network__why")
    assert reason.inner_text().startswith("Too long for Bluesky: ")


def test_axe_finds_nothing_serious_with_a_switched_off_button_and_the_share_sheet(context, demo) -> None:
    page = context.new_page()
    page.add_init_script(STUB_SHARE)
    page.goto(f"{demo['url']}/posts/{SPONSORED}/")
    page.locator("textarea").fill("Lettering live am Stand. " * 12)
    assert page.locator("a.sw-network[aria-disabled=true]").count() >= 1
    assert page.locator("button.sw-network--system").is_visible()
    bad = axe_violations(page)
    assert not bad, bad


# --- the post page ----------------------------------------------------------------------------------------

def test_the_post_page_keeps_its_composer_open_and_lists_each_suggestion_once(context, demo) -> None:
    page = context.new_page()
    page.goto(f"{demo['url']}/posts/{SPONSORED}/")
    composer = page.locator(".sw-post__share")
    composer.locator("textarea").wait_for()
    assert composer.get_by_role("heading", name="Teilen").is_visible()
    toggle = composer.locator("summary.sw-share__toggle")
    assert not toggle.is_visible()
    toggle.evaluate("summary => summary.click()")  # what a click on "Teilen" would do
    assert composer.locator("details.sw-share").evaluate("details => details.open")
    assert composer.locator("textarea").is_visible()
    suggestions = [
        "Lena Hoff zeichnet auf der re:publica live auf dem Surface Studio – kommt an Stand 12 vorbei und schaut zu!",
        "Lettering trifft Touchscreen – ich war am Stand und bin begeistert, was mit dem Surface Studio geht.",
    ]
    shown = page.locator("main").inner_text()
    for text in suggestions:
        assert shown.count(text) == 1, text
    assert composer.locator(".sw-suggestion").count() == len(suggestions)
    assert not page.locator("[data-sw-suggestions]").is_visible()


def test_without_javascript_the_post_page_still_lists_the_suggestions(browser, demo) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{demo['url']}/posts/{SPONSORED}/")
    assert page.locator("[data-sw-suggestions] li").count() == 2
    assert page.locator(".sw-post__share a.sw-network").count() == 5
    context.close()


# --- the device's share sheet -----------------------------------------------------------------------------

def test_the_share_sheet_gets_disclosure_and_link_and_counts_as_system(context, demo) -> None:
    page = context.new_page()
    page.add_init_script(STUB_SHARE)
    page.goto(f"{demo['url']}/?topic=surface")
    sign_in_token(page)
    item = open_composer(page, SPONSORED)
    item.locator("textarea").fill("Mein eigener Text")
    demo["shares"].clear()
    button = item.get_by_role("button", name="Teilen …")
    button.click()
    wait_until(lambda: demo["shares"], page)
    shared = page.evaluate("window.__shared")
    assert len(shared) == 1
    link = f"{demo['url']}/go/{SPONSORED}/system"  # the wall's /go/ link, under the share sheet's name (#21)
    assert shared[0]["text"] == f"Werbung | Mein eigener Text {link}"
    assert "url" not in shared[0]  # one text: the disclosure and the link travel together
    assert demo["shares"][-1]["body"] == {"post": SPONSORED, "network": "system", "personalised": True}
    # cancelled in the sheet: nothing was shared, nothing is counted
    page.wait_for_function("(el) => !el.disabled", arg=button.element_handle())
    page.evaluate("window.__shareAnswer = 'cancel'")
    demo["shares"].clear()
    button.click()
    page.wait_for_function("(el) => !el.disabled", arg=button.element_handle())
    page.wait_for_timeout(300)
    assert len(page.evaluate("window.__shared")) == 2 and demo["shares"] == []


def test_without_the_web_share_api_there_is_no_share_sheet_button(context, demo) -> None:
    page = context.new_page()
    page.add_init_script("delete Navigator.prototype.share; delete navigator.share;")
    page.goto(f"{demo['url']}/?topic=surface")
    item = open_composer(page, SPONSORED)
    assert item.locator("button.sw-network--system").count() == 0
    assert item.locator("a.sw-network").count() == 5


# --- the paste hint ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("agent", "keys"), [(MAC, "⌘V"), (None, "Strg+V")])
def test_the_paste_hint_names_the_platforms_shortcut(browser, demo, agent, keys) -> None:
    options = {"user_agent": agent} if agent else {}
    with offline_context(browser, **options) as context:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=demo["url"])
        page = context.new_page()
        page.goto(f"{demo['url']}/?topic=surface")
        item = open_composer(page, SPONSORED)
        with context.expect_page():
            item.locator("a.sw-network[data-network=linkedin]").click()
        status = item.locator(".sw-composer__status")
        assert status.inner_text() == f"Text kopiert – füge ihn bei LinkedIn ein ({keys})."


# --- the wall's rows --------------------------------------------------------------------------------------

@pytest.mark.parametrize("width", [1280, 390])
def test_the_walls_rows_have_equal_heights_and_no_holes(context, demo, width) -> None:
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(demo["url"] + "/")
    boxes = page.locator("article.sw-card").evaluate_all(
        "cards => cards.map(c => { const r = c.getBoundingClientRect();"
        " return {top: r.top, bottom: r.bottom, left: r.left, image: !!c.querySelector('img')}; })")
    assert any(box["image"] for box in boxes) and not all(box["image"] for box in boxes)
    gap = page.locator("[data-sw-wall]").evaluate("wall => parseFloat(getComputedStyle(wall).rowGap)")
    rows: dict[float, list[dict]] = {}
    for box in boxes:
        rows.setdefault(round(box["top"]), []).append(box)
    if width == 1280:
        assert max(len(row) for row in rows.values()) >= 2
    else:
        assert all(len(row) == 1 for row in rows.values())
    tops = sorted(rows)
    for index, top in enumerate(tops):
        row = rows[top]
        assert max(b["bottom"] for b in row) - min(b["bottom"] for b in row) <= 1, row  # equal heights
        if index + 1 < len(tops):  # below every card the next row starts one gap further down
            for box in row:
                assert tops[index + 1] - box["bottom"] <= gap + 1, (box, tops[index + 1])
    # the cards' "Teilen" line up at the bottom of each row
    toggles = page.locator("summary.sw-share__toggle").evaluate_all(
        "items => items.map(s => Math.round(s.getBoundingClientRect().bottom))")
    for top in tops:
        in_row = [t for t, box in zip(toggles, boxes) if round(box["top"]) == top]
        assert max(in_row) - min(in_row) <= 1
