"""The wall gate's paths, derived from the built site and checked against `sharewall serve
--parameter WallAccess=employees`, where template.yaml's own WallAccessFunction runs in Node in front of it.

What an invited influencer reaches (the claim page in every interface language and every file those
pages load) opens without a session; every other page and file sends the viewer to sign-in, and so do
encoded and dot-segment variants that name a private page behind a public prefix. A session cookie minted
the way production mints it (POST /api/session) opens the rest. The gate's JavaScript rule and
site_builder/reserved.py's (what `sharewall check` keeps content out of) agree path by path.
"""

from __future__ import annotations

import http.client
import shutil
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from site_builder import reserved
from site_builder.local.devauth import dev_token
from site_builder.local.gate import NodeGate, viewer_request
from site_builder.smoke import page_parts
from tests.test_wall_access import STORE_ID, function_code

NODE = shutil.which("node")


def get(base: str, path: str, headers: dict | None = None) -> tuple[int, dict[str, str], bytes]:
    """One request exactly as written (no normalising of the path), no redirects followed."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.netloc, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def to_sign_in(answer: tuple[int, dict, bytes]) -> bool:
    status, headers, _ = answer
    return status == 302 and urlsplit(headers.get("location", "")).path == "/signin/"


def ends_at_sign_in(base: str, path: str) -> bool:
    """Followed like a browser (a folder without its slash is first sent to the slash): sign-in, never the page."""
    for _ in range(3):
        answer = get(base, path)
        if to_sign_in(answer) or answer[0] != 302:
            return to_sign_in(answer)
        path = answer[1]["location"]
    return False


def site_path(site: Path, file: Path) -> str:
    """The URL path a viewer asks for a built file by: pages by their folder."""
    relative = file.relative_to(site).as_posix()
    if relative == "index.html":
        return "/"
    return "/" + (relative[: -len("index.html")] if relative.endswith("/index.html") else relative)


def claim_pages(site: Path) -> list[str]:
    """Every interface language's claim page: /claim/ and /<lang>/claim/."""
    pages = ["/claim/"] + sorted(f"/{folder.name}/claim/" for folder in site.iterdir()
                                 if (folder / "claim" / "index.html").is_file())
    return pages


def loads(site: Path, page: str) -> list[str]:
    """The same-origin files the built page at `page` loads by itself."""
    base = "https://wall.example" + page
    found = page_parts((site / page.lstrip("/") / "index.html").read_text(encoding="utf-8")).loads
    paths = {urlsplit(urljoin(base, ref)).path for ref in found if urlsplit(urljoin(base, ref)).netloc == "wall.example"}
    return sorted(paths)


def test_the_invite_pages_of_every_language_and_all_they_load_open_without_a_session(gated_server):
    base, site = gated_server
    pages = claim_pages(site)
    assert "/en/claim/" in pages, pages  # the English invites, dead before (#18)
    for page in pages:
        status, headers, body = get(base, page + "?invite=abc")
        assert status == 200 and b"<html" in body.lower(), (page, status, headers.get("location"))
        needed = loads(site, page)
        assert any(path.endswith(".js") for path in needed) and any(path.endswith(".css") for path in needed)
        for path in needed:
            status, headers, _ = get(base, path)
            assert status == 200, f"{page} loads {path}, which answered {status} {headers.get('location', '')}"


def test_the_accessibility_statement_of_every_language_and_all_it_loads_open_without_a_session(gated_server):
    # the claim page links to it: an invited influencer without a session reads it; the statistics stay shut
    base, site = gated_server
    pages = ["/accessibility/"] + sorted(f"/{folder.name}/accessibility/" for folder in site.iterdir()
                                         if (folder / "accessibility" / "index.html").is_file())
    assert {"/en/accessibility/", "/fr/accessibility/"} <= set(pages), pages
    for page in pages:
        status, headers, body = get(base, page)
        assert status == 200 and b"data-sw-report" in body, (page, status, headers.get("location"))
        for path in loads(site, page):
            status, headers, _ = get(base, path)
            assert status == 200, f"{page} loads {path}, which answered {status} {headers.get('location', '')}"
    for private in ("/stats/", "/en/stats/", "/fr/stats/"):
        assert to_sign_in(get(base, private)), f"{private} answered without a session"


