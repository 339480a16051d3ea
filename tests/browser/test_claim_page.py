"""The influencer's claim page in Debian's Chromium against the real `sharewall serve` (#20, #23): a header of
its own (product name, language switch, nothing internal) whose language choice stays chosen; numbers and the
date fields' last day by the page's language and the person's day; the payee kept on the device only when
ticked (IBAN masked, forgettable), the lines kept as a draft until submitted; the claim form's accessibility
tree: required fields marked before submitting, errors summed up in one announcement, a removed line named
and focus on the line before it, an added line announced, headings in order, the upload status tied to its
file input; finance's question answered with a correction, a claim withdrawn after a confirmation, a print
link per claim."""

from __future__ import annotations

from contextlib import ExitStack
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.support import axe_violations, offline_context
from tests.browser.test_claim_errors import GOOD_IBAN, fill_line, fill_payee, invite_token, open_form

pytestmark = pytest.mark.browser
LANGUAGES = ["de", "en", "fr"]
WORDS = {
    "de": {"product": "Sharewall", "rate": "0,30\u00a0€ je km", "required": "Mit * markierte Felder sind Pflichtfelder.",
           "holder": "Kontoinhaber/in *", "line": "Auslage {n}", "remove": "Auslage {n} entfernen",
           "removed": "Auslage {n} entfernt.", "added": "Auslage {n} hinzugefügt.", "fill": "Bitte ausfüllen.",
           "summary": "Bitte prüfe die markierten Angaben", "remembered": "Auf diesem Gerät gemerkt: Ada Acrylic, DE89 •••• 3000",
           "uploaded": "Beleg hochgeladen."},
    "en": {"product": "Sharewall", "rate": "€0.30 per km", "required": "Fields marked * are required.",
           "holder": "Account holder *", "line": "Expense {n}", "remove": "Remove expense {n}",
           "removed": "Expense {n} removed.", "added": "Expense {n} added.", "fill": "Please fill this in.",
           "summary": "Please check the marked", "remembered": "Remembered on this device: Ada Acrylic, DE89 •••• 3000",
           "uploaded": "Receipt uploaded."},
    "fr": {"product": "Sharewall", "rate": "0,30\u00a0€ par km", "required": "Les champs marqués * sont obligatoires.",
           "holder": "Titulaire du compte *", "line": "Dépense {n}", "remove": "Retirer la dépense {n}",
           "removed": "Dépense {n} retirée.", "added": "Dépense {n} ajoutée.", "fill": "Veuillez remplir ce champ.",
           "summary": "Veuillez vérifier", "remembered": "Mémorisé sur cet appareil\u00a0: Ada Acrylic, DE89 •••• 3000",
           "uploaded": "Justificatif envoyé."},
}


@pytest.fixture
def new_context(browser, local_server):
    """Fresh browser contexts (one per person) at a given size; page errors fail the test."""
    with ExitStack() as stack:
        yield lambda **options: stack.enter_context(offline_context(browser, **options))


def phone(new_context):
    context = new_context()
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    return page


def word(language: str, key: str, number: int | None = None) -> str:
    text = WORDS[language][key]
    return text.replace("{n}", str(number)) if number is not None else text


# --- #20 defect 7: the claim page's own header ---------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
def test_the_claim_header_names_the_product_offers_the_languages_and_nothing_internal(new_context, local_server, language):
    page = phone(new_context)
    open_form(page, local_server, invite_token(new_context, local_server, language), language)
    header = page.locator("header")
    # nothing to use in it but the accessibility statement's link and the language switch: no drawer to open (it
    # was an empty overlay), no employees' sign-in, no internal search, no link to the wall
    controls = header.locator("a, button, label, input, select, [tabindex]")
    assert controls.count() == 2 + len(LANGUAGES), header.inner_html()
    assert header.locator("[data-sw-who], [data-sw-signin-link], label[for=__search], .md-search").count() == 0
    assert page.locator("[for=__drawer]:visible, .md-nav__link, .md-sidebar--primary").count() == 0
    # its only links are the statement (in the page's language) and the languages
    assert header.locator("a[href]:not([hreflang]):not([data-sw-statement-link])").count() == 0
    statement = header.locator("[data-sw-statement-link]")
    assert page.evaluate("link => link.href", statement.element_handle()) == \
        f"{local_server}{'' if language == 'de' else language + '/'}accessibility/"
    expect(statement).to_be_visible()
    expect(header.locator("[data-sw-product]")).to_have_text(word(language, "product"))
    switch = header.locator(".md-select")
    switch.locator("button").click()
    languages = header.locator("a[hreflang]")
    expect(languages).to_have_count(len(LANGUAGES))
    for link in languages.all():
        expect(link).to_be_visible()
        assert link.bounding_box()["x"] + link.bounding_box()["width"] <= 390  # on the phone's screen
    assert not axe_violations(page)


