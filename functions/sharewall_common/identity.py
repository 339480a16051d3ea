"""Who is calling: the subject and roles from the claims the HTTP API's JWT authorizer verified.

Roles come from the groups claim (env GROUPS_CLAIM, default `groups`), matched as whole values only:
a group named `not finance`, `finance auditors` or `read-only, finance` is none of the roles.

Without ROLE_GROUPS the groups named exactly `employee`, `comms` and `finance` grant those roles. With
ROLE_GROUPS (template parameter RoleGroups), e.g. `finance=<group id>,comms=<id>,employee=<id>`, only
the groups it lists grant roles (Entra ID sends group ids, not names); a role it does not list is
granted by no group. A role may be listed more than once; values hold no spaces, commas or `=`.

The authorizer hands arrays over flattened, `["a", "b"]` as the text `[a b]`: `["not finance"]`,
`["not", "finance"]` and the string `"[not finance]"` all arrive alike. The functions therefore take
the groups from the bearer token itself when it provably is the token the authorizer verified (the
same subject, issue and expiry time, and groups that flatten to exactly the verified text), and read
its value as sent: an array's string elements, or a string as one name. When the token cannot be
matched (missing, garbled, over 16 KiB, another sign-in), bracketed text grants no role at all (fail
closed); text without brackets cannot have been an array and is one name.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from functools import lru_cache

from sharewall_common.errors import Forbidden, Unauthorized

ROLES = ("employee", "comms", "finance")
STAFF = ROLES  # anyone with a corporate role may share and read the aggregates
SAME_TOKEN = ("sub", "iat", "exp")  # claims a bearer token must share with the verified ones to be read


@dataclass(frozen=True)
class Identity:
    subject: str
    roles: frozenset[str]

    # Routes say which roles they serve; the caller needs at least one of them
    def require(self, *roles: str) -> Identity:
        if not self.roles.intersection(roles):
            raise Forbidden(f"this needs one of the roles: {', '.join(roles)}")
        return self


@lru_cache(maxsize=8)
def role_groups(setting: str) -> dict[str, str]:
    """ROLE_GROUPS as group value -> role; empty: each role is granted by the group of its own name."""
    if not setting.strip():
        return {role: role for role in ROLES}
    mapping: dict[str, str] = {}
    for item in setting.split(","):
        role, sep, group = (part.strip() for part in item.partition("="))
        if not sep or role not in ROLES or not group or any(char.isspace() or char == "=" for char in group):
            raise RuntimeError(f"ROLE_GROUPS: {item.strip()!r} is not ROLE=GROUP with ROLE one of "
                               f"{', '.join(ROLES)} and GROUP without spaces, commas or '='")
        mapping[group] = role
    return mapping


def flattened(value: object) -> str:
    """A claim as API Gateway's JWT authorizer passes it on: arrays as `[a b]`, everything else as text."""
    if isinstance(value, (list, tuple)):
        return "[" + " ".join(flattened(item) for item in value) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def parse_groups(value: object) -> frozenset[str]:
    """The group values of a claim read whole: a real array's string elements, a string as one name.

    Flattened text `[a b]` cannot be told from an array or a string with brackets: it is no group at all.
    """
    if value is None:
        return frozenset()
    if isinstance(value, (list, tuple, set, frozenset)):
        return frozenset(item for item in value if isinstance(item, str) and item)
    text = str(value)
    if text.startswith("[") and text.endswith("]"):
        return frozenset()
    return frozenset({text}) if text else frozenset()


def roles_of(groups: frozenset[str], mapping: dict[str, str]) -> frozenset[str]:
    return frozenset(mapping[group] for group in groups if group in mapping)


def _bearer_claims(event: dict) -> dict | None:
    """The payload of the request's bearer token, unverified (only read when it agrees with verified claims)."""
    header = str((event.get("headers") or {}).get("authorization") or "")
    token = header[7:].strip() if header[:7].lower() == "bearer " else header.strip()
    parts = token.split(".")
    if len(parts) != 3 or len(parts[1]) > 16_384:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, RecursionError):  # binascii.Error and UnicodeDecodeError are ValueErrors
        return None
    return payload if isinstance(payload, dict) else None


def _same(token_value: object, verified: object) -> bool:
    """A token's claim as the authorizer passed it on: the same text, or the same number written otherwise."""
    if flattened(token_value) == str(verified):
        return True
    if isinstance(token_value, bool) or not isinstance(token_value, (int, float)):
        return False
    try:
        return float(str(verified)) == float(token_value)
    except (ValueError, OverflowError):
        return False


def groups_claim(event: dict, claims: dict, name: str) -> object:
    """The groups claim as the identity provider sent it when the bearer token is the verified one; else the
    verified text (which parse_groups reads fail-closed)."""
    verified = claims.get(name)
    token = _bearer_claims(event)
    if token is None or name not in token or verified is None or not str(claims.get("sub") or ""):
        return verified
    # each of sub, iat, exp: in both and the same, or (iat, exp) in neither
    agrees = all(_same(token[key], claims[key]) if key in token and key in claims
                 else key != "sub" and key not in token and key not in claims for key in SAME_TOKEN)
    return token[name] if agrees and flattened(token[name]) == str(verified) else verified


NAME_CLAIMS = ("name", "preferred_username", "email")  # the first one the token carries names the person
NAME_MAX = 120


def display_name(event: dict) -> str | None:
    """The verified token's name for people to read (`name`, else `preferred_username`, else `email`).

    Only finance decisions keep it (they must be attributable), and a suggestion whose suggester asked to
    be named (shown to comms and in its pull request); nothing else stores who someone is.
    """
    claims = ((event.get("requestContext") or {}).get("authorizer") or {}).get("jwt", {}).get("claims") or {}
    for key in NAME_CLAIMS:
        value = " ".join(str(claims.get(key) or "").split())  # no line breaks or runs of spaces
        if value and not any(ord(char) < 0x20 or ord(char) == 0x7F for char in value):
            return value[:NAME_MAX]
    return None


def identity_of(event: dict) -> Identity:
    """The verified caller of an HTTP API v2 event; Unauthorized when the authorizer vouched for no one."""
    claims = ((event.get("requestContext") or {}).get("authorizer") or {}).get("jwt", {}).get("claims") or {}
    subject = str(claims.get("sub") or "").strip()
    if not subject:
        raise Unauthorized("sign in first: the request carries no verified identity")
    name = os.environ.get("GROUPS_CLAIM", "groups")
    groups = parse_groups(groups_claim(event, claims, name))
    return Identity(subject=subject, roles=roles_of(groups, role_groups(os.environ.get("ROLE_GROUPS", ""))))