def test_every_other_page_and_file_sends_the_viewer_to_sign_in(gated_server):
    base, site = gated_server
    public = {path for page in claim_pages(site) for path in [page, *loads(site, page)]}
    private = sorted(site_path(site, file) for file in site.rglob("*") if file.is_file()
                     and site_path(site, file) not in public and not reserved.opened_by_gate(site_path(site, file)))
    kinds = {"/", "/stats/", "/finance/", "/invites/", "/suggestions/", "/feed.xml", "/posts.json",
             "/sharewall/catalogue.json", "/sharewall/expenses.json", "/en/", "/en/stats/", "/en/posts.json"}
    assert kinds <= set(private), kinds - set(private)
    assert any(path.startswith("/posts/") for path in private)
    for path in private:
        assert to_sign_in(get(base, path)), f"{path} answered without a session"


def test_encoded_and_dot_segment_variants_send_the_viewer_to_sign_in(gated_server):
    base, site = gated_server
    pages = ["/stats/", "/finance/", "/posts.json", "/sharewall/catalogue.json", "/en/invites/", "/"]
    for page in pages:
        rest = page.lstrip("/")
        variants = [f"/claim/%2e%2e/{rest}", f"/claim/%2E%2E/{rest}", f"/en/claim/%2e%2e/%2e%2e/{rest}",
                    f"/assets/..%2f{rest}", f"/claim%2f..%2f{rest}", f"/claim/.%2e/{rest}", f"/claim/./../{rest}",
                    f"/en/assets/%2e%2e%2f%2e%2e%2f{rest}", f"/claim/..%5c{rest}"]
        for variant in variants:
            assert ends_at_sign_in(base, variant), f"{variant} answered without a session"


def test_a_session_minted_like_productions_opens_the_wall(gated_server):
    base, _ = gated_server
    token = dev_token("gate-anna", ["employee"])
    status, headers, _ = get_post_session(base, token)
    assert status == 204, status
    cookie = headers["set-cookie"].split(";", 1)[0]
    assert cookie.startswith("__Host-sharewall-session=")
    for path in ("/", "/stats/", "/posts.json", "/en/finance/"):
        status, _, _ = get(base, path, {"Cookie": cookie})
        assert status == 200, path
    assert to_sign_in(get(base, "/stats/", {"Cookie": cookie[:-4] + "AAAA"}))  # a tampered cookie opens nothing


def get_post_session(base: str, token: str) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.netloc, timeout=30)
    try:
        connection.request("POST", "/api/session", headers={"Authorization": f"Bearer {token}"})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


# Paths content could be published at, and paths of the site itself: the two forms of the rule must agree
AGREEMENT = ["/", "/claim/", "/claim/index.html", "/en/claim/", "/fr/claim/x/", "/de/claim/", "/xyz/claim/",
             "/e/claim/", "/EN/claim/", "/claims/", "/en/claims/", "/claim.json", "/assets/", "/assets/sharewall/x.js",
             "/en/assets/x.css", "/xx/assets/y/z.png", "/assetsx/", "/en/assetsx/a.js", "/signin/", "/en/signin/",
             "/signin.html", "/signinx/", "/404.html", "/en/404.html", "/404.html.bak", "/favicon.ico",
             "/favicon.png", "/images/favicon.png", "/robots.txt", "/en/robots.txt", "/stats/", "/posts/claim/",
             "/images/claim/", "/posts.json", "/sharewall/catalogue.json", "/en/", "/guides/claim/", "/en/posts/x/",
             "/accessibility/", "/en/accessibility/", "/fr/accessibility/", "/accessibilityx/", "/en/accessibility.json",
             "/posts/accessibility/"]


@pytest.mark.skipif(NODE is None, reason="node runs the gate")
def test_the_gates_javascript_and_reserved_py_agree_on_every_path():
    gate = NodeGate(function_code("employees"), NODE, STORE_ID)
    try:
        for path in AGREEMENT:  # every one ends in a slash or names a file: no redirect to the slash first
            result = gate.run(viewer_request("GET", path, []), {})
            assert ("statusCode" not in result) == reserved.opened_by_gate(path), (path, result)
    finally:
        gate.close()
