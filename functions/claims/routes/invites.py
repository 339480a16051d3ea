"""Invites (comms): create a link with a random token (only its hash is kept), mail it if asked, list, revoke."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from typing import Annotated

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from sharewall_common.callers import allow, current_caller
from sharewall_common.errors import NotFound

from claims import access, campaigns, mail, store, views
from claims.model import InviteIn, interface_languages

router = Router()
logger = Logger(service="claims", child=True)


PAGE = 50


# The link carries the token in the fragment: it never reaches a server log. It opens the claim page of
# the invite's language: the first interface language's at the site's root, each other one's under /<code>/
def _link(token: str, language: str) -> str:
    folder = "" if language == interface_languages()[0] else f"{language}/"
    return f"{os.environ.get('SITE_URL', '').rstrip('/')}/{folder}claim/#invite={token}"


@router.post("/invites")
@allow(access.staff_with("comms"))
def create(invite: InviteIn):
    caller = current_caller(router)
    now = datetime.now(timezone.utc)
    campaign = campaigns.open_for_invites(invite.campaign, now)  # declared, running and reimbursed, or 400 naming it
    invite_id, token, hashed = access.new_token()
    created_at = now.isoformat(timespec="microseconds")
    item = {"id": invite_id, "name": invite.name, "campaign": invite.campaign,  # the e-mail address is never stored
            "language": invite.language, "created_at": created_at,
            "expires_at": (now + timedelta(days=invite.days)).isoformat(timespec="microseconds"),
            "token_hash": hashed, "creator": caller.actor, **({"creator_name": caller.name} if caller.name else {})}
    store.put_invite(item)
    link = _link(token, invite.language)
    mailed = "not_requested"
    if invite.send_email and invite.email:  # after the invite exists: a failed mail leaves it, and says so
        sent = mail.send_invite(invite.email, invite.language, name=invite.name, link=link,
                                campaign=campaign.name_in(invite.language))
        mailed = "sent" if sent else "failed"
    logger.info("invite created", extra={"invite": invite_id, "campaign": invite.campaign, "days": invite.days,
                                         "language": invite.language, "mail": mailed})
    return {**views.invite(item, created_at), "token": token, "link": link, "mail": mailed}, 201


@router.get("/invites")
@allow(access.staff_with("comms"))
def listing(cursor: Annotated[str | None, Query(max_length=600)] = None,
            limit: Annotated[int | None, Query(ge=1, le=100)] = None):  # default: PAGE
    items, next_cursor = store.list_invites(limit or PAGE, cursor)
    now = datetime.now(timezone.utc).isoformat(timespec="microseconds")
    return {"invites": [{**views.invite(item, now), "claims": views.invite_claims(store.claim_statuses_of_invite(item["id"]))}
                        for item in items], "next": next_cursor}


@router.delete("/invites/<invite_id>")
@allow(access.staff_with("comms"))
def revoke(invite_id: str):
    at = datetime.now(timezone.utc).isoformat(timespec="microseconds")
    item = store.revoke_invite(_checked(invite_id), at)
    logger.info("invite revoked", extra={"invite": invite_id})
    return views.invite(item, at)


def _checked(invite_id: str) -> str:
    if not access.INVITE_ID.fullmatch(invite_id):
        raise NotFound(f"no invite {invite_id[:40]!r}")
    return invite_id
