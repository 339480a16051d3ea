"""No input gets a 500: hostile bodies, headers, dates and cursors are 4xx JSON errors naming what was wrong.

Each request runs the real handler against the moto server; refused writes change nothing. Only a
genuine server fault is a 500, and that one says nothing about its cause.
"""

from __future__ import annotations

import base64
import importlib
import json

import pytest

from sharewall_common import cursors
from site_builder.local.aws import fingerprint
from site_builder.local.events import LambdaContext, http_event
from site_builder.local.template import find_route
from tests.functions.invoke import invoke, routes

EMPLOYEE = {"sub": "emil", "groups": ["employee"]}
COMMS = {"sub": "carla", "groups": ["employee", "comms"]}
FINANCE = {"sub": "finn", "groups": ["employee", "finance"]}
JSON = {"content-type": "application/json"}
SHARE = {**JSON, "idempotency-key": "hostile-0001"}


def raw(function: str, method: str, path: str, *, body: str | None = None, base64_encoded: bool = False,
        headers: dict | None = None, claims: dict | None = None, query: str = "") -> tuple[int, dict]:
    """Invoke with an event built by hand (for what API Gateway itself would never send, too)."""
    route, params = find_route(routes(function), method, path)
    module, _, name = route.handler.rpartition(".")
    event = http_event(method, path, route_key=route.key, headers=headers, query=query, claims=claims,
                       path_parameters=params or None)
    if body is not None:
        event["body"], event["isBase64Encoded"] = body, base64_encoded
    result = getattr(importlib.import_module(module), name)(event, LambdaContext())
    return result["statusCode"], json.loads(result.get("body") or "null")


def refused(status: int, body, expected: int, *mentions: str) -> dict:
    """A 4xx in the one error shape (`fields` when it names fields), its message naming each of `mentions`."""
    assert status == expected, body
    assert set(body) == {"error"} and set(body["error"]) in ({"code", "message"}, {"code", "message", "fields"}), body
    for item in body["error"].get("fields", []):
        assert isinstance(item["field"], str) and isinstance(item["code"], str), body
    for mention in mentions:
        assert mention in body["error"]["message"], body
    return body["error"]


@pytest.fixture
def unchanged(fresh_tables):
    """Asserts after the test that the tables and buckets hold exactly what they held before."""
    before = fingerprint(fresh_tables)
    yield fresh_tables
    assert fingerprint(fresh_tables) == before


# (function, method, path, claims, body, headers, status, words the message names)
BODIES = [
    ("SharesFunction", "POST", "/shares", EMPLOYEE, "[" * 2000 + "]" * 2000, SHARE, 400, "nested too deeply"),
    ("ClaimsFunction", "POST", "/invites", COMMS, '{"a":' * 9000 + "1" + "}" * 9000, JSON, 400, "nested too deeply"),
    ("ClaimsFunction", "POST", "/invites", COMMS, '{"name": "A", "email": "a@b.cd", "campaign": "c", "days": '
     + "9" * 5000 + "}", JSON, 400, "body:", "digits"),
    ("ClaimsFunction", "POST", "/invites", COMMS, '{"name": "A", "email": "a@b.cd", "campaign": "c", "days": 1e999}',
     JSON, 400, "days"),
    ("ClaimsFunction", "POST", "/invites", COMMS, '{"name": "A", "email": "a@b.cd", "campaign": "c", "days": NaN}',
     JSON, 400, "NaN"),
    ("SharesFunction", "POST", "/shares", EMPLOYEE, "post=a&network=x", SHARE, 400, "malformed JSON"),
    ("SharesFunction", "POST", "/shares", EMPLOYEE, "hello", SHARE, 400, "malformed JSON"),
    ("SharesFunction", "POST", "/shares", EMPLOYEE, '{"post": "a"', SHARE, 400, "malformed JSON"),
    ("SharesFunction", "POST", "/shares", EMPLOYEE, "--x\r\n\r\n--x--", {**SHARE, "content-type": "multipart/form-data"},
     415, "content-type", "application/json"),
    ("SharesFunction", "POST", "/shares", EMPLOYEE, "a=b", {**SHARE, "content-type": "application/x-www-form-urlencoded"},
     415, "content-type"),
    ("SharesFunction", "POST", "/shares", EMPLOYEE, "{}", {**SHARE, "content-type": "text/plain"}, 415, "content-type"),
    ("SharesFunction", "POST", "/shares", EMPLOYEE, "{}", {**SHARE, "content-length": "abc"}, 400, "content-length"),
    ("ClaimsFunction", "POST", "/claims/aaaaaaaaaaaaaaaaaaaaaaaa/decision", FINANCE,
     '{"action": "approve", "expected": "submitted", "confirm_duplicates": "yes"}', JSON, 400, "confirm_duplicates"),
    ("ClaimsFunction", "POST", "/invites", COMMS, '"just a string"', JSON, 400, "body"),
    ("ClaimsFunction", "POST", "/invites", COMMS, "[]", JSON, 400, "body"),
    ("ClaimsFunction", "POST", "/invites", COMMS, "null", JSON, 400, "body"),
]


