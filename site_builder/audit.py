"""`sharewall audit verify`: every claim's audit trail checked against its hash chain, from the API.

Each audit entry of a claim carries `seq` (1, 2, ...), `prev` (the hash of the entry before it) and
`hash` (sharewall_common.auditchain, the same code the claims function writes with); the claim
carries its chain head (the last entry's seq and hash). An entry rewritten in the table no longer
matches its hash; a deleted entry leaves a gap in the sequence; a deleted last entry leaves the head
pointing past the end. An intact trail whose payment was confirmed by a person who approved the claim
breaks four eyes and is named too, and so is one with a step the claims' status machine does not allow
(sharewall_common.claimsteps: e.g. withdrawn after approval, or a question answered by finance). The check reads only what finance's API returns (GET /claims by status, then
GET /claims/{id}), so it needs a finance token and nothing in AWS.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sharewall_common.auditchain import GENESIS, entry_hash
from sharewall_common.claimsteps import illegal_step

Fetch = Callable[[str], dict]  # GET an API path (with query), the parsed JSON answer


@dataclass(frozen=True)
class Result:
    """What a verification found: claims and entries checked, and each broken claim's first broken link."""

    claims: int
    entries: int
    broken: tuple[str, ...]


def first_break(claim_id: str, entries: list[dict], head: dict | None) -> str | None:
    """The first broken link of one claim's chain, as a line naming claim and entry; None when intact."""
    if not entries:  # every claim has one from its filing on
        return f"claim {claim_id}: entry 1: missing entry (the claim has no audit trail)"
    prev = GENESIS
    for position, entry in enumerate(entries, start=1):
        seq = entry.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool) or not isinstance(entry.get("hash"), str):
            return f"claim {claim_id}: entry {position}: not chained (no seq or hash)"
        if seq != position:
            return f"claim {claim_id}: entry {position}: missing entry (the next one on record is entry {seq})"
        if entry.get("prev") != prev:
            return f"claim {claim_id}: entry {seq}: prev does not match the hash of entry {seq - 1}"
        try:
            recomputed = entry_hash(claim_id, entry)
        except (KeyError, TypeError, ValueError):
            return f"claim {claim_id}: entry {seq}: hash mismatch (the entry cannot be read)"
        if recomputed != entry["hash"]:
            return f"claim {claim_id}: entry {seq}: hash mismatch (the entry was changed after it was written)"
        prev = entry["hash"]
    last = len(entries)
    head_seq, head_hash = (head or {}).get("seq"), (head or {}).get("hash")
    if not isinstance(head_seq, int) or head_seq < 1:
        return f"claim {claim_id}: entry {last}: the claim has no chain head to match"
    if head_seq > last:
        return f"claim {claim_id}: entry {last + 1}: missing entry (the claim's chain head is entry {head_seq})"
    if head_seq < last or head_hash != prev:
        return f"claim {claim_id}: entry {last}: hash does not match the claim's chain head (entry {head_seq})"
    return None


def four_eyes_break(claim_id: str, entries: list[dict]) -> str | None:
    """The entry that marked the claim paid by a person who approved it (four eyes), as a line; None when none did.

    A cancelled run putting the claim back to approved (from in_payment) is no approval."""
    approvers = {entry.get("actor") for entry in entries
                 if entry.get("to") == "approved" and entry.get("from") != "in_payment" and entry.get("actor")}
    for entry in entries:
        if entry.get("to") == "paid" and entry.get("actor") in approvers:
            return f"claim {claim_id}: entry {entry.get('seq')}: paid by a person who approved it (four eyes)"
    return None


def step_break(claim_id: str, entries: list[dict]) -> str | None:
    """The first entry that is no legal step of a claim (after the one before, by the right role), as a line."""
    found = illegal_step(entries)
    if found is None:
        return None
    entry, why = found
    return f"claim {claim_id}: entry {entry.get('seq')}: illegal transition ({why})"


def claim_ids(fetch: Fetch) -> Iterator[str]:
    """Every claim's id, status by status (the statuses the API's totals name), page by page, each once."""
    seen: set[str] = set()
    for status in fetch("/claims")["totals"]:
        cursor = None
        while True:
            query = {"status": status, **({"cursor": cursor} if cursor else {})}
            page = fetch("/claims?" + urllib.parse.urlencode(query))
            for claim in page["claims"]:
                if claim["id"] not in seen:
                    seen.add(claim["id"])
                    yield claim["id"]
            cursor = page.get("next")
            if not cursor:
                break


def verify(fetch: Fetch, progress: Callable[[str], None] = lambda line: None) -> Result:
    """Check the chain of every claim; `progress` gets each broken claim's line as it is found."""
    claims = entries = 0
    broken = []
    for claim_id in claim_ids(fetch):
        for _ in range(2):  # a break seen once may be a decision made between the claim's and its trail's reads
            detail = fetch(f"/claims/{urllib.parse.quote(claim_id, safe='')}")
            trail = detail.get("audit") or []
            found = (first_break(claim_id, trail, detail.get("audit_head")) or step_break(claim_id, trail)
                     or four_eyes_break(claim_id, trail))
            if not found:
                break
        claims, entries = claims + 1, entries + len(trail)
        if found:
            broken.append(found)
            progress(found)
    return Result(claims, entries, tuple(broken))
