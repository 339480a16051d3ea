"""The claim form's refusals and confirmation in Debian's Chromium against the real `sharewall serve`:
every problem in the page's language next to its field (aria-invalid, aria-describedby), once, never an
API path; a renamed text file refused at its file input; after submitting the reference, the summary and
the payee kept; the invite kept over a reload and in a new tab, never back in the address bar; the page
follows the invite's language; the VAT id hidden for a private person; every pattern a valid v-mode regex."""

from __future__ import annotations

import re
import uuid
from contextlib import ExitStack
from datetime import date, timedelta

import pytest

from tests.browser.support import axe_violations, dev_sign_in, offline_context
from tests.functions.claims_client import PDF

pytestmark = pytest.mark.browser

GOOD_IBAN = "DE89 3704 0044 0532 0130 00"
BAD_IBAN = "DE89 3704 0044 0532 0130 01"  # one digit off: the checksum fails
TEXT = {
    "de": {"iban": "IBAN ungültig – bitte prüfen.", "meals": "Verpflegung: höchstens 90,00\u00a0€ je Abrechnung.",
           "receipt": "Diese Datei ist kein PDF, JPEG oder PNG", "required": "Bitte ausfüllen.", "home": "/"},
    "en": {"iban": "Invalid IBAN – please check.", "meals": "Meals: at most €90.00 per claim.",
           "receipt": "This file is not a PDF, JPEG or PNG", "required": "Please fill this in.", "home": "/en/"},
    "fr": {"home": "/fr/"},
}
RAW = re.compile(r"payee\.|lines\[|lines\.\d|Value error|String should|\bbody\b|_invalid|_limit|HTTP \d")


@pytest.fixture
def new_context(browser, local_server):
    """Fresh browser contexts (one per person); page errors fail the test."""
    with ExitStack() as stack:
        yield lambda: stack.enter_context(offline_context(browser))


def invite_token(new_context, base: str, language: str = "de") -> str:
    """Comms signs in and creates an invite in `language` through the API, as the invites page does; its token."""
    page = new_context().new_page()
    # a page that calls no claims API itself, so the invites list is not loading at the same moment
    dev_sign_in(page, base, f"comms-{uuid.uuid4().hex[:6]}", ["employee", "comms"], "/guidelines/")
    page.wait_for_load_state("networkidle")
    reply = page.evaluate("""async (language) => {
        const response = await fetch("/api/invites", {method: "POST", headers: {"Content-Type": "application/json",
            Authorization: "Bearer " + sessionStorage.getItem("sharewall.token")},
            body: JSON.stringify({name: "Ada Acrylic", email: "ada-" + Date.now() + "@example.org",
                                  campaign: "creator-programme", language})});
        return {status: response.status, body: await response.json()};
    }""", language)
    assert reply["status"] == 201, reply
    return reply["body"]["token"]


def open_form(page, base: str, token: str, language: str = "de") -> None:
    page.goto(f"{base}claim/#invite={token}")  # the German address: an English invite moves to /en/claim/
    page.wait_for_url(re.compile(re.escape(base.rstrip("/") + TEXT[language]["home"]) + r"claim/$"))
    page.locator("[data-sw-claim-form]").wait_for()
    assert page.evaluate("document.documentElement.lang") == language
    assert token not in page.url and "#" not in page.url


def fill_payee(page, iban: str = GOOD_IBAN) -> None:
    page.fill("input[name=holder]", "Ada Acrylic")
    page.fill("input[name=street]", "Kastanienallee 12")
    page.fill("input[name=postcode]", "10435")
    page.fill("input[name=town]", "Berlin")
    page.fill("input[name=iban]", iban)


def fill_line(page, category: str, gross: str, receipt: bool = True) -> None:
    line = page.locator("[data-sw-line]").last
    line.locator("select[name=category]").select_option(category)
    line.locator("input[name=date]").fill((date.today() - timedelta(days=2)).isoformat())
    line.locator("input[name=description]").fill("Abendessen am Stand")
    line.locator("input[name=gross]").fill(gross)
    line.locator("input[name=vat]").fill("0")
    if receipt:
        line.locator("input[name=receipt]").set_input_files({"name": "beleg.pdf", "mimeType": "application/pdf", "buffer": PDF})
        status = line.locator("[data-sw-line-status]")
        page.wait_for_function("node => node.classList.contains('sw-claims__status--ok')", arg=status.element_handle())


def error_of(page, control_selector: str):
    """The error slot the control names in aria-describedby, after asserting the control is marked invalid."""
    page.locator(control_selector + "[aria-invalid=true]").wait_for()
    control = page.locator(control_selector)
    slot_id = control.evaluate("node => node.id + '-error'")
    assert slot_id in control.get_attribute("aria-describedby").split()
    return page.locator(f"[id='{slot_id}']")


