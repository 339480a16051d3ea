"""Ask instead of reject (#20): finance asks a question (needs_info), the influencer corrects the claim with
PUT /claims/{id} (every check of a submission again) or withdraws it; audit entries both ways, the influencer's
view with the open question and the history, status totals with the new statuses. Against the moto server over
HTTP, with the real handler."""

from __future__ import annotations

import os
import uuid

import boto3
import pytest

from site_builder.local.aws import table_items
from tests.functions.claims_client import no_personal_data_in_logs  # noqa: F401  (autouse)
from tests.functions.claims_client import FINANCE, call, invite, line, payee, submit, upload

ANSWER = "Sorry, the train was 79.90; the receipt is attached again."
QUESTION = "The receipt shows 79.90 EUR, the line 89.90 EUR: which is right?"


def ask(claim_id: str, question: str = QUESTION):
    return call("POST", f"/claims/{claim_id}/decision", {"action": "ask", "expected": "submitted", "question": question},
                claims=FINANCE)


def correct(token: str, claim_id: str, lines: list[dict], *, key: str | None = None, answer: str | None = ANSWER):
    body = {"payee": payee(), "lines": lines, **({"answer": answer} if answer is not None else {})}
    return call("PUT", f"/claims/{claim_id}", body, token=token, key=key or uuid.uuid4().hex)


def mine(token: str, claim_id: str) -> dict:
    return next(claim for claim in call("GET", "/claims/mine", token=token).body["claims"] if claim["id"] == claim_id)


def totals() -> dict:
    return call("GET", "/claims", claims=FINANCE).body["totals"]


def asked_claim(fresh_tables) -> tuple[str, str]:
    """(invite token, id) of a filed claim finance asked about."""
    token = invite()["token"]
    claim_id = submit(token).body["id"]
    assert ask(claim_id).status == 200
    return token, claim_id


def test_asking_puts_the_claim_in_needs_info_with_the_question_for_the_influencer(fresh_tables):
    token, claim_id = asked_claim(fresh_tables)
    own = mine(token, claim_id)
    assert own["status"] == "needs_info" and own["question"] == QUESTION
    assert [(step["to"], step.get("question")) for step in own["history"]] == [("submitted", None), ("needs_info", QUESTION)]
    assert "name" not in str(own["history"])  # never who in finance asked
    detail = call("GET", f"/claims/{claim_id}", claims=FINANCE).body
    assert detail["status"] == "needs_info"
    asked = detail["audit"][-1]
    assert (asked["from"], asked["to"], asked["role"], asked["question"]) == ("submitted", "needs_info", "finance", QUESTION)
    assert totals()["needs_info"] == {"count": 1, "total": "89.90"} and totals()["submitted"]["count"] == 0
    # a claim that needs information is not decided until it comes back
    approve = call("POST", f"/claims/{claim_id}/decision", {"action": "approve", "expected": "submitted"}, claims=FINANCE)
    assert approve.status == 409 and approve.body["error"]["code"] == "status_changed"


def test_a_question_is_required_to_ask(fresh_tables):
    token = invite()["token"]
    claim_id = submit(token).body["id"]
    reply = call("POST", f"/claims/{claim_id}/decision", {"action": "ask", "expected": "submitted", "question": "  "},
                 claims=FINANCE)
    assert reply.status == 400 and reply.body["error"]["fields"] == [{"field": "question", "code": "required"}]
    long = call("POST", f"/claims/{claim_id}/decision", {"action": "ask", "expected": "submitted", "question": "x" * 1001},
                claims=FINANCE)
    assert long.status == 400 and long.body["error"]["fields"][0]["field"] == "question"
    assert long.body["error"]["fields"][0]["max"] == "1000"
    assert mine(token, claim_id)["status"] == "submitted"


