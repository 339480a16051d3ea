"""Audit entries of a claim, hash-chained: the ONE place that builds an entry and the writes that file it.

An entry is a step of the claim (filed, approved, in a payment run, paid...): `at`, `actor` (a
pseudonym or `invite:<id>`), `to` (the status it leads to) and details (role, from, reason, run,
name...). Each carries `seq` (1, 2, ...), `prev` (the hash of the claim's previous entry) and `hash`
(sharewall_common.auditchain). The chain head, `audit_seq` and `audit_head`, lives on the claim item
and moves in the same transaction as the entry is written, conditioned on the head the writer read:
two writers can never both append after the same entry (the chain cannot fork), and deleting the
last entry leaves a head that no entry matches.

Items: CLAIM#<id> / AUDIT#<seq, 8 digits> (sorted by seq), never updated or deleted by the functions.
Pure apart from the table name: no boto3 (callers send the transaction items).
"""

from __future__ import annotations

import os

from sharewall_common import dynamo
from sharewall_common.auditchain import GENESIS, entry_hash

SEQ, HEAD = "audit_seq", "audit_head"  # the chain head's attributes on the claim item
PREFIX = "AUDIT#"


def head(claim: dict) -> tuple[int, str]:
    """(seq, hash) of the claim's last entry; (0, "") before its first."""
    return int(claim.get(SEQ) or 0), claim.get(HEAD) or GENESIS


def next_entry(claim: dict, step: dict) -> dict:
    """The entry that follows the claim's head: the step's fields (None dropped) plus seq, prev and hash.

    Steps are those of sharewall_common.claimsteps (`sharewall audit verify` names any other)."""
    seq, prev = head(claim)
    entry = {key: value for key, value in step.items() if value is not None and key not in {"seq", "prev", "hash"}}
    entry.update(seq=seq + 1, prev=prev)
    entry["hash"] = entry_hash(claim["id"], entry)
    return entry


def sort_key(seq: int) -> str:
    return f"{PREFIX}{seq:08d}"


def put(claim_id: str, entry: dict) -> dict:
    """The TransactWriteItems Put of one entry; it never overwrites one."""
    item = {**entry, "pk": f"CLAIM#{claim_id}", "sk": sort_key(entry["seq"])}
    return {"Put": {"TableName": os.environ["APP_TABLE"], "Item": {key: dynamo.serialize(value) for key, value in item.items()},
                    "ConditionExpression": "attribute_not_exists(pk)"}}


def first(claim: dict, step: dict) -> tuple[dict, dict]:
    """For a claim being filed: (the claim with its chain head, the Put of its first entry)."""
    entry = next_entry({"id": claim["id"]}, step)
    return {**claim, SEQ: entry["seq"], HEAD: entry["hash"]}, put(claim["id"], entry)


def transition(claim: dict, step: dict, update: dict) -> list[dict]:
    """The claim's own Update (a TransactWriteItems "Update" body) with the head moved, and the entry's Put.

    The Update gets `SET audit_seq, audit_head` and the condition that the head is still the one
    read with `claim`; any other condition it has stays. Send both in one transaction.
    """
    entry = next_entry(claim, step)
    seq, _ = head(claim)
    update = {**update, "ExpressionAttributeNames": {**update.get("ExpressionAttributeNames", {}), "#audit_seq": SEQ,
                                                     "#audit_head": HEAD},
              "ExpressionAttributeValues": {**update.get("ExpressionAttributeValues", {}),
                                            ":audit_seq_next": dynamo.serialize(entry["seq"]),
                                            ":audit_head_next": dynamo.serialize(entry["hash"])}}
    moves = "#audit_seq = :audit_seq_next, #audit_head = :audit_head_next"
    expression = update.get("UpdateExpression", "")
    update["UpdateExpression"] = (f"SET {moves}, {expression[4:]}" if expression.startswith("SET ")
                                  else f"SET {moves} {expression}".rstrip())
    if seq:
        still = "#audit_seq = :audit_seq_was"
        update["ExpressionAttributeValues"][":audit_seq_was"] = dynamo.serialize(seq)
    else:
        still = "attribute_not_exists(#audit_seq)"
    condition = update.get("ConditionExpression")
    update["ConditionExpression"] = f"({condition}) AND {still}" if condition else still
    return [{"Update": update}, put(claim["id"], entry)]


def public(entry: dict) -> dict:
    """An entry as the API returns it: every stored field (so it can be verified), the usual ones always present."""
    shown = {key: value for key, value in entry.items() if key not in {"pk", "sk"}}
    return {"from": None, "reason": None, "role": None, **shown}
