"""The editor's sign-in (functions/editorauth) against a loopback stand-in of GitHub's OAuth endpoints.

Through the real handler and the template's routes: /cms/auth sends the popup to GitHub with a state the
cookie holds, /cms/callback exchanges the code only for that state and hands the outcome to the editor
window in a page pinned to the site's origin. Whatever the query holds, the answer is a 4xx or a page that
says what went wrong, never a 500, never the input echoed, never the code or token in the logs.
"""

from __future__ import annotations

import html
import json
import os
import re
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlencode, urlsplit

import boto3
import pytest

from site_builder.local.aws import REGION
from sharewall_common.secret_values import forget_secrets
from tests.functions.invoke import invoke
from tests.github_oauth import GitHubOAuth

CLIENT_ID, CLIENT_SECRET = "Iv1.editor0client", "s3cret-of-the-app"
COOKIE = "__Secure-sharewall-cms-state"
DECAP_QUERY = "provider=github&site_id=wall.example.com&scope=repo"


@pytest.fixture
def github(aws_resources, monkeypatch):
    """The stand-in, and the function configured for it: the OAuth client in (moto's) Secrets Manager."""
    origin = os.environ["SITE_ORIGIN"]
    server = GitHubOAuth(CLIENT_ID, CLIENT_SECRET, callback=origin + "/api/cms/callback")
    _put_secret(aws_resources, json.dumps({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}))
    monkeypatch.setenv("GITHUB_URL", server.url)
    yield server
    server.stop()
    forget_secrets()


def _put_secret(resources, value: str) -> None:
    boto3.client("secretsmanager", region_name=REGION).put_secret_value(
        SecretId=resources.secrets["GitHubOAuthSecret"], SecretString=value)
    forget_secrets()


def _auth(query: str = DECAP_QUERY):
    return invoke("EditorAuthFunction", "GET", "/cms/auth", query=query)


def _callback(query: str, cookie: str | None = None):
    return invoke("EditorAuthFunction", "GET", "/cms/callback", query=query,
                  headers={"cookie": f"{COOKIE}={cookie}"} if cookie is not None else None)


def _state_of(reply) -> str:
    (set_cookie,) = reply.cookies
    return re.match(rf"{re.escape(COOKIE)}=([^;]*)", set_cookie).group(1)


