"""Who am I, what may I do: the header names who is signed in and signs out; the pages of a role (front matter
`roles:`) are listed to that role only, and anyone else signed in who opens one reads why, with no form and
no call to the API.

A bilingual test site (German at /, English at /en/) served as static files under production's headers;
signing in is a token put where the identity provider's would be (sessionStorage), the API is stubbed at
the browser and every call to it recorded. One test runs the real `sharewall serve` with its dev sign-in.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from site_builder.local.devauth import dev_token
from site_builder.local.server import serve_directory
from site_builder.plugin import build_site
from tests.browser.support import axe_violations, offline_context, site_headers
from tests.test_plugin import POSTS, make_project

pytestmark = pytest.mark.browser

# name: (German nav title, English nav title, template, app, roles)
ROLE_PAGES = {
    "finance": ("Abrechnungen", "Expense claims", "claims.html", "finance", "[finance]"),
    "invites": ("Einladungen", "Invitations", "claims.html", "invites", "[comms]"),
    "suggestions": ("Vorschläge", "Suggestions", "suggestions.html", "review", "[comms]"),
}
ALTERNATES = """\
      alternates:
        en:
          nav: {Abrechnungen: Expense claims, Einladungen: Invitations, "Vorschläge": Suggestions, Leitfaden: Guidelines}
"""
EXPLAINED = {
    ("de", "finance"): "Diese Seite ist für das Finanzteam. Du bist als {name} angemeldet.",
    ("de", "invites"): "Diese Seite ist für die Unternehmenskommunikation. Du bist als {name} angemeldet.",
    ("de", "suggestions"): "Diese Seite ist für die Unternehmenskommunikation. Du bist als {name} angemeldet.",
    ("en", "finance"): "This page is for the finance team. You are signed in as {name}.",
    ("en", "invites"): "This page is for the communications team. You are signed in as {name}.",
    ("en", "suggestions"): "This page is for the communications team. You are signed in as {name}.",
}
PREFIX = {"de": "", "en": "en/"}


def role_project(root: Path, sign_in: str | None = None) -> Path:
    """A wall with a guidelines page for everyone and the three role pages, each in German and English."""
    config = make_project(root, {"active-orca": POSTS["active-orca"]}, sign_in=sign_in)
    nav = ", ".join(f"{german}: {name}.md" for name, (german, *_rest) in ROLE_PAGES.items())
    text = config.read_text(encoding="utf-8").replace("nav: [index.md]", f"nav: [index.md, Leitfaden: guidelines.md, {nav}]")
    config.write_text(text + ALTERNATES, encoding="utf-8")
    content = config.parent / "content"
    (content / "index.en.md").write_text("# Wall\n\nShare what matters.\n", encoding="utf-8")
    (content / "guidelines.md").write_text("# Leitfaden\n\nSag es mit deinen Worten.\n", encoding="utf-8")
    (content / "guidelines.en.md").write_text("# Guidelines\n\nSay it in your own words.\n", encoding="utf-8")
    for name, (german, english, template, app, roles) in ROLE_PAGES.items():
        for suffix, title in ((".md", german), (".en.md", english)):
            (content / f"{name}{suffix}").write_text(
                f"---\ntitle: {title}\ntemplate: {template}\nsharewall_app: {app}\nroles: {roles}\nhide: [toc]\n---\n"
                f"# {title}\n\nWhat this page is for.\n", encoding="utf-8")
    return config


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    url, server = serve_directory(build_site(role_project(tmp_path_factory.mktemp("whoami"))), headers=site_headers())
    yield url
    server.shutdown()


@pytest.fixture
def context(browser):
    with offline_context(browser) as context:
        context.api_calls = []  # (method, path) of every call to the API

        def api(route):
            context.api_calls.append((route.request.method, urlsplit(route.request.url).path))
            route.fulfill(status=403, content_type="application/json",
                          body=json.dumps({"error": {"code": "forbidden", "message": "stubbed"}}))

        context.route("**/api/**", api)
        yield context


def sign_in(page, base: str, token: str | None) -> None:
    """Leave `token` where the sign-in page leaves the provider's (this tab's sessionStorage); None: nobody's."""
    page.goto(base + "no-such-page")  # the server's plain 404 on the site's origin: no script of the site runs
    page.evaluate("token => token ? sessionStorage.setItem('sharewall.token', token)"
                  " : sessionStorage.removeItem('sharewall.token')", token)


