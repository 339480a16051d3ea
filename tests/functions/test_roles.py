"""Roles are matched exactly, and every route checks its callers before it reads any input.

The role table runs each groups claim in both forms the functions meet: a real array (the bearer
token's, read when it agrees with what the authorizer verified) and API Gateway's flattened `[a b]`,
which alone grants nothing (test_roles_fail_closed.py).
"""

from __future__ import annotations

import json

import pytest

from sharewall_common.errors import Forbidden, Unauthorized
from sharewall_common.identity import flattened, identity_of, parse_groups, role_groups
from site_builder.local.devauth import claims_from_token, dev_token
from site_builder.local.events import http_event
from tests.functions.invoke import invoke, routes

IDS = "employee=11111111-aaaa,comms=22222222-bbbb,finance=33333333-cccc,finance=44444444-dddd"

# (groups as the identity provider sends them, ROLE_GROUPS, roles granted)
TABLE = [
    (["finance"], "", {"finance"}),
    (["employee", "comms"], "", {"employee", "comms"}),
    (["not finance"], "", set()),
    (["finance auditors"], "", set()),
    (["read-only, finance"], "", set()),
    (["Finance"], "", set()),
    (["finance "], "", set()),
    (["finance-team"], "", set()),
    (["employee,comms"], "", set()),
    (["[finance]"], "", set()),
    (['"finance"'], "", set()),
    ([], "", set()),
    (["marketing", "employee"], "", {"employee"}),
    (["33333333-cccc"], IDS, {"finance"}),
    (["44444444-dddd", "11111111-aaaa"], IDS, {"finance", "employee"}),
    (["finance", "comms"], IDS, set()),  # with a mapping, names grant nothing: only the listed ids do
    (["33333333-cccc-extra"], IDS, set()),
    (["33333333-CCCC"], IDS, set()),
    (["not 33333333-cccc"], IDS, set()),
]


def _event(groups, *, with_token: bool) -> dict:
    """The event the functions get for a user in `groups`: flattened claims, and the bearer token or not."""
    token = dev_token("pat", groups)
    headers = {"authorization": f"Bearer {token}"} if with_token else {}
    return http_event("GET", "/claims", headers=headers, claims=claims_from_token(token), bearer=with_token)


@pytest.mark.parametrize("groups, setting, roles", TABLE, ids=[f"{g}-{bool(s)}" for g, s, _ in TABLE])
def test_roles_from_a_real_array_are_whole_values(monkeypatch, groups, setting, roles):
    monkeypatch.setenv("ROLE_GROUPS", setting)
    assert identity_of(_event(groups, with_token=True)).roles == roles


@pytest.mark.parametrize("groups, setting, roles", TABLE, ids=lambda value: str(value))
def test_flattened_groups_alone_grant_no_role(monkeypatch, groups, setting, roles):
    monkeypatch.setenv("ROLE_GROUPS", setting)
    event = _event(groups, with_token=False)
    assert event["requestContext"]["authorizer"]["jwt"]["claims"]["groups"] == "[" + " ".join(groups) + "]"
    assert identity_of(event).roles == set()


# The flattened text alone: `[a b]` is no group (it may have been an array or a string), anything else is one name
@pytest.mark.parametrize("text, groups", [
    ("[employee finance]", set()),
    ("[finance]", set()),
    ("[]", set()),
    ("[employee  finance]", set()),
    ("finance", {"finance"}),
    ("read-only, finance", {"read-only, finance"}),
    ("employee,comms", {"employee,comms"}),
    ("[finance", {"[finance"}),
    ("[not\tfinance]", set()),
    ('["finance"]', set()),
    ("", set()),
    (None, set()),
    (["finance", 7, None, ""], {"finance"}),
])
def test_flattened_text_is_parsed_into_whole_group_values(text, groups):
    assert parse_groups(text) == groups