@pytest.mark.parametrize("row", BODIES, ids=[f"{row[2]}-{row[4][:16]!r}-{row[7]}" for row in BODIES])
def test_a_hostile_body_is_a_4xx_naming_what_was_wrong(unchanged, row):
    function, method, path, claims, body, headers, status, *mentions = row
    reply = invoke(function, method, path, body, headers=headers, claims=claims)
    refused(reply.status, reply.body, status, *mentions)


def test_a_body_that_is_not_utf8_is_a_400(unchanged):
    reply = invoke("SharesFunction", "POST", "/shares", b'{"post": "\xff\xfe"}', headers=SHARE, claims=EMPLOYEE)
    refused(reply.status, reply.body, 400, "body:", "UTF-8")


@pytest.mark.parametrize("body", ["not base64!!", "YQ=", "%%%%"])
def test_a_body_marked_base64_that_is_not_is_a_400(unchanged, body):
    status, answer = raw("SharesFunction", "POST", "/shares", body=body, base64_encoded=True, headers=SHARE,
                         claims=EMPLOYEE)
    refused(status, answer, 400, "body:", "base64")


def test_a_base64_body_that_is_json_is_read(fresh_tables):
    share = {"post": "arm-migration", "network": "linkedin", "personalised": False}
    status, answer = raw("SharesFunction", "POST", "/shares", body=base64.b64encode(json.dumps(share).encode()).decode(),
                         base64_encoded=True, headers=SHARE, claims=EMPLOYEE)
    assert status == 201, answer


@pytest.mark.parametrize("query, mentions", [
    ("from=0001-01-01&to=0001-01-05", ("from:", "0001-01-01")),
    ("to=0001-01-05", ("to:", "0001-01-05")),
    ("from=9999-12-01&to=9999-12-31&granularity=month", ("from:", "9999-12-01")),
    ("from=2026-01-01&to=9999-12-31&granularity=week", ("to:", "9999-12-31")),
    ("from=1999-12-31&to=2000-01-02", ("from:",)),
    ("from=2026-02-30", ("from",)),
    ("from=-2026-01-01", ("from",)),
    ("from=2026-01-01T10:00", ("from",)),
    ("granularity=year", ("granularity",)),
])
def test_stats_far_in_the_past_or_future_are_a_400(fresh_tables, query, mentions):
    reply = invoke("SharesFunction", "GET", "/stats", query=query, claims=EMPLOYEE)
    refused(reply.status, reply.body, 400, *mentions)


def test_stats_at_the_edges_of_the_calendar_are_answered(fresh_tables):
    for query in ("from=2000-01-01&to=2000-01-31", "from=2199-12-01&to=2199-12-31", "to=2000-01-03",
                  "from=2190-01-01&to=2199-12-31&granularity=month", "from=2199-06-01&to=2199-12-31&granularity=week"):
        reply = invoke("SharesFunction", "GET", "/stats", query=query, claims=EMPLOYEE)
        assert reply.status == 200, (query, reply.body)


