"""Helpers for the claims tests: call the real handler with HTTP API v2 events, upload receipts to moto."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import date, timedelta

import pytest
import requests

from tests.functions.invoke import Reply, in_containers, invoke
from tests.functions.invoke import routes as function_routes

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
IBAN_A = "DE89370400440532013000"
IBAN_B = "FR1420041010050500013M02606"

COMMS = {"sub": "carla-comms", "groups": ["employee", "comms"]}
FINANCE = {"sub": "finn-finance", "groups": ["employee", "finance"]}
EMPLOYEE = {"sub": "emil-employee", "groups": ["employee"]}
COMMS_AND_FINANCE = {"sub": "kim-both", "groups": ["employee", "comms", "finance"]}


# Every IBAN, e-mail address and invite token the tests use: none may appear in a log record
SENSITIVE: set[str] = {IBAN_A, IBAN_B}


def routes():
    return function_routes("ClaimsFunction")


def call(method: str, path: str, body=None, *, claims: dict | None = None, token: str | None = None,
         key: str | None = None, query: str = "") -> Reply:
    """Invoke the claims handler as API Gateway would for the template's route of `method path`."""
    headers = {"content-type": "application/json"}
    if token is not None:
        headers["x-invite-token"] = token
    if key is not None:
        headers["idempotency-key"] = key
    return invoke("ClaimsFunction", method, path, body, headers=headers, claims=claims, query=query)


def invite(claims=COMMS, **changes) -> dict:
    body = {"name": "Lena Lettering", "email": f"lena-{uuid.uuid4().hex[:6]}@example.org", "campaign": "fair-2026",
            "days": 30, **changes}
    SENSITIVE.add(body["email"])
    reply = call("POST", "/invites", body, claims=claims)
    assert reply.status == 201, reply.body
    SENSITIVE.add(reply.body["token"])
    return reply.body


def upload(token: str, data: bytes = PDF, content_type: str = "application/pdf") -> str:
    """Ask for a presigned POST and post the file to the moto S3 over HTTP, as the browser does."""
    reply = call("POST", "/claims/uploads", {"filename": "receipt.pdf", "content_type": content_type, "size": len(data)},
                 token=token)
    assert reply.status == 201, reply.body
    posted = requests.post(reply.body["url"], data=reply.body["fields"], files={"file": ("receipt", data, content_type)},
                           timeout=10)
    assert posted.status_code in (200, 204), posted.text
    return reply.body["upload"]


def line(receipt: str | None, **changes) -> dict:
    return {"date": (date.today() - timedelta(days=3)).isoformat(), "category": "travel",
            "description": "Train to the fair", "gross": "89.90", "currency": "EUR", "vat": "14.35",
            "receipt": receipt, **changes}


def payee(iban: str = IBAN_A, **changes) -> dict:
    return {"kind": "private", "holder": "Lena Lettering", "iban": iban,
            "address": {"street": "Kastanienallee 12", "postcode": "10435", "town": "Berlin", "country": "DE"},
            **changes}


def violating_lines(token: str) -> list[dict]:
    """Five lines, four of which break the policy: a fee, meals over their limit, an old date, a missing receipt."""
    return [
        line(upload(token)),
        line(None, category="honorarium"),
        line(upload(token), category="meals", gross="95.00", vat="0"),
        line(None, date="2020-01-01", category="local-transport", gross="5.00", vat="0"),
        line(None),
    ]


def submit(token: str, lines: list[dict] | None = None, *, iban: str = IBAN_A, key: str | None = None) -> Reply:
    body = {"payee": payee(iban), "lines": lines if lines is not None else [line(upload(token))]}
    return call("POST", "/claims", body, token=token, key=key or uuid.uuid4().hex)


def _forget_idempotency_cache() -> None:
    from claims import filing

    filing._idempotent.cache_clear()


def _reply(request: tuple, kwargs: dict) -> tuple[int, object]:
    reply = call(*request, **kwargs)
    return reply.status, reply.body


def concurrently(count: int, *request, **kwargs) -> list[tuple[int, object]]:
    """The same call from `count` forked processes (warm Lambda containers) released at once."""
    import claims.app  # noqa: F401  (imported before forking, like a warm container)

    return in_containers(_reply, [(request, kwargs)] * count, prepare=_forget_idempotency_cache)


# --- no personal data in logs (imported by each claims test module, so it applies to all its tests) ---


def _rendered(record: logging.LogRecord) -> str:
    """The record as the Powertools JSON formatter writes it, plus every attribute it carries."""
    powertools = logging.getLogger("claims")
    formatter = next((handler.formatter for handler in powertools.handlers if handler.formatter), None)
    text = formatter.format(record) if formatter and record.name.startswith("claims") else record.getMessage()
    return text + json.dumps({key: repr(value) for key, value in vars(record).items()})


@pytest.fixture(autouse=True)
def no_personal_data_in_logs(caplog):
    """Capture what the functions log, then search every record for the test's personal data."""
    caplog.set_level(logging.INFO)  # the level the functions log at
    yield
    records = [_rendered(record) for phase in ("setup", "call") for record in caplog.get_records(phase)]
    for secret in {value for value in SENSITIVE if value}:
        variants = {secret, json.dumps(secret)[1:-1]}
        if "@" not in secret and "." in secret:
            variants.add(secret.split(".", 1)[1])  # the secret half of an invite token alone
        leaked = [text[:200] for text in records if any(variant in text for variant in variants)]
        assert not leaked, f"personal data {secret[:6]}… found in logs: {leaked[:2]}"
