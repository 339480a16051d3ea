"""The authorization matrix: every claims and invites route against every kind of caller.

Each denied call gets 401/403 JSON and changes nothing (tables, bucket objects); each allowed call
succeeds. Runs the real handler against the moto server over HTTP.
"""

from __future__ import annotations

import os
import uuid
from datetime import datetime, timedelta, timezone

import boto3
import pytest

from site_builder.local.aws import fingerprint
from tests.functions.claims_client import no_personal_data_in_logs  # noqa: F401  (autouse)
from tests.functions.claims_client import (
    COMMS, COMMS_AND_FINANCE, EMPLOYEE, FINANCE, IBAN_B, call, invite, line, payee, submit, upload,
)

PRINCIPALS = ("anonymous", "employee", "comms", "finance", "influencer A", "influencer B", "expired", "revoked")


@pytest.fixture
def world(fresh_tables):
    """Invites A and B, an expired and a revoked one; A has one approved and one submitted claim."""
    a, b, expired, revoked = invite(), invite(name="Ben Brush"), invite(name="Old Invite"), invite(name="Withdrawn")
    table = fresh_tables.tables["AppTable"]
    boto3.client("dynamodb").update_item(
        TableName=table, Key={"pk": {"S": f"INVITE#{expired['id']}"}, "sk": {"S": "INVITE"}},
        UpdateExpression="SET expires_at = :past",
        ExpressionAttributeValues={":past": {"S": (datetime.now(timezone.utc) - timedelta(seconds=1)).isoformat()}})
    assert call("DELETE", f"/invites/{revoked['id']}", claims=COMMS).status == 200
    b_claim = submit(b["token"], iban=IBAN_B).body["id"]  # approved and in a payment run another person created
    assert call("POST", f"/claims/{b_claim}/decision", {"action": "approve", "expected": "submitted"},
                claims=FINANCE).status == 200
    run = call("POST", "/payment-runs", claims=COMMS_AND_FINANCE).body["id"]
    approved = submit(a["token"]).body["id"]  # its receipt's bytes are b_claim's: a duplicate to confirm
    assert call("POST", f"/claims/{approved}/decision", {"action": "approve", "expected": "submitted",
                                                        "confirm_duplicates": True},
                claims=COMMS_AND_FINANCE).status == 200  # not by finance, who may then put it into a run
    pending = submit(a["token"]).body["id"]
    asked = submit(a["token"]).body["id"]  # finance asked a question about it: A may correct it
    assert call("POST", f"/claims/{asked}/decision", {"action": "ask", "expected": "submitted", "question": "Which train?"},
                claims=FINANCE).status == 200
    # one upload id under both invites' own prefixes: each influencer may check theirs, nobody else either
    shared_upload = upload(a["token"])
    boto3.client("s3").put_object(Bucket=os.environ["RECEIPTS_BUCKET"], Key=f"pending/{b['id']}/{shared_upload}",
                                  Body=b"%PDF-1.4\n", ContentType="application/pdf")
    callers = {
        "anonymous": {}, "employee": {"claims": EMPLOYEE}, "comms": {"claims": COMMS}, "finance": {"claims": FINANCE},
        "influencer A": {"token": a["token"]}, "influencer B": {"token": b["token"]},
        "expired": {"token": expired["token"]}, "revoked": {"token": revoked["token"]},
    }
    return {"a": a, "b": b, "upload": shared_upload, "approved": approved, "pending": pending, "asked": asked,
            "b_claim": b_claim, "run": run, "callers": callers,
            "resources": fresh_tables}


def _claim_body():
    return {"payee": payee(), "lines": [line(None, category="local-transport", gross="12.00", vat="0")]}