# GitHub's authorize page, as the browser would follow it: where it sends the person back
def _github_returns(location: str) -> str:
    class Stop(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None

    try:
        urllib.request.build_opener(Stop).open(location, timeout=10)
    except urllib.error.HTTPError as error:
        assert error.code == 302, error.read()
        return error.headers["Location"]
    raise AssertionError("GitHub's stand-in did not redirect")


def _signed_in(github):
    """A whole sign-in: (the callback's reply, the code GitHub gave, the state)."""
    started = _auth()
    back = urlsplit(_github_returns(started.headers["Location"]))
    query = {key: values[0] for key, values in parse_qs(back.query).items()}
    return _callback(back.query, _state_of(started)), query["code"], query["state"]


def _page_data(reply) -> dict:
    found = re.search(r'<script type="application/json" id="sharewall-editor-auth">(.*?)</script>', reply.text, re.S)
    assert found, reply.text
    return json.loads(found.group(1))


def _no_inline_script(text: str) -> None:
    for tag, body in re.findall(r"<script([^>]*)>(.*?)</script>", text, re.S):
        assert 'src="' in tag or 'type="application/json"' in tag, tag
        assert 'src="' not in tag or not body.strip(), tag


def test_auth_sends_the_popup_to_github_with_a_state_the_cookie_holds(github):
    reply = _auth()
    assert reply.status == 302
    location = urlsplit(reply.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == github.url + "/login/oauth/authorize"
    query = {key: values[0] for key, values in parse_qs(location.query).items()}
    assert query == {"client_id": CLIENT_ID, "redirect_uri": os.environ["SITE_ORIGIN"] + "/api/cms/callback",
                     "state": _state_of(reply), "scope": "repo"}
    assert len(query["state"]) >= 40  # 256 random bits
    attributes = [part.strip().lower() for part in reply.cookies[0].split(";")]
    assert {"secure", "httponly", "samesite=lax", "path=/api/cms/", "max-age=600"} <= set(attributes)
    assert reply.headers["Cache-Control"] == "no-store"
    assert _state_of(_auth()) != query["state"]  # a fresh state per sign-in


def test_the_right_state_gets_the_token_page_for_the_pinned_origin(github):
    reply, code, _ = _signed_in(github)
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/html")
    assert reply.headers["Cache-Control"] == "no-store"
    data = _page_data(reply)
    assert data == {"provider": "github", "origin": os.environ["SITE_ORIGIN"], "outcome": "success",
                    "token": github.tokens[-1]}
    (exchange,) = github.exchanges
    assert exchange == {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "code": code,
                        "redirect_uri": os.environ["SITE_ORIGIN"] + "/api/cms/callback"}
    assert '<script src="/admin/editor-callback.js"></script>' in reply.text
    _no_inline_script(reply.text)
    (cleared,) = reply.cookies  # a state serves one callback
    assert cleared.startswith(f"{COOKIE}=;") and "max-age=0" in cleared.lower()


@pytest.mark.parametrize("case", ["wrong", "missing in the query", "no cookie", "another cookie"])
def test_a_state_that_is_not_the_cookies_is_refused_without_an_exchange(github, case):
    started = _auth()
    state = _state_of(started)
    back = parse_qs(urlsplit(_github_returns(started.headers["Location"])).query)
    code = back["code"][0]
    query, cookie = {"wrong": (f"code={code}&state={'x' * 43}", state),
                     "missing in the query": (f"code={code}", state),
                     "no cookie": (f"code={code}&state={state}", None),
                     "another cookie": (f"code={code}&state={state}", _state_of(_auth()))}[case]
    reply = _callback(query, cookie)
    assert reply.status == 200
    assert _page_data(reply)["outcome"] == "state_mismatch" and "token" not in _page_data(reply)
    assert github.exchanges == []


def test_a_cancelled_sign_in_is_an_error_page_without_an_exchange(github):
    github.deny = True
    started = _auth()
    back = urlsplit(_github_returns(started.headers["Location"]))
    reply = _callback(back.query, _state_of(started))
    data = _page_data(reply)
    assert data["outcome"] == "access_denied" and "cancelled" in data["message"] and "token" not in data
    assert "denied your application" not in reply.text  # GitHub's own words are not echoed
    assert github.exchanges == []


def test_a_code_github_refuses_is_an_error_page(github):
    started = _auth()
    back = urlsplit(_github_returns(started.headers["Location"]))
    first = _callback(back.query, _state_of(started))
    assert _page_data(first)["outcome"] == "success"
    again = _callback(back.query, _state_of(started))  # the same code twice: GitHub refuses it
    assert _page_data(again)["outcome"] == "code_refused" and "token" not in _page_data(again)
    assert len(github.exchanges) == 2


@pytest.mark.parametrize("status, body, outcome", [
    (200, b'{"error": "incorrect_client_credentials", "error_description": "<b>x</b>"}', "github_error"),
    (500, b"<html>Internal Server Error</html>", "github_error"),
    (200, b"not json at all", "github_error"),
    (200, b'{"access_token": "<script>alert(1)</script>"}', "github_error"),
    (200, b'["a list"]', "github_error"),
    (404, b'{"access_token": "ghu_looks_fine_but_404"}', "github_error"),
])
def test_what_github_answers_instead_of_a_token_is_an_error_page(github, status, body, outcome):
    github.answer_with = (status, body)
    reply, _, _ = _signed_in(github)
    data = _page_data(reply)
    assert reply.status == 200 and data["outcome"] == outcome and "token" not in data
    assert "<b>x</b>" not in reply.text and "alert(1)" not in reply.text


def test_a_wrong_client_secret_is_an_error_page(github, aws_resources):
    _put_secret(aws_resources, json.dumps({"client_id": CLIENT_ID, "client_secret": "not-the-secret"}))
    reply, _, _ = _signed_in(github)
    assert _page_data(reply)["outcome"] == "github_error"


def test_github_out_of_reach_is_an_error_page(github, monkeypatch):
    started = _auth()
    back = urlsplit(_github_returns(started.headers["Location"]))
    github.stop()  # gone before the exchange
    reply = _callback(back.query, _state_of(started))
    assert reply.status == 200 and _page_data(reply)["outcome"] == "unavailable"


@pytest.mark.parametrize("value", ["random-placeholder-the-template-generates", '{"client_id": "x"}', "[]",
                                   '{"client_id": "", "client_secret": "y"}'])
def test_an_oauth_client_not_set_up_says_so_instead_of_redirecting(github, aws_resources, value):
    _put_secret(aws_resources, value)
    reply = _auth()
    assert reply.status == 200 and _page_data(reply)["outcome"] == "not_configured"
    assert "set up" in _page_data(reply)["message"] and not reply.cookies
    assert github.authorizations == []


def test_another_provider_is_refused(github):
    reply = _auth("provider=gitlab&site_id=x")
    assert reply.status == 200 and _page_data(reply)["outcome"] == "unknown_provider"
    assert not reply.cookies


HOSTILE = "</script><script>alert(1)</script>"


@pytest.mark.parametrize("route, query", [
    ("/cms/callback", "code=abc&state=" + "s" * 5000),
    ("/cms/callback", "code=" + "c" * 5000 + "&state=" + "s" * 43),
    ("/cms/callback", urlencode({"code": HOSTILE, "state": "s" * 43})),
    ("/cms/callback", urlencode({"code": "abc", "state": HOSTILE})),
    ("/cms/callback", urlencode({"error": HOSTILE, "state": "s" * 43})),
    ("/cms/callback", "error=" + "e" * 5000),
    ("/cms/callback", "code=a&code=b&state=x&state=y"),
    ("/cms/callback", "code=%ff%fe%00&state=%c3%28"),
    ("/cms/callback", "%%%&&&==="),
    ("/cms/callback", ""),
    ("/cms/auth", "provider=" + "g" * 5000),
    ("/cms/auth", urlencode({"provider": HOSTILE})),
    ("/cms/auth", "site_id=" + "x" * 5000),
    ("/cms/auth", "provider=github&provider=gitlab"),
    ("/cms/auth", "provider=%ff"),
])
def test_oversized_or_garbage_input_is_a_4xx_or_a_refusal_page_never_a_500(github, route, query):
    for cookie in (None, "x" * 5000, HOSTILE, "=;=;"):
        reply = invoke("EditorAuthFunction", "GET", route, query=query,
                       headers={"cookie": f"{COOKIE}={cookie}"} if cookie else None)
        assert reply.status in ({200, 400} if route == "/cms/callback" else {200, 302, 400}), (reply.status, reply.text)
        assert "alert(1)" not in reply.text and HOSTILE not in html.unescape(reply.text)
        if reply.status == 200:
            assert "token" not in _page_data(reply)
    assert github.exchanges == []


# At the functions' log level (INFO; Powertools' own DEBUG lines show a route's arguments, as for every function)
def test_neither_code_nor_state_nor_token_reaches_the_logs(github, caplog, capsys):
    with caplog.at_level("INFO"):
        reply, code, state = _signed_in(github)
    assert _page_data(reply)["outcome"] == "success"
    printed = capsys.readouterr()
    logged = " ".join(str(vars(record)) for record in caplog.records) + printed.out + printed.err
    for secret in (code, state, github.tokens[-1], CLIENT_SECRET):
        assert secret not in logged
    assert any(getattr(record, "outcome", None) == "success" for record in caplog.records)  # the outcome is logged


def test_the_page_keeps_whatever_it_carries_inside_its_json_element():
    from editorauth.handshake import Outcome, callback_page

    page = callback_page(Outcome("success", "t</script><script>alert(1)</script>&"), "https://wall.example.com")
    assert page.count("</script>") == 2 and "alert(1)</script>" not in page and "<script>alert" not in page
    data = json.loads(re.search(r'id="sharewall-editor-auth">(.*?)</script>', page).group(1))
    assert data["token"] == "t</script><script>alert(1)</script>&"  # the script reads back exactly what was put in
    unknown = callback_page(Outcome("<b>made-up</b>"), "https://wall.example.com")
    assert "made-up" not in unknown and '"outcome": "github_error"' in unknown


@pytest.mark.parametrize("value", ["", "wall.example.com", "https://wall.example.com/admin/", "ftp://wall.example.com",
                                   "https://wall.example.com?x=1"])
def test_site_origin_must_be_an_origin(value):
    from editorauth.handshake import site_origin

    with pytest.raises(ValueError, match="SITE_ORIGIN"):
        site_origin(value)
    assert site_origin("https://wall.example.com/") == "https://wall.example.com"
