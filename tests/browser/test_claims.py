"""Expense claims end to end in Debian's Chromium against the real `sharewall serve`: comms creates an
invite, the influencer opens the link, fills the form, uploads a receipt straight to (moto) S3 and
submits; finance approves; the CSV holds the claim, a payment run's SEPA file pays it, another person in
finance confirms the run paid."""

from __future__ import annotations

import csv
import io
import re
import uuid
from contextlib import ExitStack
from datetime import date, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest

from site_builder.settings import load_settings
from tests.browser.support import axe_violations, dev_sign_in, offline_context
from tests.functions.claims_client import IBAN_A as IBAN
from tests.functions.claims_client import PDF, PNG

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.browser


@pytest.fixture
def new_context(browser, local_server):
    """Fresh browser contexts (one per person); page errors fail the test."""
    with ExitStack() as stack:
        yield lambda: stack.enter_context(offline_context(browser, accept_downloads=True))


def fill_invite(new_context, base: str, user: str, name: str, email: str):
    """Comms `user` signs in and creates an invite for `name`; (the comms page, the invite link)."""
    page = new_context().new_page()
    dev_sign_in(page, base, user, ["employee", "comms"], "/invites/")
    page.fill("input[name=name]", name)
    page.fill("input[name=email]", email)
    # only running, reimbursed campaigns of content/campaigns.yml are offered, by name
    assert "employer-branding-2027" not in page.locator("select[name=campaign]").inner_text()
    page.select_option("select[name=campaign]", "creator-programme")
    page.click("[data-sw-invite-form] button[type=submit]")
    return page, page.locator("[data-sw-invite-link]").input_value()


def create_invite(new_context, base: str, name: str) -> str:
    page, link = fill_invite(new_context, base, f"comms-{uuid.uuid4().hex[:6]}", name,
                             f"{uuid.uuid4().hex[:8]}@example.org")
    assert re.fullmatch(re.escape(base) + r"claim/#invite=[0-9a-f]{16}\.[\w-]{43}", link), link
    page.locator(f"[data-sw-invite-list] tr:has-text('{name}')").wait_for()
    assert not axe_violations(page)
    return link


def fill_payee(page, holder: str) -> None:
    page.locator("[data-sw-claim-form]").wait_for()
    page.fill("input[name=holder]", holder)
    page.fill("input[name=street]", "Kastanienallee 12")
    page.fill("input[name=postcode]", "10435")
    page.fill("input[name=town]", "Berlin")
    page.fill("input[name=iban]", "DE89 3704 0044 0532 0130 00")


def fill_claim(page, holder: str, receipt: tuple[str, str, bytes]) -> None:
    fill_payee(page, holder)
    line = page.locator("[data-sw-line]").first
    line.locator("input[name=date]").fill((date.today() - timedelta(days=2)).isoformat())
    line.locator("select[name=category]").select_option("travel")
    line.locator("input[name=description]").fill("Zug zur Messe")
    line.locator("input[name=gross]").fill("89,90")
    line.locator("input[name=vat]").fill("14,35")
    name, kind, data = receipt
    line.locator("input[name=receipt]").set_input_files({"name": name, "mimeType": kind, "buffer": data})


