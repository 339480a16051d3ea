"""Bulk approve (#20): POST /claims/decisions approves the claims finance ticked in one request, a result per
claim in the request's order, under the same rules as one by one (the invite's creator, flags to confirm, the
status seen), each success with its own audit entry. And `confirm_flags`, the new name of `confirm_duplicates`.
Against the moto server over HTTP, with the real handler."""

from __future__ import annotations

import pytest

from site_builder.local.aws import table_items
from tests.functions.claims_client import no_personal_data_in_logs  # noqa: F401  (autouse)
from tests.functions.claims_client import COMMS_AND_FINANCE, FINANCE, IBAN_B, PNG, call, invite, line, submit, upload

FIONA = {**FINANCE, "name": "Fiona Finance"}


def bulk(claims: list[dict], who: dict = FIONA, action: str = "approve"):
    return call("POST", "/claims/decisions", {"action": action, "claims": claims}, claims=who)


def ticked(claim_id: str, **changes) -> dict:
    return {"id": claim_id, "expected": "submitted", **changes}


def test_each_ticked_claim_is_decided_by_the_rules_of_one_decision(fresh_tables):
    token = invite()["token"]  # comms created it: finance may approve its claims
    own_token = invite(COMMS_AND_FINANCE, name="Own Invite")["token"]  # Kim created it and may not approve its claims
    clean = submit(token, [line(upload(token, PNG, "image/png"), gross="20.00", vat="0")]).body["id"]
    first = submit(token).body["id"]
    flagged = submit(token).body["id"]  # the same receipt bytes as `first`: a possible duplicate to confirm
    confirmed = submit(token, iban=IBAN_B).body["id"]
    own = submit(own_token, [line(None, category="local-transport", gross="5.00", vat="0")]).body["id"]
    decided = submit(token, [line(None, category="local-transport", gross="6.00", vat="0")]).body["id"]
    assert call("POST", f"/claims/{decided}/decision", {"action": "reject", "expected": "submitted", "reason": "no"},
                claims=FINANCE).status == 200
    reply = bulk([ticked(clean), ticked(flagged), ticked(confirmed, confirm_flags=True), ticked(decided),
                  ticked("f" * 24)])
    assert reply.status == 200, reply.body
    results = reply.body["results"]
    assert [result["id"] for result in results] == [clean, flagged, confirmed, decided, "f" * 24]
    assert results[0] == {"id": clean, "ok": True, "status": "approved"}
    assert results[1]["ok"] is False and results[1]["error"]["code"] == "confirm_duplicates"
    assert results[2] == {"id": confirmed, "ok": True, "status": "approved"}
    assert results[3]["ok"] is False and results[3]["error"]["code"] == "status_changed"
    assert results[4]["ok"] is False and results[4]["error"]["code"] == "not_found"
    mine = call("POST", "/claims/decisions", {"action": "approve", "claims": [ticked(own), ticked(first, confirm_flags=True)]},
                claims=COMMS_AND_FINANCE).body["results"]
    assert mine[0]["error"]["code"] == "own_invite" and mine[1]["ok"] is True
    # each approval has its own audit entry, marked as part of a bulk approval, with who decided
    for claim_id in (clean, confirmed):
        detail = call("GET", f"/claims/{claim_id}", claims=FINANCE).body
        assert detail["status"] == "approved" and detail["approved_by_name"] == "Fiona Finance"
        entry = detail["audit"][-1]
        assert (entry["from"], entry["to"], entry["bulk"], entry["name"]) == ("submitted", "approved", True, "Fiona Finance")
    assert call("GET", f"/claims/{flagged}", claims=FINANCE).body["status"] == "submitted"
    assert call("GET", "/claims", claims=FINANCE).body["totals"]["approved"]["count"] == 3


@pytest.mark.parametrize(("body", "field", "code"), [
    ({"action": "approve", "claims": []}, "claims", "too_few"),
    ({"action": "approve", "claims": [ticked(f"{n:024x}") for n in range(101)]}, "claims", "too_many"),
    ({"action": "approve", "claims": [ticked("a" * 24), ticked("a" * 24)]}, "claims", "duplicate_claim"),
    ({"action": "reject", "claims": [ticked("a" * 24)]}, "action", "not_allowed"),
    ({"action": "approve", "claims": [ticked("a" * 24, expected="approved")]}, "claims[0].expected", "not_allowed"),
    ({"action": "approve", "claims": [ticked("not-an-id")]}, "claims[0].id", "invalid_format"),
])
def test_a_bulk_request_outside_the_rules_is_refused_whole_and_changes_nothing(fresh_tables, body, field, code):
    before = table_items(fresh_tables)
    reply = call("POST", "/claims/decisions", body, claims=FINANCE)
    assert reply.status == 400, reply.body
    assert (field, code) in [(item["field"], item["code"]) for item in reply.body["error"]["fields"]]
    assert table_items(fresh_tables) == before


def test_confirm_flags_is_the_name_and_confirm_duplicates_still_works(fresh_tables):
    token = invite()["token"]
    first = submit(token).body["id"]
    second, third = submit(token).body["id"], submit(token).body["id"]  # the same receipt: all three flagged
    unconfirmed = call("POST", f"/claims/{first}/decision", {"action": "approve", "expected": "submitted"}, claims=FINANCE)
    assert unconfirmed.status == 409 and unconfirmed.body["error"]["code"] == "confirm_duplicates"
    for claim_id, name in ((first, "confirm_flags"), (second, "confirm_duplicates")):
        reply = call("POST", f"/claims/{claim_id}/decision", {"action": "approve", "expected": "submitted", name: True},
                     claims=FINANCE)
        assert reply.status == 200, reply.body
        assert call("GET", f"/claims/{claim_id}", claims=FINANCE).body["audit"][-1]["duplicates_confirmed"] is True
    not_json_true = call("POST", f"/claims/{third}/decision", {"action": "approve", "expected": "submitted",
                                                               "confirm_flags": "yes"}, claims=FINANCE)
    assert not_json_true.status == 400

