"""Who may do what: staff roles from the JWT, influencers by their invite token.

An invite token is `<invite id>.<secret>`; only the SHA-256 of the secret is stored, compared in
constant time. Expired and revoked invites are refused like unknown ones, with their own code.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

import regex

from sharewall_common.callers import by_invite, by_token
from sharewall_common.errors import Unauthorized
from sharewall_common.identity import Identity, display_name, identity_of
from sharewall_common.pseudonym import pseudonym

from claims import store

INVITE_HEADER = "x-invite-token"
INVITE_ID = regex.compile(r"[a-f0-9]{16}")
TOKEN = regex.compile(r"([a-f0-9]{16})\.([A-Za-z0-9_-]{43})")
ACTOR_SCOPE = "claims-actor"  # pseudonyms of staff in invites and audit entries: stable, not per period


@dataclass(frozen=True)
class Staff:
    identity: Identity
    actor: str  # keyed hash of the subject: who did it, without storing who they are
    name: str | None = None  # the token's display name: kept only on finance decisions, which must be attributable


def staff(event: dict, *roles: str) -> Staff:
    """The signed-in employee, when they hold one of `roles` (401 without identity, 403 without role)."""
    identity = identity_of(event).require(*roles)
    return Staff(identity, pseudonym(identity.subject, ACTOR_SCOPE), display_name(event))


def staff_with(*roles: str):
    """The callers check of staff routes (`@allow(access.staff_with("finance"))`): the caller as Staff."""
    return by_token(lambda event: staff(event, *roles))


@by_invite
def invited(event: dict) -> dict:
    """The callers check of influencer routes (`@allow(access.invited)`): the invite of the request's token."""
    return influencer(event.get("headers") or {})


def new_token() -> tuple[str, str, str]:
    """(invite id, token for the link, hash to store)."""
    invite_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    return invite_id, f"{invite_id}.{secret}", token_hash(secret)


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def influencer(headers: dict) -> dict:
    """The invite the request's token belongs to; Unauthorized when missing, wrong, expired or revoked."""
    token = (headers or {}).get(INVITE_HEADER) or ""
    match = TOKEN.fullmatch(token.strip())
    if not match:
        raise Unauthorized("open the link from your invitation: the request carries no valid invite token",
                           code="invite_required")
    invite = store.get_invite(match[1])
    if invite is None or not hmac.compare_digest(invite["token_hash"], token_hash(match[2])):
        raise Unauthorized("this invite link is not valid", code="invite_invalid")
    if invite.get("revoked_at"):
        raise Unauthorized("this invite was withdrawn; ask your contact for a new one", code="invite_revoked")
    if datetime.now(timezone.utc).isoformat(timespec="microseconds") >= invite["expires_at"]:
        raise Unauthorized("this invite has expired; ask your contact for a new one", code="invite_expired")
    return invite