def test_invite_claim_upload_approve_and_pay_in_a_run(new_context, local_server):
    holder = f"Lena Lettering {uuid.uuid4().hex[:4]}"
    link = create_invite(new_context, local_server, holder)

    # the influencer: no corporate sign-in, only the link
    influencer = new_context().new_page()
    influencer.goto(link)
    fill_claim(influencer, holder, ("beleg.pdf", "application/pdf", PDF))
    assert "„Creator-Programm“" in influencer.locator("body").inner_text()  # the campaign's name, not its slug
    status = influencer.locator("[data-sw-line] [data-sw-line-status]").first
    influencer.wait_for_function("node => /hochgeladen|uploaded/.test(node.textContent)", arg=status.element_handle())
    assert "#invite=" not in influencer.url  # the token leaves the address bar and the history
    assert not axe_violations(influencer)
    influencer.click("[data-sw-claim-form] button[type=submit]")
    influencer.locator("[data-sw-claim-status].sw-claims__status--ok").wait_for()
    mine = influencer.locator("[data-sw-mine] tr[data-status=submitted]")
    mine.wait_for()
    claim_id = mine.get_attribute("data-claim")
    assert "89,90" in mine.inner_text()

    # finance: open the claim, see receipt, audit trail; approve
    finance = new_context().new_page()
    approver = f"finance-{uuid.uuid4().hex[:6]}"  # the dev sign-in's name claim: "Finance-…"
    dev_sign_in(finance, local_server, approver, ["employee", "finance"], "/finance/")
    assert "Creator-Programm" in finance.locator(f"[data-sw-claims] tr[data-claim='{claim_id}']").inner_text()
    finance.click(f"[data-sw-open='{claim_id}']")
    detail = finance.locator(f"[data-sw-detail][data-claim='{claim_id}']")
    detail.wait_for()
    assert IBAN in detail.inner_text()
    assert detail.locator("[data-sw-audit] tbody tr").count() == 1
    # the receipt comes as a download (Content-Disposition: attachment), never rendered on a page
    with finance.expect_download() as download:
        detail.locator("[data-sw-receipt='0']").click()
    assert download.value.url.split("?")[0].endswith(f"/claims/{claim_id}/01.pdf")
    assert download.value.suggested_filename == f"receipt-{claim_id}-01.pdf"
    assert not axe_violations(finance)
    if detail.locator("input[name=confirm_duplicates]").count():  # an earlier run's claim with the same payment
        detail.locator("input[name=confirm_duplicates]").check()
    detail.locator("[data-sw-action=approve]").click()
    finance.locator(f"[data-sw-detail][data-claim='{claim_id}'] [data-sw-audit] tbody tr:nth-child(2)").wait_for()
    decided = detail.locator("[data-sw-audit] tbody tr").nth(1).inner_text()
    assert re.search(r"Genehmigt|Approved", decided) and approver.capitalize() in decided  # who approved, by name

    # the exports hold the approved claim
    with finance.expect_download() as download:
        finance.click("[data-sw-export=csv]")
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    mine_rows = [row for row in rows if row["claim"] == claim_id]
    assert mine_rows and mine_rows[0]["payee"] == holder and mine_rows[0]["gross"] == "89.90"

    # the influencer sees the new status
    influencer.reload()
    influencer.locator(f"[data-sw-mine] tr[data-claim='{claim_id}'][data-status=approved]").wait_for()
    steps = influencer.locator(f"[data-sw-mine] tr[data-claim='{claim_id}'] [data-sw-history] li")
    assert [steps.nth(i).get_attribute("data-status") for i in range(steps.count())] == ["submitted", "approved"]
    assert re.search(r"genehmigt – \d\d\.\d\d\.\d\d", steps.nth(1).inner_text())  # the status with its date
    assert approver.capitalize() not in influencer.locator("[data-sw-mine]").inner_text()  # never who decided

    # a payment run holds the approved claim: created once however often the button is clicked, its SEPA file
    # downloaded; its creator cannot confirm it, another person in finance confirms it paid with the bank's date.
    # Four eyes: the run's creator is neither the approver nor the confirmer (three people)
    finance = new_context().new_page()
    dev_sign_in(finance, local_server, f"finance-{uuid.uuid4().hex[:6]}", ["employee", "finance"], "/finance/")
    finance.locator("[data-sw-runs-list]").wait_for()
    posts = []
    finance.on("request", lambda request: posts.append(request) if request.method == "POST"
               and request.url.endswith("/api/payment-runs") else None)
    finance.dblclick("[data-sw-run-create]")
    created = finance.locator("[data-sw-runs-status].sw-claims__status--ok")
    created.wait_for()
    run_id = re.search(r"\d{8}-[0-9a-f]{12}", created.inner_text())[0]
    assert re.search(r"\d+ (Abrechnung|claim)", created.inner_text())  # "1 Abrechnung", "2 Abrechnungen"
    row = finance.locator(f"[data-sw-runs-list] tr[data-run='{run_id}']")
    row.wait_for()
    assert len(posts) == 1 and finance.locator("[data-sw-run-create]").is_enabled()  # busy while it ran, once
    assert row.locator("[data-sw-run-action]").count() == 0  # four eyes: not offered to its creator, who reads why
    assert row.locator("[data-sw-why-not]").is_visible()
    assert not axe_violations(finance)
    with finance.expect_download() as download:
        row.locator("[data-sw-run-file=sepa]").click()
    assert download.value.suggested_filename == f"sepa-{run_id}.xml"
    root = ElementTree.fromstring(Path(download.value.path()).read_bytes())
    ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}
    assert root.find(".//p:GrpHdr/p:MsgId", ns).text == run_id
    transfer = [tx for tx in root.findall(".//p:CdtTrfTxInf", ns)  # EndToEndId: the claim id and the run's part
                if tx.find("p:PmtId/p:EndToEndId", ns).text == f"{claim_id}-{run_id[-12:-2]}"]
    assert transfer and transfer[0].find("p:Amt/p:InstdAmt", ns).text == "89.90"
    assert transfer[0].find("p:CdtrAcct/p:Id/p:IBAN", ns).text == IBAN

    second = new_context().new_page()
    dev_sign_in(second, local_server, f"finance-{uuid.uuid4().hex[:6]}", ["employee", "finance"], "/finance/")
    row = second.locator(f"[data-sw-runs-list] tr[data-run='{run_id}']")
    row.locator("[data-sw-run-action=confirm]").click()
    form = row.locator("[data-sw-run-decision=confirm]")
    form.locator("button[type=submit]").click()
    assert re.search(r"Ausführungsdatum|execution date", form.inner_text())  # no date: said so, nothing sent
    # the bank's execution date: today in the site timezone (the API refuses a day after it)
    form.locator("input[name=executed]").fill(datetime.now(load_settings(ROOT / "mkdocs.yml").zone).date().isoformat())
    form.locator("button[type=submit]").click()
    second.locator(f"[data-sw-runs-list] tr[data-run='{run_id}'][data-run-status=paid]").wait_for()
    second.click("[data-sw-status=paid]")
    second.locator(f"[data-sw-claims] tr[data-claim='{claim_id}']").wait_for()


