"""Who is calling: the subject and roles from the claims the HTTP API's JWT authorizer verified."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from sharewall_common.errors import Forbidden, Unauthorized

ROLES = ("employee", "comms", "finance")
STAFF = ROLES  # anyone with a corporate role may share and read the aggregates


@dataclass(frozen=True)
class Identity:
    subject: str
    roles: frozenset[str]

    # Routes say which roles they serve; the caller needs at least one of them
    def require(self, *roles: str) -> Identity:
        if not self.roles.intersection(roles):
            raise Forbidden(f"this needs one of the roles: {', '.join(roles)}")
        return self


def parse_groups(value: object) -> frozenset[str]:
    """Groups as API Gateway hands them over: `"[a b]"` for arrays, or a list, or `a,b` text."""
    if value is None:
        return frozenset()
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [str(item) for item in value]
    else:
        text = str(value).strip()
        if text.startswith("[") and text.endswith("]"):
            text = text[1:-1]
        items = re.split(r"[\s,]+", text)
    return frozenset(item.strip().strip('"') for item in items if item.strip().strip('"'))


def identity_of(event: dict) -> Identity:
    """The verified caller of an HTTP API v2 event; Unauthorized when the authorizer vouched for no one."""
    claims = ((event.get("requestContext") or {}).get("authorizer") or {}).get("jwt", {}).get("claims") or {}
    subject = str(claims.get("sub") or "").strip()
    if not subject:
        raise Unauthorized("sign in first: the request carries no verified identity")
    groups_claim = os.environ.get("GROUPS_CLAIM", "groups")
    roles = parse_groups(claims.get(groups_claim)).intersection(ROLES)
    return Identity(subject=subject, roles=roles)
