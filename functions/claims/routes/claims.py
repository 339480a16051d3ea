"""Claims: the influencer's side (their invite, submit, own claims, correct, withdraw) and finance's (list,
detail, decide one, approve many)."""

from __future__ import annotations

from typing import Annotated, Literal

import regex
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from pydantic import SkipValidation

from sharewall_common.callers import allow, current_caller
from sharewall_common.clock import zone
from sharewall_common.errors import BadRequest, NotFound
from sharewall_common.expenses import money_text

from claims import access, campaigns, decisions, filing, finding, policy, rules, store, uploads, views
from claims.model import BulkDecisionIn, ClaimCorrectionIn, ClaimIn, DecisionIn

router = Router()
logger = Logger(service="claims", child=True)
IDEMPOTENCY_KEY = regex.compile(r"[A-Za-z0-9_-]{8,64}")
PAGE = 50
# A claim body is checked by claims.filing, not by Powertools: format and policy problems in one answer
# (invalid_claim); the annotation documents the body (OpenAPI) without validating it
Claim = Annotated[ClaimIn, SkipValidation, Body()]
Correction = Annotated[ClaimCorrectionIn, SkipValidation, Body()]


@router.get("/claims/invite")
@allow(access.invited)
def invite():
    found = current_caller(router)
    return {"name": found["name"], "campaign": found["campaign"], "campaign_name": campaigns.name_of(found["campaign"]),
            "expires_at": found["expires_at"], "language": found.get("language") or "de",  # older invites: German
            "policy": policy.current().public()}


@router.post("/claims")
@allow(access.invited)
def submit(claim: Claim):
    found = current_caller(router)
    result = filing.submit(found, _idempotency_key(), router.current_event.json_body, router.lambda_context)
    logger.info("claim submitted", extra={"claim": result["id"], "invite": found["id"], "lines": len(result["lines"])})
    return result, 201


@router.put("/claims/<claim_id>")
@allow(access.invited)
def correct(claim_id: str, claim: Correction):
    found = current_caller(router)
    own = _own_claim(found, claim_id)  # another invite's claim is not found, before its body is looked at
    result = filing.resubmit(found, own, _idempotency_key(), router.current_event.json_body, router.lambda_context)
    logger.info("claim corrected", extra={"claim": claim_id, "invite": found["id"]})
    return result


@router.post("/claims/<claim_id>/withdraw")
@allow(access.invited)
def withdraw(claim_id: str):
    found = current_caller(router)
    result = filing.withdraw(found, _own_claim(found, claim_id))
    logger.info("claim withdrawn", extra={"claim": claim_id, "invite": found["id"]})
    return result


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
    caller = current_caller(router)
    stats = store.status_items(rules.STATUSES)
    limit = limit or PAGE
    if narrowed:
        claims, next_cursor = store.find_claims(status, limit, cursor, **narrowed)
    elif cursor:
        claims, next_cursor = store.claims_by_status(status, limit, cursor)
    else:
        claims, next_cursor = store.first_page(status, stats[status], limit)
    return {"status": status, "claims": [_listed(claim, caller.actor) for claim in claims], "next": next_cursor,
            "totals": {name: {"count": item.get("count", 0), "total": money_text(item.get("total", 0))}
                       for name, item in stats.items()}}


@router.post("/claims/decisions")
@allow(access.staff_with("finance"))
def decide_many(body: BulkDecisionIn):
    results = decisions.decide_all(current_caller(router), body)
    logger.info("claims decided", extra={"claims": len(results), "done": sum(result["ok"] for result in results)})
    return {"results": results}


@router.get("/claims/<claim_id>")
@allow(access.staff_with("finance"))
def detail(claim_id: str):
    caller = current_caller(router)
    claim = decisions.claim(claim_id)
    links = {index: uploads.link(line["receipt_key"], line.get("content_type"))
             for index, line in enumerate(claim["lines"]) if line.get("receipt_key")}
    audit = store.audit_of(claim_id)
    flags = filing.current_flags(claim)
    filing.flag_count(claim, flags)  # the list's count follows what finance sees here
    detail = views.detail(claim, audit, links, flags)
    # what the caller may not do to it (four eyes): approve a claim of their invite, mark paid one they approved
    return {**_named(detail), "flag_count": len(flags), "self_invited": claim.get("creator") == caller.actor,
            "you_approved": claim["status"] == "approved" and caller.actor in rules.approvers(audit)}


@router.post("/claims/<claim_id>/decision")
@allow(access.staff_with("finance"))
def decide(claim_id: str, decision: DecisionIn):
    result = decisions.decide(current_caller(router), claim_id, decision)
    logger.info("claim decided", extra={"claim": claim_id, "from": decision.expected, "to": result["status"]})
    return result


# A row of finance's list, with what the page needs to offer only what the caller may do: whether they created the
# claim's invite (no bulk approval of it, four eyes) and the open question while the claim waits for its answer
def _listed(claim: dict, actor: str) -> dict:
    return {**_named(views.summary(claim)), "self_invited": claim.get("creator") == actor,
            **({"question": claim.get("question")} if claim["status"] == "needs_info" else {})}


# Finance reads the campaign's name (from the published campaigns.yml) beside its slug
def _named(view: dict) -> dict:
    return {**view, "campaign_name": campaigns.name_of(view.get("campaign"))}


# The submission's and correction's retry key, as the browser sends it
def _idempotency_key() -> str:
    key = (router.current_event.headers or {}).get("idempotency-key") or ""
    if not IDEMPOTENCY_KEY.fullmatch(key):
        raise BadRequest("Idempotency-Key header: required, 8-64 letters, digits, '-' or '_'")
    return key


# An influencer reaches only the claims of their own invite: any other is not found (its existence not told)
def _own_claim(invite: dict, claim_id: str) -> dict:
    claim = decisions.claim(claim_id)
    if claim.get("invite_id") != invite["id"]:
        raise NotFound(f"no claim {claim_id[:40]!r}")
    return claim
