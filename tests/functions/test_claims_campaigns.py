"""Invites only for declared, running, reimbursed campaigns (the published campaigns.json, tests/conftest.py's
TEST_CAMPAIGNS); campaign names on the claim and finance views; the approver's name on each decision, and the
influencer's own history of status changes without it."""

from __future__ import annotations

import json

import pytest

from site_builder.local.aws import table_items
from tests.functions.claims_client import no_personal_data_in_logs  # noqa: F401  (autouse)
from tests.functions.claims_client import COMMS, FINANCE, call, invite, line, submit

FINN = {**FINANCE, "name": "Finn Finanz"}  # the identity provider's display name of the finance person


def tables(resources) -> dict:
    return table_items(resources)


def receiptless(token: str):
    """A claim whose one line needs no receipt (local transport), so only the table is involved."""
    return submit(token, [line(None, category="local-transport", description="Taxi zur Messe", gross="12.40", vat="0.00")])


def decide(claim_id: str, action: str, expected: str, claims=FINN, **extra):
    return call("POST", f"/claims/{claim_id}/decision", {"action": action, "expected": expected, **extra}, claims=claims)


@pytest.mark.parametrize(("campaign", "why"), [
    ("no-such-fair", "'no-such-fair' is not declared in campaigns.yml"),
    ("fair-2025", "'fair-2025' has ended"),
    ("fair-2027", "'fair-2027' has not started yet"),
    ("brand-2026", "'brand-2026' is not a reimbursed campaign"),
])
def test_an_invite_only_names_a_declared_running_reimbursed_campaign(fresh_tables, campaign, why):
    before = tables(fresh_tables)
    reply = call("POST", "/invites", {"name": "Lena", "email": "lena@example.org", "campaign": campaign}, claims=COMMS)
    assert reply.status == 400, reply.body
    message = reply.body["error"]["message"]
    assert message.startswith("campaign: ") and why in message
    assert "campaigns open for invites: fair-2026" in message  # what comms may pick instead
    assert tables(fresh_tables) == before  # a refused invite writes nothing


def test_the_claim_form_and_finance_get_the_campaigns_name(fresh_tables):
    token = invite()["token"]
    shown = call("GET", "/claims/invite", token=token).body
    assert (shown["campaign"], shown["campaign_name"]) == ("fair-2026", {"de": "Herbstmesse", "en": "Autumn fair"})
    claim_id = receiptless(token).body["id"]
    (row,) = [row for row in call("GET", "/claims", claims=FINN).body["claims"] if row["id"] == claim_id]
    assert row["campaign_name"] == {"de": "Herbstmesse", "en": "Autumn fair"}
    assert call("GET", f"/claims/{claim_id}", claims=FINN).body["campaign_name"]["en"] == "Autumn fair"


@pytest.mark.parametrize(("claims", "name"), [
    (FINN, "Finn Finanz"),
    ({**FINANCE, "preferred_username": "finn@corp.example"}, "finn@corp.example"),
    ({**FINANCE, "email": "f.finanz@corp.example", "name": "  Finn \n Finanz "}, "Finn Finanz"),
    (FINANCE, None),  # a token without any name: the pseudonym alone, as before
])
def test_each_decision_keeps_the_approvers_name_in_finances_history(fresh_tables, claims, name):
    claim_id = receiptless(invite()["token"]).body["id"]
    assert decide(claim_id, "approve", "submitted", claims=claims).status == 200
    audit = call("GET", f"/claims/{claim_id}", claims=FINN).body["audit"]
    assert [entry["to"] for entry in audit] == ["submitted", "approved"]
    assert audit[1].get("name") == name and audit[0].get("name") is None  # the influencer's filing names nobody
    assert audit[1]["actor"] and audit[1]["actor"] != FINANCE["sub"]  # the subject itself is never stored


def test_the_influencer_sees_status_changes_with_dates_and_the_reason_but_no_name(fresh_tables):
    token = invite()["token"]
    approved_id = receiptless(token).body["id"]
    rejected_id = submit(token, [line(None, category="local-transport", description="Taxi zurück", gross="9.80",
                                      vat="0.00", date=line(None)["date"])]).body["id"]
    assert decide(approved_id, "approve", "submitted").status == 200
    assert decide(rejected_id, "reject", "submitted", reason="Taxi ohne Anlass").status == 200
    reply = call("GET", "/claims/mine", token=token)
    assert reply.status == 200
    claims = {claim["id"]: claim for claim in reply.body["claims"]}
    approved, rejected = claims[approved_id]["history"], claims[rejected_id]["history"]
    assert [step["status"] for step in approved] == ["submitted", "approved"]
    assert [step["status"] for step in rejected] == ["submitted", "rejected"]
    assert rejected[1]["reason"] == "Taxi ohne Anlass" and "reason" not in approved[1]
    assert all(set(step) <= {"status", "to", "at", "reason"} and step["at"][:4].isdigit() for step in approved + rejected)
    assert approved[0]["at"] <= approved[1]["at"]
    text = json.dumps(reply.body)
    assert "Finn" not in text and "actor" not in text  # who in finance decided stays with finance