@pytest.mark.parametrize("invited", ["en", "de"])
def test_a_language_chosen_in_the_header_stays_whatever_the_invites_language(new_context, local_server, invited):
    page = phone(new_context)
    open_form(page, local_server, invite_token(new_context, local_server, invited), invited)
    for chosen, home in (("de", ""), ("fr", "fr/"), ("en", "en/")):
        if chosen == page.evaluate("document.documentElement.lang"):
            continue
        page.locator("header .md-select button").click()
        page.locator(f"header a[hreflang={chosen}]").click()
        page.wait_for_url(f"{local_server}{home}claim/")
        page.locator("[data-sw-claim-form]").wait_for()  # the invite was read: had it moved the page, it would be gone
        assert page.url == f"{local_server}{home}claim/"
        assert page.evaluate("document.documentElement.lang") == chosen
        assert "Ada Acrylic" in page.locator("[data-sw-claim] .sw-claims__status").first.inner_text()
    page.reload()  # a reload keeps the chosen language too
    page.locator("[data-sw-claim-form]").wait_for()
    assert page.url == f"{local_server}en/claim/" and page.evaluate("document.documentElement.lang") == "en"


# --- #20 defect 8: numbers and days ------------------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
def test_the_mileage_rate_is_written_as_the_language_writes_money(new_context, local_server, language):
    page = new_context().new_page()
    open_form(page, local_server, invite_token(new_context, local_server, language), language)
    policy = page.locator(".sw-claims__policy").inner_text()
    assert word(language, "rate") in policy, policy
    assert "EUR" not in policy and "0.30 " not in policy.replace("€0.30 per", "")


def test_the_date_fields_end_on_the_persons_day_not_the_utc_day(new_context, local_server):
    now = datetime.now(timezone.utc)
    # a timezone whose day differs from UTC's right now: 14 hours ahead, or 11 behind early in the UTC day
    zone = "Pacific/Kiritimati" if now.hour >= 10 else "Pacific/Pago_Pago"
    local_day = datetime.now(ZoneInfo(zone)).date().isoformat()
    assert local_day != now.date().isoformat()
    page = new_context(timezone_id=zone).new_page()
    open_form(page, local_server, invite_token(new_context, local_server))
    line = page.locator("[data-sw-line]").first
    assert line.locator("input[name=date]").get_attribute("max") == local_day
    assert line.locator("input[name=until]").get_attribute("max") == local_day


# --- #20: the payee remembered only when ticked, the draft kept until submitted ------------------------------

STORED = "() => JSON.stringify(Object.fromEntries(Object.entries(localStorage)))"