def said_once(page, text: str) -> None:
    """`text` shows once on the page (the page's one spoken-status region, visually hidden, aside: it said it once)."""
    body = page.locator("body").inner_text()
    spoken = page.locator("[data-sw-announce]")
    spoken = spoken.inner_text() if spoken.count() else ""
    assert body.count(text) - spoken.count(text) == 1, (text, body)


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_bad_iban_and_an_over_limit_category_are_said_at_their_fields_once(new_context, local_server, language):
    page = new_context().new_page()
    open_form(page, local_server, invite_token(new_context, local_server, language), language)
    text = TEXT[language]

    # the browser's own checks first, in the page's language (not the browser's bubbles)
    page.click("[data-sw-claim-form] button[type=submit]")
    assert error_of(page, "input[name=holder]").inner_text() == text["required"]
    assert page.locator("input[name=holder]").evaluate("node => node === document.activeElement")

    fill_payee(page, BAD_IBAN)
    fill_line(page, "meals", "95,00")
    page.click("[data-sw-claim-form] button[type=submit]")
    iban = error_of(page, "input[name=iban]")
    assert iban.inner_text() == text["iban"]
    said_once(page, text["iban"])
    assert not RAW.search(page.locator("[data-sw-claim]").inner_text()), page.locator("[data-sw-claim]").inner_text()
    assert page.locator("input[name=holder]").get_attribute("aria-invalid") is None  # corrected, no longer marked
    assert not axe_violations(page)

    page.fill("input[name=iban]", GOOD_IBAN)  # corrected: its error goes at once
    assert page.locator("input[name=iban]").get_attribute("aria-invalid") is None and iban.inner_text() == ""
    page.click("[data-sw-claim-form] button[type=submit]")
    gross = page.locator("[data-sw-line] [data-sw-error=gross]")
    page.wait_for_function("node => node.textContent.length > 0", arg=gross.element_handle())
    # the claim's limit first (over the invite's limit too, that follows on its own line)
    assert gross.inner_text().split("\n")[0] == text["meals"]
    assert error_of(page, "[data-sw-line] input[name=gross]").inner_text() == gross.inner_text()
    said_once(page, text["meals"])
    assert not RAW.search(page.locator("[data-sw-claim]").inner_text())
    assert re.search(r"markierte|marked", page.locator("[data-sw-claim-status]").inner_text())
    assert page.locator("[data-sw-mine]").inner_text().strip() in ("Noch keine Abrechnungen.", "No claims yet.")


