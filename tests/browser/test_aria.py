"""What a screen reader is told (WCAG 1.3.1, 3.3.1, 3.3.2, 4.1.2), read from the accessibility tree: Playwright's
ARIA snapshots and, for names and descriptions (which snapshots leave out), Chromium's own tree over CDP.

The composer: the locked disclosure describes the text field, the counter has its unit and speaks only when the
text crosses the limit, the reason for "too long" is attached to the field and to each network's link, which
stays a (disabled) Tab stop; every "Teilen" is named after its post. The statistics: every table's column has a
header, every "Als Tabelle" is named after its chart.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from site_builder.catalogue import load as load_catalogue
from tests.browser.support import dev_sign_in, offline_context
from tests.browser.test_axe_pages import HOMES
from tests.interface_languages import interface_languages

pytestmark = pytest.mark.browser

LANGUAGES = interface_languages()


def computed(page, selector: str) -> dict:
    """Chromium's accessibility node of the first element `selector` finds: role, name, description, states."""
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        assert node, selector
        found = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False})["nodes"][0]
    finally:
        cdp.detach()
    states = {item["name"]: item["value"].get("value") for item in found.get("properties", [])}
    return {"role": found["role"]["value"], "name": found.get("name", {}).get("value", ""),
            "description": found.get("description", {}).get("value", ""), **states}


def fill(text: str, **values) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_composer_tells_a_screen_reader_what_is_locked_counted_and_too_long(browser, local_server, language):
    t = load_catalogue(language).sections["wall"]
    with offline_context(browser) as context:
        page = context.new_page()
        page.goto(local_server + HOMES[language])
        page.wait_for_load_state("networkidle")
        # a sponsored post (its locked label before the field) that offers X
        slug = page.evaluate("""() => Array.from(document.querySelectorAll("article.sw-card")).find(card => {
            const data = JSON.parse(card.querySelector(".sw-composer__data").textContent);
            return data.prefix && data.networks.includes("x"); }).dataset.post""")
        card = page.locator(f"#sw-post-{slug}")
        title = " ".join(card.locator("h2.sw-card__title").inner_text().split())  # badge and title
        # "Teilen" is named after its post
        assert computed(page, f"#sw-share-{slug}")["name"] == f"{t['share']} {title}"
        card.locator("summary.sw-share__toggle").click()
        composer = card.locator(".sw-composer")
        composer.locator("textarea").wait_for()  # built on the toggle event, a task after the click
        locked = " ".join(part.inner_text() for part in card.locator(".sw-locked").all())  # before and after
        field = computed(page, f"#sw-post-{slug} textarea")
        assert field["name"] == t["your_text"]
        assert field["description"] == f"{locked} {t['locked_note']}"  # the locked text, said in text
        assert field["invalid"] == "false"
        # within the limit the counter has its unit and is not a live region: no word per keystroke
        expect(composer).to_match_aria_snapshot(f"""
          - textbox "{t['your_text']}"
          - paragraph: "{t['locked_note']}"
          - combobox "{t['counter_for']}"
          - status: /\\d+ \\/ 280 {t['characters']}/
        """)
        assert card.locator("output.sw-count__value").get_attribute("aria-live") == "off"
        # too long: said once, the reason attached to the field and to the links it switched off
        card.locator("textarea").fill("lang " * 70)
        x_label = page.evaluate("() => Sharewall.config.networks.x.label")
        count = card.locator("output.sw-count__value").inner_text().split(" / ")[0]
        reason = fill(t["over_limit"], network=x_label, count=count, limit="280")
        field = computed(page, f"#sw-post-{slug} textarea")
        assert field["invalid"] == "true"
        assert field["description"] == f"{locked} {t['locked_note']} {reason}"
        expect(composer).to_match_aria_snapshot(f"""
          - textbox "{t['your_text']}" [invalid]
          - status: {count} / 280 {t['characters']} – {t['too_long']}
          - paragraph: "{reason}"
          - status: "{reason}"
          - list "{t['share_on']}":
            - listitem:
              - link "{x_label} {t['new_window']}" [disabled]
              - text: "{reason}"
        """)
        link = computed(page, f"#sw-post-{slug} a.sw-network[data-network=x]")
        assert link["description"] == reason and link["focusable"] is True
        # short again: said once more, and the field is valid again
        card.locator("textarea").fill("Kurz.")
        announcer = composer.locator("p.sw-sr[role=status]")
        expect(announcer).to_have_text(re.compile("^" + re.escape(fill(t["fits_again"], network=x_label, count="")
                                                                  .split(":")[0])))
        assert computed(page, f"#sw-post-{slug} textarea")["description"] == f"{locked} {t['locked_note']}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_statistics_table_has_its_headers_and_its_toggle_is_named_after_its_chart(browser, local_server, language):
    t = load_catalogue(language).sections["stats"]
    with offline_context(browser) as context:
        page = context.new_page()
        dev_sign_in(page, local_server, f"aria-{language}", ["employee"], f"/{HOMES[language]}stats/")
        page.locator("[data-sw-chart=personalised]").wait_for()
        page.evaluate("() => document.querySelectorAll('.sw-chart details').forEach(details => { details.open = true; })")
        charts = page.locator("[data-sw-chart]")
        assert charts.count() >= 6
        for index in range(charts.count()):
            chart = charts.nth(index)
            name = chart.get_attribute("data-sw-chart")
            heading = chart.locator("h2").inner_text().strip()
            if not chart.locator("table").count():
                continue  # a chart with nothing to draw says so in a sentence instead
            assert computed(page, f"#sw-table-{name}")["name"] == f"{t['table']} {heading}"
            snapshot = chart.locator("table").aria_snapshot()
            headers = re.findall(r"- columnheader(?: \"([^\"]*)\")?", snapshot)
            assert headers and all(headers), (name, snapshot)  # no empty column header
        expect(page.locator("[data-sw-chart=personalised] table")).to_match_aria_snapshot(f"""
          - table "{t['rate_chart']}":
            - caption: {t['rate_chart']}
            - rowgroup:
              - row:
                - columnheader "{t['kind']}"
                - columnheader "{t['count']}"
                - columnheader "{t['share']}"
            - rowgroup:
              - row:
                - rowheader "{t['personalised']}"
              - row:
                - rowheader "{t['suggested']}"
        """)
