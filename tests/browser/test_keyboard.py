"""Every page with the keyboard alone (WCAG 2.1.1, 2.4.3, 2.4.7, 2.4.11), in every interface language, on a
desktop (1280 px) and a phone (390 px), in Debian's Chromium against the real `sharewall serve`.

Each page is walked with Tab to its end and back up with Shift+Tab. Every element that takes focus must be
visible: in the viewport (no off-screen Tab stop such as a closed drawer's links), not under the sticky header,
not covered by anything else, and with a focus indicator: the element's surroundings look different focused
and blurred (one screenshot pair for each kind of element on a page: every card's "Teilen" is styled alike).
The phone's menu opens by keyboard and Escape closes it; the composer is used end to end by keyboard.

What the matrix costs: one browser, one signed-in tab per language and width, screenshots only of kinds not yet
looked at, Shift+Tab at 390 px only and without screenshots. Every language at 390 px and the first two (German,
English) at 1280 px too: two and a half minutes on the two-core machine at a load of 20 to 30 (other suites running
beside it), where the full matrix with Shift+Tab everywhere took four.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from site_builder.catalogue import strings_for
from tests.browser.support import dev_sign_in, offline_context
from tests.browser.test_axe_pages import HOMES, first_post
from tests.interface_languages import interface_languages

pytestmark = pytest.mark.browser

LANGUAGES = interface_languages()
WIDTHS = {"desktop": 1280, "phone": 390}
HEIGHT = 800
# every page a person meets, below a language's home; {post} and {invite} are filled in per run
PAGES = ("", "{post}", "stats/", "claim/#invite={invite}", "finance/", "invites/", "suggest/", "suggestions/",
         "accessibility/")
SIGN_IN = "signin/"  # one page for every language, at the site's root
ROLES = ["employee", "comms", "finance"]  # every page shows what it has (finance's and comms' pages too)
STOPS = 250  # more Tab stops than any page has: a walk that does not come round fails

# What the focused element is and what is wrong with where it is: null when nothing (the document) has focus.
# `again` when the walk came round to an element it met before.
PROBE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  window.__kbSeen = window.__kbSeen || new WeakSet();
  const again = window.__kbSeen.has(el);
  window.__kbSeen.add(el);
  const styled = node => node.tagName.toLowerCase() +
    Array.from(node.classList).filter(c => c !== "focus-visible").map(c => "." + c).join("") +
    (node.getAttribute("role") ? "[role=" + node.getAttribute("role") + "]" : "") +
    (node.type ? "[type=" + node.type + "]" : "");
  const describe = node => styled(node) + (node.id ? "#" + node.id : "");
  const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 40);
  const r = el.getBoundingClientRect();
  const vw = document.documentElement.clientWidth, vh = document.documentElement.clientHeight;
  const header = document.querySelector("header.md-header");
  const headerBottom = header ? header.getBoundingClientRect().bottom : 0;
  let pinned = false;  // in the header, the skip link, a phone's drawer: fixed or sticky, never scrolled under it
  for (let node = el; node && node !== document.body; node = node.parentElement) {
    const position = getComputedStyle(node).position;
    if (position === "fixed" || position === "sticky") { pinned = true; break; }
  }
  const problems = [];
  if (r.width < 1 || r.height < 1) problems.push("has no size");
  // off-screen, or cut off at the side; at the bottom a browser may show only the part that holds the caret
  if (r.right <= 0 || r.left >= vw || r.bottom <= 0 || r.top >= vh) problems.push("is off-screen");
  else if (r.left < -1 || r.right > vw + 1) problems.push("is cut off at the side");
  else if (Math.min(r.bottom, vh) - Math.max(r.top, 0) < Math.min(r.height, 16)) problems.push("is barely on screen");
  if (!pinned && r.top < headerBottom - 1) problems.push("is under the sticky header");
  if (!problems.length) {
    const x = Math.min(Math.max(r.left + Math.min(r.width / 2, 8), 0), vw - 1);
    const y = Math.min(Math.max(r.top + r.height / 2, 0), vh - 1);
    const hit = document.elementFromPoint(x, y);
    const own = hit && (el.contains(hit) || hit.contains(el) || (el.labels && Array.from(el.labels).includes(hit)));
    if (!own) problems.push("is covered by " + (hit ? describe(hit) : "nothing"));
  }
  const zone = el.closest(".md-header") ? "header" : el.closest(".md-sidebar") ? "nav" : "content";
  return {name: describe(el) + ' "' + text + '"', kind: zone + " " + styled(el), again,
          rect: {x: r.left, y: r.top, width: r.width, height: r.height}, viewport: {width: vw, height: vh}, problems};
}"""