def test_the_payee_is_kept_on_the_device_only_when_ticked_and_the_draft_until_submitted(new_context, local_server):
    context = new_context()
    page = context.new_page()
    open_form(page, local_server, invite_token(new_context, local_server))
    fill_payee(page)
    fill_line(page, "meals", "42,50")
    page.reload()
    page.locator("[data-sw-claim-form]").wait_for()
    line = page.locator("[data-sw-line]").first
    expect(line.locator("input[name=description]")).to_have_value("Abendessen am Stand")  # the draft
    expect(line.locator("input[name=gross]")).to_have_value("42,50")
    expect(line.locator("[data-sw-line-status]")).to_have_text("Beleg hochgeladen: beleg.pdf")
    assert page.input_value("input[name=holder]") == "" and page.input_value("input[name=iban]") == ""
    stored = page.evaluate(STORED)
    assert "Acrylic" not in stored and "3704" not in stored and "Kastanien" not in stored, stored  # not ticked: nothing of the payee

    fill_payee(page)
    page.check("[data-sw-remember]")
    page.reload()
    page.locator("[data-sw-claim-form]").wait_for()
    summary = page.locator("[data-sw-payee-summary]")
    expect(summary).to_be_visible()
    expect(summary.locator("[data-sw-payee-remembered]")).to_have_text(word("de", "remembered"))
    assert "0532" not in page.locator("main").inner_text()  # the IBAN is masked on screen
    expect(page.locator("input[name=iban]")).to_be_hidden()
    assert page.input_value("input[name=iban]") == GOOD_IBAN

    # submitted with the remembered payee: the draft is gone, the payee stays remembered
    page.click("[data-sw-claim-form] button[type=submit]")
    page.locator("[data-sw-confirmation]").wait_for()
    assert "auf diesem Gerät gemerkt" in page.locator("[data-sw-confirmation]").inner_text()
    page.reload()
    page.locator("[data-sw-claim-form]").wait_for()
    assert page.locator("[data-sw-line] input[name=description]").input_value() == ""
    expect(page.locator("[data-sw-payee-summary]")).to_be_visible()

    page.click("[data-sw-payee-forget]")
    expect(page.locator("input[name=holder]")).to_be_visible()
    expect(page.locator("input[name=holder]")).to_be_focused()
    assert page.input_value("input[name=iban]") == "" and not page.is_checked("[data-sw-remember]")
    expect(page.locator("[data-sw-announce]")).to_have_text("Die Zahlungsdaten sind auf diesem Gerät vergessen.")
    stored = page.evaluate(STORED)
    assert "Acrylic" not in stored and "3704" not in stored, stored


# --- #23 items 8, 9 and the minor ones: the claim form in the accessibility tree ---------------------------

@pytest.mark.parametrize("language", LANGUAGES)
def test_required_fields_are_marked_before_submitting_and_errors_are_summed_up_once(new_context, local_server, language):
    page = new_context().new_page()
    open_form(page, local_server, invite_token(new_context, local_server, language), language)
    form = page.locator("[data-sw-claim-form]")
    holder = word(language, "holder")
    expect(form).to_match_aria_snapshot(f"""
      - paragraph: {word(language, "required")}
      - group:
        - textbox "{holder}"
        - textbox "IBAN *"
    """)
    live = """form => Array.from(form.querySelectorAll('[aria-live], [role=status], [role=alert]'))
                .filter(node => node.textContent.trim()).length"""
    page.click("[data-sw-claim-form] button[type=submit]")
    expect(page.locator("[data-sw-claim-status]")).to_contain_text(word(language, "summary"))
    assert form.evaluate(live) == 1  # one summary speaks, not every field's error at once
    expect(page.locator("input[name=holder]")).to_be_focused()
    fill = page.locator("input[name=holder]").evaluate("node => document.getElementById(node.id + '-error').textContent")
    expect(form).to_match_aria_snapshot(f"""
      - group:
        - textbox "{holder}" [invalid]
        - paragraph: {fill}
    """)
    expect(page.locator("input[name=holder]")).to_have_accessible_description(fill)
    assert fill == word(language, "fill")


def test_headings_go_down_one_level_at_a_time(new_context, local_server):
    page = new_context().new_page()
    open_form(page, local_server, invite_token(new_context, local_server))
    page.click("[data-sw-add-line]")
    levels = page.locator("article").evaluate(
        "node => Array.from(node.querySelectorAll('h1, h2, h3, h4, h5, h6')).map(h => Number(h.tagName[1]))")
    assert levels[0] == 1 and all(later <= earlier + 1 for earlier, later in zip(levels, levels[1:])), levels


