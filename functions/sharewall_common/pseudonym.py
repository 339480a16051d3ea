"""Pseudonyms: a keyed hash of the subject, so counting people never stores who they are."""

from __future__ import annotations

import hashlib
import hmac
import os
from functools import lru_cache

from sharewall_common.aws import client


@lru_cache(maxsize=1)
def _secret() -> bytes:
    # Fetched once per container; the secret never leaves memory and is never logged
    arn = os.environ["PSEUDONYM_SECRET_ARN"]
    value = client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"]
    return value.encode("utf-8")


def pseudonym(subject: str, scope: str, secret: bytes | None = None) -> str:
    """HMAC-SHA256 of the subject within `scope` (e.g. a period): markers of different scopes don't link."""
    key = secret if secret is not None else _secret()
    message = f"{scope}\x1f{subject}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