def test_the_form_shows_policy_violations_and_a_fake_pdf_per_line(new_context, local_server):
    link = create_invite(new_context, local_server, f"Ben Brush {uuid.uuid4().hex[:4]}")
    page = new_context().new_page()
    page.goto(link)
    fill_claim(page, "Ben Brush", ("beleg.pdf", "application/pdf", PNG))  # PNG bytes named and typed as PDF
    line = page.locator("[data-sw-line]").first
    receipt = line.locator("[data-sw-error=receipt]")
    page.wait_for_function("node => node.textContent.length > 0", arg=receipt.element_handle())  # refused where it was chosen
    assert receipt.inner_text().startswith("Der Inhalt der Datei passt nicht zu ihrer Endung")
    line.locator("input[name=receipt]").set_input_files({"name": "beleg.pdf", "mimeType": "application/pdf", "buffer": PDF})
    status = line.locator("[data-sw-line-status]")
    page.wait_for_function("node => /hochgeladen|uploaded/.test(node.textContent)", arg=status.element_handle())
    line.locator("input[name=gross]").fill("900,00")
    page.click("[data-sw-claim-form] button[type=submit]")
    gross = line.locator("[data-sw-error=gross]")
    page.wait_for_function("node => node.textContent.length > 0", arg=gross.element_handle())
    # next to its field, first (over the invite's limit too, that follows on its own line)
    assert gross.inner_text().split("\n")[0] == "Reisekosten (Bahn, Flug, Mietwagen): höchstens 600,00\u00a0€ je Abrechnung."
    assert receipt.inner_text() == "" and "not found" not in line.inner_text()
    assert page.locator("[data-sw-mine]").inner_text().strip() in ("Noch keine Abrechnungen.", "No claims yet.")


def test_a_revoked_link_says_so(new_context, local_server):
    comms, link = fill_invite(new_context, local_server, "comms-revoker", "Withdrawn Person", "withdrawn@example.org")
    comms.once("dialog", lambda dialog: dialog.accept())
    comms.locator("[data-sw-invite-list] tr:has-text('Withdrawn Person') [data-sw-revoke]").first.click()
    comms.locator("[data-sw-invite-list] tr:has-text('Withdrawn Person') td:has-text('zurückgezogen')").first.wait_for()
    page = new_context().new_page()
    page.goto(link)
    page.locator(".sw-claims__status--error").wait_for()
    assert re.search(r"withdrawn|zurückgezogen", page.locator(".sw-claims__status--error").inner_text())


