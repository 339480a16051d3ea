"""The influencer's print view (#20) in Chromium against `sharewall serve`: the claim page at ?print=<claim id>
shows that own claim — reference, lines (the server's pricing), total, status history — in every interface
language, numbers and dates by the language's rules; printed (print media) only the summary is left: no header,
no form, no buttons. Another invite's claim is not shown."""

from __future__ import annotations

import json
import re
import uuid
from datetime import date, timedelta

import pytest

from tests.browser.support import axe_violations, make_invite, staff
from tests.interface_languages import interface_languages
from tests.local_serve import request

pytestmark = pytest.mark.browser
VIEW = "[data-sw-claim-print]"
DAY = date.today() - timedelta(days=3)
# What the page must say in each language: heading, the reference's label, statuses, the total of 23.40 + 37.02
EXPECTED = {
    "de": {"heading": "Auslagenabrechnung", "submitted": "eingereicht", "rejected": "abgelehnt", "total": "60,42\u00a0€",
           "mileage": "123,4 km × 0,30\u00a0€ je km", "day": DAY.strftime("%d.%m.%Y")},
    "en": {"heading": "Expense claim", "submitted": "submitted", "rejected": "rejected", "total": "€60.42",
           "mileage": "123.4 km × €0.30 per km", "day": f"{DAY:%b} {DAY.day}, {DAY.year}"},
    "fr": {"heading": "Note de frais", "submitted": "soumise", "rejected": "refusée", "total": "60,42\u00a0€",
           "mileage": "123,4 km × 0,30\u00a0€ par km", "day": None},  # French month abbreviations: not spelled here
}


def folder(language: str) -> str:
    return "" if language == interface_languages()[0] else f"{language}/"


def filed_claim(base: str, language: str) -> tuple[str, str]:
    """An invite in `language` with one claim (a taxi and a drive), rejected by finance; (token, claim id)."""
    token = make_invite(base, "Mia Muster", language=language)["token"]
    body = {"payee": {"kind": "private", "holder": "Mia Muster", "iban": "DE89370400440532013000",
                      "address": {"street": "Hauptstraße 1", "postcode": "10115", "town": "Berlin", "country": "DE"}},
            "lines": [{"date": DAY.isoformat(), "category": "local-transport", "description": "Taxi zur Messe",
                       "gross": "23.40", "vat": "0", "currency": "EUR"},
                      {"date": DAY.isoformat(), "category": "mileage", "description": "Fahrt zur Messe", "currency": "EUR",
                       "distance": "123.4", "route": {"from": "Berlin", "to": "Leipzig"}}]}
    status, _, answer = request(base + "api/claims", "POST", body, {"X-Invite-Token": token,
                                                                    "Idempotency-Key": uuid.uuid4().hex})
    assert status == 201, answer
    claim = json.loads(answer)["id"]
    status, _, answer = request(base + f"api/claims/{claim}/decision", "POST",
                                {"action": "reject", "expected": "submitted", "reason": "Bitte Beleg nachreichen"},
                                staff("finance"))
    assert status == 200, answer
    return token, claim


def open_print_view(page, base: str, language: str, token: str, claim: str) -> None:
    """The claim page with the invite link (its token stays in this tab's session), then the print view."""
    page.goto(f"{base}{folder(language)}claim/#invite={token}")
    page.locator("[data-sw-claim] form, [data-sw-claim] [data-sw-mine]").first.wait_for()
    page.goto(f"{base}{folder(language)}claim/?print={claim}")


@pytest.mark.parametrize("language", interface_languages())
def test_the_print_view_shows_the_own_claim_in_the_language_and_prints_clean(claims_page, claims_server, language):
    expected = EXPECTED[language]
    token, claim = filed_claim(claims_server, language)
    page = claims_page()
    open_print_view(page, claims_server, language, token, claim)
    view = page.locator(VIEW)
    view.locator("[data-sw-print-total]").wait_for()
    assert view.locator("h1").inner_text() == expected["heading"]
    assert view.locator("[data-sw-print-reference]").inner_text() == claim
    assert view.locator("[data-sw-print-status]").inner_text() == expected["rejected"]
    assert view.locator("[data-sw-print-total]").inner_text() == expected["total"]
    lines = view.locator("[data-sw-print-lines] tbody tr")
    assert lines.count() == 2
    drive = lines.nth(1).inner_text()
    assert expected["mileage"] in drive and "Berlin → Leipzig" in drive
    if expected["day"]:
        assert lines.nth(0).locator("td").first.inner_text() == expected["day"]
    history = view.locator("[data-sw-print-history] tbody tr")
    assert [row.get_attribute("data-status") for row in history.all()] == ["submitted", "rejected"]
    assert expected["submitted"] in history.nth(0).inner_text()
    assert "Bitte Beleg nachreichen" in history.nth(1).inner_text()
    assert "{" not in view.inner_text()  # every placeholder filled
    assert page.locator("[data-sw-claim]").is_hidden() and page.locator(".md-content h1:visible").count() == 1  # only the view's
    assert page.locator("[data-sw-print-button]").is_visible()
    assert "DE89370400440532013000" not in page.content()  # the IBAN masked, as everywhere outside finance
    assert not axe_violations(page)

    page.emulate_media(media="print")
    assert page.locator("[data-sw-print-button]").is_hidden() and page.locator(".md-header").is_hidden()
    assert page.locator("[data-sw-claim]").is_hidden()
    assert view.locator("[data-sw-print-total]").is_visible()
    pdf = page.pdf(format="A4")  # Chromium's own "print to PDF"
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000


def test_another_invites_claim_and_a_missing_invite_are_said_not_shown(claims_page, claims_server):
    _, foreign = filed_claim(claims_server, "de")
    token = make_invite(claims_server, "Ole Other")["token"]
    page = claims_page()
    open_print_view(page, claims_server, "de", token, foreign)
    status = page.locator(f"{VIEW} .sw-claims__status--error")
    status.wait_for()
    assert status.inner_text() == "Diese Abrechnung gehört nicht zu deiner Einladung."
    assert page.locator("[data-sw-print-lines]").count() == 0 and page.locator("[data-sw-print-button]").is_hidden()
    fresh = claims_page()  # a new browser: no invite in its session, no other tab to ask
    fresh.goto(f"{claims_server}claim/?print={foreign}")
    fresh.locator(f"{VIEW} .sw-claims__status--error").wait_for()
    assert "Einladung" in fresh.locator(VIEW).inner_text() and re.search(r"Link", fresh.locator(VIEW).inner_text())
