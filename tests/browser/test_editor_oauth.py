"""The editor's GitHub sign-in in a browser, through `sharewall serve`'s local stack and GitHub's OAuth stand-in.

A page of the site opens the sign-in popup the way Decap CMS does (decap-cms-lib-auth's Authenticator: popup
on `<base_url>/<auth_endpoint>?provider=github&site_id=..&scope=repo`, "authorizing:github" echoed to the
popup when it comes from base_url, then the result taken only from base_url). The popup goes through
/api/cms/auth (the function behind the local server, its route read from template.yaml), the stand-in's
authorize page and /api/cms/callback, whose page (/admin/editor-callback.js) posts the token to the site's
origin. A page of another origin opening the same popup receives nothing.
"""

from __future__ import annotations

import json
import time

import pytest

from site_builder.local.server import serve_directory
from tests.browser.support import offline_context
from tests.github_oauth import GitHubOAuth
from tests.local_serve import ServeProcess

CLIENT_ID, CLIENT_SECRET = "Iv1.browser0client", "browser-secret-of-the-app"
AUTH_PATH = "api/cms/auth?provider=github&site_id=127.0.0.1&scope=repo"

# Decap's Authenticator (decap-cms-lib-auth/src/netlify-auth.js: authenticate, handshakeCallback,
# authorizeCallback) with base_url = the site's origin; resolves with every message the page received
DECAP_OPENER = """([authUrl, base]) => new Promise(resolve => {
  const received = [];
  let popup;
  const authorize = e => {
    received.push([e.origin, String(e.data)]);
    if (e.origin !== base) return;
    if (String(e.data).indexOf('authorization:github:') === 0) {
      window.removeEventListener('message', authorize, false);
      popup.close();
      resolve(received);
    }
  };
  const handshake = e => {
    received.push([e.origin, String(e.data)]);
    if (e.data === 'authorizing:github' && e.origin === base) {
      window.removeEventListener('message', handshake, false);
      window.addEventListener('message', authorize, false);
      popup.postMessage(e.data, e.origin);
    }
  };
  window.addEventListener('message', handshake, false);
  window.__received = received;
  popup = window.open(authUrl, 'Netlify Authorization', 'width=960, height=600');
})"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """`sharewall serve` with the OAuth client in its Secrets Manager and the stand-in as the editor's GitHub, named by
    the template's EditorApiOrigin as for a GitHub Enterprise Server (its GITHUB_URL follows); (url, stand-in)."""
    github = GitHubOAuth(CLIENT_ID, CLIENT_SECRET)
    data = tmp_path_factory.mktemp("editor-oauth-data") / "data.json"
    data.write_text(json.dumps({"secrets": {"GitHubOAuthSecret": json.dumps(
        {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET})}}), encoding="utf-8")
    server = ServeProcess(tmp_path_factory.mktemp("editor-oauth-site"), data_file=data,
                          parameters=(f"EditorApiOrigin={github.url.rstrip('/')}",))
    github.callback = server.url + "api/cms/callback"  # the App's registered callback URL: SiteOrigin's
    yield server.url, github
    server.stop()
    github.stop()


@pytest.fixture(scope="module")
def other_origin(tmp_path_factory):
    """A second loopback site (another port: another origin) with one empty page."""
    folder = tmp_path_factory.mktemp("other-origin")
    (folder / "index.html").write_text("<!doctype html><title>elsewhere</title><p>another site</p>", encoding="utf-8")
    url, server = serve_directory(folder)
    yield url
    server.shutdown()


def test_the_site_receives_the_token_through_decaps_handshake(browser, stack):
    url, github = stack
    origin = url.rstrip("/")
    with offline_context(browser) as context:
        page = context.new_page()
        page.goto(url)
        with page.expect_popup() as popup_info:
            received = page.evaluate(DECAP_OPENER, [url + AUTH_PATH, origin])
        popup = popup_info.value
        if not popup.is_closed():  # Decap closes it once the result came
            popup.wait_for_event("close")
    token = github.tokens[-1]
    assert received == [[origin, "authorizing:github"],
                        [origin, 'authorization:github:success:{"token":"%s","provider":"github"}' % token]]
    (authorization,) = github.authorizations
    assert authorization["redirect_uri"] == origin + "/api/cms/callback" and authorization["client_id"] == CLIENT_ID
    assert len(github.exchanges) == 1


def test_a_page_of_another_origin_receives_nothing(browser, stack, other_origin):
    url, github = stack
    exchanges_before, tokens_before = len(github.exchanges), len(github.tokens)
    with offline_context(browser) as context:
        page = context.new_page()
        page.goto(other_origin)
        with page.expect_popup() as popup_info:
            # as Decap would be configured there: base_url this other origin, the popup on the site's function
            page.evaluate("(args) => { (" + DECAP_OPENER + ")(args); }", [url + AUTH_PATH, other_origin.rstrip("/")])
        popup = popup_info.value
        popup.wait_for_url(url + "api/cms/callback?*")
        popup.wait_for_load_state("load")  # editor-callback.js ran: it is a plain script in the page's head
        # the sign-in went through (a token was made and is on the popup's page, of the site's origin) ...
        assert len(github.tokens) == tokens_before + 1 and len(github.exchanges) == exchanges_before + 1
        assert popup.evaluate("JSON.parse(document.getElementById('sharewall-editor-auth').textContent).outcome") == "success"
        deadline = time.monotonic() + 1.5  # postMessage is asynchronous: give a message time to arrive
        while time.monotonic() < deadline:
            page.wait_for_timeout(100)
        # ... yet neither the greeting nor the token reached the other origin's page
        assert page.evaluate("window.__received") == []


def test_the_callback_page_refuses_a_state_the_browser_does_not_hold(browser, stack):
    url, github = stack
    exchanges_before = len(github.exchanges)
    with offline_context(browser) as context:
        page = context.new_page()
        page.goto(url)
        with page.expect_popup() as popup_info:
            received = page.evaluate(DECAP_OPENER, [url + "api/cms/callback?code=forged&state=" + "x" * 43,
                                                    url.rstrip("/")])
        if not popup_info.value.is_closed():
            popup_info.value.wait_for_event("close")
    assert received[-1][1].startswith('authorization:github:error:{"message":"The sign-in could not be matched')
    assert json.loads(received[-1][1].split(":error:", 1)[1])["code"] == "state_mismatch"
    assert len(github.exchanges) == exchanges_before


def test_the_function_route_is_served_by_the_local_stack_with_the_cookie(stack):
    import urllib.request

    url, github = stack

    class Stop(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None

    try:
        urllib.request.build_opener(Stop).open(url + AUTH_PATH, timeout=30)
        raise AssertionError("no redirect")
    except urllib.error.HTTPError as error:
        assert error.code == 302
        assert error.headers["Location"].startswith(github.url + "/login/oauth/authorize?client_id=" + CLIENT_ID)
        cookie = error.headers["Set-Cookie"]
        assert cookie.startswith("__Secure-sharewall-cms-state=") and "Path=/api/cms/" in cookie
