"""Defect 5 and 9 of #20. A refused claim gets ONE answer (400 invalid_claim) listing every problem, format and
policy together, each with its field and code (no more 422 after the 400s are fixed). Finance's list counts a
claim's flags as its detail shows them and names who decided, per decision. Against the moto server over
HTTP, with the real handler."""

from __future__ import annotations

import uuid

from site_builder.local.aws import table_items
from tests.functions.claims_client import no_personal_data_in_logs  # noqa: F401  (autouse)
from tests.functions.claims_client import COMMS_AND_FINANCE, FINANCE, call, invite, line, payee, submit, upload


def test_format_and_policy_problems_come_in_one_answer(fresh_tables):
    token = invite()["token"]
    receipt = upload(token)
    before = table_items(fresh_tables)
    body = {"payee": payee(holder="J"),  # format: too short
            "lines": [line(None, category="honorarium"),  # policy: no such category (and well-formed)
                      line(receipt, gross="abc"),  # format: not an amount
                      line(None, date="2020-01-01", category="local-transport", gross="5.00", vat="0")]}  # policy: too old
    reply = call("POST", "/claims", body, token=token, key=uuid.uuid4().hex)
    assert reply.status == 400 and reply.body["error"]["code"] == "invalid_claim"
    found = [(item["field"], item["code"]) for item in reply.body["error"]["fields"]]
    assert found == [("payee.holder", "too_short"), ("lines[0].category", "category_unknown"),
                     ("lines[1].gross", "invalid_amount"), ("lines[2].date", "date_too_old")]
    message = reply.body["error"]["message"]
    assert "payee.holder: " in message and "lines[0].category: category 'honorarium'" in message
    assert "lines[2].date: date 2020-01-01 is older than" in message
    assert table_items(fresh_tables) == before
    # once the format is right, nothing new comes up: the policy's problems were all in the first answer
    body["payee"], body["lines"][1]["gross"] = payee(), "20.00"
    again = call("POST", "/claims", body, token=token, key=uuid.uuid4().hex)
    assert [(item["field"], item["code"]) for item in again.body["error"]["fields"]] == [
        ("lines[0].category", "category_unknown"), ("lines[2].date", "date_too_old")]


def test_a_body_that_is_no_claim_is_one_coded_refusal(fresh_tables):
    token = invite()["token"]
    for body, field in (([1, 2], "body"), ({"payee": payee()}, "lines"), ({"lines": "x", "payee": payee()}, "lines")):
        reply = call("POST", "/claims", body, token=token, key=uuid.uuid4().hex)
        assert reply.status == 400 and reply.body["error"]["code"] == "invalid_claim", reply.body
        assert field in [item["field"] for item in reply.body["error"]["fields"]]


def test_the_list_counts_the_flags_the_detail_shows(fresh_tables):
    token = invite()["token"]
    first = submit(token).body["id"]
    listed = {claim["id"]: claim for claim in call("GET", "/claims", claims=FINANCE).body["claims"]}
    assert listed[first]["flag_count"] == 0
    second = submit(token).body["id"]  # the same receipt and payment: both claims are flagged twice now
    submit(token, [line(upload(token), gross="12.00")])  # another of the same receipt: a third claim
    listed = {claim["id"]: claim for claim in call("GET", "/claims", claims=FINANCE).body["claims"]}
    for claim_id in (first, second):
        detail = call("GET", f"/claims/{claim_id}", claims=FINANCE).body
        assert listed[claim_id]["flag_count"] == len(detail["flags"]) == detail["flag_count"] == 2, detail["flags"]


def test_the_list_names_who_decided_per_decision(fresh_tables):
    token = invite()["token"]
    approved, rejected = (submit(token, [line(None, category="local-transport", gross=gross, vat="0")]).body["id"]
                          for gross in ("5.00", "6.00"))
    assert call("POST", f"/claims/{approved}/decision", {"action": "approve", "expected": "submitted"},
                claims={**FINANCE, "name": "Fiona Finance"}).status == 200
    assert call("POST", f"/claims/{rejected}/decision", {"action": "reject", "expected": "submitted", "reason": "no"},
                claims={**FINANCE, "name": "Rita Reviewer"}).status == 200
    assert call("POST", f"/claims/{approved}/decision", {"action": "pay", "expected": "approved"},
                claims={**COMMS_AND_FINANCE, "name": "Paul Payer"}).status == 200
    paid = call("GET", "/claims", claims=FINANCE, query="status=paid").body["claims"][0]
    assert (paid["approved_by_name"], paid["paid_by_name"]) == ("Fiona Finance", "Paul Payer")
    assert "rejected_by_name" not in paid
    refused = call("GET", "/claims", claims=FINANCE, query="status=rejected").body["claims"][0]
    assert refused["rejected_by_name"] == "Rita Reviewer"
    assert "approved_by_name" not in refused and "paid_by_name" not in refused
