"""Claims against the moto server over HTTP: receipts, submission, duplicates, review, exports."""

from __future__ import annotations

import base64
import csv
import io
import json
import uuid
from datetime import datetime, timezone
from xml.etree import ElementTree

import boto3
import pytest

from site_builder.local.aws import table_items
from tests.functions.claims_client import no_personal_data_in_logs  # noqa: F401  (autouse)
from tests.functions.claims_client import (
    COMMS_AND_FINANCE, FINANCE, IBAN_A, IBAN_B, PDF, PNG, call, concurrently, invite, line, payee, submit, upload,
    violating_lines,
)

SEPA = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}


def tables_only(resources) -> dict:
    return table_items(resources)


def audit_entries(resources, claim_id: str) -> list[dict]:
    items = boto3.client("dynamodb").query(
        TableName=resources.tables["AppTable"], KeyConditionExpression="pk = :pk AND begins_with(sk, :a)",
        ExpressionAttributeValues={":pk": {"S": f"CLAIM#{claim_id}"}, ":a": {"S": "AUDIT#"}}, ConsistentRead=True)["Items"]
    return [{key: value.get("S") for key, value in item.items()} for item in items]


def decide(claim_id: str, action: str, expected: str, claims=FINANCE, **extra):
    return call("POST", f"/claims/{claim_id}/decision", {"action": action, "expected": expected, **extra}, claims=claims)


# --- receipts ---------------------------------------------------------------------------------


def test_the_presigned_post_policy_pins_key_type_and_size(fresh_tables):
    token = invite()["token"]
    reply = call("POST", "/claims/uploads", {"filename": "hotel.jpg", "content_type": "image/jpeg", "size": 2048},
                 token=token)
    assert reply.status == 201
    fields = reply.body["fields"]
    policy = json.loads(base64.b64decode(fields["policy"]))
    conditions = policy["conditions"]
    invite_id = token.split(".")[0]
    assert fields["key"] == f"pending/{invite_id}/{reply.body['upload']}"
    assert {"key": fields["key"]} in conditions  # exactly this key, no wildcard
    assert ["content-length-range", 1, 10 * 1024 * 1024] in conditions
    assert {"Content-Type": "image/jpeg"} in conditions and fields["Content-Type"] == "image/jpeg"
    assert {"bucket": fresh_tables.buckets["ReceiptsBucket"]} in conditions
    expires = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert 0 < (expires - datetime.now(timezone.utc)).total_seconds() <= 600


@pytest.mark.parametrize(("body", "field"), [
    ({"filename": "x.gif", "content_type": "image/gif", "size": 10}, "content_type"),
    ({"filename": "x.pdf", "content_type": "application/pdf", "size": 10 * 1024 * 1024 + 1}, "size"),
    ({"filename": "x.pdf", "content_type": "application/pdf", "size": 0}, "size"),
    ({"filename": "x.pdf", "content_type": "application/pdf"}, "size"),
])
def test_uploads_outside_the_rules_are_refused(fresh_tables, body, field):
    token = invite()["token"]
    reply = call("POST", "/claims/uploads", body, token=token)
    assert reply.status == 400 and field in reply.body["error"]["message"]


def test_a_fake_pdf_is_refused_after_upload_and_nothing_is_filed(fresh_tables):
    token = invite()["token"]
    fake = upload(token, PNG, "application/pdf")  # PNG bytes, uploaded as a PDF
    before = tables_only(fresh_tables)
    reply = submit(token, [line(fake)])
    assert reply.status == 400 and reply.body["error"]["code"] == "invalid_claim"
    assert "lines[0].receipt: the receipt was uploaded as application/pdf but its content is image/png" in reply.body["error"]["message"]
    assert tables_only(fresh_tables) == before
    text = upload(token, b"hello, not a receipt", "application/pdf")
    assert "is not a PDF, JPEG or PNG" in submit(token, [line(text)]).body["error"]["message"]


