"""Defect 10 (#20): the suggest form said comms would see who suggested, while comms see "Ohne Namen". What it says
now is what happens: a named employee suggests without the tick, comms' review shows no name (neither the
employee's name nor any other trace of who), and the tick's hint on the form says exactly that — in every
interface language; with the tick, comms see the name."""

from __future__ import annotations

import uuid
from contextlib import ExitStack

import pytest

from tests.browser.support import dev_sign_in, offline_context
from tests.browser.test_suggestions import FORM, card, fill_suggestion, sign_in_named
from tests.interface_languages import interface_languages

pytestmark = pytest.mark.browser
# What the hint must say of an unticked suggestion: the name is not stored, comms see none
UNTICKED = {"de": ("nicht gespeichert", "ohne Namen"), "en": ("not stored", "without a name"),
            "fr": ("pas enregistré", "sans nom")}


@pytest.fixture
def new_page(browser, claims_server):
    with ExitStack() as stack:
        yield lambda: stack.enter_context(offline_context(browser)).new_page()


def suggest(page, title: str, named: bool) -> None:
    fill_suggestion(page, f"https://blog.example.com/{uuid.uuid4().hex[:8]}", title)
    page.set_checked(f"{FORM} input[name=name_me]", named)
    page.click(f"{FORM} [data-sw-submit]")
    page.locator("[data-sw-suggest-status].sw-claims__status--ok").wait_for()


def test_unticked_comms_see_no_name_and_the_form_says_so(new_page, claims_server):
    tag = uuid.uuid4().hex[:6]
    employee = new_page()
    sign_in_named(employee, claims_server, f"erika-{tag}", f"Erika Mustermann {tag}", "/suggest/")
    hint = employee.locator(f"{FORM} #sw-suggest-name_me-hint").inner_text()
    stored, shown = UNTICKED["de"]
    assert stored in hint and shown in hint, hint
    assert "sieht nur die Kommunikation, dass" not in hint  # the old promise
    suggest(employee, f"Anonym {tag}", named=False)
    suggest(employee, f"Genannt {tag}", named=True)

    comms = new_page()
    dev_sign_in(comms, claims_server, f"carla-{tag}", ["employee", "comms"], "/suggestions/")
    unnamed, named = card(comms, f"Anonym {tag}"), card(comms, f"Genannt {tag}")
    unnamed.wait_for()
    named.wait_for()
    assert unnamed.locator("[data-sw-by]").inner_text() == "Ohne Namen (möchte nicht genannt werden)"
    assert "Erika" not in unnamed.inner_text() and f"erika-{tag}" not in unnamed.inner_text()
    assert f"Erika Mustermann {tag}" in named.locator("[data-sw-by]").inner_text()


@pytest.mark.parametrize("language", interface_languages())
def test_the_hint_says_what_happens_in_every_language(new_page, claims_server, language):
    page = new_page()
    path = "/suggest/" if language == interface_languages()[0] else f"/{language}/suggest/"
    dev_sign_in(page, claims_server, f"emil-{uuid.uuid4().hex[:6]}", ["employee"], path)
    hint = page.locator(f"{FORM} #sw-suggest-name_me-hint")
    hint.wait_for()
    stored, shown = UNTICKED[language]
    assert stored in hint.inner_text() and shown in hint.inner_text(), hint.inner_text()