def new_invite(page, language: str) -> str:
    """An invite to the creator programme in `language`, made through the API with the signed-in comms' token."""
    reply = page.evaluate("""language => Sharewall.api("POST", "/invites", {body: {name: "Kim Keyboard",
        campaign: "creator-programme", language}})""", language)
    assert reply["status"] == 201, reply
    return reply["body"]["token"]


def clip_around(rect: dict, viewport: dict, margin: int = 6) -> dict:
    """The element's box and its ring's room around it, inside the viewport."""
    x, y = max(rect["x"] - margin, 0), max(rect["y"] - margin, 0)
    right = min(rect["x"] + rect["width"] + margin, viewport["width"])
    bottom = min(rect["y"] + rect["height"] + margin, viewport["height"])
    return {"x": x, "y": y, "width": max(right - x, 1), "height": max(bottom - y, 1)}


def indicator_shows(page, info: dict) -> bool:
    """Whether focus changes the element's pixels: screenshots of its surroundings focused, then blurred (the
    text caret hidden in both); focus goes back to it, so the walk goes on from there."""
    clip = clip_around(info["rect"], info["viewport"])
    focused = page.screenshot(clip=clip, animations="disabled")
    page.evaluate("() => { window.__kbBlurred = document.activeElement; document.activeElement.blur(); }")
    blurred = page.screenshot(clip=clip, animations="disabled")
    page.evaluate("() => window.__kbBlurred.focus({preventScroll: true})")
    return focused != blurred


def walk(page, key: str = "Tab", looked: set[str] | None = None) -> list[str]:
    """Press `key` until focus comes round (or leaves the page); every stop must be visible, and the first
    element of each kind not yet in `looked` (the kinds already checked, shared across a run's pages: the
    header is the same on each) must show its focus; None looks at none. The names of the stops, in order."""
    page.evaluate("() => { window.__kbSeen = new WeakSet(); }")
    names: list[str] = []
    for stop in range(STOPS):
        page.keyboard.press(key)
        info = page.evaluate(PROBE)
        if info is None and stop == 0:  # focus was at one end of the page: past it first, then round
            page.keyboard.press(key)
            info = page.evaluate(PROBE)
        if info is None or info["again"]:
            return names
        names.append(info["name"])
        assert not info["problems"], f"{page.url} at {info['viewport']['width']} px: {info['name']} {info['problems']}"
        if looked is not None and info["kind"] not in looked:
            looked.add(info["kind"])
            assert indicator_shows(page, info), f"{page.url}: {info['name']} shows no focus"
    raise AssertionError(f"{page.url}: more than {STOPS} Tab stops; focus never came round")