# --- cursors ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def many_invites(aws_resources):
    """More invites than one page holds (51), and the second page's cursor."""
    from site_builder.local.aws import reset_tables

    reset_tables(aws_resources)
    for n in range(51):
        reply = invoke("ClaimsFunction", "POST", "/invites", {"name": f"Guest {n}", "email": f"g{n}@example.org",
                                                              "campaign": "fair-2026"}, headers=JSON, claims=COMMS)
        assert reply.status == 201, reply.body
    first = invoke("ClaimsFunction", "GET", "/invites", claims=COMMS)
    assert len(first.body["invites"]) == 50 and first.body["next"]
    return first.body["next"]


def test_the_servers_own_cursor_continues_the_list(many_invites):
    reply = invoke("ClaimsFunction", "GET", "/invites", query=f"cursor={many_invites}", claims=COMMS)
    assert reply.status == 200 and len(reply.body["invites"]) == 1 and reply.body["next"] is None


def _forged(cursor: str) -> list[str]:
    payload, _, tag = cursor.partition(".")
    key = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    unsigned = base64.urlsafe_b64encode(json.dumps(key).encode()).decode()
    other_key = {**key, "gsi1sk": {"S": "9999"}}
    return [
        unsigned,  # the old, unsigned format
        f"{cursors._b64(json.dumps(other_key, separators=(',', ':'), sort_keys=True).encode())}.{tag}",  # key changed
        f"{payload}.{'B' if tag[0] != 'B' else 'C'}{tag[1:]}",  # tag changed (its first character: six whole bits)
        f"{payload}.",
        cursors.encode(key, "gsi1|CLAIMS#submitted"),  # genuine, but for another list
        cursors.encode(key, "gsi1|INVITES", secret=b"another deployment"),
        "abc", "", ".", "..", "a.b.c", "%00", "é.é", "A" * 599, base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ]


def test_hand_made_or_altered_cursors_are_a_400(many_invites):
    for cursor in _forged(many_invites):
        if not cursor:
            continue
        from urllib.parse import quote

        reply = invoke("ClaimsFunction", "GET", "/invites", query=f"cursor={quote(cursor)}", claims=COMMS)
        refused(reply.status, reply.body, 400, "cursor")


def test_a_cursor_of_another_list_is_refused_by_the_claims_list(many_invites):
    reply = invoke("ClaimsFunction", "GET", "/claims", query=f"cursor={many_invites}", claims=FINANCE)
    assert refused(reply.status, reply.body, 400, "cursor")["code"] == "bad_cursor"


def test_cursor_signing_round_trips_and_binds_the_scope():
    key = {"pk": {"S": "INVITE#1"}, "sk": {"S": "INVITE"}}
    cursor = cursors.encode(key, "gsi1|INVITES", secret=b"k")
    assert cursors.decode(cursor, "gsi1|INVITES", secret=b"k") == key
    for scope, secret in (("gsi1|CLAIMS#paid", b"k"), ("gsi1|INVITES", b"other")):
        with pytest.raises(Exception, match="cursor"):
            cursors.decode(cursor, scope, secret=secret)


# --- the catch-all ------------------------------------------------------------------------------


def test_a_genuine_server_fault_is_a_clean_500_without_details(fresh_tables, monkeypatch, capsys):
    from claims import store

    def broken(*_args, **_kwargs):
        raise KeyError("secret-internal-detail")

    monkeypatch.setattr(store, "list_invites", broken)
    reply = invoke("ClaimsFunction", "GET", "/invites", claims=COMMS)
    error = refused(reply.status, reply.body, 500)
    assert error["code"] == "internal" and "secret-internal-detail" not in reply.text and "KeyError" not in reply.text


def test_an_unknown_route_is_a_404_in_the_error_shape(fresh_tables):
    from shares.app import lambda_handler

    for path in ("/nowhere", "/stats/../../etc/passwd", "/api"):
        result = lambda_handler(http_event("GET", path, claims=EMPLOYEE), LambdaContext())
        refused(result["statusCode"], json.loads(result["body"]), 404, "route")


def test_the_stage_prefix_is_stripped(fresh_tables):
    reply = raw("SharesFunction", "GET", "/stats", claims=EMPLOYEE)
    from shares.app import lambda_handler

    event = http_event("GET", "/api/stats", claims=EMPLOYEE)
    assert lambda_handler(event, LambdaContext())["statusCode"] == reply[0] == 200
