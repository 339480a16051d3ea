"""Helpers for the claims tests: call the real handler with HTTP API v2 events, upload receipts to moto."""

from __future__ import annotations

import json
import logging
import multiprocessing
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
import requests

from site_builder.local.events import LambdaContext, http_event
from site_builder.local.template import find_route, http_routes, load_template

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
IBAN_A = "DE89370400440532013000"
IBAN_B = "FR1420041010050500013M02606"

COMMS = {"sub": "carla-comms", "groups": ["employee", "comms"]}
FINANCE = {"sub": "finn-finance", "groups": ["employee", "finance"]}
EMPLOYEE = {"sub": "emil-employee", "groups": ["employee"]}
COMMS_AND_FINANCE = {"sub": "kim-both", "groups": ["employee", "comms", "finance"]}


@dataclass
class Reply:
    status: int
    body: object
    headers: dict = field(default_factory=dict)
    text: str = ""


_ROUTES = None
# Every IBAN, e-mail address and invite token the tests use: none may appear in a log record
SENSITIVE: set[str] = {IBAN_A, IBAN_B}


def routes():
    global _ROUTES
    if _ROUTES is None:
        _ROUTES = [route for route in http_routes(load_template("template.yaml")) if route.function == "ClaimsFunction"]
    return _ROUTES


def call(method: str, path: str, body=None, *, claims: dict | None = None, token: str | None = None,
         key: str | None = None, query: str = "") -> Reply:
    """Invoke the claims handler as API Gateway would for the template's route of `method path`."""
    from claims.app import lambda_handler

    found = find_route(routes(), method, path)
    assert found is not None, f"{method} {path} is not a route of the template"
    route, params = found
    headers = {"content-type": "application/json"}
    if token is not None:
        headers["x-invite-token"] = token
    if key is not None:
        headers["idempotency-key"] = key
    if body is not None and not isinstance(body, (str, bytes)):
        body = json.dumps(body)
    # API Gateway hands the JWT claims over only on routes with the authorizer
    event = http_event(method, path, route_key=route.key, headers=headers, body=body, query=query,
                       claims=claims if route.authorized else None, path_parameters=params or None)
    result = lambda_handler(event, LambdaContext())
    text = result.get("body") or ""
    kind = (result.get("headers") or {}).get("Content-Type", "")
    parsed = json.loads(text) if "json" in kind and text else None
    return Reply(result["statusCode"], parsed, result.get("headers") or {}, text)


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


def submit(token: str, lines: list[dict] | None = None, *, iban: str = IBAN_A, key: str | None = None) -> Reply:
    body = {"payee": payee(iban), "lines": lines if lines is not None else [line(upload(token))]}
    return call("POST", "/claims", body, token=token, key=key or uuid.uuid4().hex)


def _child(start, queue, request: tuple, kwargs: dict) -> None:
    from claims import filing
    from sharewall_common.aws import client

    client.cache_clear()  # a container of its own: no connection shared with the parent
    filing._idempotent.cache_clear()
    start.wait()
    reply = call(*request, **kwargs)
    queue.put((reply.status, reply.body))


def concurrently(count: int, *request, **kwargs) -> list[tuple[int, object]]:
    """The same call from `count` forked processes (warm Lambda containers) released at once."""
    import claims.app  # noqa: F401  (imported before forking, like a warm container)

    context = multiprocessing.get_context("fork")
    start, queue = context.Barrier(count), context.Queue()
    workers = [context.Process(target=_child, args=(start, queue, request, kwargs)) for _ in range(count)]
    for worker in workers:
        worker.start()
    replies = [queue.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    return replies


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
