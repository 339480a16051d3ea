"""Signing in at the company's identity provider: OIDC's code flow with PKCE, in Debian's Chromium.

A small identity provider runs on loopback for the test: it checks the PKCE challenge, the client and
the redirect URI like a real one would, and issues a JWT. The site is a real build with `sign_in` set
to it, served as static files; the API is stubbed at the browser, except /api/session: the real session
function answers it (against the moto server), so the browser gets and keeps the wall's real cookie.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import boto3
import jwt
import pytest

from site_builder.local.server import serve_directory
from site_builder.plugin import build_site
from tests.browser.support import dev_sign_in, offline_context, site_headers
from tests.functions.invoke import invoke
from tests.test_plugin import POSTS, make_project

pytestmark = pytest.mark.browser
CLIENT_ID = "sharewall-wall"
STATS = {"from": "2026-11-01", "to": "2026-11-26", "granularity": "day", "timezone": "Europe/Berlin",
         "min_people": 5, "series": [], "by_network": [], "by_source": [], "top_posts": [],
         "totals": {"shares": 0, "personalised": 0, "personalised_rate": None, "people_peak": 0,
                    "withheld_periods": 0}}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Provider:
    """An OIDC provider's two endpoints, strict about what a real one checks."""

    def __init__(self) -> None:
        self.codes: dict[str, dict] = {}
        self.issued: list[str] = []
        self.token_requests: list[dict] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:  # /authorize: the employee "signs in" and is sent back with a code
                query = {key: values[0] for key, values in parse_qs(urlsplit(self.path).query).items()}
                assert query["response_type"] == "code" and query["client_id"] == CLIENT_ID
                assert query["code_challenge_method"] == "S256" and query["scope"] == "openid profile"
                code = secrets.token_urlsafe(16)
                provider.codes[code] = query
                self.send_response(302)
                self.send_header("Location", f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}")
                self.end_headers()

            def do_POST(self) -> None:  # /token: the code and the PKCE verifier for tokens
                form = {key: values[0] for key, values in
                        parse_qs(self.rfile.read(int(self.headers["content-length"])).decode()).items()}
                provider.token_requests.append(form)
                asked = provider.codes.pop(form.get("code", ""), None)
                good = (asked and form["grant_type"] == "authorization_code" and form["client_id"] == CLIENT_ID
                        and form["redirect_uri"] == asked["redirect_uri"]
                        and _b64url(hashlib.sha256(form["code_verifier"].encode()).digest()) == asked["code_challenge"])
                if good:
                    claims = {"iss": provider.url, "aud": CLIENT_ID, "sub": "anna", "groups": ["employee"],
                              "exp": int(time.time()) + 3600}
                    header = _b64url(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
                    token = f"{header}.{_b64url(json.dumps(claims).encode())}.signature"
                    provider.issued.append(token)
                    status, body = 200, {"id_token": token, "access_token": "opaque", "token_type": "Bearer"}
                else:
                    status, body = 400, {"error": "invalid_grant", "error_description": "code or verifier wrong"}
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin", "*"))
                self.end_headers()
                self.wfile.write(json.dumps(body).encode())

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def provider():
    provider = Provider()
    yield provider
    provider.server.shutdown()


@pytest.fixture(scope="module")
def site_url(tmp_path_factory, provider):
    root = tmp_path_factory.mktemp("signin-site")
    config = make_project(root, {"active-orca": POSTS["active-orca"]}, sign_in=(
        f"{{authorize_url: '{provider.url}/authorize', token_url: '{provider.url}/token', client_id: {CLIENT_ID}}}"))
    (root / "content" / "stats.md").write_text("---\ntemplate: stats.html\n---\n# Statistik\n", encoding="utf-8")
    # under production's CSP, with the provider (another origin here) as its identity provider
    url, server = serve_directory(build_site(config), headers=site_headers((provider.url + "/token",)))
    yield url
    server.shutdown()


@pytest.fixture
def page(browser, aws_resources):
    with offline_context(browser) as context:
        page = context.new_page()
        page.authorizations = []  # what the stats page sent as Authorization
        page.sessions = []  # (method, Authorization) of each call to /api/session

        def stats(route):
            page.authorizations.append(route.request.headers.get("authorization"))
            route.fulfill(status=200, content_type="application/json", body=json.dumps(STATS))

        # The session function itself; the test's provider issued the token, so its claims stand for
        # what the HTTP API's JWT authorizer would hand over after checking it
        def session(route):
            authorization = route.request.headers.get("authorization") or ""
            page.sessions.append((route.request.method, authorization))
            claims = json.loads(base64.urlsafe_b64decode(authorization.split(".")[1] + "==")) if authorization else None
            reply = invoke("SessionFunction", route.request.method, "/session", claims=claims)
            headers = {**reply.headers, **({"set-cookie": "\n".join(reply.cookies)} if reply.cookies else {})}
            route.fulfill(status=reply.status, headers=headers, body=reply.text)

        page.route("**/api/stats*", stats)
        page.route("**/api/session", session)
        yield page


def session_cookie(page) -> dict | None:
    return {cookie["name"]: cookie for cookie in page.context.cookies()}.get("__Host-sharewall-session")


def test_sign_in_at_the_provider_and_come_back_with_its_token(page, site_url, provider):
    page.goto(site_url + "stats/")
    link = page.locator(".sw-stats__status a")
    assert link.get_attribute("href") == "/signin/?next=%2Fstats%2F"
    link.click()
    page.wait_for_url(site_url + "stats/")
    page.locator("[data-sw-stats-figures]").wait_for()
    assert provider.issued and page.authorizations == [f"Bearer {provider.issued[-1]}"]
    assert page.evaluate("sessionStorage.getItem('sharewall.token')") == provider.issued[-1]
    assert page.evaluate("sessionStorage.getItem('sharewall.signin')") is None  # state and verifier are gone
    # the wall's session: asked for with the provider's token, kept as a cookie no script can read
    assert page.sessions == [("POST", f"Bearer {provider.issued[-1]}")]
    cookie = session_cookie(page)
    assert cookie and cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/" and 3500 < cookie["expires"] - time.time() <= 3600
    assert "sharewall-session" not in page.evaluate("document.cookie")
    key = boto3.client("secretsmanager").get_secret_value(SecretId=os.environ["SESSION_KEY_SECRET_ARN"])["SecretString"]
    claims = jwt.decode(cookie["value"], key, algorithms=["HS256"], options={"verify_aud": False})
    assert set(claims) == {"aud", "iat", "exp"}  # nobody's identity in it
    # neither the code nor the sign-in page stayed in the history: Back leads to the page before
    page.go_back()
    assert page.url == site_url + "stats/"


def test_a_forged_or_stale_answer_signs_nobody_in(page, site_url, provider):
    sent = len(provider.token_requests)
    page.goto(site_url + "signin/?code=stolen&state=forged")
    status = page.locator("[data-sw-signin]")
    status.get_by_role("link").wait_for()
    assert "lässt sich nicht zuordnen" in status.inner_text()
    assert page.url == site_url + "signin/"  # the code is out of the address bar
    assert page.evaluate("sessionStorage.getItem('sharewall.token')") is None
    assert len(provider.token_requests) == sent  # the code was not even tried


# `next` as it stands in the address bar -> where signing in lands ("" is the wall's home); the browser's
# URL parser drops tabs and newlines and reads backslashes as slashes, so each of these is a way off the site
NEXT = [
    ("/stats/", "stats/"),
    ("%2Fstats%2F%3Fref%3Dmail%23top", "stats/?ref=mail#top"),
    ("{site}stats/", "stats/"),
    ("/%09/example.org/", ""),
    ("//evil.example/phish", ""),
    ("%2F%2Fevil.example%2F", ""),
    ("/%2F%2Fevil.example/", ""),
    ("/%5Cevil.example/", ""),
    ("%5C%5Cevil.example/", ""),
    ("%0A//evil.example/", ""),
    ("https://evil.example/", ""),
    ("https:evil.example", ""),
    ("javascript:alert(document.domain)", ""),
    ("JaVaScRiPt%3Aalert(1)", ""),
    ("data:text/html,hi", ""),
    ("{other}stats/", ""),
]


@pytest.mark.parametrize(("next_value", "lands"), NEXT)
def test_next_only_leads_to_pages_of_this_site(page, site_url, provider, next_value, lands):
    other = site_url.replace("127.0.0.1", "localhost")  # same server, another origin
    page.goto(site_url + "signin/?next=" + next_value.format(site=site_url, other=other))
    page.wait_for_url(re.compile("^" + re.escape(site_url + lands) + "$"))
    assert page.evaluate("sessionStorage.getItem('sharewall.token')") == provider.issued[-1]


@pytest.mark.parametrize(("next_value", "lands"), NEXT)
def test_the_dev_sign_in_returns_only_to_this_site(browser, local_server, next_value, lands):
    other = local_server.replace("127.0.0.1", "localhost")
    with offline_context(browser) as context:
        page = context.new_page()
        dev_sign_in(page, local_server, "anna", ["employee"], next_value.format(site=local_server, other=other),
                    lands=local_server + lands)


def test_sign_out_drops_the_token_and_the_session_cookie(page, site_url, provider):
    page.goto(site_url + "signin/?next=%2Fstats%2F")
    page.wait_for_url(site_url + "stats/")
    assert session_cookie(page) is not None
    page.goto(site_url + "signin/?signout")
    status = page.locator("[data-sw-signin]")
    status.get_by_role("link").wait_for()
    assert "abgemeldet" in status.inner_text()
    assert page.sessions[-1] == ("DELETE", "") and session_cookie(page) is None
    assert page.evaluate("sessionStorage.getItem('sharewall.token')") is None


def test_a_session_that_cannot_be_set_is_said_and_the_way_on_still_taken(page, site_url, provider):
    page.route("**/api/session", lambda route: route.fulfill(
        status=503, content_type="application/json", body='{"error": {"code": "unavailable", "message": "down"}}'))
    page.clock.install()  # the page's timers on a clock the test moves
    page.goto(site_url + "signin/?next=%2Fstats%2F")
    status = page.locator("[data-sw-signin]")
    status.get_by_role("link", name="Weiter").wait_for()
    assert "ließ sich nicht starten" in status.inner_text()
    page.clock.run_for(3000)
    assert page.url.startswith(site_url + "signin/")  # time to read it
    page.clock.run_for(1500)
    page.wait_for_url(site_url + "stats/")  # then on, by itself
    assert page.evaluate("sessionStorage.getItem('sharewall.token')") == provider.issued[-1]
    # sent back to sign in right away (as CloudFront would, without a cookie): no second automatic round trip
    issued = len(provider.issued)
    page.goto(site_url + "signin/?next=%2Fstats%2F")
    status.get_by_role("link", name="Erneut anmelden").wait_for()
    assert "ließ sich nicht starten" in status.inner_text() and len(provider.issued) == issued
    status.get_by_role("link", name="Erneut anmelden").click()  # the employee's choice: another try
    page.wait_for_url(site_url + "stats/")
    assert len(provider.issued) == issued + 1


def test_sent_back_to_sign_in_right_after_a_session_began_it_stops_instead_of_looping(page, site_url, provider):
    page.goto(site_url + "signin/?next=%2Fstats%2F")
    page.wait_for_url(site_url + "stats/")
    issued = len(provider.issued)
    page.goto(site_url + "signin/?next=%2Fstats%2F")  # as CloudFront does when it refuses the cookie
    status = page.locator("[data-sw-signin]")
    status.get_by_role("link", name="Erneut anmelden").wait_for()
    assert "nicht angenommen" in status.inner_text() and len(provider.issued) == issued


def test_the_dev_sign_in_gets_the_session_cookie_from_the_local_session_function(browser, local_server):
    with offline_context(browser) as context:
        page = context.new_page()
        dev_sign_in(page, local_server, "anna", ["employee"], "/stats/")
        cookie = session_cookie(page)
        assert cookie and cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Strict"
        page.goto(local_server + "_dev/signin")
        with page.expect_response(lambda response: response.url.endswith("/api/session")) as signed_out:
            page.click("#signout")
        assert signed_out.value.status == 204 and session_cookie(page) is None


def test_an_expired_token_counts_as_signed_out(page, site_url):
    claims = _b64url(json.dumps({"sub": "anna", "exp": int(time.time()) - 60}).encode())
    page.goto(site_url)
    page.evaluate(f"sessionStorage.setItem('sharewall.token', 'e30.{claims}.sig')")
    page.goto(site_url + "stats/")
    page.locator(".sw-stats__status a").wait_for()
    assert page.authorizations == []  # no request with a token the API would refuse
    assert page.evaluate("sessionStorage.getItem('sharewall.token')") is None
