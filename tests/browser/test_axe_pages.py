"""axe-core on every page of the real `sharewall serve`, in every interface language, as each kind of person.

Each page is checked as it looks once its scripts have finished (the API's answers shown): signed out,
as an employee, as comms and as finance; the claim page as the influencer with an invite. No serious or
critical violation anywhere.
"""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.browser.support import axe_violations, dev_sign_in, offline_context
from tests.interface_languages import interface_languages

pytestmark = pytest.mark.browser

PAGES = ("", "guidelines/", "stats/", "suggest/", "suggestions/", "invites/", "finance/", "claim/", "accessibility/",
         "no-such-page/")
ROLES = {"signed-out": None, "employee": ["employee"], "comms": ["employee", "comms"],
         "finance": ["employee", "finance"]}
# each interface language below the site: the theme's at the root, every alternate in its folder
HOMES = {code: "" if position == 0 else f"{code}/" for position, code in enumerate(interface_languages())}


def first_post(base: str) -> str:
    with urllib.request.urlopen(f"{base}posts.json", timeout=30) as response:
        return f"posts/{json.load(response)['posts'][0]['slug']}/"


def settled(page, url: str) -> None:
    """Open `url` and wait until its scripts have asked the API and shown the answers."""
    page.goto(url)
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("language", HOMES)
@pytest.mark.parametrize("role", ROLES)
def test_no_serious_violation_on_any_page(browser, local_server, role, language):
    home = local_server + HOMES[language]
    found = {}
    with offline_context(browser) as context:
        page = context.new_page()
        if ROLES[role]:
            dev_sign_in(page, local_server, f"axe-{role}", ROLES[role], f"/{HOMES[language]}")
        for path in (*PAGES, first_post(local_server)):
            settled(page, home + path)
            # CloudFront answers every unknown path with the site's one 404.html, whichever language
            assert path == PAGES[-1] or page.locator("html").get_attribute("lang") == language, path
            violations = axe_violations(page)
            if violations:
                found[path] = violations
        if role == "signed-out":
            settled(page, f"{local_server}signin/")
            found.update({"signin/": axe_violations(page)} if axe_violations(page) else {})
    assert not found, found


@pytest.mark.parametrize("language", HOMES)
def test_no_serious_violation_on_the_claim_form_with_an_invite(browser, local_server, language):
    with offline_context(browser) as context:
        comms = context.new_page()
        dev_sign_in(comms, local_server, "axe-comms", ["employee", "comms"], f"/{HOMES[language]}invites/")
        comms.fill("input[name=name]", "Axel Axe")
        comms.fill("input[name=email]", "axel@example.org")
        comms.select_option("select[name=campaign]", "creator-programme")
        comms.select_option("select[name=language]", language)
        comms.click("[data-sw-invite-form] button[type=submit]")
        link = comms.locator("[data-sw-invite-link]").input_value()
    assert f"/{HOMES[language]}claim/#invite=" in link  # the invite opens the claim page of its language
    with offline_context(browser) as context:
        influencer = context.new_page()
        influencer.goto(link)
        influencer.locator("[data-sw-claim-form]").wait_for()
        influencer.wait_for_load_state("networkidle")
        assert influencer.locator("html").get_attribute("lang") == language
        assert not axe_violations(influencer)
        # on a phone the form fits the screen, however long the language's labels (French categories once did not)
        influencer.set_viewport_size({"width": 390, "height": 900})
        assert influencer.evaluate("() => document.documentElement.scrollWidth") <= 390
