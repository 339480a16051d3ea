"""The claims' audit trail is hash-chained: each entry carries the hash of the one before, the claim its head,
and two writers can never both append after the same entry."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from sharewall_common.auditchain import GENESIS, canonical, entry_hash
from site_builder.audit import first_break
from tests.functions.claims_client import no_personal_data_in_logs  # noqa: F401  (autouse)
from tests.functions.claims_client import FINANCE, call, line, submit, upload
from tests.functions.claims_client import invite as new_invite

ENTRY = {"seq": 1, "at": "2026-11-27T10:00:00.000001+00:00", "actor": "invite:abc", "to": "submitted",
         "role": "influencer", "prev": GENESIS}


def test_the_hash_covers_every_stored_field_in_one_canonical_form():
    base = entry_hash("c1", ENTRY)
    assert canonical("c1", ENTRY) == canonical("c1", dict(reversed(list(ENTRY.items()))))  # key order is irrelevant
    assert entry_hash("c1", {**ENTRY, "reason": None}) == base  # absent and None are the same (DynamoDB stores no None)
    for changed in ({"seq": 2}, {"at": ENTRY["at"][:-1] + "2"}, {"actor": "invite:abd"}, {"to": "approved"},
                    {"role": "finance"}, {"prev": "0" * 64}, {"reason": "x"}, {"name": "Finn"}):
        assert entry_hash("c1", {**ENTRY, **changed}) != base, changed
    assert entry_hash("c2", ENTRY) != base  # an entry cannot be moved to another claim
    assert "ü".encode() in canonical("c1", {**ENTRY, "reason": "Prüfung"})  # UTF-8, not escaped


def test_each_step_appends_a_linked_entry_and_moves_the_head(fresh_tables):
    token = new_invite()["token"]
    claim_id = submit(token, [line(upload(token))]).body["id"]
    assert call("POST", f"/claims/{claim_id}/decision", {"action": "approve", "expected": "submitted"},
                claims=FINANCE).status == 200
    detail = call("GET", f"/claims/{claim_id}", claims=FINANCE).body
    trail = detail["audit"]
    assert [(entry["seq"], entry["from"], entry["to"]) for entry in trail] == [(1, None, "submitted"),
                                                                               (2, "submitted", "approved")]
    assert trail[0]["prev"] == GENESIS and trail[1]["prev"] == trail[0]["hash"]
    assert all(entry["hash"] == entry_hash(claim_id, entry) for entry in trail)
    assert detail["audit_head"] == {"seq": 2, "hash": trail[1]["hash"]}
    assert first_break(claim_id, trail, detail["audit_head"]) is None


def test_a_writer_with_a_stale_head_cannot_fork_the_chain(fresh_tables):
    from claims import audit, store

    token = new_invite()["token"]
    claim_id = submit(token, [line(upload(token))]).body["id"]
    stale = store.get_claim(claim_id)
    note = {"TableName": store.table(), "Key": {"pk": {"S": f"CLAIM#{claim_id}"}, "sk": {"S": "CLAIM"}},
            "UpdateExpression": "SET #note = :note", "ExpressionAttributeNames": {"#note": "note"},
            "ExpressionAttributeValues": {":note": {"S": "x"}}}  # no status condition: only the head guards
    step = {"at": "2026-11-27T10:00:00.000001+00:00", "actor": "p-a", "to": "submitted", "role": "finance"}
    store._transact(audit.transition(stale, step, note))
    with pytest.raises(ClientError) as refused:
        store._transact(audit.transition(stale, {**step, "actor": "p-b"}, note))
    assert refused.value.response["Error"]["Code"] == "TransactionCanceledException"
    trail = store.audit_of(claim_id)
    assert [entry["actor"] for entry in trail] == ["invite:" + store.get_claim(claim_id)["invite_id"], "p-a"]
    assert first_break(claim_id, trail, dict(zip(("seq", "hash"), audit.head(store.get_claim(claim_id))))) is None


def test_transition_keeps_the_callers_update_and_condition():
    from claims import audit

    claim = {"id": "c1", "audit_seq": 3, "audit_head": "h3"}
    update = {"UpdateExpression": "SET #status = :to REMOVE #run", "ConditionExpression": "#status = :expected",
              "ExpressionAttributeNames": {"#status": "status", "#run": "run"},
              "ExpressionAttributeValues": {":to": {"S": "approved"}, ":expected": {"S": "in_payment"}}}
    changed, put = audit.transition(claim, {"at": "t", "actor": "p", "to": "approved"}, update)
    body = changed["Update"]
    assert body["UpdateExpression"] == ("SET #audit_seq = :audit_seq_next, #audit_head = :audit_head_next, "
                                        "#status = :to REMOVE #run")
    assert body["ConditionExpression"] == "(#status = :expected) AND #audit_seq = :audit_seq_was"
    assert body["ExpressionAttributeValues"][":audit_seq_was"] == {"N": "3"}
    assert put["Put"]["Item"]["sk"] == {"S": "AUDIT#00000004"} and put["Put"]["Item"]["prev"] == {"S": "h3"}
    assert update["ConditionExpression"] == "#status = :expected"  # the caller's dict is left as it was


def _chain(claim_id: str, count: int) -> list[dict]:
    from claims import audit

    claim, entries = {"id": claim_id}, []
    for seq in range(count):
        entry = audit.next_entry(claim, {"at": f"2026-11-27T10:00:0{seq}+00:00", "actor": "p", "to": "approved"})
        entries.append(entry)
        claim = {**claim, "audit_seq": entry["seq"], "audit_head": entry["hash"]}
    return entries


def test_the_first_break_of_a_chain_is_named_with_its_entry():
    trail = _chain("c1", 3)
    head = {"seq": 3, "hash": trail[-1]["hash"]}
    assert first_break("c1", trail, head) is None
    assert first_break("c1", [], head) == "claim c1: entry 1: missing entry (the claim has no audit trail)"
    assert first_break("c1", [trail[0], {**trail[1], "seq": "2"}], head) == "claim c1: entry 2: not chained (no seq or hash)"
    assert first_break("c1", trail[1:], head) == "claim c1: entry 1: missing entry (the next one on record is entry 2)"
    assert first_break("c2", trail, head) == ("claim c2: entry 1: hash mismatch (the entry was changed after it was "
                                              "written)")  # moved to another claim
    forged = {**trail[2], "actor": "q"}
    forged["hash"] = entry_hash("c1", forged)  # the last entry rewritten with its hash recomputed: the head disagrees
    assert first_break("c1", [*trail[:2], forged], head) == ("claim c1: entry 3: hash does not match the claim's "
                                                            "chain head (entry 3)")
    assert first_break("c1", trail, None) == "claim c1: entry 3: the claim has no chain head to match"


def _trail(*steps: tuple[str | None, str, str]) -> list[dict]:
    """A chained trail of (from, to, actor) steps, hashed as the function writes them."""
    entries, prev = [], GENESIS
    for seq, (frm, to, actor) in enumerate(steps, start=1):
        entry = {"seq": seq, "at": f"2026-11-27T10:00:0{seq}.000001+00:00", "actor": actor, "to": to, "from": frm,
                 "role": "influencer" if actor.startswith("invite:") else "finance", "prev": prev}
        entry["hash"] = entry_hash("c1", entry)
        entries.append(entry)
        prev = entry["hash"]
    return entries


def test_audit_verify_names_a_payment_confirmed_by_the_approver():
    """#17: an intact chain that shows the approver confirming the payment breaks four eyes, and verify says so."""
    from site_builder.audit import four_eyes_break, verify

    bypass = _trail((None, "submitted", "invite:i"), ("submitted", "approved", "anna"), ("approved", "in_payment", "bert"),
                    ("in_payment", "paid", "anna"))
    fine = _trail((None, "submitted", "invite:i"), ("submitted", "approved", "anna"), ("approved", "in_payment", "bert"),
                  ("in_payment", "approved", "cleo"), ("approved", "in_payment", "bert"), ("in_payment", "paid", "cleo"))
    assert four_eyes_break("c1", bypass) == "claim c1: entry 4: paid by a person who approved it (four eyes)"
    assert four_eyes_break("c1", fine) is None  # cleo cancelled a run: that is no approval
    trails = {"c1": bypass}

    def fetch(path: str) -> dict:
        if path.startswith("/claims/c1"):
            return {"audit": trails["c1"], "audit_head": {"seq": len(trails["c1"]), "hash": trails["c1"][-1]["hash"]}}
        if path == "/claims":
            return {"totals": {"paid": {}}}
        return {"claims": [{"id": "c1"}], "next": None}

    assert verify(fetch).broken == ("claim c1: entry 4: paid by a person who approved it (four eyes)",)
    trails["c1"] = fine
    assert verify(fetch).broken == ()
