"""The hash of one audit entry of a claim: the one implementation the claims function writes with and
`sharewall audit verify` checks with.

Pure: no boto3. An entry is stored flat (`seq`, `at`, `actor`, `to`, `prev`, `hash` and whatever else
the step records: role, from, reason, run, name...). Its hash is SHA-256 over a canonical JSON of
the claim id, seq, time, action (the status it leads to), actor, details (every other field that is
not None) and `prev` (the hash of the claim's previous entry, "" for the first), so changing any
stored field, or removing or reordering entries, breaks the chain.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS = ""  # the `prev` of a claim's first entry
# The fields of an entry the canonical form names itself; all others are its details
CHAIN_FIELDS = frozenset({"seq", "at", "actor", "to", "prev", "hash"})


def details(entry: dict) -> dict:
    """What the entry records besides its chain fields; None values are absent (DynamoDB stores no None)."""
    return {key: value for key, value in entry.items() if key not in CHAIN_FIELDS and value is not None}


def canonical(claim_id: str, entry: dict) -> bytes:
    """The bytes an entry's hash is taken over: sorted keys, no whitespace, UTF-8."""
    body: dict[str, Any] = {"claim": claim_id, "seq": entry["seq"], "at": entry["at"], "action": entry["to"],
                            "actor": entry.get("actor"), "details": details(entry), "prev": entry["prev"]}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def entry_hash(claim_id: str, entry: dict) -> str:
    return hashlib.sha256(canonical(claim_id, entry)).hexdigest()