@pytest.mark.parametrize("language", LANGUAGES)
def test_lines_are_named_added_and_removed_with_focus_and_an_announcement(new_context, local_server, language):
    page = new_context().new_page()
    open_form(page, local_server, invite_token(new_context, local_server, language), language)
    announce = page.locator("[data-sw-announce]")
    for number in (2, 3):
        page.click("[data-sw-add-line]")
        expect(announce).to_have_text(word(language, "added", number))
        expect(page.locator("[data-sw-line]").nth(number - 1).locator("select[name=category]")).to_be_focused()
    lines = page.locator("[data-sw-claim-form] fieldset").nth(1)
    expect(lines).to_match_aria_snapshot(f"""
      - group "{word(language, "line", 2)}":
        - heading "{word(language, "line", 2)}" [level=3]
        - button "{word(language, "remove", 2)}"
      - group "{word(language, "line", 3)}":
        - heading "{word(language, "line", 3)}" [level=3]
        - button "{word(language, "remove", 3)}"
    """)
    page.locator("[data-sw-line]").nth(1).locator("[data-sw-remove-line]").click()
    expect(announce).to_have_text(word(language, "removed", 2))
    expect(page.locator("[data-sw-line]").nth(0).locator("h3")).to_be_focused()  # the line before it
    expect(lines).to_match_aria_snapshot(f"""
      - group "{word(language, "line", 1)}"
      - group "{word(language, "line", 2)}":
        - heading "{word(language, "line", 2)}" [level=3]
        - button "{word(language, "remove", 2)}"
    """)
    assert page.locator("[data-sw-line]").count() == 2
    focus_ring = page.locator("[data-sw-line]").nth(0).locator("h3").evaluate("node => getComputedStyle(node).outlineStyle")
    assert focus_ring != "none"


def test_the_upload_status_belongs_to_its_file_input(new_context, local_server):
    page = new_context().new_page()
    open_form(page, local_server, invite_token(new_context, local_server))
    fill_line(page, "meals", "12,00")
    receipt = page.locator("[data-sw-line] input[name=receipt]")
    expect(receipt).to_have_accessible_description(word("de", "uploaded"))


# --- #20: finance's question answered with a correction, a claim withdrawn, a print link per claim ----------

FLOW = {
    "de": {"question": "Rückfrage der Buchhaltung zu {ref}", "asked": "Rückfrage", "correct": "Antworten und korrigieren",
           "title": "Abrechnung {ref} korrigieren", "filed": "Der eingereichte Beleg bleibt – eine neue Datei ersetzt ihn.",
           "limit": "Verpflegung: höchstens 90,00\u00a0€ je Abrechnung.", "resubmitted": "Danke! Deine korrigierte Abrechnung ist wieder eingereicht.",
           "submitted": "eingereicht", "withdraw": "Abrechnung {ref} zurückziehen", "yes": "Ja, zurückziehen", "no": "Abbrechen",
           "withdrawn": "zurückgezogen", "print": "Abrechnung {ref} drucken", "done": "Abrechnung {ref} ist zurückgezogen."},
    "en": {"question": "Finance has a question about {ref}", "asked": "question from finance", "correct": "Answer and correct",
           "title": "Correct claim {ref}", "filed": "The receipt you submitted stays – a new file replaces it.",
           "limit": "Meals: at most €90.00 per claim.", "resubmitted": "Thank you! Your corrected claim is submitted again.",
           "submitted": "submitted", "withdraw": "Withdraw claim {ref}", "yes": "Yes, withdraw", "no": "Cancel",
           "withdrawn": "withdrawn", "print": "Print claim {ref}", "done": "Claim {ref} is withdrawn."},
    "fr": {"question": "La comptabilité a une question sur {ref}", "asked": "question de la comptabilité",
           "correct": "Répondre et corriger", "title": "Corriger la note de frais {ref}",
           "filed": "Le justificatif déjà envoyé reste – un nouveau fichier le remplace.",
           "limit": "Repas\u00a0: 90,00\u00a0€ au plus par note de frais.", "resubmitted": "Merci\u202f! Votre note de frais corrigée est de nouveau envoyée.",
           "submitted": "envoyée", "withdraw": "Retirer la note de frais {ref}", "yes": "Oui, retirer", "no": "Annuler",
           "withdrawn": "retirée", "print": "Imprimer la note de frais {ref}", "done": "La note de frais {ref} est retirée."},
}


def finance_asks(page, base: str, reference: str, question: str) -> None:
    """A person in finance asks the influencer instead of rejecting (the dev server's identity headers)."""
    reply = page.request.post(f"{base}api/claims/{reference}/decision", headers={
        "X-Sharewall-Dev-User": "fiona-finance", "X-Sharewall-Dev-Roles": "employee,finance"},
        data={"action": "ask", "expected": "submitted", "question": question})
    assert reply.status == 200, reply.text()