def test_a_limit_over_two_lines_is_said_once_and_both_amounts_are_marked(new_context, local_server):
    page = new_context().new_page()
    open_form(page, local_server, invite_token(new_context, local_server))
    fill_payee(page)
    fill_line(page, "meals", "50,00")
    page.click("[data-sw-add-line]")
    fill_line(page, "meals", "40,01")
    page.click("[data-sw-claim-form] button[type=submit]")
    first = page.locator("[data-sw-line]").nth(0).locator("[data-sw-error=gross]")
    page.wait_for_function("node => node.textContent.length > 0", arg=first.element_handle())
    said_once(page, TEXT["de"]["meals"])
    second = page.locator("[data-sw-line]").nth(1).locator("input[name=gross]")
    assert second.get_attribute("aria-invalid") == "true"
    assert first.get_attribute("id") in second.get_attribute("aria-describedby").split()  # points to the one message


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_text_file_named_pdf_is_refused_at_its_file_input(new_context, local_server, language):
    page = new_context().new_page()
    open_form(page, local_server, invite_token(new_context, local_server, language), language)
    checks = []
    page.on("request", lambda request: checks.append(request.url) if "/api/claims/uploads/" in request.url else None)
    line = page.locator("[data-sw-line]").first
    line.locator("input[name=receipt]").set_input_files(
        {"name": "beleg.pdf", "mimeType": "application/pdf", "buffer": b"Taxi 12,50 EUR, renamed from beleg.txt\n"})
    slot = line.locator("[data-sw-error=receipt]")
    page.wait_for_function("node => node.textContent.length > 0", arg=slot.element_handle())
    assert slot.inner_text().startswith(TEXT[language]["receipt"])
    assert error_of(page, "[data-sw-line] input[name=receipt]").inner_text() == slot.inner_text()
    assert len(checks) == 1  # the API looked at the bytes that arrived in S3
    assert not re.search(r"hochgeladen|uploaded", line.inner_text())

    # submitting with the refused file does not send the claim
    posts = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" and request.url.endswith("/api/claims") else None)
    fill_payee(page)
    fill_line(page, "travel", "20,00", receipt=False)
    page.click("[data-sw-claim-form] button[type=submit]")
    assert slot.inner_text().startswith(TEXT[language]["receipt"]) and posts == []
    said_once(page, slot.inner_text())

    # a real PDF then is accepted
    line.locator("input[name=receipt]").set_input_files({"name": "beleg.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.wait_for_function("node => node.classList.contains('sw-claims__status--ok')",
                           arg=line.locator("[data-sw-line-status]").element_handle())
    assert slot.inner_text() == "" and line.locator("input[name=receipt]").get_attribute("aria-invalid") is None


def test_after_submitting_the_reference_the_summary_and_the_payee_stay(new_context, local_server):
    page = new_context().new_page()
    open_form(page, local_server, invite_token(new_context, local_server))
    fill_payee(page)
    page.click("input[name=kind][value=business]")
    page.fill("input[name=vat_id]", "DE123456789")
    fill_line(page, "meals", "42,50")
    page.click("[data-sw-claim-form] button[type=submit]")
    done = page.locator("[data-sw-confirmation]")
    done.wait_for()
    reference = done.locator("[data-sw-reference]").inner_text()
    assert re.fullmatch(r"[0-9a-f]{24}", reference)
    assert "Verpflegung" in done.inner_text() and "Abendessen am Stand" in done.inner_text()
    assert done.locator("[data-sw-total]").inner_text() == "42,50\u00a0€"
    assert "DE89 •••• 3000" in done.inner_text() and "Wie es weitergeht" in done.inner_text()
    assert done.evaluate("node => node === document.activeElement")  # focus moves to it
    mine = page.locator(f"[data-sw-mine] tr[data-claim='{reference}']")
    mine.wait_for()
    assert reference in mine.inner_text()
    # the payee stays for the next claim; the lines start afresh
    assert page.input_value("input[name=holder]") == "Ada Acrylic"
    assert page.input_value("input[name=iban]") == GOOD_IBAN
    assert page.input_value("input[name=street]") == "Kastanienallee 12"
    assert page.is_checked("input[name=kind][value=business]") and page.input_value("input[name=vat_id]") == "DE123456789"
    assert page.locator("[data-sw-line]").count() == 1
    assert page.locator("[data-sw-line] input[name=description]").input_value() == ""
    assert not axe_violations(page)


def test_the_invite_survives_a_reload_and_a_new_tab_without_coming_back_to_the_address_bar(new_context, local_server):
    token = invite_token(new_context, local_server)
    context = new_context()
    page = context.new_page()
    open_form(page, local_server, token)
    page.reload()
    page.locator("[data-sw-claim-form]").wait_for()
    assert "Ada Acrylic" in page.locator("[data-sw-claim] .sw-claims__status").first.inner_text()
    assert token not in page.url and "#" not in page.url
    # a tab opened from the page (a copy of its session) and a fresh tab of the same browser (asks the open one)
    with context.expect_page() as opened:
        page.evaluate("window.open(location.href)")
    for other in (opened.value, context.new_page()):
        if other.url == "about:blank":
            other.goto(f"{local_server}claim/")
        other.locator("[data-sw-claim-form]").wait_for()
        assert token not in other.url and "#" not in other.url
    # another browser (context) without the invite is told to open the link
    stranger = new_context().new_page()
    stranger.goto(f"{local_server}claim/")
    stranger.locator(".sw-claims__status--error").wait_for()
    assert "Einladung" in stranger.locator(".sw-claims__status--error").inner_text()


def test_a_german_invite_on_the_english_page_moves_to_the_german_one(new_context, local_server):
    token = invite_token(new_context, local_server, "de")
    page = new_context().new_page()
    page.goto(f"{local_server}en/claim/#invite={token}")
    page.wait_for_url(f"{local_server}claim/")
    page.locator("[data-sw-claim-form]").wait_for()
    assert page.evaluate("document.documentElement.lang") == "de" and token not in page.url


def test_the_vat_id_is_hidden_for_a_private_person(new_context, local_server):
    page = new_context().new_page()
    open_form(page, local_server, invite_token(new_context, local_server))
    vat = page.locator("input[name=vat_id]")
    assert page.is_checked("input[name=kind][value=private]")
    assert vat.is_hidden() and vat.bounding_box() is None
    assert vat.evaluate("node => getComputedStyle(node.closest('.sw-field')).display") == "none"
    page.click("input[name=kind][value=business]")
    assert vat.is_visible()
    page.click("input[name=kind][value=private]")
    assert vat.is_hidden()


PATTERNS = """() => Array.from(document.querySelectorAll("[pattern]")).map((node) => {
    const pattern = node.getAttribute("pattern");
    try { new RegExp("^(?:" + pattern + ")$", "v"); return [node.name || node.id, pattern, null]; }
    catch (error) { return [node.name || node.id, pattern, error.message]; }
})"""


def test_every_pattern_of_the_forms_is_a_valid_v_mode_regex_the_browser_applies(new_context, local_server):
    page = new_context().new_page()
    open_form(page, local_server, invite_token(new_context, local_server))
    found = page.evaluate(PATTERNS)
    assert {name for name, _, _ in found} >= {"country", "hours", "distance", "original_amount", "rate", "gross", "vat"}
    assert [item for item in found if item[2]] == []
    # the browser checks them: a third decimal is refused, two are fine
    gross = page.locator("[data-sw-line] input[name=gross]")
    gross.fill("12,345")
    assert gross.evaluate("node => node.validity.patternMismatch")
    gross.fill("12,34")
    assert not gross.evaluate("node => node.validity.patternMismatch")

    invalid = []
    signin = new_context().new_page()
    for path in ("_dev/signin?next=/", "suggest/", "invites/", "finance/", "en/claim/"):
        signin.goto(local_server + path)
        signin.wait_for_load_state("networkidle")
        invalid += [(path, *item) for item in signin.evaluate(PATTERNS) if item[2]]
    assert invalid == []
