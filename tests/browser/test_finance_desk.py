"""#20 in Chromium against a `sharewall serve` of its own: the finance desk in every interface language - one
flag count in list and detail, columns that name their decision, actions on screen on a phone (390 px), claims
found by text, campaign and submission days (server-side, kept in the address through reload and back), ticked
claims approved in one request with a result per claim, a question asked instead of a rejection, the payment
run's execution date, and no run offered to whoever approved every waiting claim."""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from site_builder.catalogue import load as load_catalogue
from tests.browser.support import dev_sign_in, make_claim, staff
from tests.interface_languages import interface_languages
from tests.local_serve import request

pytestmark = pytest.mark.browser
LANGUAGES = interface_languages()
PATHS = {language: "/finance/" if language == "de" else f"/{language}/finance/" for language in LANGUAGES}


def strings(language: str, section: str = "finance_review") -> dict:
    return load_catalogue(language).sections[section]


def sign_in(page, base: str, language: str, user: str | None = None) -> str:
    user = user or f"fin-{uuid.uuid4().hex[:6]}"
    dev_sign_in(page, base, user, ["employee", "finance"], PATHS[language])
    return user


def decide(base: str, claim_id: str, action: str, user: str, **extra) -> dict:
    """A decision through the API by `user` of finance, whose token names them `user` (the list shows who decided)."""
    from site_builder.local.devauth import dev_token

    expected = "approved" if action == "pay" else "submitted"
    token = dev_token(user, ["employee", "finance"], name=user)
    status, _, body = request(base + f"api/claims/{claim_id}/decision", "POST",
                              {"action": action, "expected": expected, "confirm_flags": True, **extra},
                              {"Authorization": f"Bearer {token}"})
    assert status == 200, body
    return json.loads(body)


def detail_of(base: str, claim_id: str) -> dict:
    status, _, body = request(base + f"api/claims/{claim_id}", headers=staff("finance"))
    assert status == 200, body
    return json.loads(body)


# Whether the element `selector` names lies within the first `width` pixels of the screen once the page is scrolled
# down to it (only down: a table's own sideways scrolling does not count as on screen)
ON_SCREEN = """([selector, width]) => { const node = document.querySelector(selector); if (!node) return false;
  window.scrollTo(0, node.getBoundingClientRect().top + window.scrollY - 200); const box = node.getBoundingClientRect();
  return box.width > 0 && box.left >= 0 && box.right <= width; }"""


def search(page, text: str) -> None:
    page.fill("[data-sw-filters] input[name=q]", text)
    page.press("[data-sw-filters] input[name=q]", "Enter")  # sends the form, as the search button does


def listed(page) -> list[str]:
    return page.locator("[data-sw-claims] tbody tr[data-claim]").evaluate_all("rows => rows.map(r => r.dataset.claim)")


def wait_listed(page, ids: list[str]) -> None:
    page.wait_for_function("ids => { const rows = [...document.querySelectorAll('[data-sw-claims] tbody tr[data-claim]')];"
                           " return JSON.stringify(rows.map(r => r.dataset.claim).sort()) === JSON.stringify(ids); }",
                           arg=sorted(ids))


@pytest.mark.parametrize("language", LANGUAGES)
def test_one_flag_count_and_columns_that_name_their_decision(claims_page, claims_server, language):
    t = strings(language)
    marker = uuid.uuid4().hex[:8]
    first = make_claim(claims_server, "41.10", holder=f"Flag {marker}")
    second = make_claim(claims_server, "41.10", holder=f"Flag {marker}")  # the same payee, day and amount
    page = claims_page()
    sign_in(page, claims_server, language)
    page.locator(f"[data-sw-claims] tr[data-claim='{second}']").wait_for()
    column = page.locator("[data-sw-claims] thead th").all_inner_texts().index(t["flags"])
    for claim_id in (first, second):
        flags = len(detail_of(claims_server, claim_id)["flags"])
        assert flags >= 1
        cell = page.locator(f"[data-sw-claims] tr[data-claim='{claim_id}'] td").nth(column)
        assert cell.inner_text() == "⚠ " + str(flags)  # the detail's count, for the older claim too
        page.click(f"[data-sw-open='{claim_id}']")
        page.locator(f"[data-sw-detail][data-claim='{claim_id}'] [data-sw-flags] li").first.wait_for()
        assert page.locator("[data-sw-detail] [data-sw-flags] li").count() == flags

    approver, payer, rejecter = (f"{name}-{marker}" for name in ("anna", "paul", "rita"))
    decide(claims_server, first, "approve", approver)
    decide(claims_server, first, "pay", payer)
    decide(claims_server, second, "reject", rejecter, reason="doppelt")
    heads = {"paid": [t["approved_by"], t["paid_by"]], "rejected": [t["rejected_by"]]}
    for tab, claim_id in (("paid", first), ("rejected", second)):
        page.click(f"[data-sw-status={tab}]")
        page.locator(f"[data-sw-summary][data-status={tab}]").wait_for()  # the tab's answer is shown
        row = page.locator(f"[data-sw-claims] tr[data-claim='{claim_id}']")
        header = page.locator("[data-sw-claims] thead th").all_inner_texts()
        assert header[6:-1] == heads[tab]  # after the flags, one column per decision, named by it
        cells = row.locator("td").all_inner_texts()
        assert cells[6:-1] == ([approver, payer] if tab == "paid" else [rejecter])


