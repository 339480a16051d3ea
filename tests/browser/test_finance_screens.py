"""Invites and finance pages in Chromium against a `sharewall serve` of their own (so row counts are
exact): 'load more' appends only the next page, is gone at the end and adds no row twice on a double
click; invites carry the claim page's language; finance reads right (expense date, category labels,
plurals, who decided) and offers the German CSV next to the standard one."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

from tests.browser.support import dev_sign_in, make_claim, make_invite
from tests.interface_languages import interface_languages
from tests.local_serve import request

pytestmark = pytest.mark.browser
PAGE = 2  # the page size the tests ask the API for (the pages ask for its default)


def small_pages(page, path: str) -> list[str]:
    """Every GET of `path` from the page asks for PAGE items; the list of URLs asked for."""
    asked: list[str] = []

    def handle(route):
        if route.request.method != "GET":
            return route.continue_()
        parts = urlsplit(route.request.url)
        query = dict(parse_qsl(parts.query))
        query["limit"] = str(PAGE)
        asked.append(route.request.url)
        route.continue_(url=urlunsplit(parts._replace(query=urlencode(query))))

    page.route(re.compile(r".*/api" + re.escape(path) + r"(\?.*)?$"), handle)
    return asked


def sign_in(page, base: str, role: str, path: str, name: str | None = None) -> None:
    if name is None:
        dev_sign_in(page, base, f"{role}-{uuid.uuid4().hex[:6]}", ["employee", role], path)
        return
    page.goto(f"{base}_dev/signin?next={path}")
    page.fill("#user", f"{role}-{uuid.uuid4().hex[:6]}")
    page.fill("#display-name", name)
    page.check("input[name=role][value=employee]")
    page.check(f"input[name=role][value={role}]")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(re.escape(base.rstrip("/") + path) + "$"))


def row_ids(page, selector: str, attribute: str) -> list[str]:
    return page.locator(f"{selector} tbody tr[{attribute}]").evaluate_all(
        f"rows => rows.map(row => row.getAttribute('{attribute}'))")


def wait_rows(page, selector: str, count: int) -> None:
    page.wait_for_function("([selector, count]) => document.querySelectorAll(selector + ' tbody tr').length === count",
                           arg=[selector, count])
    page.wait_for_timeout(300)  # a second (wrong) append would land now


def test_invites_load_more_appends_the_next_page_and_disappears_at_the_end(claims_page, claims_server):
    made = [make_invite(claims_server, f"Gast {n}")["id"] for n in range(3)]
    page = claims_page()
    asked = small_pages(page, "/invites")
    sign_in(page, claims_server, "comms", "/invites/")
    more = page.locator("[data-sw-more]")
    wait_rows(page, "[data-sw-invite-list]", 2)
    assert more.is_visible()
    more.click()
    wait_rows(page, "[data-sw-invite-list]", 3)  # not 5: only the next page is appended
    assert sorted(row_ids(page, "[data-sw-invite-list]", "data-invite")) == sorted(made)
    assert more.is_hidden()  # nothing follows
    assert len(asked) == 2

    made.append(make_invite(claims_server, "Gast 3")["id"])  # 4: the second page ends the list exactly
    page.reload()
    wait_rows(page, "[data-sw-invite-list]", 2)
    more.dblclick()
    wait_rows(page, "[data-sw-invite-list]", 4)
    assert sorted(row_ids(page, "[data-sw-invite-list]", "data-invite")) == sorted(made)  # none twice
    assert more.is_hidden()  # no empty third page offered
    assert page.locator("[data-sw-invite-list] thead th").all_inner_texts()[2] == "Sprache"


def test_an_invite_in_english_links_to_the_english_claim_page(claims_page, claims_server):
    page = claims_page()
    sign_in(page, claims_server, "comms", "/invites/")
    language = page.locator("select[name=language]")
    assert language.input_value() == "de"  # the page's language
    assert language.locator("option").evaluate_all("options => options.map(o => o.value)") == interface_languages()
    assert language.locator("option").all_inner_texts()[:2] == ["Deutsch", "Englisch"]  # CLDR's names, in German

    # errors next to their field, in the page's language, once
    page.click("[data-sw-invite-form] button[type=submit]")
    page.click("[data-sw-invite-form] button[type=submit]")
    name_error = page.locator("#" + page.locator("input[name=name]").get_attribute("id") + "-error")
    assert name_error.inner_text() == "Bitte ausfüllen."
    assert page.locator("[data-sw-invite-form]").inner_text().count("Bitte ausfüllen.") == 1  # the name (the e-mail only to send it)
    assert page.locator("input[name=name]").get_attribute("aria-invalid") == "true"
    page.fill("input[name=name]", "Jo English")
    page.fill("input[name=email]", "not-an-address")
    page.click("[data-sw-invite-form] button[type=submit]")
    assert name_error.inner_text() == ""
    assert "E-Mail-Adresse wie name@example.org" in page.locator("[data-sw-invite-form]").inner_text()

    page.fill("input[name=email]", "jo@example.org")
    language.select_option("en")
    page.click("[data-sw-invite-form] button[type=submit]")
    link = page.locator("[data-sw-invite-link]").input_value()
    assert re.fullmatch(re.escape(claims_server) + r"en/claim/#invite=[0-9a-f]{16}\.[\w-]{43}", link), link
    row = page.locator("[data-sw-invite-list] tr:has-text('Jo English')")
    row.wait_for()
    assert "Englisch" in row.inner_text()
    assert language.input_value() == "de"  # the form starts over in the page's language
    token = link.split("#invite=")[1]
    status, _, body = request(claims_server + "api/claims/invite", headers={"X-Invite-Token": token})
    assert status == 200 and json.loads(body)["language"] == "en"

    page.fill("input[name=name]", "Jana Deutsch")
    page.fill("input[name=email]", "jana@example.org")
    page.click("[data-sw-invite-form] button[type=submit]")
    page.locator("[data-sw-invite-list] tr:has-text('Jana Deutsch')").wait_for()
    assert re.fullmatch(re.escape(claims_server) + r"claim/#invite=.+", page.locator("[data-sw-invite-link]").input_value())


def test_finance_pages_exactly_reads_right_and_offers_both_csv_files(claims_page, claims_server):
    made = [make_claim(claims_server, amount) for amount in ("12.50", "3.00", "4.25")]
    page = claims_page()
    asked = small_pages(page, "/claims")
    sign_in(page, claims_server, "finance", "/finance/", name="Clara Finanz")
    more = page.locator("[data-sw-more]")
    wait_rows(page, "[data-sw-claims]", 2)
    assert page.locator("[data-sw-summary]").inner_text() == "3 Abrechnungen, 19,75\u00a0€"
    more.dblclick()
    wait_rows(page, "[data-sw-claims]", 3)  # one claim more, none twice
    assert sorted(row_ids(page, "[data-sw-claims]", "data-claim")) == sorted(made)
    assert more.is_hidden()
    assert sum("cursor=" in url for url in asked) == 1  # the double click asked once

    # the detail: the expense's date, the category's label in the page's language
    first = made[0]
    page.click(f"[data-sw-open='{first}']")
    lines = page.locator("[data-sw-lines]")
    lines.wait_for()
    assert lines.locator("thead th").first.inner_text() == "Datum der Auslage"
    assert lines.locator("tbody td").nth(1).inner_text() == "Nahverkehr und Taxi"
    assert "local-transport" not in lines.inner_text()
    # rejecting without a reason: said below the reason, in German, once (also when clicked twice)
    page.click("[data-sw-detail] [data-sw-action=reject]")
    page.click("[data-sw-detail] [data-sw-action=reject]")
    needed = "Bitte eine Begründung für die Ablehnung angeben."
    assert page.locator("[data-sw-field-error=reason]").inner_text() == needed
    assert page.locator("[data-sw-detail]").inner_text().count(needed) == 1
    assert page.locator("[data-sw-detail] textarea[name=reason]").get_attribute("aria-invalid") == "true"
    page.click("[data-sw-detail] [data-sw-action=approve]")
    page.locator("[data-sw-status=approved]:has-text('(1)')").wait_for()
    page.click("[data-sw-status=approved]")
    page.locator(f"[data-sw-claims] tr[data-claim='{first}']").wait_for()
    assert page.locator("[data-sw-summary]").inner_text() == "1 Abrechnung, 12,50\u00a0€"
    assert "Clara Finanz" in page.locator(f"[data-sw-claims] tr[data-claim='{first}']").inner_text()
    assert page.locator("[data-sw-claims] thead th").all_inner_texts()[6] == "Genehmigt von"  # which decision it names
    assert "Clara Finanz (Buchhaltung)" in page.locator("[data-sw-audit]").inner_text()

    # both exports, each labelled; the German one parses back with ';', '12,50' and a BOM
    standard = page.locator("[data-sw-export=csv]")
    german = page.locator("[data-sw-export=csv-de]")
    assert "Semikolon" in german.inner_text() and "Dezimalpunkt" in standard.inner_text()
    with page.expect_download() as download:
        german.click()
    raw = open(download.value.path(), "rb").read()
    assert download.value.suggested_filename.endswith("-de.csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert [(row["Abrechnung"], row["Brutto"], row["Kategorie"]) for row in rows] == [(first, "12,50", "Nahverkehr und Taxi")]
    with page.expect_download() as download:
        standard.click()
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8-sig").read())))
    assert [(row["claim"], row["gross"]) for row in rows] == [(first, "12.50")]


def test_english_finance_says_claim_and_claims(claims_page, claims_server):
    page = claims_page()
    sign_in(page, claims_server, "finance", "/en/finance/")
    page.locator("[data-sw-summary][data-status=submitted]").wait_for()
    page.locator("[data-sw-status=approved]").click()
    text = page.locator("[data-sw-summary][data-status=approved]").inner_text()  # once the approved tab answered
    count = int(re.match(r"(\d+) claims?, €", text)[1])
    assert text.startswith(f"{count} claim{'' if count == 1 else 's'}, €"), text


def test_english_invites_default_to_english_and_link_each_language_right(claims_page, claims_server):
    page = claims_page()
    sign_in(page, claims_server, "comms", "/en/invites/")
    language = page.locator("select[name=language]")
    assert language.input_value() == "en"
    assert language.locator("option").evaluate_all("options => options.map(o => o.value)") == interface_languages()
    assert language.locator("option").all_inner_texts()[:2] == ["German", "English"]
    page.click("[data-sw-invite-form] button[type=submit]")
    assert "Please fill this in." in page.locator("[data-sw-invite-form]").inner_text()
    for chosen, claim_page in (("en", "en/claim/"), ("de", "claim/")):
        page.fill("input[name=name]", f"Guest {chosen}")
        page.fill("input[name=email]", f"guest-{chosen}@example.org")
        language.select_option(chosen)
        page.click("[data-sw-invite-form] button[type=submit]")
        page.locator(f"[data-sw-invite-list] tr:has-text('Guest {chosen}')").wait_for()
        link = page.locator("[data-sw-invite-link]").input_value()
        assert re.fullmatch(re.escape(claims_server + claim_page) + r"#invite=.+", link), link
