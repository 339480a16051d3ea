"""Payment runs against the moto server over HTTP: disjoint runs, a file written once, four eyes, paid and cancelled."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone
from pathlib import Path
from xml.etree import ElementTree

import boto3
import pytest
import sepaxml
import xmlschema

from sharewall_common.clock import today as site_today
from site_builder.local.aws import table_items
from tests.functions.claims_client import no_personal_data_in_logs  # noqa: F401  (autouse)
from tests.functions.claims_client import COMMS_AND_FINANCE, FINANCE, IBAN_A, call, concurrently, payee

SEPA = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}
SCHEMA = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.09.xsd"
OTHER_FINANCE = COMMS_AND_FINANCE  # a second person in finance (four eyes)


def plant(status: str, count: int = 1, *, cents: int = 1250, **changes) -> list[str]:
    """Claims written with the items the function files them with, already in `status`.

    The filing transaction's Updates are applied one by one and its Puts in batches (many
    transactions would only measure moto's table backups).
    """
    from bench.synthetic import put_items
    from claims import store

    dynamodb, puts, ids = boto3.client("dynamodb"), [], []
    now = datetime.now(timezone.utc)
    for number in range(count):
        claim_id = secrets.token_hex(12)
        at = (now - timedelta(seconds=number)).isoformat(timespec="microseconds")
        claim = {"id": claim_id, "invite_id": "0" * 16, "campaign": "fair-2026", "creator": "someone", "status": status,
                 "submitted_at": at, "payee": {**payee(IBAN_A), "vat_id": None}, "total": cents + number, "flags": [],
                 "lines": [{"date": now.date().isoformat(), "category": "travel", "description": "Train",
                            "gross": cents + number, "vat": 0, "currency": "EUR"}], **changes}
        audit = {"at": at, "actor": "someone", "role": "finance", "from": None, "to": status}
        for item in store.claim_items(claim, audit, []):
            if "Put" in item:
                puts.append(item["Put"]["Item"])
            else:
                dynamodb.update_item(**item["Update"])
        ids.append(claim_id)
    put_items(dynamodb, store.table(), puts)
    store.trim(status)
    return ids


def end_to_end(run_id: str) -> str:
    """What a run's SEPA file adds to a claim id in its EndToEndIds: `-` and 10 hex digits of the run id."""
    assert len(run_id.rpartition("-")[2][:10]) == 10
    return "-" + run_id.rpartition("-")[2][:10]


def claim(claim_id: str) -> dict:
    from claims import store

    return store.get_claim(claim_id)


def audit(claim_id: str) -> list[dict]:
    from claims import store

    return store.audit_of(claim_id)


def create_run(claims=FINANCE):
    return call("POST", "/payment-runs", claims=claims)


def decide(run_id: str, body: dict, claims=OTHER_FINANCE):
    return call("POST", f"/payment-runs/{run_id}/decision", body, claims=claims)


def sepa(run_id: str, claims=FINANCE):
    return call("GET", f"/payment-runs/{run_id}/sepa.xml", claims=claims)


def test_a_run_moves_exactly_the_approved_claims_in_batches(fresh_tables):
    approved = plant("approved", 100)  # more than two transactions' worth
    others = plant("submitted", 2) + plant("rejected") + plant("paid")
    unpayable = plant("approved", payee={**payee(IBAN_A), "holder": "Łukasz Ø", "vat_id": None})
    reply = create_run()
    assert reply.status == 201, reply.body
    run_id = reply.body["id"]
    assert sorted(reply.body["claims"]) == sorted(approved) and reply.body["count"] == 100
    cents = sum(1250 + number for number in range(100))
    assert reply.body["total"] == f"{cents // 100}.{cents % 100:02d}"
    assert [item["claim"] for item in reply.body["skipped"]] == unpayable
    assert reply.body["skipped"][0]["field"] == "payee.holder"  # why, by field, never the value
    from claims import store

    assert {(stored["status"], stored["run"]) for stored in store.claims_by_id(approved)} == {("in_payment", run_id)}
    for claim_id in (approved[0], approved[-1]):  # one from the first transaction, one from the last
        last = audit(claim_id)[-1]
        assert {key: last[key] for key in ("role", "from", "to", "run")} == {
            "role": "finance", "from": "approved", "to": "in_payment", "run": run_id}
    assert [claim(claim_id)["status"] for claim_id in others] == ["submitted", "submitted", "rejected", "paid"]
    assert claim(unpayable[0])["status"] == "approved"  # left for finance to sort out, not in the run
    listed = call("GET", "/claims", claims=FINANCE, query="status=in_payment").body
    assert listed["totals"]["in_payment"]["count"] == 100 and listed["totals"]["approved"]["count"] == 1
    assert len(listed["claims"]) == 50 and listed["next"]
    runs = call("GET", "/payment-runs", claims=FINANCE).body["runs"]
    assert [(run["id"], run["status"], run["count"], run["own"]) for run in runs] == [(run_id, "sealed", 100, True)]