def visible_nav(page) -> list[str]:
    """The paths the primary navigation shows, as the browser resolves them."""
    page.locator(".md-sidebar--primary .md-nav__item").first.wait_for(state="attached")
    return [urlsplit(href).path for href in page.eval_on_selector_all(
        ".md-sidebar--primary li.md-nav__item", "items => items.filter(i => i.checkVisibility())"
        ".map(i => i.querySelector('a.md-nav__link').href)")]


PEOPLE = {
    "signed out": None,
    "employee": dev_token("anna", ["employee"], name="Anna Angestellt"),
    "comms": dev_token("ben", ["employee", "comms"], name="Ben Kommunikation"),
    "finance": dev_token("clara", ["employee", "finance"], name="Clara Finanz"),
    "comms and finance": dev_token("dora", ["comms", "finance"], name="Dora Doppelrolle"),
}


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("person, role_pages", [
    ("signed out", []), ("employee", []), ("comms", ["invites", "suggestions"]), ("finance", ["finance"]),
    ("comms and finance", ["finance", "invites", "suggestions"]),
])
def test_the_nav_lists_the_pages_of_a_role_to_that_role_only(context, site_url, lang, person, role_pages):
    page = context.new_page()
    sign_in(page, site_url, PEOPLE[person])
    home = "/" + PREFIX[lang]
    page.goto(site_url + PREFIX[lang] + "guidelines/")
    expected = [home, home + "guidelines/"] + [f"{home}{name}/" for name in ROLE_PAGES if name in role_pages]
    assert visible_nav(page) == expected
    assert context.api_calls == []


@pytest.mark.parametrize("lang, signed_in, sign_out, signed_out, sign_in_text", [
    ("de", "Angemeldet als Clara Finanz", "Abmelden", "Du bist abgemeldet.", "Anmelden"),
    ("en", "Signed in as Clara Finanz", "Sign out", "You are signed out.", "Sign in"),
])
def test_the_header_names_who_is_signed_in_and_signs_out(context, site_url, lang, signed_in, sign_out,
                                                         signed_out, sign_in_text):
    page = context.new_page()
    sign_in(page, site_url, PEOPLE["finance"])
    page.goto(site_url + PREFIX[lang] + "finance/")
    who = page.locator(".md-header [data-sw-who]")
    assert who.locator("[data-sw-who-name]").inner_text() == "Clara Finanz"
    assert who.locator("[data-sw-who-name]").get_attribute("title") == signed_in
    page.context.api_calls.clear()
    who.get_by_role("link", name=sign_out).click()
    page.wait_for_url(re.compile(re.escape(site_url) + r"signin/$"))
    status = page.locator("[data-sw-signin]")
    status.get_by_role("link").wait_for()
    # the one sign-in page answers in the language of the page signed out from, and so does the header
    assert status.inner_text().startswith(signed_out)
    assert page.evaluate("sessionStorage.getItem('sharewall.token')") is None
    assert context.api_calls == [("DELETE", "/api/session")]
    assert who.locator("[data-sw-who-name]").count() == 0
    assert who.inner_text() == sign_in_text
    # signed out, the header offers to sign in again and the role's page leaves the nav
    page.goto(site_url + PREFIX[lang] + "guidelines/")
    assert who.inner_text() == sign_in_text
    assert who.get_by_role("link").get_attribute("href").startswith("/_dev/signin?next=")  # loopback: the dev sign-in
    assert f"/{PREFIX[lang]}finance/" not in visible_nav(page)