def test_a_filed_receipt_is_copied_under_the_claim_and_linked_briefly(fresh_tables):
    token = invite()["token"]
    claim_id = submit(token, [line(upload(token, PNG, "image/png"))]).body["id"]
    detail = call("GET", f"/claims/{claim_id}", claims=FINANCE).body
    url = detail["lines"][0]["receipt_url"]
    assert f"/claims/{claim_id}/01.png" in url and "X-Amz-Expires=300" in url
    import requests

    assert requests.get(url, timeout=10).content == PNG


# --- submission -------------------------------------------------------------------------------


def test_submission_is_idempotent_per_invite_and_key(fresh_tables):
    token = invite()["token"]
    receipt = upload(token)
    body = {"payee": payee(), "lines": [line(receipt)]}
    first = call("POST", "/claims", body, token=token, key="key-0001")
    again = call("POST", "/claims", body, token=token, key="key-0001")
    assert first.status == again.status == 201 and first.body == again.body
    totals = call("GET", "/claims", claims=FINANCE).body["totals"]
    assert totals["submitted"] == {"count": 1, "total": "89.90"}
    changed = call("POST", "/claims", {**body, "note": "edited"}, token=token, key="key-0001")
    assert changed.status == 409 and changed.body["error"]["code"] == "idempotency_key_reused"
    assert call("GET", "/claims", claims=FINANCE).body["totals"]["submitted"]["count"] == 1


def test_concurrent_retries_of_one_submission_file_one_claim(fresh_tables):
    token = invite()["token"]
    body = {"payee": payee(), "lines": [line(upload(token))]}
    replies = concurrently(8, "POST", "/claims", body, token=token, key="same-key-1")
    assert {status for status, _ in replies} <= {201, 409}, replies
    assert len({body["id"] for status, body in replies if status == 201}) == 1
    assert call("GET", "/claims", claims=FINANCE).body["totals"]["submitted"]["count"] == 1


@pytest.mark.parametrize(("header", "expected"), [(None, 400), ("short", 400), ("x" * 65, 400), ("bad key!", 400)])
def test_submission_needs_an_idempotency_key(fresh_tables, header, expected):
    token = invite()["token"]
    body = {"payee": payee(), "lines": [line(None, category="local-transport", gross="5.00", vat="0")]}
    before = tables_only(fresh_tables)
    reply = call("POST", "/claims", body, token=token, key=header)
    assert reply.status == expected and "Idempotency-Key" in reply.body["error"]["message"]
    assert tables_only(fresh_tables) == before


@pytest.mark.parametrize(("body", "fragment"), [
    ("{not json", "malformed JSON"),
    ({"payee": payee(iban="DE89370400440532013001"), "lines": [line(None)]}, "payee.iban"),
    ({"payee": payee(kind="business"), "lines": [line(None)]}, "vat_id is required"),
    ({"payee": payee(), "lines": []}, "lines"),
    ({"payee": payee(), "lines": [line(None, gross=12.345)]}, "lines.0.gross"),
    ({"payee": payee(), "lines": [line(None, vat="999")]}, "vat must not be more"),
    ({"payee": payee(), "lines": [line(None)], "fee": "100"}, "fee"),
])
def test_bad_claims_get_400_naming_the_field_and_write_nothing(fresh_tables, body, fragment):
    token = invite()["token"]
    before = tables_only(fresh_tables)
    reply = call("POST", "/claims", body, token=token, key=uuid.uuid4().hex)
    assert reply.status == 400, reply.body
    assert fragment in reply.body["error"]["message"]
    assert tables_only(fresh_tables) == before


def test_policy_violations_block_submission_with_a_message_per_line(fresh_tables):
    token = invite()["token"]
    lines = violating_lines(token)  # its uploads take the invite's upload slots
    before = tables_only(fresh_tables)
    reply = submit(token, lines)
    assert reply.status == 400 and reply.body["error"]["code"] == "invalid_claim"
    message = reply.body["error"]["message"]
    assert "lines[1].category: category 'honorarium' is not in the expense policy" in message
    assert "lines[2].gross: meals totals 95.00 EUR in this claim, over the limit of 90.00 EUR" in message
    assert "lines[3].date: date 2020-01-01 is older than 90 days" in message
    assert "lines[4].receipt: a receipt is required for travel" in message
    assert "lines[0]" not in message
    assert tables_only(fresh_tables) == before


