"""The invites page (#20) in Chromium against `sharewall serve`: "send by e-mail" mails the link through the
local stack's SES (moto) and says so, or says the mail failed while the invite and its link stand; the address
is sent only when ticked and never shown again; the list names who created each invite and counts its claims by
status (no amounts); on a phone (390 px) every invite's Revoke stays on screen."""

from __future__ import annotations

import json
import re
import uuid
from datetime import date, timedelta

import pytest

from tests.browser.support import axe_violations
from tests.browser.test_finance_screens import sign_in
from tests.local_serve import request, served

pytestmark = pytest.mark.browser
FORM = "[data-sw-invite-form]"
LIST = "[data-sw-invite-list]"


def posted_invites(page) -> list[dict]:
    """The bodies of the POST /api/invites the page sends, as they are sent."""
    sent: list[dict] = []
    page.on("request", lambda req: sent.append(json.loads(req.post_data))
            if req.method == "POST" and re.search(r"/api/invites$", req.url) else None)
    return sent


def create(page, name: str, email: str = "", tick: bool = False) -> None:
    page.fill(f"{FORM} input[name=name]", name)
    page.fill(f"{FORM} input[name=email]", email)
    page.set_checked(f"{FORM} [data-sw-send-email]", tick)
    page.click(f"{FORM} button[type=submit]")


def claim_with(base: str, token: str) -> str:
    """A claim of one taxi line filed with the invite `token` through the local API; its id."""
    body = {"payee": {"kind": "private", "holder": "Mia Muster", "iban": "DE89370400440532013000",
                      "address": {"street": "Hauptstraße 1", "postcode": "10115", "town": "Berlin", "country": "DE"}},
            "lines": [{"date": (date.today() - timedelta(days=2)).isoformat(), "category": "local-transport",
                       "description": "Taxi", "gross": "23.40", "vat": "0", "currency": "EUR"}]}
    status, _, answer = request(base + "api/claims", "POST", body, {"X-Invite-Token": token,
                                                                    "Idempotency-Key": uuid.uuid4().hex})
    assert status == 201, answer
    return json.loads(answer)["id"]


def test_a_ticked_invite_is_mailed_and_the_list_names_its_creator_and_claims(claims_page, claims_server):
    page = claims_page()
    sent = posted_invites(page)
    sign_in(page, claims_server, "comms", "/invites/", name="Carla Kommunikation")
    page.locator(f"{FORM} select[name=campaign] option").first.wait_for(state="attached")
    assert page.locator(f"{LIST} thead th").all_inner_texts() == [
        "Name", "Kampagne", "Sprache", "Erstellt von", "Abrechnungen", "Status", "Gültig bis", "Aktionen"]

    # ticked without an address: said at the field, nothing sent
    create(page, "Mia Muster", tick=True)
    assert page.locator(f"{FORM} input[name=email]").get_attribute("aria-invalid") == "true"
    assert sent == []
    # ticked with one: mailed, said so, and the link is still there to copy
    address = f"mia-{uuid.uuid4().hex[:6]}@example.org"
    page.fill(f"{FORM} input[name=email]", address)
    page.click(f"{FORM} button[type=submit]")
    mailed = page.locator("[data-sw-invite-created] [data-sw-mail]")
    mailed.wait_for()
    assert mailed.get_attribute("data-sw-mail") == "sent"
    assert mailed.inner_text() == "Der Link wurde per E-Mail verschickt."
    link = page.locator("[data-sw-invite-link]").input_value()
    assert re.fullmatch(re.escape(claims_server) + r"claim/#invite=[0-9a-f]{16}\.[\w-]{43}", link)
    assert sent[-1]["email"] == address and sent[-1]["send_email"] is True
    assert not page.locator(f"{FORM} [data-sw-send-email]").is_checked()  # the form starts over

    # not ticked: the address is not even sent, and nothing is said about a mail
    page.fill(f"{FORM} input[name=name]", "Ole Ohnepost")
    page.fill(f"{FORM} input[name=email]", "ole@example.org")
    page.click(f"{FORM} button[type=submit]")
    page.locator(f"{LIST} tr:has-text('Ole Ohnepost')").wait_for()
    assert "email" not in sent[-1] and "send_email" not in sent[-1]
    assert page.locator("[data-sw-invite-created] [data-sw-mail]").count() == 0

    # a claim comes in with Mia's invite: the list says how many, of which status, and no amount
    claim_with(claims_server, link.split("#invite=")[1])
    page.reload()
    mia = page.locator(f"{LIST} tbody tr:has-text('Mia Muster')").first
    mia.wait_for()
    cells = mia.locator("td").all_inner_texts()
    assert cells[3] == "Carla Kommunikation"
    assert cells[4].split("\n") == ["1 Abrechnung", "1 eingereicht"]
    assert page.locator(f"{LIST} tbody tr:has-text('Ole Ohnepost') td").nth(4).inner_text() == "keine"
    table = page.locator(LIST).inner_text()
    assert "@" not in table and "23,40" not in table and "€" not in table
    assert not axe_violations(page)  # the tick, its hint and the new columns read right with a screen reader


@pytest.fixture(scope="module")
def server_without_sender(tmp_path_factory):
    """A `sharewall serve` without InviteEmailFrom: SES has no sender, every mail fails."""
    yield from served(tmp_path_factory, "no-sender-site", ("InviteEmailFrom=",))


def test_when_the_mail_fails_the_invite_stands_and_the_page_says_so(claims_page, server_without_sender):
    page = claims_page()
    sign_in(page, server_without_sender, "comms", "/en/invites/")
    page.locator(f"{FORM} select[name=campaign] option").first.wait_for(state="attached")
    create(page, "Failing Mail", "fail@example.org", tick=True)
    mailed = page.locator("[data-sw-invite-created] [data-sw-mail]")
    mailed.wait_for()
    assert mailed.get_attribute("data-sw-mail") == "failed"
    assert "could not be sent" in mailed.inner_text() and "sw-claims__status--error" in mailed.get_attribute("class")
    assert "#invite=" in page.locator("[data-sw-invite-link]").input_value()
    row = page.locator(f"{LIST} tbody tr:has-text('Failing Mail')")
    row.wait_for()
    assert "active" in row.inner_text()


@pytest.mark.parametrize("path", ["/invites/", "/en/invites/", "/fr/invites/"])
def test_on_a_phone_every_revoke_stays_on_screen(claims_page, claims_server, path):
    page = claims_page()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, claims_server, "comms", path, name="Carla Kommunikation")
    page.locator(f"{FORM} select[name=campaign] option").first.wait_for(state="attached")
    name = f"Phone Guest {uuid.uuid4().hex[:4]} with a rather long name"
    create(page, name, "phone@example.org", tick=True)
    revoke = page.locator(f"{LIST} tr:has-text('{name}') [data-sw-revoke]")  # in the list as reloaded after creating
    revoke.wait_for()
    box = revoke.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing pushes the page sideways
    revoke.scroll_into_view_if_needed()
    assert revoke.is_visible()