@pytest.mark.parametrize("language", LANGUAGES)
def test_on_a_phone_every_action_stays_on_screen(claims_page, claims_server, language):
    marker = uuid.uuid4().hex[:8]
    made = [make_claim(claims_server, amount, holder=f"Telefon {marker}", description=f"Lange Beschreibung {marker}")
            for amount in ("5.00", "6.00")]
    decide(claims_server, made[1], "approve", f"anna-{marker}")
    status, _, body = request(claims_server + "api/payment-runs", "POST", None, staff("finance", f"bert-{marker}"))
    assert status == 201, body
    run = json.loads(body)["id"]
    page = claims_page(width=390, height=844)
    sign_in(page, claims_server, language)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing widens the page
    actions = [f"[data-sw-open='{made[0]}']", f"[data-sw-select='{made[0]}']",
               f"[data-sw-runs-list] tr[data-run='{run}'] [data-sw-run-action=confirm]",
               f"[data-sw-runs-list] tr[data-run='{run}'] [data-sw-run-action=cancel]"]
    for selector in actions:  # each on screen once scrolled to, not pushed off sideways by a wide table
        page.wait_for_function(ON_SCREEN, arg=[selector, 390])
    # each cell says its column's name on the card
    cell = page.locator(f"[data-sw-claims] tr[data-claim='{made[0]}'] td").nth(2)
    assert cell.get_attribute("data-label") == strings(language)["payee"]


def test_claims_are_found_server_side_and_the_address_keeps_the_filters(claims_page, claims_server):
    t = strings("de")
    marker = uuid.uuid4().hex[:8]
    taxi = make_claim(claims_server, "7.70", holder=f"Suche {marker}", description="Taxi zum Bahnhof")
    hotel = make_claim(claims_server, "68.00", holder=f"Suche {marker}", description=f"Hotel {marker}-Nacht")
    page = claims_page()
    asked: list[str] = []
    page.on("request", lambda sent: asked.append(sent.url) if "/api/claims?" in sent.url else None)
    sign_in(page, claims_server, "de")
    search(page, marker)
    wait_listed(page, [taxi, hotel])
    assert re.search(r"[?&]search=" + marker, page.url)  # not q=, which opens Material's own search on reload
    assert any(f"q={marker}" in url and "status=submitted" in url for url in asked)  # asked of the server
    search(page, f"{marker}-nacht")  # a line's description, any case
    wait_listed(page, [hotel])

    page.reload()  # the address keeps the filter: same search, same rows
    wait_listed(page, [hotel])
    assert page.locator("[data-sw-filters] input[name=q]").input_value() == f"{marker}-nacht"

    today = datetime.now(timezone.utc).date()
    page.fill("[data-sw-filters] input[name=q]", marker)
    page.fill("[data-sw-filters] input[name=from]", (today + timedelta(days=2)).isoformat())
    page.click("[data-sw-filter]")
    page.locator("[data-sw-claims] tbody td[colspan]").wait_for()
    assert page.locator("[data-sw-claims] tbody").inner_text() == t["none_filtered"]
    assert "from=" in page.url

    page.go_back()  # back: the search before, its rows again
    wait_listed(page, [hotel])
    assert page.locator("[data-sw-filters] input[name=from]").input_value() == ""

    page.fill("[data-sw-filters] input[name=q]", marker)
    page.select_option("[data-sw-filters] select[name=campaign]", "creator-programme")
    page.fill("[data-sw-filters] input[name=from]", (today - timedelta(days=1)).isoformat())
    page.fill("[data-sw-filters] input[name=to]", (today + timedelta(days=1)).isoformat())
    page.click("[data-sw-filter]")
    wait_listed(page, [taxi, hotel])
    assert "campaign=creator-programme" in page.url

    # a range that ends before it starts is said at the field, in German, and asks nothing
    before = len(asked)
    page.fill("[data-sw-filters] input[name=to]", (today - timedelta(days=3)).isoformat())
    page.click("[data-sw-filter]")
    assert page.locator("[data-sw-field-error=to]").inner_text() == t["range_backwards"]
    assert len(asked) == before