# --- duplicates -------------------------------------------------------------------------------


def test_the_same_receipt_in_another_claim_is_flagged_and_must_be_confirmed(fresh_tables):
    a, b = invite()["token"], invite(name="Ben")["token"]
    first = submit(a, [line(upload(a))]).body["id"]
    second = submit(b, [line(upload(b), gross="12.00", vat="0")], iban=IBAN_B).body["id"]
    flags = call("GET", f"/claims/{second}", claims=FINANCE).body["flags"]
    assert flags == [{"line": 0, "kind": "receipt", "claims": [first], "lines": []}]
    refused = decide(second, "approve", "submitted")
    assert refused.status == 409 and refused.body["error"]["code"] == "confirm_duplicates"
    assert decide(second, "approve", "submitted", confirm_duplicates=True).status == 200
    audit = call("GET", f"/claims/{second}", claims=FINANCE).body["audit"]
    assert [step["to"] for step in audit] == ["submitted", "approved"]


def test_a_twin_filed_later_is_flagged_on_the_earlier_claim_too(fresh_tables):
    # two claims filed at the same moment cannot see each other; finance's view recomputes the flags
    from claims import store

    a, b = invite()["token"], invite(name="Ben")["token"]
    first = submit(a, [line(upload(a))]).body["id"]
    assert store.get_claim(first)["flags"] == []
    second = submit(b, [line(upload(b), gross="12.00", vat="0")], iban=IBAN_B).body["id"]
    flags = call("GET", f"/claims/{first}", claims=FINANCE).body["flags"]
    assert flags == [{"line": 0, "kind": "receipt", "claims": [second], "lines": []}]
    assert decide(first, "approve", "submitted").body["error"]["code"] == "confirm_duplicates"


def test_same_payee_date_amount_and_currency_is_flagged(fresh_tables):
    token = invite()["token"]
    first = submit(token, [line(upload(token, PDF + b"1"))]).body["id"]
    second = submit(token, [line(upload(token, PDF + b"2"))]).body["id"]
    flags = call("GET", f"/claims/{second}", claims=FINANCE).body["flags"]
    assert flags == [{"line": 0, "kind": "payment", "claims": [first], "lines": []}]
    third = submit(token, [line(upload(token, PDF + b"3"), gross="89.91")]).body["id"]
    assert call("GET", f"/claims/{third}", claims=FINANCE).body["flags"] == []


# --- review -----------------------------------------------------------------------------------


def test_twenty_concurrent_approvals_make_one_transition_and_one_audit_entry(fresh_tables):
    token = invite()["token"]
    claim_id = submit(token).body["id"]
    replies = concurrently(20, "POST", f"/claims/{claim_id}/decision", {"action": "approve", "expected": "submitted"},
                           claims=FINANCE)
    assert sorted(status for status, _ in replies) == [200] + [409] * 19, replies
    entries = audit_entries(fresh_tables, claim_id)
    assert sorted(entry["to"] for entry in entries) == ["approved", "submitted"]
    totals = call("GET", "/claims", claims=FINANCE).body["totals"]
    assert totals["approved"] == {"count": 1, "total": "89.90"} and totals["submitted"] == {"count": 0, "total": "0.00"}


def test_a_decision_on_a_stale_read_is_refused_by_the_transaction(fresh_tables):
    from claims import store
    from sharewall_common.errors import Conflict

    claim_id = submit(invite()["token"]).body["id"]
    stale = store.get_claim(claim_id)  # both deciders read 'submitted' before either writes
    audit = {"actor": "x", "role": "finance", "from": "submitted", "reason": None}
    store.decide(stale, "approved", {**audit, "at": "2026-01-01T00:00:00.000001+00:00", "to": "approved"}, {})
    with pytest.raises(Conflict):
        store.decide(stale, "rejected", {**audit, "at": "2026-01-01T00:00:00.000002+00:00", "to": "rejected"}, {"reason": "r"})
    assert sorted(entry["to"] for entry in audit_entries(fresh_tables, claim_id)) == ["approved", "submitted"]
    assert store.get_claim(claim_id)["status"] == "approved"