def test_the_name_is_the_tokens_name_else_its_user_name_never_an_email(context, site_url):
    page = context.new_page()
    who = page.locator(".md-header [data-sw-who-name]")
    for claims, shown in (({"name": "Anna A.", "preferred_username": "anna"}, "Anna A."),
                          ({"preferred_username": "anna.a"}, "anna.a"),
                          ({"email": "anna@example.com"}, "Angemeldet")):
        token = dev_token("anna", ["employee"])
        header, payload, _ = token.split(".")
        body = json.loads(_unb64(payload))
        body.pop("name", None)
        body.update(claims)
        sign_in(page, site_url, f"{header}.{_b64(json.dumps(body))}.")
        page.goto(site_url + "guidelines/")
        assert who.inner_text() == shown
        assert "example.com" not in page.locator(".md-header").inner_text()


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("name", list(ROLE_PAGES))
def test_an_employee_on_a_role_page_reads_why_and_nothing_calls_the_api(context, site_url, lang, name):
    page = context.new_page()
    sign_in(page, site_url, PEOPLE["employee"])
    page.goto(site_url + PREFIX[lang] + f"{name}/")
    note = page.locator("article [data-sw-forbidden]")
    assert note.locator("p").first.inner_text() == EXPLAINED[(lang, name)].format(name="Anna Angestellt")
    assert note.get_by_role("link").get_attribute("href") == "/" + PREFIX[lang]
    # right under the page's heading, and no form or app root left for the page's script to build on
    assert page.evaluate("document.querySelector('article h1').nextElementSibling.dataset.swForbidden") == ""
    assert page.locator("article form, article input, article button, .sw-claims").count() == 0
    assert page.evaluate("document.documentElement.dataset.swAllowed") == "no"
    assert page.evaluate("Sharewall.allowed()") is False
    page.wait_for_timeout(500)  # the page's own scripts have run by now (deferred, before load)
    assert context.api_calls == []
    assert not axe_violations(page)


@pytest.mark.parametrize("person, name, call", [
    ("finance", "finance", ("GET", "/api/claims")),
    ("comms", "invites", ("GET", "/api/invites")),
    ("comms", "suggestions", ("GET", "/api/suggestions")),
])
def test_the_role_holder_gets_the_page_and_its_calls(context, site_url, person, name, call):
    page = context.new_page()
    sign_in(page, site_url, PEOPLE[person])
    page.goto(site_url + f"{name}/")
    page.locator(".sw-claims").first.wait_for(state="attached")
    assert page.locator("[data-sw-forbidden]").count() == 0
    assert page.evaluate("Sharewall.allowed()") is True
    page.wait_for_timeout(500)
    assert call in context.api_calls


@pytest.mark.parametrize("path, says", [
    ("finance/", "Diese Seite ist für das Finanzteam. Melde dich an, um sie zu nutzen."),
    ("en/invites/", "This page is for the communications team. Sign in to use it."),
])
def test_signed_out_a_role_page_says_whom_it_is_for_and_where_to_sign_in_not_a_form(context, site_url, path, says):
    page = context.new_page()
    sign_in(page, site_url, None)
    page.goto(site_url + path)
    note = page.locator("[data-sw-forbidden]")
    note.wait_for()
    assert says in note.inner_text()
    assert note.locator("[data-sw-signin-link]").count() == 1
    assert page.locator("[data-sw-finance], [data-sw-invites], .md-content form, .md-content button").count() == 0
    assert page.evaluate("Sharewall.allowed()") is False
    page.wait_for_timeout(300)
    assert context.api_calls == []


def test_on_a_phone_the_name_and_sign_out_stay_in_the_header(browser, site_url):
    with offline_context(browser) as context:
        page = context.new_page()
        page.set_viewport_size({"width": 390, "height": 800})
        sign_in(page, site_url, PEOPLE["comms"])
        page.goto(site_url + "guidelines/")
        for part in ("[data-sw-who-name]", "[data-sw-signout]"):
            box = page.locator(f".md-header {part}").bounding_box()
            assert box and box["width"] > 20 and box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["y"] < 48, part
        # what the header shows does not cover the search button
        search = page.locator('.md-header label.md-header__button[for="__search"]').bounding_box()
        who = page.locator(".md-header [data-sw-who]").bounding_box()
        assert search["x"] + search["width"] <= who["x"]
        assert not axe_violations(page)


# --- the identity provider: roles from its groups, sign-out at its end-session endpoint --------------


class EndSession(BaseHTTPRequestHandler):
    """The provider's end-session endpoint: records what it was sent, sends the browser back."""

    calls: list[dict] = []

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        query = {key: values[0] for key, values in parse_qs(urlsplit(self.path).query).items()}
        EndSession.calls.append({"path": urlsplit(self.path).path, **query})
        self.send_response(302)
        self.send_header("Location", query.get("post_logout_redirect_uri", "/"))
        self.end_headers()


