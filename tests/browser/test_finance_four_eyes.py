"""#20 in Chromium against a `sharewall serve` of its own: the German finance page offers each person only
the decisions they may take (four eyes) and says why not in place of the others, and says every refusal
in German - a worded code by its sentence, a code it does not know by the one generic sentence, never
the API's English text."""

from __future__ import annotations

import json
import re
import uuid

import pytest

from site_builder.catalogue import load as load_catalogue
from tests.browser.support import dev_sign_in, make_claim, staff
from tests.local_serve import request

pytestmark = pytest.mark.browser
GERMAN = load_catalogue("de").sections
RUNS, REVIEW = GERMAN["finance_runs"], GERMAN["finance_review"]


def approve(base: str, claim_id: str, user: str) -> None:
    status, _, body = request(base + f"api/claims/{claim_id}/decision", "POST",
                              {"action": "approve", "expected": "submitted", "confirm_duplicates": True}, staff("finance", user))
    assert status == 200, body


def create_run(base: str, user: str) -> dict:
    status, _, body = request(base + "api/payment-runs", "POST", None, staff("finance", user))
    assert status == 201, body
    return json.loads(body)


def test_the_approver_is_not_offered_to_confirm_their_run_paid_and_reads_why(claims_page, claims_server):
    approver, creator = f"anna-{uuid.uuid4().hex[:6]}", f"bert-{uuid.uuid4().hex[:6]}"
    claim_id = make_claim(claims_server, "21.00", holder="Vier Augen")
    approve(claims_server, claim_id, approver)
    run = create_run(claims_server, creator)
    assert claim_id in run["claims"]
    held = make_claim(claims_server, "7.00", holder="Noch Offen")  # approved by the same person, in no run yet
    approve(claims_server, held, approver)

    page = claims_page()
    dev_sign_in(page, claims_server, approver, ["employee", "finance"], "/finance/")
    row = page.locator(f"[data-sw-runs-list] tr[data-run='{run['id']}']")
    row.locator("[data-sw-why-not]").wait_for()
    assert row.locator("[data-sw-why-not]").inner_text() == RUNS["you_approved"]  # why not, in German
    assert row.locator("[data-sw-run-action=confirm]").count() == 0
    assert RUNS["confirm"] not in row.inner_text() and "Als bezahlt markieren" not in row.inner_text()
    assert row.locator("[data-sw-run-action=cancel]").is_visible()  # what they may do stays offered
    headers = page.locator("[data-sw-runs-list] thead th").all_inner_texts()
    assert headers[5] == RUNS["files_column"] == "Dateien"  # the files' column was headed [object Object]

    # the claim they approved: no "Als bezahlt markieren", the reason instead
    page.click("[data-sw-status=approved]")
    page.click(f"[data-sw-open='{held}']")
    decision = page.locator(f"[data-sw-detail][data-claim='{held}'] [data-sw-decision]")
    decision.wait_for()
    assert decision.locator("[data-sw-action]").count() == 0
    assert "Als bezahlt markieren" not in page.locator("[data-sw-detail]").inner_text()
    assert decision.locator("[data-sw-why-not]").inner_text() == REVIEW["you_approved"]

    # the run's creator is offered neither confirm nor cancel, and reads why
    other = claims_page()
    dev_sign_in(other, claims_server, creator, ["employee", "finance"], "/finance/")
    mine = other.locator(f"[data-sw-runs-list] tr[data-run='{run['id']}']")
    mine.locator("[data-sw-why-not]").wait_for()
    assert mine.locator("[data-sw-run-action]").count() == 0
    assert mine.locator("[data-sw-why-not]").inner_text() == RUNS["own"]


def test_refusals_are_said_in_german_never_in_the_apis_english(claims_page, claims_server):
    # a flagged claim (a second one with the same payee, day and amount) approved without the confirmation
    make_claim(claims_server, "33.30", holder="Doppelt Eingereicht")
    flagged = make_claim(claims_server, "33.30", holder="Doppelt Eingereicht")
    page = claims_page()
    dev_sign_in(page, claims_server, f"clara-{uuid.uuid4().hex[:6]}", ["employee", "finance"], "/finance/")
    page.click(f"[data-sw-open='{flagged}']")
    detail = page.locator(f"[data-sw-detail][data-claim='{flagged}']")
    detail.locator("[data-sw-flags]").wait_for()
    detail.locator("[data-sw-action=approve]").click()
    note = detail.locator("[data-sw-decision] .sw-claims__status--error")
    note.wait_for()
    assert note.inner_text() == REVIEW["refusals"]["confirm_duplicates"]
    assert "flagged" not in detail.inner_text()

    # a code no sentence of the page words: the generic German sentence with the status, not the API's text
    page.route(re.compile(r".*/api/payment-runs$"), lambda route: route.fulfill(
        status=409, content_type="application/json",
        body=json.dumps({"error": {"code": "brand_new_refusal", "message": "this run is refused for a new reason"}}))
        if route.request.method == "POST" else route.continue_())
    page.click("[data-sw-run-create]")
    status = page.locator("[data-sw-runs-status].sw-claims__status--error")
    status.wait_for()
    assert status.inner_text() == RUNS["refusals"]["fallback"].replace("{status}", "409")
    assert "refused for a new reason" not in page.locator("body").inner_text()