@pytest.mark.parametrize("language", LANGUAGES)
def test_ticked_claims_are_approved_together_with_a_result_each(claims_page, claims_server, language):
    t = strings(language)
    marker = uuid.uuid4().hex[:8]
    user = f"fin-{marker}"
    cents = LANGUAGES.index(language)  # amounts of this language's claims only: no flag from another test's claim
    plain = make_claim(claims_server, f"10.0{cents}", holder=f"Stapel {marker}")
    first = make_claim(claims_server, f"20.0{cents}", holder=f"Doppelt {marker}")
    flagged = make_claim(claims_server, f"20.0{cents}", holder=f"Doppelt {marker}")  # the same payee, day and amount
    stale = make_claim(claims_server, f"30.0{cents}", holder=f"Stapel {marker}")
    own = make_claim(claims_server, f"40.0{cents}", holder=f"Eigen {marker}", creator=user)  # this person's own invite
    page = claims_page()
    posted: list[dict] = []
    page.on("request", lambda sent: posted.append(sent.post_data_json) if sent.url.endswith("/api/claims/decisions") else None)
    sign_in(page, claims_server, language, user)
    search(page, marker)
    wait_listed(page, [plain, first, flagged, stale, own])

    own_row = page.locator(f"[data-sw-claims] tr[data-claim='{own}']")
    assert own_row.locator("[data-sw-select]").count() == 0  # never offered on a claim of one's own invite
    assert own_row.locator("[data-sw-own-invite]").inner_text() == t["own_invite_short"]

    for claim_id in (plain, flagged, stale):
        page.check(f"[data-sw-select='{claim_id}']")
    assert page.locator("[data-sw-bulk-confirm]").is_visible()  # a flagged claim is among them
    page.click("[data-sw-bulk-approve]")
    assert page.locator("[data-sw-bulk-status]").inner_text() == t["bulk_confirm_needed"]
    assert posted == []  # nothing sent without the confirmation

    decide(claims_server, stale, "approve", f"other-{marker}")  # decided meanwhile by someone else
    page.check("[data-sw-bulk-confirm] input")
    page.locator("[data-sw-bulk-approve]").dblclick()
    page.locator(f"[data-sw-bulk-result='{stale}']").wait_for()
    assert len(posted) == 1  # one request, however often clicked
    sent = {item["id"]: item for item in posted[0]["claims"]}
    assert posted[0]["action"] == "approve" and set(sent) == {plain, flagged, stale}
    assert sent[flagged]["confirm_flags"] is True and sent[plain]["confirm_flags"] is False

    results = page.locator("[data-sw-bulk-results]")
    assert results.locator(f"[data-sw-bulk-result='{plain}']").inner_text().endswith(t["bulk_approved"])
    assert results.locator(f"[data-sw-bulk-result='{flagged}']").inner_text().endswith(t["bulk_approved"])
    refused = results.locator(f"[data-sw-bulk-result='{stale}']")
    assert refused.get_attribute("data-ok") == "false"
    assert refused.inner_text().endswith(t["bulk_refused"] + " " + t["refusals"]["status_changed"])
    assert page.locator("[data-sw-bulk-status]").inner_text() == t["bulk_done"].replace(
        "{approved}", "2").replace("{refused}", "1")
    assert detail_of(claims_server, plain)["status"] == "approved"
    assert detail_of(claims_server, flagged)["status"] == "approved"
    page.locator(f"[data-sw-claims] tr[data-claim='{plain}']").wait_for(state="detached")  # the list follows
    assert own in listed(page) and flagged not in listed(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_finance_asks_a_question_instead_of_rejecting(claims_page, claims_server, language):
    t = strings(language)
    marker = uuid.uuid4().hex[:8]
    claim_id = make_claim(claims_server, "12.00", holder=f"Frage {marker}")
    page = claims_page()
    sign_in(page, claims_server, language)
    search(page, marker)
    page.click(f"[data-sw-open='{claim_id}']")
    detail = page.locator(f"[data-sw-detail][data-claim='{claim_id}']")
    detail.locator("[data-sw-action=ask]").click()
    assert detail.locator("[data-sw-field-error=question]").inner_text() == t["question_needed"]
    assert detail.locator("textarea[name=question]").get_attribute("aria-invalid") == "true"
    question = f"Bitte den Beleg der Taxifahrt {marker} nachreichen."
    detail.locator("textarea[name=question]").fill(question)
    detail.locator("[data-sw-action=ask]").click()
    detail.locator("[data-sw-question]").wait_for()  # the detail again, now waiting for the answer
    assert question in detail.locator("[data-sw-question]").inner_text()
    assert detail.locator("[data-sw-why-not]").inner_text() == t["waiting_answer"]
    assert t["asked"] + " " + question in detail.locator("[data-sw-audit]").inner_text()
    assert detail_of(claims_server, claim_id)["status"] == "needs_info"

    page.click("[data-sw-status=needs_info]")
    row = page.locator(f"[data-sw-claims] tr[data-claim='{claim_id}'][data-status=needs_info]")
    row.wait_for()
    assert t["question"] in page.locator("[data-sw-claims] thead").inner_text()
    assert question in row.inner_text()
    assert "status=needs_info" in page.url


def next_business_day() -> str:
    from claims import target2
    from sharewall_common.clock import zone

    return target2.next_business_day(datetime.now(timezone.utc).astimezone(zone()).date()).isoformat()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_payment_run_asks_for_an_execution_date(claims_page, claims_server, language):
    runs = strings(language, "finance_runs")
    marker = uuid.uuid4().hex[:8]
    decide(claims_server, make_claim(claims_server, "9.00", holder=f"Lauf {marker}"), "approve", f"anna-{marker}")
    page = claims_page()
    sign_in(page, claims_server, language)
    field = page.locator("[data-sw-run-form] input[name=execution_date]")
    page.wait_for_function("() => document.querySelector('[data-sw-run-form] input[name=execution_date]').value !== ''")
    assert field.input_value() == next_business_day()  # the default: the next TARGET2 business day

    saturday = datetime.fromisoformat(next_business_day()).date()
    saturday += timedelta(days=(5 - saturday.weekday()) % 7 or 7)
    field.fill(saturday.isoformat())
    page.click("[data-sw-run-create]")
    error = page.locator("[data-sw-field-error=execution_date]")
    page.wait_for_function("() => document.querySelector('[data-sw-field-error=execution_date]').textContent !== ''")
    assert error.inner_text().startswith(runs["refusals"]["execution_not_business_day"])
    from claims import target2

    following = page.evaluate("iso => Sharewall.format.day(new Date(iso + 'T00:00:00Z'))",
                              target2.next_business_day(saturday).isoformat())
    assert runs["execution_proposed"].replace("{date}", following) in error.inner_text()  # the day proposed, in the page's words
    assert field.get_attribute("aria-invalid") == "true"

    field.fill(next_business_day())
    page.click("[data-sw-run-create]")
    page.locator("[data-sw-runs-status].sw-claims__status--ok").wait_for()
    day = page.evaluate("iso => Sharewall.format.day(new Date(iso + 'T00:00:00Z'))", next_business_day())
    assert runs["execution_on"].replace("{date}", day) in page.locator("[data-sw-runs-status]").inner_text()
    assert page.locator("[data-sw-runs-list] thead th").nth(2).inner_text() == runs["execution_column"]
    assert day in page.locator("[data-sw-runs-list] tbody tr").first.inner_text()


def test_no_run_is_offered_to_whoever_approved_every_waiting_claim(claims_page, claims_server):
    runs = strings("de", "finance_runs")
    marker = uuid.uuid4().hex[:8]
    approver = f"anna-{marker}"
    # whatever earlier tests left approved goes into a run of someone who approved none of it
    request(claims_server + "api/payment-runs", "POST", None, staff("finance", f"clear-{marker}"))
    decide(claims_server, make_claim(claims_server, "8.00", holder=f"Eigen {marker}"), "approve", approver)

    page = claims_page()
    sign_in(page, claims_server, "de", approver)
    why = page.locator("[data-sw-why-not=create]")
    why.wait_for()
    assert why.inner_text() == runs["all_own"]
    assert page.locator("[data-sw-run-create]").is_hidden()

    other = claims_page()
    sign_in(other, claims_server, "de", f"bert-{marker}")  # approved none of them: offered
    other.locator("[data-sw-runs-list] tbody tr").first.wait_for()
    assert other.locator("[data-sw-run-create]").is_visible()
    assert other.locator("[data-sw-why-not=create]").is_hidden()
