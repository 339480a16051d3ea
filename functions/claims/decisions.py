"""Finance's decisions on claims: the ONE function that decides a claim, called for a single decision and for
each claim of a bulk approval, so both follow the same rules (four eyes, flags to confirm, the status seen).
"""

from __future__ import annotations

from datetime import datetime, timezone

import regex

from sharewall_common.errors import ApiError, Conflict, Forbidden, NotFound

from claims import filing, rules, store
from claims.access import Staff
from claims.model import BulkDecisionIn, DecisionIn

CLAIM_ID = regex.compile(r"[a-f0-9]{24}")
# the name of who decided, per decision, on the claim: finance's list says which decision it names
DECIDER_NAME = {"approved": "approved_by_name", "rejected": "rejected_by_name", "needs_info": "asked_by_name",
                "paid": "paid_by_name"}


def claim(claim_id: str) -> dict:
    """The claim with this id; NotFound for an unknown or malformed id (never the id's text beyond 40 characters)."""
    found = store.get_claim(claim_id) if CLAIM_ID.fullmatch(claim_id) else None
    if found is None:
        raise NotFound(f"no claim {claim_id[:40]!r}")
    return found


def decide(caller: Staff, claim_id: str, decision: DecisionIn, *, bulk: bool = False) -> dict:
    """Decide one claim as `caller` ({"id", "status"}); raises the refusal (ApiError) when a rule forbids it."""
    found = claim(claim_id)
    if found["status"] == "in_payment":  # only the run's own decision moves it on (paid or cancelled)
        raise Conflict(f"the claim is in payment run {found.get('run')}: confirm that run paid or cancel it",
                       code="in_payment_run")
    if decision.action == "approve" and found.get("creator") == caller.actor:
        raise Forbidden("you created the invite of this claim; another person in finance must approve it", code="own_invite")
    if decision.action == "pay" and caller.actor in rules.approvers(store.audit_of(claim_id)):
        raise Forbidden("you approved this claim; another person in finance must mark it paid (four eyes)",
                        code="own_approval")
    if decision.action == "approve" and not decision.flags_confirmed and filing.current_flags(found):
        raise Conflict("this claim is flagged (a possible duplicate, over a limit across the invite's claims, or a currency rate to check); "
                       "check the flags and confirm", code="confirm_duplicates")
    try:
        to = rules.transition(decision.action, decision.expected, found["status"])
    except rules.TransitionError as error:
        raise Conflict(str(error), code="status_changed") from None
    at = datetime.now(timezone.utc).isoformat(timespec="microseconds")
    named = {DECIDER_NAME[to]: caller.name, "decided_by_name": caller.name} if caller.name else {}
    changes = {f"{to}_at": at, **({"reason": decision.reason} if decision.reason else {}),
               **({"question": decision.question} if to == "needs_info" else {}),
               **({"approved_by": caller.actor} if to == "approved" else {}),  # runs' four eyes read it (claims.runs)
               **named}  # the list names who decided (decisions since names were kept)
    # the approver's name from their token: a finance decision must be attributable (DESIGN.md, Privacy)
    audit = {"at": at, "actor": caller.actor, "name": caller.name, "role": "finance", "from": decision.expected, "to": to,
             "reason": decision.reason, "question": decision.question if to == "needs_info" else None,
             "duplicates_confirmed": decision.flags_confirmed or None, "bulk": bulk or None}
    store.decide(found, to, audit, changes)
    return {"id": claim_id, "status": to}


def decide_all(caller: Staff, body: BulkDecisionIn) -> list[dict]:
    """Each ticked claim decided on its own, in the order given: its new status, or why it was refused."""
    results = []
    for claim_id, decision in body.decisions():
        try:
            results.append({**decide(caller, claim_id, decision, bulk=True), "ok": True})
        except ApiError as error:
            results.append({"id": claim_id, "ok": False, "error": {"code": error.code, "message": error.message}})
    return results