# route -> (request builder, who may call it)
ROUTES = {
    "POST /invites": (lambda w: ("POST", "/invites", {"name": "New", "email": "new@example.org", "campaign": "fair-2026"}, {}),
                      {"comms"}),
    "GET /invites": (lambda w: ("GET", "/invites", None, {}), {"comms"}),
    "DELETE /invites/{id}": (lambda w: ("DELETE", f"/invites/{w['b']['id']}", None, {}), {"comms"}),
    "GET /claims/invite": (lambda w: ("GET", "/claims/invite", None, {}), {"influencer A", "influencer B"}),
    "POST /claims/uploads": (lambda w: ("POST", "/claims/uploads",
                                        {"filename": "r.pdf", "content_type": "application/pdf", "size": 1000}, {}),
                             {"influencer A", "influencer B"}),
    "GET /claims/uploads/{id}": (lambda w: ("GET", f"/claims/uploads/{w['upload']}", None, {}), {"influencer A", "influencer B"}),
    "POST /claims": (lambda w: ("POST", "/claims", _claim_body(), {"key": uuid.uuid4().hex}), {"influencer A", "influencer B"}),
    "GET /claims/mine": (lambda w: ("GET", "/claims/mine", None, {}), {"influencer A", "influencer B"}),
    "GET /claims": (lambda w: ("GET", "/claims", None, {}), {"finance"}),
    "GET /claims/{id}": (lambda w: ("GET", f"/claims/{w['pending']}", None, {}), {"finance"}),
    "POST /claims/{id}/decision": (lambda w: ("POST", f"/claims/{w['pending']}/decision",
                                              {"action": "reject", "expected": "submitted", "reason": "no receipt"}, {}),
                                   {"finance"}),
    "POST /claims/decisions": (lambda w: ("POST", "/claims/decisions", {"action": "approve", "claims": [
                                   {"id": w["pending"], "expected": "submitted", "confirm_flags": True}]}, {}), {"finance"}),
    "PUT /claims/{id}": (lambda w: ("PUT", f"/claims/{w['asked']}", {**_claim_body(), "answer": "The 8:15"},
                                    {"key": uuid.uuid4().hex}), {"influencer A"}),
    "POST /claims/{id}/withdraw": (lambda w: ("POST", f"/claims/{w['pending']}/withdraw", None, {}), {"influencer A"}),
    "GET /claims/export.csv": (lambda w: ("GET", "/claims/export.csv", None, {}), {"finance"}),
    "POST /payment-runs": (lambda w: ("POST", "/payment-runs", None, {}), {"finance"}),
    "GET /payment-runs": (lambda w: ("GET", "/payment-runs", None, {}), {"finance"}),
    "GET /payment-runs/{id}/sepa.xml": (lambda w: ("GET", f"/payment-runs/{w['run']}/sepa.xml", None, {}), {"finance"}),
    "GET /payment-runs/{id}/datev.csv": (lambda w: ("GET", f"/payment-runs/{w['run']}/datev.csv", None, {}), {"finance"}),
    "POST /payment-runs/{id}/decision": (lambda w: ("POST", f"/payment-runs/{w['run']}/decision",
                                                    {"action": "cancel", "reason": "wrong date"}, {}), {"finance"}),
}


# route -> callers that pass the callers check but reach no claim of theirs: 404, as for a claim that does not exist
NOT_THEIRS = {"PUT /claims/{id}": {"influencer B"}, "POST /claims/{id}/withdraw": {"influencer B"}}


def test_the_matrix_covers_every_route_of_the_function():
    from tests.functions.claims_client import routes

    assert {route.key for route in routes()} == set(ROUTES)


@pytest.mark.parametrize("route", list(ROUTES))
def test_route_allows_exactly_its_callers(world, route):
    build, allowed = ROUTES[route]
    for principal in PRINCIPALS:
        if principal in allowed:
            continue
        before = fingerprint(world["resources"])
        method, path, body, extra = build(world)
        reply = call(method, path, body, query="", **world["callers"][principal], **extra)
        denied = (404,) if principal in NOT_THEIRS.get(route, ()) else (401, 403)
        assert reply.status in denied, f"{route} as {principal}: {reply.status} {reply.body}"
        assert set(reply.body["error"]) == {"code", "message"}
        assert fingerprint(world["resources"]) == before, f"{route} as {principal} changed data"
    for principal in sorted(allowed):
        method, path, body, extra = build(world)
        reply = call(method, path, body, **world["callers"][principal], **extra)
        assert 200 <= reply.status < 300, f"{route} as {principal}: {reply.status} {reply.body}"


def test_influencers_see_only_their_own_claims(world):
    mine_a = call("GET", "/claims/mine", **world["callers"]["influencer A"]).body["claims"]
    mine_b = call("GET", "/claims/mine", **world["callers"]["influencer B"]).body["claims"]
    assert {claim["id"] for claim in mine_a} == {world["approved"], world["pending"], world["asked"]}
    assert {claim["id"] for claim in mine_b} == {world["b_claim"]}
    assert {claim["status"] for claim in mine_a} == {"approved", "submitted", "needs_info"}


def test_another_invite_reaches_no_claim_of_yours_before_its_body_is_read(world):
    """Authorization before validation: B's malformed correction of A's claim is not found, not refused as malformed;
    an unknown claim id is not found either; nothing changes."""
    before = fingerprint(world["resources"])
    for path in (f"/claims/{world['asked']}", "/claims/" + "0" * 24):
        reply = call("PUT", path, {"payee": {"iban": "nonsense"}, "lines": []}, key=uuid.uuid4().hex,
                     **world["callers"]["influencer B"])
        assert reply.status == 404 and reply.body["error"]["code"] == "not_found", reply.body
    assert call("POST", f"/claims/{world['pending']}/withdraw", **world["callers"]["influencer B"]).status == 404
    assert fingerprint(world["resources"]) == before


def test_an_influencer_cannot_use_another_ones_upload(world):
    theirs = upload(world["a"]["token"])
    reply = call("POST", "/claims", {"payee": payee(), "lines": [line(theirs)]}, key=uuid.uuid4().hex,
                 **world["callers"]["influencer B"])
    assert reply.status == 400
    assert "lines[0].receipt: the receipt upload was not found" in reply.body["error"]["message"]


def test_expired_and_revoked_tokens_say_why(world):
    assert call("GET", "/claims/invite", **world["callers"]["expired"]).body["error"]["code"] == "invite_expired"
    assert call("GET", "/claims/invite", **world["callers"]["revoked"]).body["error"]["code"] == "invite_revoked"
    forged = world["a"]["token"][:-4] + "AAAA"
    assert call("GET", "/claims/invite", token=forged).body["error"]["code"] == "invite_invalid"
    assert call("GET", "/claims/invite", token="nonsense").body["error"]["code"] == "invite_required"