@pytest.mark.parametrize("language", LANGUAGES)
def test_finance_question_is_answered_with_a_correction_and_a_claim_withdrawn(new_context, local_server, language):
    words = FLOW[language]
    page = new_context().new_page()
    open_form(page, local_server, invite_token(new_context, local_server, language), language)
    fill_payee(page)
    fill_line(page, "meals", "42,50")
    page.click("[data-sw-claim-form] button[type=submit]")
    reference = page.locator("[data-sw-confirmation] [data-sw-reference]").inner_text()
    row = page.locator(f"[data-sw-mine] tr[data-claim='{reference}']")
    print_link = row.locator("[data-sw-print]")
    expect(print_link).to_have_attribute("href", f"?print={reference}")
    expect(print_link).to_have_accessible_name(words["print"].format(ref=reference))

    finance_asks(page, local_server, reference, "Bitte den Beleg mit Datum nachreichen.")
    page.reload()
    asked = page.locator(f"[data-sw-question='{reference}']")
    expect(asked.locator("h3")).to_have_text(words["question"].format(ref=reference))
    expect(asked).to_contain_text("Bitte den Beleg mit Datum nachreichen.")
    expect(row.locator("td").nth(3)).to_have_text(words["asked"])
    assert not axe_violations(page)

    asked.locator("[data-sw-correct]").click()
    expect(page.locator("[data-sw-form-title]")).to_have_text(words["title"].format(ref=reference))
    expect(page.locator("[data-sw-form-title]")).to_be_focused()
    line = page.locator("[data-sw-line]").first
    expect(line.locator("input[name=description]")).to_have_value("Abendessen am Stand")
    expect(line.locator("[data-sw-line-status]")).to_have_text(words["filed"])
    fill_payee(page)  # the claim page knows the filed IBAN only masked: the payee is sent again
    # refused by the API (one 400 with every problem): said at the field it names
    line.locator("input[name=gross]").fill("95,00")
    page.click("[data-sw-claim-form] button[type=submit]")
    gross = line.locator("[data-sw-error=gross]")
    expect(gross).to_contain_text(words["limit"])
    expect(line.locator("input[name=gross]")).to_have_attribute("aria-invalid", "true")
    line.locator("input[name=gross]").fill("40,00")
    page.fill("[data-sw-correction] textarea[name=answer]", "Der Beleg ist jetzt lesbar.")
    page.click("[data-sw-claim-form] button[type=submit]")
    expect(page.locator("[data-sw-claim-status]")).to_have_text(words["resubmitted"])
    expect(page.locator("[data-sw-correction]")).to_have_count(0)
    expect(row.locator("td").nth(3)).to_have_text(words["submitted"])
    expect(row.locator("[data-sw-history]")).to_contain_text("Bitte den Beleg mit Datum nachreichen.")
    expect(row.locator("[data-sw-history]")).to_contain_text("Der Beleg ist jetzt lesbar.")
    expect(page.locator(f"[data-sw-question='{reference}']")).to_have_count(0)

    # withdrawn after a confirmation (cancelled once)
    withdraw = row.locator("[data-sw-withdraw]")
    expect(withdraw).to_have_accessible_name(words["withdraw"].format(ref=reference))
    withdraw.click()
    expect(row.locator("[data-sw-withdraw-yes]")).to_be_focused()
    row.locator("[data-sw-withdraw-no]").click()
    expect(withdraw).to_be_focused()
    expect(row).to_have_attribute("data-status", "submitted")
    withdraw.click()
    expect(row.locator("[data-sw-withdraw-yes]")).to_have_text(words["yes"])
    row.locator("[data-sw-withdraw-yes]").click()
    expect(page.locator("[data-sw-mine-status]")).to_have_text(words["done"].format(ref=reference))
    expect(row).to_have_attribute("data-status", "withdrawn")
    expect(row.locator("td").nth(3)).to_have_text(words["withdrawn"])
    expect(row.locator("[data-sw-withdraw]")).to_have_count(0)
