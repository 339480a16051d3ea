"""#17: roles come only from verified claims, as whole values; whatever cannot be matched grants no role.

The events are API Gateway's: the authorizer's claims flattened (`["not finance"]` as `[not finance]`) and
the request's own bearer token beside them, or one that cannot be matched to them.
"""

from __future__ import annotations

import base64
import json
import time

import pytest

from sharewall_common.identity import flattened, identity_of
from site_builder.local.events import http_event
from tests.functions.invoke import invoke

NOW = int(time.time())


def _token(payload: dict) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none'})}.{part(payload)}."


def _event(payload: dict, *, verified: dict | None = None, header: bool = True) -> dict:
    """The event for a bearer token with `payload`; the authorizer's claims are `verified` (default: the payload's)."""
    verified = payload if verified is None else verified
    headers = {"authorization": f"Bearer {_token(payload)}"} if header else {}
    return http_event("GET", "/claims", headers=headers, claims=verified, bearer=header)


SIGN_IN = {"sub": "pat", "iat": NOW, "exp": NOW + 3600}


@pytest.mark.parametrize("groups", [["not finance"], ["finance auditors"], "[finance]", "[employee finance]",
                                    ["[finance]"], "finance employee", ["finance,comms"]])
def test_groups_that_are_not_whole_role_names_grant_nothing_with_or_without_the_token(monkeypatch, groups):
    monkeypatch.setenv("ROLE_GROUPS", "")
    payload = {**SIGN_IN, "groups": groups}
    assert identity_of(_event(payload)).roles == set()
    assert identity_of(_event(payload, header=False)).roles == set()


def test_groups_sent_as_the_string_finance_in_brackets_grant_nothing(monkeypatch):
    monkeypatch.setenv("ROLE_GROUPS", "")
    event = _event({**SIGN_IN, "groups": "[finance]"})
    assert event["requestContext"]["authorizer"]["jwt"]["claims"]["groups"] == flattened(["finance"])  # alike
    assert identity_of(event).roles == set()
    assert identity_of(_event({**SIGN_IN, "groups": ["finance"]})).roles == {"finance"}  # the array itself


@pytest.mark.parametrize("case", ["no iat in the token", "no iat in the claims", "payload over 16 KiB",
                                  "exp formatted otherwise", "sub of another person", "no token"])
def test_a_token_that_cannot_be_matched_grants_no_role(monkeypatch, case):
    monkeypatch.setenv("ROLE_GROUPS", "")
    payload = {**SIGN_IN, "groups": ["not finance"]}
    verified = dict(payload)
    if case == "no iat in the token":
        payload.pop("iat")
    elif case == "no iat in the claims":
        verified.pop("iat")
    elif case == "payload over 16 KiB":
        payload["padding"] = "x" * 17_000
    elif case == "exp formatted otherwise":
        verified["exp"] = f"{NOW + 3600}x"
    elif case == "sub of another person":
        payload["sub"] = "someone-else"
    event = _event(payload, verified=verified, header=case != "no token")
    assert event["requestContext"]["authorizer"]["jwt"]["claims"]["groups"] == "[not finance]"
    assert identity_of(event).roles == set()  # before #17: split on the space, {"finance"}


def test_a_token_without_iat_matches_claims_without_iat(monkeypatch):
    """No `iat` on either side is no disagreement: the token's array is read (and read whole)."""
    monkeypatch.setenv("ROLE_GROUPS", "")
    payload = {"sub": "pat", "exp": NOW + 3600, "groups": ["finance"]}
    assert identity_of(_event(payload)).roles == {"finance"}
    assert identity_of(_event({**payload, "groups": ["not finance"]})).roles == set()


def test_numbers_the_authorizer_writes_otherwise_still_match(monkeypatch):
    monkeypatch.setenv("ROLE_GROUPS", "")
    payload = {**SIGN_IN, "groups": ["finance"]}
    verified = {**payload, "exp": f"{float(NOW + 3600):.9e}", "iat": f"{float(NOW):.1f}"}  # Go: 1.764955523e+09
    assert identity_of(_event(payload, verified=verified)).roles == {"finance"}


def test_the_api_refuses_finance_routes_to_a_flattened_not_finance(aws_resources, monkeypatch):
    """Through the real handler: `["not finance"]` with a token the functions cannot match is 403, not finance."""
    monkeypatch.setenv("ROLE_GROUPS", "")
    unmatched = _token({"sub": "nina", "groups": ["not finance"], "exp": NOW + 3600, "padding": "x" * 17_000})
    reply = invoke("ClaimsFunction", "GET", "/claims", headers={"authorization": f"Bearer {unmatched}"},
                   claims={"sub": "nina", "groups": ["not finance"], "exp": NOW + 3600})
    assert reply.status == 403 and reply.body["error"]["code"] == "forbidden"
    reply = invoke("ClaimsFunction", "GET", "/claims", claims={"sub": "fiona", "groups": ["finance"]})
    assert reply.status == 200
