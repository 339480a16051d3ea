"""Claims: the influencer's side (their invite, submit, own claims) and finance's (list, detail, decide)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Literal

import regex
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from sharewall_common.callers import allow, current_caller
from sharewall_common.clock import zone
from sharewall_common.errors import BadRequest, Conflict, Forbidden, NotFound
from sharewall_common.expenses import money_text

from claims import access, campaigns, filing, finding, policy, rules, store, uploads, views
from claims.model import ClaimIn, DecisionIn

router = Router()
logger = Logger(service="claims", child=True)
IDEMPOTENCY_KEY = regex.compile(r"[A-Za-z0-9_-]{8,64}")
CLAIM_ID = regex.compile(r"[a-f0-9]{24}")
PAGE = 50


@router.get("/claims/invite")
@allow(access.invited)
def invite():
    found = current_caller(router)
    return {"name": found["name"], "campaign": found["campaign"], "campaign_name": campaigns.name_of(found["campaign"]),
            "expires_at": found["expires_at"], "language": found.get("language") or "de",  # older invites: German
            "policy": policy.current().public()}


@router.post("/claims")
@allow(access.invited)
def submit(claim: ClaimIn):
    found = current_caller(router)
    key = (router.current_event.headers or {}).get("idempotency-key") or ""
    if not IDEMPOTENCY_KEY.fullmatch(key):
        raise BadRequest("Idempotency-Key header: required, 8-64 letters, digits, '-' or '_'")
    result = filing.submit(found, key, router.current_event.json_body, router.lambda_context)
    logger.info("claim submitted", extra={"claim": result["id"], "invite": found["id"], "lines": len(claim.lines)})
    return result, 201


@router.get("/claims/mine")
@allow(access.invited)
def mine():
    found = current_caller(router)
    return {"claims": [{**views.own(claim), "history": views.history(store.audit_of(claim["id"]))}
                       for claim in store.claims_of_invite(found["id"])]}


@router.get("/claims")
@allow(access.staff_with("finance"))
def listing(status: Annotated[Literal[rules.STATUSES], Query()] = "submitted",
            q: Annotated[str | None, Query(max_length=100)] = None,  # payee, invite name, reference, descriptions
            campaign: Annotated[str | None, Query(max_length=64)] = None,
            first_day: Annotated[str | None, Query(alias="from", max_length=10)] = None,  # YYYY-MM-DD, site days
            last_day: Annotated[str | None, Query(alias="to", max_length=10)] = None,  # inclusive
            cursor: Annotated[str | None, Query(max_length=600)] = None,
            limit: Annotated[int | None, Query(ge=1, le=100)] = None):  # default: PAGE
    narrowed = finding.filters(q, campaign, first_day, last_day, zone())  # first: a bad filter reads nothing
    stats = store.status_items(rules.STATUSES)
    limit = limit or PAGE
    if narrowed:
        claims, next_cursor = store.find_claims(status, limit, cursor, **narrowed)
    elif cursor:
        claims, next_cursor = store.claims_by_status(status, limit, cursor)
    else:
        claims, next_cursor = store.first_page(status, stats[status], limit)
    return {"status": status, "claims": [_named(views.summary(claim)) for claim in claims], "next": next_cursor,
            "totals": {name: {"count": item.get("count", 0), "total": money_text(item.get("total", 0))}
                       for name, item in stats.items()}}


@router.get("/claims/<claim_id>")
@allow(access.staff_with("finance"))
def detail(claim_id: str):
    caller = current_caller(router)
    claim = _claim(claim_id)
    links = {index: uploads.link(line["receipt_key"], line.get("content_type"))
             for index, line in enumerate(claim["lines"]) if line.get("receipt_key")}
    audit = store.audit_of(claim_id)
    detail = views.detail(claim, audit, links, filing.current_flags(claim))
    # what the caller may not do to it (four eyes): approve a claim of their invite, mark paid one they approved
    return {**_named(detail), "self_invited": claim.get("creator") == caller.actor,
            "you_approved": claim["status"] == "approved" and caller.actor in rules.approvers(audit)}


@router.post("/claims/<claim_id>/decision")
@allow(access.staff_with("finance"))
def decide(claim_id: str, decision: DecisionIn):
    caller = current_caller(router)
    claim = _claim(claim_id)
    if claim["status"] == "in_payment":  # only the run's own decision moves it on (paid or cancelled)
        raise Conflict(f"the claim is in payment run {claim.get('run')}: confirm that run paid or cancel it",
                       code="in_payment_run")
    if decision.action == "approve" and claim.get("creator") == caller.actor:
        raise Forbidden("you created the invite of this claim; another person in finance must approve it", code="own_invite")
    if decision.action == "pay" and caller.actor in rules.approvers(store.audit_of(claim_id)):
        raise Forbidden("you approved this claim; another person in finance must mark it paid (four eyes)",
                        code="own_approval")
    if decision.action == "approve" and not decision.confirm_duplicates and filing.current_flags(claim):
        raise Conflict("this claim is flagged (a possible duplicate, over a limit across the invite's claims, or a currency rate to check); "
                       "check the flags and confirm", code="confirm_duplicates")
    try:
        to = rules.transition(decision.action, decision.expected, claim["status"])
    except rules.TransitionError as error:
        raise Conflict(str(error), code="status_changed") from None
    at = datetime.now(timezone.utc).isoformat(timespec="microseconds")
    changes = {f"{to}_at": at, **({"reason": decision.reason} if decision.reason else {}),
               **({"approved_by": caller.actor} if to == "approved" else {}),  # runs' four eyes read it (claims.runs)
               **({"decided_by_name": caller.name} if caller.name else {})}  # the list names who decided last
    # the approver's name from their token: a finance decision must be attributable (DESIGN.md, Privacy)
    audit = {"at": at, "actor": caller.actor, "name": caller.name, "role": "finance", "from": decision.expected, "to": to,
             "reason": decision.reason, "duplicates_confirmed": decision.confirm_duplicates or None}
    store.decide(claim, to, audit, changes)
    logger.info("claim decided", extra={"claim": claim_id, "from": decision.expected, "to": to})
    return {"id": claim_id, "status": to}


# Finance reads the campaign's name (from the published campaigns.yml) beside its slug
def _named(view: dict) -> dict:
    return {**view, "campaign_name": campaigns.name_of(view.get("campaign"))}


def _claim(claim_id: str) -> dict:
    claim = store.get_claim(claim_id) if CLAIM_ID.fullmatch(claim_id) else None
    if claim is None:
        raise NotFound(f"no claim {claim_id[:40]!r}")
    return claim