def test_the_review_follows_the_status_machine(fresh_tables):
    token = invite()["token"]
    claim_id = submit(token).body["id"]
    assert decide(claim_id, "pay", "submitted").status == 409
    assert decide(claim_id, "reject", "submitted").status == 400  # reason required
    assert decide(claim_id, "approve", "approved").status == 409  # not from the status it is in
    assert decide(claim_id, "approve", "submitted").status == 200
    assert decide(claim_id, "reject", "submitted", reason="late").body["error"]["code"] == "status_changed"
    assert decide(claim_id, "pay", "approved", claims=COMMS_AND_FINANCE).status == 200  # not the approver: four eyes
    assert decide(claim_id, "pay", "approved", claims=COMMS_AND_FINANCE).status == 409
    detail = call("GET", f"/claims/{claim_id}", claims=FINANCE).body
    assert detail["status"] == "paid"
    assert [(step["from"], step["to"]) for step in detail["audit"]] == [(None, "submitted"), ("submitted", "approved"),
                                                                        ("approved", "paid")]
    assert all(step["actor"] and "finn" not in step["actor"] for step in detail["audit"])  # a pseudonym, not the subject


def test_a_rejection_needs_a_reason_which_the_influencer_sees(fresh_tables):
    token = invite()["token"]
    claim_id = submit(token).body["id"]
    before = tables_only(fresh_tables)
    assert decide(claim_id, "reject", "submitted", reason="   ").status == 400
    assert tables_only(fresh_tables) == before
    assert decide(claim_id, "reject", "submitted", reason="The receipt is unreadable").status == 200
    mine = call("GET", "/claims/mine", token=token).body["claims"]
    assert mine[0]["status"] == "rejected" and mine[0]["reason"] == "The receipt is unreadable"
    assert decide(claim_id, "approve", "submitted").status == 409  # rejected is final


def test_whoever_created_the_invite_may_not_approve_its_claims(fresh_tables):
    token = invite(claims=COMMS_AND_FINANCE)["token"]
    claim_id = submit(token).body["id"]
    detail = call("GET", f"/claims/{claim_id}", claims=COMMS_AND_FINANCE).body
    assert detail["self_invited"] is True
    before = tables_only(fresh_tables)
    refused = decide(claim_id, "approve", "submitted", claims=COMMS_AND_FINANCE)
    assert refused.status == 403 and refused.body["error"]["code"] == "own_invite"
    assert tables_only(fresh_tables) == before
    assert decide(claim_id, "approve", "submitted").status == 200


def test_unknown_claims_and_cursors(fresh_tables):
    assert call("GET", "/claims/ffffffffffffffffffffffff", claims=FINANCE).status == 404
    assert call("GET", "/claims/..%2F..", claims=FINANCE).status == 404
    assert call("GET", "/claims", claims=FINANCE, query="cursor=garbage").status == 400
    assert call("GET", "/claims", claims=FINANCE, query="status=deleted").status == 400


# --- lists and exports ------------------------------------------------------------------------


def test_the_first_page_from_the_status_item_matches_the_index_after_trims_and_moves(fresh_tables, monkeypatch):
    import claims.routes.claims as claims_routes
    from claims import store

    monkeypatch.setattr(store, "KEEP", 2)
    monkeypatch.setattr(claims_routes, "PAGE", 2)
    token = invite()["token"]
    ids = [submit(token, [line(None, category="local-transport", gross=f"{n}.00", vat="0")]).body["id"] for n in range(1, 7)]
    stats = store.status_items(("submitted",))["submitted"]
    assert sum(name.startswith(store.RECENT) for name in stats) <= 4 and stats["floor"]  # trimmed once over 2 x KEEP

    def pages(status):
        first = call("GET", "/claims", claims=FINANCE, query=f"status={status}").body
        rows, cursor = [row["id"] for row in first["claims"]], first["next"]
        while cursor:
            more = call("GET", "/claims", claims=FINANCE, query=f"status={status}&cursor={cursor}").body
            rows, cursor = rows + [row["id"] for row in more["claims"]], more["next"]
        return first, rows

    first, everything = pages("submitted")
    assert [row["id"] for row in first["claims"]] == ids[:-3:-1] and everything == ids[::-1]
    assert decide(ids[-1], "approve", "submitted").status == 200  # the newest leaves: fewer than a page above the floor
    first, everything = pages("submitted")
    assert [row["id"] for row in first["claims"]] == [ids[-2], ids[-3]] and everything == ids[-2::-1]
    first, everything = pages("approved")
    assert everything == [ids[-1]] and first["next"] is None
    assert first["totals"]["submitted"] == {"count": 5, "total": "15.00"}