def test_the_correction_goes_back_to_finance_with_the_answer(fresh_tables):
    token, claim_id = asked_claim(fresh_tables)
    reply = correct(token, claim_id, [line(upload(token), gross="79.90", vat="12.76", description="Nightjet to the fair")])
    assert reply.status == 200, reply.body
    assert reply.body["id"] == claim_id and reply.body["status"] == "submitted" and reply.body["total"] == "79.90"
    own = mine(token, claim_id)
    assert own["status"] == "submitted" and "question" not in own
    assert [(step["to"], step.get("answer")) for step in own["history"]] == [
        ("submitted", None), ("needs_info", None), ("submitted", ANSWER)]
    detail = call("GET", f"/claims/{claim_id}", claims=FINANCE).body
    assert detail["total"] == "79.90" and detail["lines"][0]["gross"] == "79.90" and detail["lines"][0]["receipt_url"]
    back = detail["audit"][-1]
    assert (back["from"], back["to"], back["role"], back["answer"]) == ("needs_info", "submitted", "influencer", ANSWER)
    assert back["actor"].startswith("invite:") and (back["total_was"], back["total"]) == ("89.90", "79.90")
    assert totals()["needs_info"]["count"] == 0 and totals()["submitted"] == {"count": 1, "total": "79.90"}
    found = call("GET", "/claims", claims=FINANCE, query="q=nightjet").body["claims"]  # its new description is searched
    assert [claim["id"] for claim in found] == [claim_id]
    # and finance decides it as any submitted claim
    assert call("POST", f"/claims/{claim_id}/decision", {"action": "approve", "expected": "submitted"},
                claims=FINANCE).status == 200


def test_the_correction_keeps_what_was_filed_before_as_a_revision(fresh_tables):
    token, claim_id = asked_claim(fresh_tables)
    assert correct(token, claim_id, [line(upload(token), gross="79.90", vat="12.76")]).status == 200
    item = boto3.client("dynamodb").get_item(TableName=fresh_tables.tables["AppTable"],
                                             Key={"pk": {"S": f"CLAIM#{claim_id}"}, "sk": {"S": "REVISION#00000003"}})["Item"]
    assert item["total"] == {"N": "8990"} and item["lines"]["L"][0]["M"]["gross"] == {"N": "8990"}


def test_the_correction_runs_every_check_of_a_submission_and_a_refusal_changes_nothing(fresh_tables):
    token, claim_id = asked_claim(fresh_tables)
    receipt = upload(token)
    before = table_items(fresh_tables)
    reply = correct(token, claim_id, [line(receipt, category="meals", gross="95.00", vat="0"),
                                      line("b" * 32), line(None, gross="x")])
    assert reply.status == 400 and reply.body["error"]["code"] == "invalid_claim"
    assert [(item["field"], item["code"]) for item in reply.body["error"]["fields"]] == [
        ("lines[0].gross", "category_limit"), ("lines[1].receipt", "receipt_missing"), ("lines[2].gross", "invalid_amount")]
    assert table_items(fresh_tables) == before
    assert mine(token, claim_id)["status"] == "needs_info"


def test_the_answer_is_optional_and_limited(fresh_tables):
    token, claim_id = asked_claim(fresh_tables)
    too_long = correct(token, claim_id, [line(upload(token))], answer="x" * 1001)
    assert too_long.status == 400 and too_long.body["error"]["code"] == "invalid_claim"
    assert [(item["field"], item["max"]) for item in too_long.body["error"]["fields"]] == [("answer", "1000")]
    assert correct(token, claim_id, [line(upload(token))], answer=None).status == 200


def test_a_correction_is_filed_once_per_key_and_only_while_finance_waits_for_it(fresh_tables):
    token, claim_id = asked_claim(fresh_tables)
    lines, key = [line(upload(token), gross="79.90", vat="12.76")], uuid.uuid4().hex
    first = correct(token, claim_id, lines, key=key)
    again = correct(token, claim_id, lines, key=key)
    assert first.status == again.status == 200 and first.body == again.body
    assert len(call("GET", f"/claims/{claim_id}", claims=FINANCE).body["audit"]) == 3
    other = correct(token, claim_id, lines)  # a new correction of a claim that is submitted again
    assert other.status == 409 and other.body["error"]["code"] == "status_changed"
    reused = correct(token, claim_id, [line(upload(token))], key=key)
    assert reused.status == 409 and reused.body["error"]["code"] == "idempotency_key_reused"


def test_a_claim_finance_did_not_ask_about_cannot_be_corrected(fresh_tables):
    token = invite()["token"]
    claim_id = submit(token).body["id"]
    reply = correct(token, claim_id, [line(upload(token))])
    assert reply.status == 409 and reply.body["error"]["code"] == "status_changed"


