"""The session function against the moto server: the wall's cookie for signed-in staff, and sign-out.

The cookie's token is checked here with PyJWT and the key Secrets Manager holds; the CloudFront
function's own check of the same tokens is in tests/test_wall_access.py.
"""

from __future__ import annotations

import os
import time

import boto3
import jwt
import pytest

from session import cookie
from sharewall_common.secret_values import forget_secrets
from tests.functions.invoke import invoke

EMPLOYEE = {"sub": "anna", "groups": ["employee"]}


@pytest.fixture
def session_key(aws_resources):
    """The key the function signs with, as the test reads it from the moto server's Secrets Manager."""
    forget_secrets()
    arn = os.environ["SESSION_KEY_SECRET_ARN"]
    return boto3.client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"]


def attributes(set_cookie: str) -> tuple[str, str, dict[str, str]]:
    """A Set-Cookie value as (name, value, {attribute lower-cased: value or ''})."""
    pair, *rest = [part.strip() for part in set_cookie.split(";")]
    name, _, value = pair.partition("=")
    found = {}
    for part in rest:
        key, _, setting = part.partition("=")
        found[key.lower()] = setting
    return name, value, found


def start(claims=EMPLOYEE):
    return invoke("SessionFunction", "POST", "/session", claims=claims)


def the_cookie(reply) -> tuple[str, dict[str, str]]:
    assert reply.status == 204, reply.text
    assert len(reply.cookies) == 1, reply.cookies
    name, value, found = attributes(reply.cookies[0])
    assert name == "__Host-sharewall-session"
    return value, found


def test_staff_get_a_short_lived_httponly_secure_same_site_cookie_signed_with_the_key(session_key):
    before = int(time.time())
    reply = start()
    value, found = the_cookie(reply)
    assert found == {"path": "/", "max-age": "3600", "httponly": "", "secure": "", "samesite": "Strict"}
    assert reply.headers.get("Cache-Control") == "no-store" and reply.text == ""
    origin = cookie.origin_of(os.environ["SITE_URL"])
    claims = jwt.decode(value, session_key, algorithms=["HS256"], audience=origin)
    assert set(claims) == {"aud", "iat", "exp"}  # nobody's identity in the cookie
    assert before <= claims["iat"] <= int(time.time()) and claims["exp"] - claims["iat"] == 3600
    assert jwt.get_unverified_header(value)["alg"] == "HS256"
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(value, "another-key-of-the-same-length-" + "x" * 33, algorithms=["HS256"], audience=origin)


@pytest.mark.parametrize("roles", [["comms"], ["finance"], ["employee", "finance"]])
def test_every_staff_role_gets_a_session(session_key, roles):
    the_cookie(start({"sub": "ben", "groups": roles}))


def test_the_session_never_outlives_the_sign_in_token(session_key):
    ends = int(time.time()) + 600
    value, found = the_cookie(start({**EMPLOYEE, "exp": ends}))
    assert 595 <= int(found["max-age"]) <= 600
    claims = jwt.decode(value, session_key, algorithms=["HS256"], audience=cookie.origin_of(os.environ["SITE_URL"]))
    assert claims["exp"] == ends
    # a token that lives longer than SESSION_TTL leaves the session at SESSION_TTL
    _, found = the_cookie(start({**EMPLOYEE, "exp": int(time.time()) + 8 * 3600}))
    assert found["max-age"] == "3600"


@pytest.mark.parametrize("exp", [int(time.time()) - 5, "soon", "nan", "inf"])
def test_an_expired_or_garbled_token_expiry_gets_no_session(session_key, exp):
    reply = start({**EMPLOYEE, "exp": exp})
    assert reply.status == 401 and reply.cookies == []
    assert reply.body["error"]["code"] == "unauthorized"


def test_without_a_verified_identity_there_is_no_session(session_key):
    reply = start(claims=None)
    assert reply.status == 401 and reply.cookies == []
    assert "sign in" in reply.body["error"]["message"]


def test_a_signed_in_person_without_a_staff_role_gets_no_session(session_key):
    reply = start({"sub": "guest", "groups": ["contractor"]})
    assert reply.status == 403 and reply.cookies == []
    assert "employee" in reply.body["error"]["message"]


def test_sign_out_clears_the_cookie_without_needing_a_token(aws_resources):
    reply = invoke("SessionFunction", "DELETE", "/session")
    value, found = the_cookie(reply)
    assert value == "" and found["max-age"] == "0"
    assert {"path", "secure", "httponly", "samesite"} <= set(found)  # a __Host- cookie is only replaced so
    assert reply.headers.get("Cache-Control") == "no-store"


def test_a_missing_or_weak_key_is_a_503_and_no_cookie(session_key, monkeypatch):
    manager = boto3.client("secretsmanager")
    monkeypatch.setenv("SESSION_KEY_SECRET_ARN", os.environ["SESSION_KEY_SECRET_ARN"] + "-gone")
    forget_secrets()
    reply = start()
    assert reply.status == 503 and reply.cookies == []
    weak = manager.create_secret(Name=f"weak-session-key-{time.time_ns()}", SecretString="short")["ARN"]
    monkeypatch.setenv("SESSION_KEY_SECRET_ARN", weak)
    forget_secrets()
    reply = start()
    assert reply.status == 503 and "too short" in reply.body["error"]["message"] and reply.cookies == []
    forget_secrets()


def test_a_rotated_key_takes_over_once_the_held_one_is_old_enough(session_key, monkeypatch):
    from session import routes

    origin = cookie.origin_of(os.environ["SITE_URL"])
    the_cookie(start())  # the container now holds the key
    rotated = "r" * 64
    boto3.client("secretsmanager").put_secret_value(SecretId=os.environ["SESSION_KEY_SECRET_ARN"],
                                                    SecretString=rotated)
    value, _ = the_cookie(start())
    jwt.decode(value, session_key, algorithms=["HS256"], audience=origin)  # within KEY_MAX_AGE: the held key
    monkeypatch.setattr(routes, "KEY_MAX_AGE", 0)
    value, _ = the_cookie(start())
    jwt.decode(value, rotated, algorithms=["HS256"], audience=origin)


def test_lifetime_is_the_ttl_capped_by_the_token():
    assert cookie.lifetime(1000, 3600, None) == 3600
    assert cookie.lifetime(1000, 3600, 1600) == 600
    assert cookie.lifetime(1000, 3600, 999) == 0


@pytest.mark.parametrize("value", ["0", "59", "43201", "1h", "", "-5"])
def test_session_ttl_must_be_seconds_from_a_minute_to_twelve_hours(value):
    with pytest.raises(ValueError, match="SESSION_TTL"):
        cookie.parse_ttl(value)
    assert cookie.parse_ttl("60") == 60 and cookie.parse_ttl("43200") == 43200


@pytest.mark.parametrize("url, origin", [("https://wall.example.com/", "https://wall.example.com"),
                                         ("https://wall.example.com/news/", "https://wall.example.com"),
                                         ("http://127.0.0.1:8000/", "http://127.0.0.1:8000")])
def test_the_audience_is_the_site_origin(url, origin):
    assert cookie.origin_of(url) == origin


def test_a_site_url_without_an_origin_is_refused():
    with pytest.raises(ValueError, match="SITE_URL"):
        cookie.origin_of("wall.example.com")