def test_the_finance_list_pages_by_status_with_totals_and_masked_ibans(fresh_tables):
    token = invite()["token"]
    ids = [submit(token, [line(None, category="local-transport", gross=f"{n}.00", vat="0")]).body["id"] for n in range(1, 4)]
    page = call("GET", "/claims", claims=FINANCE).body
    assert [row["id"] for row in page["claims"]] == ids[::-1]  # newest first
    assert page["totals"]["submitted"] == {"count": 3, "total": "6.00"}
    assert all(row["iban"] == "DE89 •••• 3000" for row in page["claims"])
    assert IBAN_A not in json.dumps(page) and IBAN_A not in json.dumps(call("GET", "/claims/mine", token=token).body)
    import claims.routes.claims as claims_routes

    claims_routes.PAGE, saved = 2, claims_routes.PAGE
    try:
        first = call("GET", "/claims", claims=FINANCE).body
        second = call("GET", "/claims", claims=FINANCE, query=f"cursor={first['next']}").body
    finally:
        claims_routes.PAGE = saved
    assert [row["id"] for row in first["claims"] + second["claims"]] == ids[::-1] and second["next"] is None


def test_exports_hold_the_approved_claims(fresh_tables):
    a, b = invite()["token"], invite(name="=cmd|' /C calc'!A0")["token"]
    approved = submit(a).body["id"]
    formula = call("POST", "/claims", {"payee": payee(holder="+cmd(1)-A1"),
                                       "lines": [line(None, category="local-transport", gross="7.50", vat="1.20",
                                                      description="@SUM(A1:A9)")]},
                   token=b, key=uuid.uuid4().hex).body["id"]
    waiting = submit(a, [line(upload(a, PDF + b"w"), gross="10.00", vat="0")]).body["id"]
    assert call("POST", "/payment-runs", claims=FINANCE).status == 422  # nothing approved yet
    assert decide(approved, "approve", "submitted").status == 200
    assert decide(formula, "approve", "submitted").status == 200
    csv_reply = call("GET", "/claims/export.csv", claims=FINANCE)
    assert csv_reply.status == 200 and csv_reply.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(csv_reply.text.removeprefix("\ufeff"))))
    assert {row["claim"] for row in rows} == {approved, formula} and waiting not in csv_reply.text
    by_claim = {row["claim"]: row for row in rows}
    assert by_claim[approved]["gross"] == "89.90" and by_claim[formula]["vat"] == "1.20"
    assert by_claim[formula]["payee"] == "'+cmd(1)-A1" and by_claim[formula]["description"] == "'@SUM(A1:A9)"
    run = call("POST", "/payment-runs", claims=COMMS_AND_FINANCE).body  # a payment run (not by the approver) pays
    xml_reply = call("GET", f"/payment-runs/{run['id']}/sepa.xml", claims=FINANCE)
    root = ElementTree.fromstring(xml_reply.text.encode())
    assert root.tag.endswith("pain.001.001.09}Document")
    ids = [node.text for node in root.findall(".//p:CdtTrfTxInf/p:PmtId/p:EndToEndId", SEPA)]
    assert sorted(ids) == sorted(claim_id + "-" + run["id"][-12:-2] for claim_id in (approved, formula))
    assert root.find(".//p:GrpHdr/p:CtrlSum", SEPA).text == "97.40"