def test_a_filed_receipt_is_kept_by_its_upload_id_after_the_upload_is_gone(fresh_tables):
    token = invite()
    claim_id = submit(token["token"]).body["id"]
    assert ask(claim_id).status == 200
    kept = mine(token["token"], claim_id)["lines"][0]["receipt_id"]
    boto3.client("s3").delete_object(Bucket=os.environ["RECEIPTS_BUCKET"], Key=f"pending/{token['id']}/{kept}")
    filed = call("GET", f"/claims/{claim_id}", claims=FINANCE).body["lines"][0]["receipt_url"].split("?")[0]
    reply = correct(token["token"], claim_id, [line(kept, description="Train to the fair and back"),
                                               line(upload(token["token"]), gross="12.00", vat="0")])
    assert reply.status == 200, reply.body
    lines = call("GET", f"/claims/{claim_id}", claims=FINANCE).body["lines"]
    assert lines[0]["receipt_url"].split("?")[0] == filed  # the same filed (locked) receipt
    assert "/v3/" in lines[1]["receipt_url"].split("?")[0]  # a new one under the correction's own revision


def test_the_influencer_withdraws_a_claim_not_yet_decided(fresh_tables):
    token = invite()["token"]
    submitted, asked, approved = (submit(token).body["id"] for _ in range(3))
    assert ask(asked).status == 200
    assert call("POST", f"/claims/{approved}/decision", {"action": "approve", "expected": "submitted",
                                                         "confirm_flags": True}, claims=FINANCE).status == 200
    for claim_id in (submitted, asked):
        reply = call("POST", f"/claims/{claim_id}/withdraw", token=token)
        assert reply.status == 200 and reply.body == {"id": claim_id, "status": "withdrawn"}
        entry = call("GET", f"/claims/{claim_id}", claims=FINANCE).body["audit"][-1]
        assert (entry["to"], entry["role"]) == ("withdrawn", "influencer") and entry["actor"].startswith("invite:")
    assert mine(token, asked)["status"] == "withdrawn" and "question" not in mine(token, asked)
    refused = call("POST", f"/claims/{approved}/withdraw", token=token)
    assert refused.status == 409 and refused.body["error"]["code"] == "status_changed"
    twice = call("POST", f"/claims/{submitted}/withdraw", token=token)
    assert twice.status == 409 and twice.body["error"]["code"] == "status_changed"
    assert totals()["withdrawn"] == {"count": 2, "total": "179.80"}
    assert totals()["submitted"]["count"] == totals()["needs_info"]["count"] == 0
    listed = call("GET", "/claims", claims=FINANCE, query="status=withdrawn").body["claims"]
    assert {claim["id"] for claim in listed} == {submitted, asked}


def test_a_withdrawn_claim_no_longer_counts_towards_the_invites_limits(fresh_tables):
    token = invite()["token"]
    first = submit(token, [line(None, category="local-transport", gross="60.00", vat="0")])
    assert first.status == 201, first.body
    later = [line(None, category="local-transport", gross="30.00", vat="0")]
    refused = submit(token, later)  # 90.00 of local transport across the invite's claims: over its 80.00
    assert refused.status == 400 and refused.body["error"]["fields"][0]["code"] == "invite_limit"
    assert call("POST", f"/claims/{first.body['id']}/withdraw", token=token).status == 200
    assert submit(token, later).status == 201


def test_the_status_machine_allows_each_new_step_only_from_where_it_starts():
    from claims import rules
    from sharewall_common.claimsteps import illegal_step

    assert rules.transition("ask", "submitted", "submitted") == "needs_info"
    assert rules.transition("resubmit", "needs_info", "needs_info") == "submitted"
    assert {rules.transition("withdraw", status, status) for status in ("submitted", "needs_info")} == {"withdrawn"}
    for action, status in (("ask", "needs_info"), ("withdraw", "approved"), ("resubmit", "submitted")):
        with pytest.raises(rules.TransitionError):
            rules.transition(action, status, status)
    steps = [(None, "submitted", "influencer"), ("submitted", "needs_info", "finance"), ("needs_info", "submitted", "influencer"),
             ("submitted", "approved", "finance"), ("approved", "in_payment", "finance"), ("in_payment", "paid", "finance")]
    trail = [{"seq": seq, "from": frm, "to": to, "role": role} for seq, (frm, to, role) in enumerate(steps, start=1)]
    assert illegal_step(trail) is None
    assert illegal_step([*trail[:4], {"seq": 5, "from": "approved", "to": "withdrawn", "role": "influencer"}]) == (
        {"seq": 5, "from": "approved", "to": "withdrawn", "role": "influencer"}, "approved -> withdrawn is no legal transition")
    assert illegal_step([trail[0], {**trail[1], "role": "influencer"}])[1] == (
        "submitted -> needs_info taken by influencer, not by finance")
