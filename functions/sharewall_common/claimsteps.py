"""The steps a claim's audit trail may hold: shared by the claims function and `sharewall audit verify`.

Pure: the status machine as (from, to) pairs with the role that takes each step, and the check of a trail
against it (an entry rewritten with a recomputed hash still has to be a legal step after the one before).
"""

from __future__ import annotations

# (from, to) -> the role that takes the step: filing (from nothing), finance's decisions (approve, reject, ask,
# pay), payment runs taking approved claims (in_payment) and confirming (paid) or cancelling them (back to
# approved), and the influencer's correction after a question (needs_info -> submitted) and withdrawal
LEGAL_STEPS = {
    (None, "submitted"): "influencer",
    ("submitted", "approved"): "finance", ("submitted", "rejected"): "finance", ("submitted", "needs_info"): "finance",
    ("approved", "paid"): "finance", ("approved", "in_payment"): "finance",
    ("in_payment", "paid"): "finance", ("in_payment", "approved"): "finance",
    ("needs_info", "submitted"): "influencer",
    ("submitted", "withdrawn"): "influencer", ("needs_info", "withdrawn"): "influencer",
}


def illegal_step(entries: list[dict]) -> tuple[dict, str] | None:
    """The first entry of a trail that is no legal step (an unknown transition, one that does not start where
    the previous entry ended, or one taken by the wrong role) and why; None when every step is legal."""
    current = None
    for entry in entries:
        frm, to = entry.get("from"), entry.get("to")
        role = LEGAL_STEPS.get((frm, to))
        if role is None:
            return entry, f"{frm or 'nothing'} -> {to} is no legal transition"
        if frm != current:
            return entry, f"{frm or 'nothing'} -> {to} does not follow the step before (the claim was {current or 'not filed'})"
        if entry.get("role") != role:
            return entry, f"{frm or 'nothing'} -> {to} taken by {entry.get('role') or 'nobody'}, not by {role}"
        current = to
    return None