@pytest.fixture(scope="module")
def provider_site(tmp_path_factory):
    server = ThreadingHTTPServer(("127.0.0.1", 0), EndSession)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    provider = f"http://127.0.0.1:{server.server_address[1]}"
    sign_in_setting = (f"{{authorize_url: '{provider}/authorize', token_url: '{provider}/token', client_id: wall, "
                       f"end_session_url: '{provider}/logout', groups_claim: grp, role_groups: 'finance=0f1e,comms=aa11'}}")
    root = tmp_path_factory.mktemp("whoami-provider")
    url, site = serve_directory(build_site(role_project(root, sign_in=sign_in_setting)),
                                headers=site_headers((provider + "/token",)))
    yield url, provider
    site.shutdown()
    server.shutdown()


def provider_token(groups: dict, name: str = "Clara Finanz") -> str:
    return f"{_b64(json.dumps({'alg': 'RS256'}))}.{_b64(json.dumps({'sub': 'c1', 'name': name, **groups}))}.signature"


def test_roles_come_from_the_configured_groups_claim_and_ids(context, provider_site):
    url, _ = provider_site
    page = context.new_page()
    sign_in(page, url, provider_token({"grp": ["0f1e", "other"]}))
    page.goto(url + "guidelines/")
    assert visible_nav(page) == ["/", "/guidelines/", "/finance/"]
    # group names where the provider sends ids, or the right ids in another claim, grant nothing
    for groups in ({"grp": ["finance", "comms"]}, {"groups": ["0f1e", "aa11"]}):
        sign_in(page, url, provider_token(groups))
        page.goto(url + "finance/")
        assert visible_nav(page) == ["/", "/guidelines/"]
        assert page.locator("[data-sw-forbidden]").count() == 1
    assert context.api_calls == []


def test_sign_out_ends_the_session_at_the_provider_and_comes_back_signed_out(context, provider_site):
    url, provider = provider_site
    page = context.new_page()
    token = provider_token({"grp": ["0f1e"]})
    sign_in(page, url, token)
    page.evaluate("token => sessionStorage.setItem('sharewall.token.id', token)", "the-id-token")
    page.goto(url + "finance/")
    EndSession.calls.clear()
    page.locator(".md-header [data-sw-signout]").click()
    status = page.locator("[data-sw-signin]")
    status.get_by_role("link").wait_for()
    assert "abgemeldet" in status.inner_text()
    assert EndSession.calls == [{"path": "/logout", "client_id": "wall", "id_token_hint": "the-id-token",
                                 "post_logout_redirect_uri": url + "signin/"}]
    assert page.url == url + "signin/"  # back on the sign-in page, which did not start another sign-in
    assert page.evaluate("[sessionStorage.getItem('sharewall.token'), sessionStorage.getItem('sharewall.token.id')]") == [None, None]
    assert ("DELETE", "/api/session") in context.api_calls
    # signing in again from there goes to the provider's sign-in, back to the page signed out from
    assert status.get_by_role("link").get_attribute("href") == "/signin/?next=" + quote(url + "finance/", safe="")


def test_the_local_server_signs_in_and_out_with_the_dev_sign_in(browser, local_server):
    with offline_context(browser) as context:
        page = context.new_page()
        page.goto(f"{local_server}_dev/signin?next=/guidelines/")
        page.fill("#user", "ben")
        page.fill("#display-name", "Ben Kommunikation")
        page.check("input[name=role][value=comms]")
        page.click("button[type=submit]")
        page.wait_for_url(local_server + "guidelines/")
        assert page.locator(".md-header [data-sw-who-name]").inner_text() == "Ben Kommunikation"
        assert "/invites/" in visible_nav(page) and "/finance/" not in visible_nav(page)
        page.locator(".md-header [data-sw-signout]").click()
        page.locator("[data-sw-signin]").get_by_role("link").wait_for()
        assert "abgemeldet" in page.locator("[data-sw-signin]").inner_text()
        assert page.locator(".md-header [data-sw-who]").inner_text() == "Anmelden"
        page.goto(local_server + "finance/")
        assert "/invites/" not in visible_nav(page) and "/finance/" not in visible_nav(page)


def _b64(text: str) -> str:
    import base64
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


def _unb64(text: str) -> str:
    import base64
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
