"""Pseudonyms: a keyed hash of the subject, so counting people never stores who they are."""

from __future__ import annotations

import hashlib
import hmac

from sharewall_common.secret_values import secret_text


def pseudonym(subject: str, scope: str, secret: bytes | None = None) -> str:
    """HMAC-SHA256 of the subject within `scope` (e.g. a period): markers of different scopes don't link."""
    key = secret if secret is not None else secret_text("PSEUDONYM_SECRET_ARN").encode("utf-8")
    message = f"{scope}\x1f{subject}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
