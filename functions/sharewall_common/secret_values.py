"""Secrets Manager values the functions sign with: fetched once per container, never logged."""

from __future__ import annotations

import os
import time

from sharewall_common.aws import client

_held: dict[str, tuple[str, float]] = {}  # environment variable -> (value, when fetched)


def secret_text(variable: str, max_age: float | None = None) -> str:
    """The SecretString of the secret whose ARN the environment variable `variable` holds.

    Kept for the container's life, or fetched again once older than `max_age` seconds (a key that
    rotates); when that fetch fails, the value held goes on serving rather than none.
    """
    now = time.monotonic()
    held = _held.get(variable)
    if held is not None and (max_age is None or now - held[1] < max_age):
        return held[0]
    try:
        value = client("secretsmanager").get_secret_value(SecretId=os.environ[variable])["SecretString"]
    except Exception:
        if held is None:
            raise
        return held[0]
    _held[variable] = (value, now)
    return value


def forget_secrets() -> None:
    """Drop every value held (tests that change a secret or its ARN)."""
    _held.clear()