def test_mileage_and_per_diem_lines_are_computed_in_the_form_and_filed(new_context, local_server):
    holder = f"Mia Miles {uuid.uuid4().hex[:4]}"
    page = new_context().new_page()
    page.goto(create_invite(new_context, local_server, holder))
    fill_payee(page, holder)
    drive = page.locator("[data-sw-line]").first
    drive.locator("select[name=category]").select_option("mileage")
    assert drive.locator("input[name=gross]").is_hidden() and drive.locator("input[name=receipt]").is_hidden()
    drive.locator("input[name=date]").fill((date.today() - timedelta(days=6)).isoformat())
    drive.locator("input[name=description]").fill("Fahrt zur Messe")
    drive.locator("input[name=distance]").fill("123,4")
    drive.locator("input[name=route_from]").fill("Berlin")
    drive.locator("input[name=route_to]").fill("Leipzig")
    assert re.search(r"37[,.]02", drive.locator("[data-sw-computed]").inner_text())  # 123.4 km x 0.30

    page.click("[data-sw-add-line]")
    trip = page.locator("[data-sw-line]").nth(1)
    trip.locator("select[name=category]").select_option("per-diem")
    first = date.today() - timedelta(days=5)
    trip.locator("input[name=date]").fill(first.isoformat())
    trip.locator("input[name=description]").fill("Messetage")
    assert trip.locator("input[name=hours]").is_visible()  # one day so far: the hours are asked
    trip.locator("input[name=hours]").fill("6")
    assert re.search(r"0[,.]00", trip.locator("[data-sw-computed]").inner_text())  # 8 hours or less: nothing
    trip.locator("input[name=until]").fill((first + timedelta(days=2)).isoformat())
    assert trip.locator("input[name=hours]").is_hidden()
    assert re.search(r"56[,.]00", trip.locator("[data-sw-computed]").inner_text())  # 14 + 28 + 14
    assert not axe_violations(page)

    page.click("[data-sw-claim-form] button[type=submit]")
    page.locator("[data-sw-claim-status].sw-claims__status--ok").wait_for()
    mine = page.locator("[data-sw-mine] tr[data-status=submitted]")
    mine.wait_for()
    assert re.search(r"93[,.]02", mine.inner_text())  # the server's amounts: 37.02 + 56.00


def test_a_receipt_in_another_currency_shows_its_rate_to_finance_who_must_confirm_it(new_context, local_server):
    holder = f"Fritz Franken {uuid.uuid4().hex[:4]}"
    page = new_context().new_page()
    page.goto(create_invite(new_context, local_server, holder))
    fill_payee(page, holder)
    line = page.locator("[data-sw-line]").first
    line.locator("select[name=category]").select_option("meals")
    line.locator("select[name=currency]").select_option("CHF")
    assert line.locator("input[name=gross]").is_hidden() and line.locator("input[name=rate]").is_visible()
    line.locator("input[name=date]").fill((date.today() - timedelta(days=4)).isoformat())
    line.locator("input[name=description]").fill("Abendessen in Zürich")
    line.locator("input[name=original_amount]").fill("50,00")
    line.locator("input[name=rate]").fill("1,0685")
    assert re.search(r"53[,.]43", line.locator("[data-sw-computed]").inner_text())  # 53.425 rounds half up
    line.locator("input[name=receipt]").set_input_files({"name": "beleg.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.wait_for_function("node => /hochgeladen|uploaded/.test(node.textContent)",
                           arg=line.locator("[data-sw-line-status]").element_handle())
    page.click("[data-sw-claim-form] button[type=submit]")
    mine = page.locator("[data-sw-mine] tr[data-status=submitted]")
    mine.wait_for()
    claim_id = mine.get_attribute("data-claim")

    finance = new_context().new_page()
    dev_sign_in(finance, local_server, f"finance-{uuid.uuid4().hex[:6]}", ["employee", "finance"], "/finance/")
    finance.click(f"[data-sw-open='{claim_id}']")
    detail = finance.locator(f"[data-sw-detail][data-claim='{claim_id}']")
    detail.wait_for()
    # original, currency, rate (all its decimals), EUR side by side, as German writes numbers (#20 defect 8)
    assert "50,00 CHF × 1,0685 = 53,43\u00a0€" in detail.locator("[data-sw-lines]").inner_text()
    assert re.search(r"Kurs prüfen|check the rate", detail.locator("[data-sw-flags]").inner_text())
    detail.locator("[data-sw-action=approve]").click()  # not confirmed: refused
    detail.locator(".sw-claims__status--error").wait_for()
    detail.locator("input[name=confirm_duplicates]").check()
    detail.locator("[data-sw-action=approve]").click()
    finance.locator(f"[data-sw-detail][data-claim='{claim_id}'] [data-sw-audit] tbody tr:nth-child(2)").wait_for()
