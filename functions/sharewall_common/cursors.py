"""Pagination cursors: a page's last key, signed (HMAC-SHA256), so only the API's own cursors come back.

A cursor is `<payload>.<tag>`, both base64url without padding: the payload is the DynamoDB key as
JSON, the tag binds it to the list it continues (`scope`, e.g. the index and partition). The key is
derived from the pseudonym secret under its own label, so it signs nothing else. A hand-made,
altered or foreign cursor (another list's, another deployment's) is refused with 400 before any read.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json

from sharewall_common.errors import BadRequest
from sharewall_common.secret_values import secret_text

LABEL = b"sharewall pagination cursors v1"
TAG_BYTES = 16
MAX_LENGTH = 1024


def _key(secret: bytes | None) -> bytes:
    base = secret if secret is not None else secret_text("PSEUDONYM_SECRET_ARN").encode("utf-8")
    return hmac.new(base, LABEL, hashlib.sha256).digest()


def _tag(payload: str, scope: str, secret: bytes | None) -> bytes:
    return hmac.new(_key(secret), f"{scope}\x1f{payload}".encode(), hashlib.sha256).digest()[:TAG_BYTES]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def encode(key: dict, scope: str, secret: bytes | None = None) -> str:
    """The cursor that continues the list `scope` after the item with DynamoDB key `key`."""
    payload = _b64(json.dumps(key, separators=(",", ":"), sort_keys=True).encode())
    return f"{payload}.{_b64(_tag(payload, scope, secret))}"


def decode(cursor: str, scope: str, secret: bytes | None = None) -> dict:
    """The key a cursor of `encode` holds; BadRequest for anything this API did not make for `scope`."""
    refused = BadRequest("cursor: not a cursor this API returned for this list; start from the first page",
                         code="bad_cursor")
    payload, dot, tag = cursor.partition(".")
    if not dot or len(cursor) > MAX_LENGTH:
        raise refused
    try:
        given = base64.urlsafe_b64decode(tag + "=" * (-len(tag) % 4))
        if not hmac.compare_digest(given, _tag(payload, scope, secret)):
            raise refused
        key = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (binascii.Error, ValueError):
        raise refused from None
    if not isinstance(key, dict) or not all(isinstance(value, dict) and set(value) == {"S"}
                                            and isinstance(value["S"], str) for value in key.values()):
        raise refused
    return key
