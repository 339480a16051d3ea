"""The wall on a phone (#21): posts first, the filters behind one button a keyboard opens and closes, nothing moves
when the scripts run, and the device's share sheet first where it has one."""

from __future__ import annotations

import pytest

from tests.browser.test_wall import card, context, demo, open_composer  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# every layout shift the page makes without a reader's input, summed as the browser reports them (CLS's entries)
RECORD_SHIFTS = """window.__shifts = [];
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (entry) { if (!entry.hadRecentInput) window.__shifts.push(entry.value); });
}).observe({type: "layout-shift", buffered: true});"""


# The German wall at this size, once wall.js has set its filters to work
def open_wall(context, demo, size: dict):  # noqa: F811 (the fixtures imported above)
    page = context.new_page()
    page.set_viewport_size(size)
    page.add_init_script(RECORD_SHIFTS)
    page.goto(demo["url"] + "/")
    page.locator("[data-sw-filter-bar][data-ready]").wait_for(state="attached")
    return page


def test_on_a_phone_the_first_post_is_on_the_first_screen_and_a_keyboard_opens_and_closes_the_filters(
        context, demo):  # noqa: F811
    page = open_wall(context, demo, PHONE)
    first = page.locator("article.sw-card").first
    title = first.locator(".sw-card__title").bounding_box()
    assert title["y"] + title["height"] <= PHONE["height"]  # the first post's title on the first screen
    toggle = page.get_by_role("button", name="Filter", exact=True)
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert toggle.get_attribute("aria-controls") == "sw-filters"
    topic = page.locator("select[name=topic]")
    assert not topic.is_visible()
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true" and topic.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "topic"
    page.keyboard.press("Escape")  # closes them and returns to the button
    assert toggle.get_attribute("aria-expanded") == "false" and not topic.is_visible()
    assert page.evaluate("document.activeElement.matches('[data-sw-filters-toggle]')")
    page.keyboard.press(" ")
    assert toggle.get_attribute("aria-expanded") == "true" and topic.is_visible()
    page.keyboard.press(" ")
    assert toggle.get_attribute("aria-expanded") == "false" and not topic.is_visible()


@pytest.mark.parametrize("size", [PHONE, {"width": 1280, "height": 900}])
def test_the_wall_does_not_move_when_its_scripts_run(context, demo, size):  # noqa: F811
    page = open_wall(context, demo, size)
    page.wait_for_load_state("networkidle")
    assert page.locator("select[name=topic]").is_visible() == (size["width"] > 720)  # the filters open on wider screens
    assert not page.locator("[data-sw-filters-toggle]").is_visible() or size["width"] <= 720
    shifts = page.evaluate("window.__shifts")
    assert sum(shifts) < 0.05, shifts


def test_the_share_sheet_is_the_first_share_action_where_the_device_has_one(context, demo):  # noqa: F811
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.add_init_script("navigator.share = function () { return Promise.resolve(); };")
    page.goto(demo["url"] + "/")
    slug = demo["posts"][0]["slug"]
    item = open_composer(page, slug)
    first = item.locator("ul.sw-composer__networks > li").first.locator(".sw-network")
    first.wait_for()
    item.locator("button.sw-network--system").wait_for()
    assert first.evaluate("e => e.matches('button.sw-network--system')")
    networks = item.locator("ul.sw-composer__networks a.sw-network").count()
    assert networks >= 1 and item.locator("ul.sw-composer__networks > li").count() == networks + 1