def test_a_flattened_name_with_a_space_is_no_name_without_the_token(monkeypatch):
    """`["not finance"]` and `["not", "finance"]` flatten alike; only the token tells, and without it nothing is granted."""
    monkeypatch.setenv("ROLE_GROUPS", "")
    assert flattened(["not finance"]) == flattened(["not", "finance"]) == "[not finance]"
    assert identity_of(_event(["not finance"], with_token=False)).roles == set()
    assert identity_of(_event(["not finance"], with_token=True)).roles == set()
    monkeypatch.setenv("ROLE_GROUPS", IDS)  # the remedy: ids, which hold no spaces
    assert identity_of(_event(["not finance"], with_token=False)).roles == set()


def _with_header(event: dict, payload: dict) -> dict:
    """`event` carrying a bearer token with `payload` (unsigned: only its agreement with the claims counts)."""
    import base64

    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    event["headers"]["authorization"] = f"Bearer {part({'alg': 'none'})}.{part(payload)}."
    return event


@pytest.mark.parametrize("change", [{"sub": "someone-else"}, {"exp": 1}, {"iat": 2}])
def test_a_bearer_token_of_another_sign_in_is_not_read(monkeypatch, change):
    monkeypatch.setenv("ROLE_GROUPS", "")
    verified = claims_from_token(dev_token("pat", ["not finance"]))
    event = _with_header(http_event("GET", "/claims", claims=verified), {**verified, **change})
    assert identity_of(event).roles == set()  # neither the token's array nor the flattened text decides


def test_a_bearer_token_cannot_add_groups_the_authorizer_did_not_verify(monkeypatch):
    monkeypatch.setenv("ROLE_GROUPS", "")
    verified = claims_from_token(dev_token("pat", ["employee"]))
    forged = _with_header(http_event("GET", "/claims", claims=verified), {**verified, "groups": ["finance"]})
    assert identity_of(forged).roles == set()  # not the verified token: fail closed, not even employee


@pytest.mark.parametrize("header", ["Bearer", "Bearer a.b", "Bearer a.%%%.c", "Bearer a.bnVsbA.c", "Basic abc",
                                    "Bearer " + "a." + "W1tbW1s" * 5000 + ".c"])
def test_a_garbled_bearer_token_grants_no_role(monkeypatch, header):
    monkeypatch.setenv("ROLE_GROUPS", "")
    event = http_event("GET", "/claims", headers={"authorization": header}, claims={"sub": "pat", "groups": ["finance"]})
    assert identity_of(event).roles == set()
    assert identity_of(http_event("GET", "/claims", headers={"authorization": header},
                                  claims={"sub": "pat", "groups": "finance"})).roles == {"finance"}  # one name, no brackets


@pytest.mark.parametrize("setting", ["finance", "boss=abc", "finance=a b", "finance=", "=abc", "finance=a=b"])
def test_a_wrong_role_groups_setting_names_itself_and_the_item(setting):
    with pytest.raises(RuntimeError, match="ROLE_GROUPS"):
        role_groups(setting)


def test_without_a_verified_subject_there_is_no_identity():
    with pytest.raises(Unauthorized):
        identity_of(http_event("GET", "/stats"))
    with pytest.raises(Forbidden):
        identity_of(http_event("GET", "/stats", claims={"sub": "x", "groups": ["employee"]})).require("finance")


# --- every route checks its callers before reading input ------------------------------------------