def test_concurrent_runs_are_disjoint_and_together_hold_every_approved_claim_once(fresh_tables):
    approved = set(plant("approved", 100))
    replies = concurrently(4, "POST", "/payment-runs", claims=FINANCE)
    made = [body for status, body in replies if status == 201]
    assert made and all(status in (201, 422) for status, _ in replies), replies
    held = [claim_id for body in made for claim_id in body["claims"]]
    assert len(held) == len(set(held)) == len(approved) and set(held) == approved  # disjoint, every one once
    for body in made:
        assert body["count"] == len(body["claims"])
        assert all(claim(claim_id)["run"] == body["id"] for claim_id in body["claims"])
        root = ElementTree.fromstring(sepa(body["id"]).text.encode())
        assert sorted(node.text for node in root.findall(".//p:EndToEndId", SEPA)) == sorted(
            claim_id + end_to_end(body["id"]) for claim_id in body["claims"])


def test_the_file_is_written_once_and_re_downloads_byte_identical(fresh_tables):
    approved = plant("approved", 3, cents=1000)
    run = create_run().body
    first, again = sepa(run["id"]), sepa(run["id"])
    assert first.status == again.status == 200 and first.text == again.text
    assert first.headers["Content-Disposition"] == f'attachment; filename="sepa-{run["id"]}.xml"'
    stored = boto3.client("s3").get_object(Bucket=fresh_tables.buckets["ReceiptsBucket"], Key=f"runs/{run['id']}/sepa.xml")
    assert stored["Body"].read() == first.text.encode()
    xmlschema.XMLSchema(str(SCHEMA)).validate(first.text)
    root = ElementTree.fromstring(first.text.encode())
    assert root.find(".//p:GrpHdr/p:MsgId", SEPA).text == run["id"]
    assert root.find(".//p:GrpHdr/p:NbOfTxs", SEPA).text == "3" and root.find(".//p:GrpHdr/p:CtrlSum", SEPA).text == "30.03"
    assert len(root.findall(".//p:PmtInf", SEPA)) == 1
    assert sorted(node.text for node in root.findall(".//p:EndToEndId", SEPA)) == sorted(
        claim_id + end_to_end(run["id"]) for claim_id in approved)
    from claims import runs, store

    with pytest.raises(Exception, match="PreconditionFailed|412"):  # the bucket refuses a second write
        boto3.client("s3").put_object(Bucket=fresh_tables.buckets["ReceiptsBucket"], Key=f"runs/{run['id']}/sepa.xml",
                                      Body=b"other", IfNoneMatch="*")
    assert runs.sepa_file(store.get_run(run["id"])) == first.text.encode()


def test_a_file_a_crash_left_unwritten_is_written_on_download_from_the_run_alone(fresh_tables):
    plant("approved", 2)
    run = create_run().body
    bucket, key = fresh_tables.buckets["ReceiptsBucket"], f"runs/{run['id']}/sepa.xml"
    written = boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    boto3.client("s3").delete_object(Bucket=bucket, Key=key)  # as if the function stopped before writing it
    assert sepa(run["id"]).text.encode() == written  # the same bytes: nothing in it comes from the download


def test_a_claim_in_a_run_cannot_be_approved_rejected_paid_or_put_in_another_run(fresh_tables):
    [claim_id] = plant("approved")
    run = create_run().body
    before = table_items(fresh_tables)
    for action, expected in (("approve", "submitted"), ("reject", "submitted"), ("pay", "approved")):
        reply = call("POST", f"/claims/{claim_id}/decision", {"action": action, "expected": expected, "reason": "x"},
                     claims=OTHER_FINANCE)
        assert reply.status == 409 and reply.body["error"]["code"] == "in_payment_run", reply.body
        assert run["id"] in reply.body["error"]["message"]
    again = create_run(OTHER_FINANCE)
    assert again.status == 422 and again.body["error"]["code"] == "nothing_to_pay"
    assert table_items(fresh_tables) == before  # refusals change nothing


def test_nothing_to_pay_is_a_422_and_leaves_no_run(fresh_tables):
    plant("submitted")
    reply = create_run()
    assert reply.status == 422 and reply.body["error"]["code"] == "nothing_to_pay"
    assert call("GET", "/payment-runs", claims=FINANCE).body["runs"] == []


def test_the_creator_cannot_confirm_or_cancel_their_own_run(fresh_tables):
    plant("approved", 2)
    run = create_run().body
    today = site_today().isoformat()
    for body in ({"action": "paid", "executed": today}, {"action": "cancel", "reason": "typo"}):
        reply = decide(run["id"], body, claims=FINANCE)
        assert reply.status == 403 and reply.body["error"]["code"] == "own_run"
    assert call("GET", "/payment-runs", claims=FINANCE).body["runs"][0]["status"] == "sealed"


