"""The wall's session cookie: a short HS256 JWT the CloudFront function `WallAccessFunction` checks.

Pure: no AWS, no clock of its own. The token says only who it is for (the site's origin) and when it
ends; it carries no identity, so the cookie tells nobody who signed in.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import jwt
from aws_lambda_powertools.shared.cookies import Cookie, SameSite

NAME = "__Host-sharewall-session"  # __Host-: Secure, Path=/, no Domain; the browser enforces all three
ALGORITHM = "HS256"
MAX_TTL = 12 * 3600  # a session never outlives a working day, whatever SESSION_TTL says


def origin_of(site_url: str) -> str:
    """The origin (`https://host[:port]`) of the site's URL: the audience every session is minted for."""
    parts = urlsplit(site_url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"SITE_URL: {site_url!r} is not an http(s) URL of the site")
    return f"{parts.scheme}://{parts.netloc}"


def parse_ttl(value: str) -> int:
    """SESSION_TTL in seconds: a whole number from 60 to MAX_TTL."""
    if not value.strip().isdigit() or not 60 <= int(value) <= MAX_TTL:
        raise ValueError(f"SESSION_TTL: {value!r} is not a number of seconds from 60 to {MAX_TTL}")
    return int(value)


def lifetime(now: int, ttl: int, caller_exp: int | None) -> int:
    """Seconds the session lives: `ttl`, but never past the sign-in token's own end (`caller_exp`)."""
    if caller_exp is None:
        return ttl
    return max(0, min(ttl, caller_exp - now))


def mint(key: str, audience: str, now: int, seconds: int) -> str:
    """The compact HS256 JWT {aud, iat, exp} signed with `key`."""
    return jwt.encode({"aud": audience, "iat": now, "exp": now + seconds}, key, algorithm=ALGORITHM)


def session_cookie(token: str, seconds: int) -> Cookie:
    """The cookie that holds the session: script cannot read it, it goes over HTTPS only, same site only."""
    return Cookie(name=NAME, value=token, path="/", secure=True, http_only=True, max_age=seconds,
                  same_site=SameSite.STRICT_MODE)


def cleared_cookie() -> Cookie:
    """The same cookie, empty and already expired: the browser drops it (sign-out)."""
    return session_cookie("", 0)
