"""Dev identities of the local server: unsigned JWTs from the dev sign-in page, or X-Sharewall-Dev-* headers.

Only `sharewall serve` understands these; on AWS the HTTP API's JWT authorizer checks real tokens.
"""

from __future__ import annotations

import base64
import json
import time

from sharewall_common.identity import ROLES  # the roles the functions know

DEV_ISSUER = "https://sharewall.local/dev"
DEV_AUDIENCE = "sharewall-local"  # the template's JwtAudience when `sharewall serve` is not given one
USER_HEADER = "x-sharewall-dev-user"
ROLES_HEADER = "x-sharewall-dev-roles"


class DevAuthError(ValueError):
    """The request's dev identity is missing or malformed."""


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def dev_token(user: str, roles: list[str], audience: str = DEV_AUDIENCE, lifetime: int = 8 * 3600,
              name: str | None = None) -> str:
    """An unsigned JWT (`alg: none`) like the dev sign-in page writes (`name`: its display name); for scripts and tests."""
    now = int(time.time())
    header = {"alg": "none", "typ": "JWT"}
    payload = {"iss": DEV_ISSUER, "aud": audience, "sub": user, "groups": list(roles), "iat": now,
               "exp": now + lifetime, **({"name": name} if name else {})}
    return f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(payload).encode())}."


def claims_from_token(token: str, audience: str = DEV_AUDIENCE) -> dict:
    """The claims of a dev token for `audience`; DevAuthError when it is not one, is for another audience
    (API Gateway's JWT authorizer checks `aud` against the template's JwtAudience) or has expired."""
    parts = token.split(".")
    if len(parts) != 3:
        raise DevAuthError("not a JWT")
    try:
        header, claims = (json.loads(_unb64url(part)) for part in parts[:2])
    except (ValueError, UnicodeDecodeError):
        raise DevAuthError("not a JWT") from None
    if header.get("alg") != "none" or claims.get("iss") != DEV_ISSUER:
        raise DevAuthError("not a dev token of the local server")
    audiences = claims.get("aud") if isinstance(claims.get("aud"), list) else [claims.get("aud")]
    if audience not in audiences:
        raise DevAuthError("dev token for another audience")
    if not claims.get("sub") or int(claims.get("exp", 0)) < time.time():
        raise DevAuthError("dev token without subject or expired")
    return claims


def claims_from_headers(headers: dict[str, str], audience: str = DEV_AUDIENCE) -> dict | None:
    """Claims for a request: dev headers first, then a `Bearer` dev token for `audience`; None when there is neither."""
    user = (headers.get(USER_HEADER) or "").strip()
    if user:
        roles = [role.strip() for role in (headers.get(ROLES_HEADER) or "employee").split(",") if role.strip()]
        unknown = [role for role in roles if role not in ROLES]
        if unknown:
            raise DevAuthError(f"{ROLES_HEADER}: unknown roles {unknown}; use {', '.join(ROLES)}")
        return {"iss": DEV_ISSUER, "sub": user, "groups": roles}
    authorization = headers.get("authorization") or ""
    if authorization.lower().startswith("bearer "):
        return claims_from_token(authorization[7:].strip(), audience)
    return None