def test_paid_marks_every_claim_paid_with_the_execution_date_once(fresh_tables):
    approved = plant("approved", 60)
    run = create_run({**FINANCE, "name": "Finn Finance"}).body
    from tests.functions.test_paid_date import backdate

    backdate(run["id"], (datetime.now(timezone.utc) - timedelta(days=3)).isoformat())  # executed after its creation
    executed = (site_today() - timedelta(days=1)).isoformat()
    reply = decide(run["id"], {"action": "paid", "executed": executed}, claims={**OTHER_FINANCE, "name": "Kim Both"})
    assert reply.status == 200 and reply.body["status"] == "paid" and reply.body["executed"] == executed
    assert (reply.body["created_by"], reply.body["decided_by"]) == ("Finn Finance", "Kim Both")  # attributable
    assert audit(approved[0])[-2]["name"] == "Finn Finance" and audit(approved[0])[-1]["name"] == "Kim Both"
    from claims import store

    assert {(stored["status"], stored["executed"]) for stored in store.claims_by_id(approved)} == {("paid", executed)}
    entries = len(audit(approved[0]))
    before = table_items(fresh_tables)
    retry = decide(run["id"], {"action": "paid", "executed": executed})  # a retry after a lost answer
    assert retry.status == 200 and retry.body["status"] == "paid"
    assert table_items(fresh_tables) == before and len(audit(approved[0])) == entries
    for body in ({"action": "paid", "executed": site_today().isoformat()}, {"action": "cancel", "reason": "late"}):
        refused = decide(run["id"], body)
        assert refused.status == 409 and refused.body["error"]["code"] == "run_changed"
    totals = call("GET", "/claims", claims=FINANCE, query="status=paid").body["totals"]
    assert totals["paid"]["count"] == 60 and totals["in_payment"]["count"] == 0


def test_a_retry_finishes_a_decision_a_crash_left_half_done(fresh_tables):
    approved = plant("approved", 3)
    run = create_run().body
    from claims import store

    store.set_run_status(run["id"], ("sealed",), "paid", {"executed": site_today().isoformat()})  # run moved, claims not
    reply = decide(run["id"], {"action": "paid", "executed": site_today().isoformat()})
    assert reply.status == 200
    assert [claim(claim_id)["status"] for claim_id in approved] == ["paid"] * 3


def test_cancel_puts_the_claims_back_to_approved_and_into_a_later_run(fresh_tables):
    approved = plant("approved", 3)
    run = create_run().body
    missing = decide(run["id"], {"action": "cancel", "reason": "  "})
    assert missing.status == 400 and "reason" in missing.body["error"]["message"]
    reply = decide(run["id"], {"action": "cancel", "reason": "wrong execution date"})
    assert reply.status == 200 and reply.body["status"] == "cancelled" and reply.body["reason"] == "wrong execution date"
    assert all(claim(claim_id)["status"] == "approved" and "run" not in claim(claim_id) for claim_id in approved)
    refused = sepa(run["id"])  # the file stays on record, but no bank gets it any more: like its DATEV file
    assert refused.status == 409 and refused.body["error"]["code"] == "run_cancelled"
    assert call("GET", "/payment-runs", claims=FINANCE).body["runs"][0]["files"] == {}
    later = create_run(OTHER_FINANCE)
    assert later.status == 201 and sorted(later.body["claims"]) == sorted(approved) and later.body["id"] != run["id"]
    again = ElementTree.fromstring(sepa(later.body["id"]).text.encode())  # paid again: new EndToEndIds
    assert sorted(node.text for node in again.findall(".//p:EndToEndId", SEPA)) == sorted(
        claim_id + end_to_end(later.body["id"]) for claim_id in approved)
    assert end_to_end(later.body["id"]) != end_to_end(run["id"])
    paid = decide(run["id"], {"action": "paid", "executed": site_today().isoformat()})
    assert paid.status == 409  # a cancelled run is never paid


@pytest.mark.parametrize(("body", "status", "text"), [
    ({"action": "paid"}, 400, "executed"),
    ({"action": "paid", "executed": "27.11.2026"}, 400, "executed"),
    ({"action": "paid", "executed": (site_today() + timedelta(days=5)).isoformat()}, 400, "executed"),
    ({"action": "pay", "executed": site_today().isoformat()}, 400, "action"),
])
def test_a_wrong_decision_is_refused_and_changes_nothing(fresh_tables, body, status, text):
    plant("approved")
    run = create_run().body
    before = table_items(fresh_tables)
    reply = decide(run["id"], body)
    assert reply.status == status and text in reply.body["error"]["message"], reply.body
    assert table_items(fresh_tables) == before


def test_an_unknown_run_is_404(fresh_tables):
    for run_id in ("20260101-abcdefabcdef", "nope"):
        assert sepa(run_id).status == 404
        assert decide(run_id, {"action": "cancel", "reason": "x"}).status == 404


def test_no_payer_configured_is_a_503_and_moves_nothing(fresh_tables, monkeypatch):
    [claim_id] = plant("approved")
    monkeypatch.setenv("PAYER_IBAN", "DE00 0000")
    reply = create_run()
    assert reply.status == 503 and reply.body["error"]["code"] == "payer_not_configured"
    assert claim(claim_id)["status"] == "approved"