def settled(page, url: str) -> None:
    """Open `url`, let its scripts ask the API and show the answers, and start from the document's top."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.mouse.move(0, HEIGHT - 1)  # the pointer rests where it hovers nothing the walk looks at


@pytest.fixture(scope="module")
def post_path(local_server) -> str:
    return first_post(local_server)


# Every interface language at the phone's width (the harder layout: drawer, search overlay, one column), the
# first two at the desktop's too (see the module's docstring for what it costs)
WALKS = [(language, "phone") for language in LANGUAGES] + [(language, "desktop") for language in LANGUAGES[:2]]


@pytest.mark.parametrize(("language", "width"), WALKS)
def test_every_page_can_be_walked_with_tab_and_shift_tab(browser, local_server, post_path, language, width) -> None:
    home = local_server + HOMES[language]
    with offline_context(browser) as context:
        page = context.new_page()
        page.set_viewport_size({"width": WIDTHS[width], "height": HEIGHT})
        dev_sign_in(page, local_server, f"keyboard-{language}-{width}", ROLES, f"/{HOMES[language]}")
        invite = new_invite(page, language)
        looked: set[str] = set()
        for path in (*PAGES, SIGN_IN):
            url = (local_server if path == SIGN_IN else home) + path.format(post=post_path, invite=invite)
            settled(page, url)
            forward = walk(page, looked=looked)
            assert len(forward) > 3, (url, forward)  # the page's header, navigation and content were reached
            if path == "{post}":  # a post page has no table of contents; its skip link leads to its heading
                assert forward[0].startswith("a.md-skip"), forward[0]
                assert page.locator("a.md-skip").get_attribute("href") == "#sw-post-title"
            # back up from the end on the phone (where the sticky header hid what Shift+Tab reached): nothing
            # moving up lands under it either
            if width == "phone":
                backward = walk(page, "Shift+Tab")
                assert set(backward) == set(forward), url


def press_until(page, selector: str, key: str = "Tab") -> None:
    """Press `key` until the element `selector` has focus (fails if the walk comes round without it)."""
    for _ in range(STOPS):
        page.keyboard.press(key)
        if page.evaluate("selector => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{page.url}: Tab never reached {selector}")


def focused(page, selector: str) -> bool:
    return page.evaluate("selector => document.activeElement.matches(selector)", selector)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_phone_menu_opens_and_closes_by_keyboard(browser, local_server, language) -> None:
    with offline_context(browser) as context:
        page = context.new_page()
        page.set_viewport_size({"width": WIDTHS["phone"], "height": HEIGHT})
        settled(page, local_server + HOMES[language])
        button = 'label.md-header__button[for="__drawer"]'
        press_until(page, button)
        assert page.locator(button).get_attribute("role") == "button"
        assert page.locator(button).get_attribute("aria-expanded") == "false"
        page.keyboard.press("Enter")
        assert page.locator("#__drawer").is_checked()
        assert page.locator(button).get_attribute("aria-expanded") == "true"
        # focus went into the open drawer; its links are Tab stops, on screen, in the drawer's order
        assert page.evaluate("() => Boolean(document.activeElement.closest('.md-sidebar--primary'))")
        wall = strings_for(language)["wall"]  # the wall's name in the menu
        stops = page.evaluate("""() => Array.from(document.querySelectorAll(".md-sidebar--primary a[href]"))
                                   .filter(link => link.getClientRects().length).length""")
        names = [page.evaluate(PROBE)["name"]]
        for _ in range(stops - 1):
            page.keyboard.press("Tab")
            info = page.evaluate(PROBE)
            assert not info["problems"], info
            names.append(info["name"])
        assert page.locator("#__drawer").is_checked()
        assert any(wall in name for name in names), names  # the wall's own entry in the menu
        page.keyboard.press("Escape")
        assert not page.locator("#__drawer").is_checked()
        assert focused(page, button)
        expect(page.locator(".md-sidebar--primary")).to_have_css("visibility", "hidden")  # no Tab stops closed
        # Space opens it too; Tab past its last link closes it, and focus goes on to the page, on screen
        page.keyboard.press(" ")
        assert page.locator("#__drawer").is_checked()
        for _ in range(stops):
            page.keyboard.press("Tab")
        assert not page.locator("#__drawer").is_checked()
        info = page.evaluate(PROBE)
        assert info and not info["problems"], info


def test_the_desktop_menu_needs_no_button(browser, local_server) -> None:
    # at 1280 px the navigation is always shown: the phone's menu button is no Tab stop
    with offline_context(browser) as context:
        page = context.new_page()
        settled(page, local_server)
        names = walk(page)
        assert not any("__drawer" in name or "md-header__button md-icon\"" in name for name in names)
        assert page.locator('label.md-header__button[for="__drawer"]').is_hidden()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_composer_works_end_to_end_by_keyboard(browser, local_server, language, width) -> None:
    wall = strings_for(language)
    with offline_context(browser) as context:
        page = context.new_page()
        page.set_viewport_size({"width": WIDTHS[width], "height": HEIGHT})
        dev_sign_in(page, local_server, f"composer-{language}-{width}", ["employee"], f"/{HOMES[language]}")
        page.wait_for_load_state("networkidle")
        # the first card with a choice of suggestions and X among its networks
        card = page.evaluate("""() => Array.from(document.querySelectorAll("article.sw-card")).map(card => ({
            slug: card.dataset.post, data: JSON.parse(card.querySelector(".sw-composer__data").textContent)}))
          .find(card => card.data.suggestions.length > 1 && card.data.networks.includes("x"))""")
        slug, data = card["slug"], card["data"]
        toggle = f"#sw-share-{slug}"
        press_until(page, toggle)
        page.keyboard.press("Enter")
        details = page.locator(f"#sw-post-{slug} details.sw-share")
        assert details.evaluate("node => node.open")
        # the suggestions are a radio group: Tab enters it at the chosen one, an arrow picks the next
        page.keyboard.press("Tab")
        radio = f"#sw-post-{slug} .sw-suggestions input[type=radio]"
        assert focused(page, radio + ":checked")
        info = page.evaluate(PROBE)
        assert not info["problems"] and indicator_shows(page, info), info
        page.keyboard.press("ArrowDown")
        assert page.locator(radio + ":checked").get_attribute("value") == "1"
        text = page.locator(f"#sw-post-{slug} textarea")
        assert text.input_value() == data["suggestions"][1]
        # edit it in one's own words
        page.keyboard.press("Tab")
        assert focused(page, f"#sw-post-{slug} textarea")
        page.keyboard.press("Control+End")
        page.keyboard.type(" Mein Satz.")
        assert text.input_value() == data["suggestions"][1] + " Mein Satz."
        # share on X with Enter: its window opens with the edited text, and the status says it was counted there
        press_until(page, f"#sw-post-{slug} a.sw-network[data-network=x]")
        with context.expect_page() as popup:
            page.keyboard.press("Enter")
        shared = parse_qs(urlsplit(popup.value.url).query)["text"][0]
        assert shared.startswith(" ".join(filter(None, [data["prefix"], data["suggestions"][1] + " Mein Satz."])))
        label = page.evaluate("() => Sharewall.config.networks.x.label")
        status = page.locator(f"#sw-post-{slug} .sw-composer__status")
        status.filter(has_text=wall["counted"].replace("{network}", label)).wait_for()
        # Escape closes the composer and returns to its "Teilen"
        page.bring_to_front()
        page.keyboard.press("Escape")
        assert not details.evaluate("node => node.open")
        assert focused(page, toggle)


def test_single_key_shortcuts_are_off_and_typing_still_types(browser, local_server) -> None:
    # Material's s, f and / (search) and n, p, ",", "." (next, previous page) fire on any key press (2.1.4)
    with offline_context(browser) as context:
        page = context.new_page()
        settled(page, local_server + "guidelines/")  # a page with a next and a previous page in the navigation
        for key in ("s", "f", "/", "n", "p", ",", "."):
            page.keyboard.press(key)
            assert not page.locator("#__search").is_checked(), key
            assert page.url == local_server + "guidelines/", key
            assert not focused(page, ".md-search__input"), key
        # the search still opens with its field, and letters typed there are typed
        page.locator(".md-search__input").focus()
        page.keyboard.type("fn.")
        assert page.locator(".md-search__input").input_value() == "fn."


def test_the_phone_search_opens_by_keyboard_and_escape_returns_to_its_button(browser, local_server) -> None:
    with offline_context(browser) as context:
        page = context.new_page()
        page.set_viewport_size({"width": WIDTHS["phone"], "height": HEIGHT})
        settled(page, local_server)
        button = 'label.md-header__button[for="__search"]'
        press_until(page, button)  # the closed search's field is no Tab stop before it (the walks check that)
        page.keyboard.press("Enter")
        assert page.locator("#__search").is_checked()
        assert focused(page, ".md-search__input")
        page.keyboard.type("ARM")
        page.locator(".md-search-result__item").first.wait_for()
        info = page.evaluate(PROBE)
        assert not info["problems"], info
        page.keyboard.press("Escape")
        expect(page.locator("#__search")).not_to_be_checked()
        page.wait_for_function("selector => document.activeElement.matches(selector)", arg=button)