GARBAGE = '{"unexpected": [1, 2, {"deep": "x"}], "payee": 5'  # malformed and wrong: any reading would say so
NOBODY, OUTSIDER, EMPLOYEE = None, {"sub": "olga", "groups": ["marketing"]}, {"sub": "emil", "groups": ["employee"]}
# route -> the caller who holds a token but not the role (None: no such caller; the route is public or by invite)
WRONG_ROLE = {
    "POST /shares": OUTSIDER, "GET /stats": OUTSIDER, "GET /stats/goals": OUTSIDER, "GET /stats/export.csv": EMPLOYEE,
    "POST /invites": EMPLOYEE, "GET /invites": EMPLOYEE, "DELETE /invites/{id}": EMPLOYEE,
    "GET /claims": EMPLOYEE, "GET /claims/{id}": EMPLOYEE, "POST /claims/{id}/decision": EMPLOYEE,
    "GET /claims/export.csv": EMPLOYEE, "POST /payment-runs": EMPLOYEE, "GET /payment-runs": EMPLOYEE,
    "GET /payment-runs/{id}/sepa.xml": EMPLOYEE, "POST /payment-runs/{id}/decision": EMPLOYEE,
    "GET /claims/invite": EMPLOYEE, "POST /claims/uploads": EMPLOYEE, "GET /claims/uploads/{id}": EMPLOYEE, "POST /claims": EMPLOYEE,
    "GET /claims/mine": EMPLOYEE,
    "POST /claims/decisions": EMPLOYEE, "PUT /claims/{id}": EMPLOYEE, "POST /claims/{id}/withdraw": EMPLOYEE,
    "GET /payment-runs/{id}/datev.csv": EMPLOYEE,
    "POST /session": OUTSIDER,
    "POST /suggestions": OUTSIDER, "GET /suggestions/mine": OUTSIDER, "GET /suggestions/stats": OUTSIDER,
    "GET /suggestions": EMPLOYEE, "POST /suggestions/{id}/decision": EMPLOYEE,
}
# public: signing out, following a shared link (anyone the post reached; tests/functions/test_go_clicks.py), and
# the editor's GitHub sign-in (the person signs in at GitHub; tests/functions/test_editor_auth.py)
PUBLIC = {"DELETE /session", "GET /go/{post}/{network}", "HEAD /go/{post}/{network}", "GET /cms/auth", "GET /cms/callback"}
FUNCTIONS = ("SharesFunction", "ClaimsFunction", "SessionFunction", "SuggestionsFunction", "EditorAuthFunction")
ALL_ROUTES = [(function, route) for function in FUNCTIONS for route in routes(function)]


def test_the_table_covers_every_route_of_the_api():
    assert {route.key for _, route in ALL_ROUTES} == set(WRONG_ROLE) | PUBLIC


def _path(template: str) -> str:
    return template.replace("{id}", "a" * 24)


def _refused_before_reading(reply, status: int) -> None:
    assert reply.status == status, reply.text
    error = reply.body["error"]
    assert set(error) == {"code", "message"} and error["code"] in {"unauthorized", "forbidden", "invite_required"}
    for detail in ("payee", "unexpected", "JSON", ": required", "body:", "cursor:", "from:", "content-type", "dempotency"):
        assert detail not in error["message"], error["message"]


@pytest.mark.parametrize("function, route", [pair for pair in ALL_ROUTES if pair[1].key not in PUBLIC],
                         ids=lambda value: getattr(value, "key", value))
def test_no_identity_is_401_before_the_input_is_read(aws_resources, function, route):
    reply = invoke(function, route.method, _path(route.path), GARBAGE, query="cursor=forged&from=0001-01-01&x=1",
                   headers={"content-type": "application/json", "idempotency-key": "!"}, claims=NOBODY)
    _refused_before_reading(reply, 401)


@pytest.mark.parametrize("function, route", [pair for pair in ALL_ROUTES if pair[1].key not in PUBLIC],
                         ids=lambda value: getattr(value, "key", value))
def test_the_wrong_role_is_refused_before_the_input_is_read(aws_resources, function, route):
    reply = invoke(function, route.method, _path(route.path), GARBAGE, query="cursor=forged&from=0001-01-01",
                   headers={"content-type": "text/plain", "idempotency-key": "!"}, claims=WRONG_ROLE[route.key])
    # staff routes: 403; invite routes: a token without an invite is still nobody (401)
    _refused_before_reading(reply, 403 if route.authorized else 401)


def test_a_route_without_a_callers_declaration_cannot_be_registered():
    from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

    from sharewall_common.api import make_resolver

    router = APIGatewayHttpRouter()

    @router.get("/forgotten")
    def forgotten():
        return {}

    with pytest.raises(RuntimeError, match="GET /forgotten"):
        make_resolver().include_router(router)
