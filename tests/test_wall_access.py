"""The wall's door, run for real: template.yaml's CloudFront function (WallAccessFunction) in Node.

The code is taken from the template and its `!Sub` resolved as CloudFormation would, for both values
of WallAccess, and run by the same long-lived Node runner `sharewall serve` uses (site_builder/local/gate.py),
whose stand-in for CloudFront's `cloudfront` module serves the KeyValueStore. Good tokens
are minted by the session function's own code (functions/session/cookie.py), so both sides are shown
to agree; bad ones are made by hand: expired, signed with another key, `alg: none`, tampered, for
another audience.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import shutil
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import jwt
import pytest

from session import cookie
from site_builder.local.gate import NodeGate
from site_builder.local.template import load_template
from site_builder.plugin import build_site
from tests.test_plugin import POSTS, make_project

ROOT = Path(__file__).resolve().parent.parent
NODE = shutil.which("node")
ORIGIN = "https://wall.example.com"
STORE_ID = "a1b2c3d4-test-store"
KEY = "test-session-key-" + "k" * 47  # 64 characters, as the template generates
OTHER_KEY = "o" * 64
COOKIE = cookie.NAME
def wall_resource() -> dict:
    return load_template(ROOT / "template.yaml")["Resources"]["WallAccessFunction"]


def function_code(mode: str) -> str:
    """The FunctionCode with its !Sub resolved; every ${…} in it must be one CloudFormation fills in."""
    text = wall_resource()["Properties"]["FunctionCode"]["Fn::Sub"]
    assert isinstance(text, str), "template.yaml WallAccessFunction: FunctionCode is one !Sub string"
    values = {"WallAccess": mode, "SiteOrigin": ORIGIN, "SessionKeyStore.Id": STORE_ID}

    def fill(match: re.Match) -> str:
        name = match.group(1)
        if name.startswith("!"):
            return "${" + name[1:] + "}"  # CloudFormation's escape for a literal ${
        assert name in values, f"template.yaml WallAccessFunction: ${{{name}}} is not filled in by this test"
        return values[name]

    return re.sub(r"\$\{([^}]+)\}", fill, text)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """run(mode, events, kvs) -> what the function returned for each event."""
    assert NODE, "node is needed to run the CloudFront function (make install-test installs it with npm)"
    gates = {mode: NodeGate(function_code(mode), NODE, STORE_ID) for mode in ("employees", "public")}

    def run(mode: str, events: list[dict], kvs: dict | None = None) -> list[dict]:
        store = {"session-key": KEY} if kvs is None else kvs
        return [gates[mode].run(event, store) for event in events]

    yield run
    for gate in gates.values():
        gate.close()


def request(uri: str, token: str | None = None, query: dict | None = None) -> dict:
    """A viewer-request event as CloudFront Functions hand it over."""
    cookies = {COOKIE: {"value": token}} if token is not None else {}
    return {"version": "1.0", "context": {"eventType": "viewer-request"}, "viewer": {"ip": "192.0.2.10"},
            "request": {"method": "GET", "uri": uri, "headers": {"host": {"value": "wall.example.com"}},
                        "querystring": {name: {"value": value} for name, value in (query or {}).items()},
                        "cookies": cookies}}


def session(key: str = KEY, audience: str = ORIGIN, issued: int | None = None, seconds: int = 3600) -> str:
    """A session token as POST /session mints it (the session function's own code)."""
    return cookie.mint(key, audience, int(time.time()) if issued is None else issued, seconds)


def b64(data: dict | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def hmac_signed(header: dict, claims: dict, key: str = KEY) -> str:
    """A token whose signature is right for its bytes, whatever its header claims."""
    signing_input = f"{b64(header)}.{b64(claims)}"
    digest = hmac.new(key.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(digest)}"


def passed(result: dict, uri: str) -> bool:
    return "statusCode" not in result and result["uri"] == uri


def sent_to_sign_in(result: dict, back_to: str) -> bool:
    """A 302 to the sign-in page that comes back to `back_to`, never stored by the browser."""
    if result.get("statusCode") != 302:
        return False
    location = result["headers"]["location"]["value"]
    target = urlsplit(location)
    return (target.path == "/signin/" and parse_qs(target.query)["next"] == [back_to]
            and result["headers"]["cache-control"]["value"] == "no-store")


def test_a_valid_session_opens_the_wall_with_index_paths_rewritten(run):
    token = session()
    results = run("employees", [request("/", token), request("/stats/", token), request("/posts/q3-results/", token),
                                request("/posts.json", token), request("/images/team.jpg", token)])
    assert [r.get("uri") for r in results] == ["/index.html", "/stats/index.html", "/posts/q3-results/index.html",
                                               "/posts.json", "/images/team.jpg"]
    assert all("statusCode" not in r for r in results)


def test_no_session_or_a_bad_one_is_sent_to_sign_in_and_back(run):
    now = int(time.time())
    good = session()
    header, payload, signature = good.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    bad = {
        "no cookie": None,
        "empty": "",
        "not a JWT": "let-me-in",
        "expired": session(issued=now - 7200, seconds=3600),
        "expired a second ago": session(issued=now - 3601, seconds=3600),
        "signed with another key": session(key=OTHER_KEY),
        "for another site": session(audience="https://other.example.com"),
        "alg none, unsigned": f"{b64({'alg': 'none', 'typ': 'JWT'})}.{payload}.",
        "alg none, signature kept": f"{b64({'alg': 'none', 'typ': 'JWT'})}.{payload}.{signature}",
        "alg none, signed with the key all the same": hmac_signed({"alg": "none", "typ": "JWT"}, claims),
        "payload tampered": f"{header}.{b64({**claims, 'exp': now + 10 ** 6})}.{signature}",
        "audience tampered": f"{header}.{b64({**claims, 'aud': 'https://other.example.com'})}.{signature}",
        "signature of another token": f"{header}.{payload}.{session(key=OTHER_KEY).split('.')[2]}",
        "signature cut short": f"{header}.{payload}.{signature[:-2]}",
        "no exp": jwt.encode({"aud": ORIGIN, "iat": now}, KEY, algorithm="HS256"),
        "exp as text": jwt.encode({"aud": ORIGIN, "exp": str(now + 3600)}, KEY, algorithm="HS256"),
        "HS512 header": jwt.encode({"aud": ORIGIN, "exp": now + 3600}, KEY, algorithm="HS512"),
        "garbage parts": "e30.!!!.???",
    }
    results = run("employees", [request("/stats/", token) for token in bad.values()])
    for (case, _), result in zip(bad.items(), results):
        assert sent_to_sign_in(result, "/stats/"), f"{case}: {result}"
    assert passed(run("employees", [request("/stats/", good)])[0], "/stats/index.html")  # the same page opens


def test_the_way_back_keeps_the_query_and_only_ever_leads_into_the_site(run):
    results = run("employees", [request("/stats/", query={"granularity": "week", "from": "2026-01-01"}),
                                request("/stats", query={"granularity": "week"}),
                                request("//evil.example"),
                                request("//evil"),
                                request("/\\evil")])
    assert sent_to_sign_in(results[0], "/stats/?granularity=week&from=2026-01-01")
    assert results[1]["statusCode"] == 302  # a folder without its slash goes to the slash first
    assert results[1]["headers"]["location"]["value"] == "/stats/?granularity=week"
    assert sent_to_sign_in(results[2], "//evil.example")  # signin.js refuses such a `next`
    for result in results[3:]:
        location = result["headers"]["location"]["value"]
        assert location.startswith("/") and location[1] not in "/\\", location


def test_the_claim_page_sign_in_and_their_assets_open_without_a_session(run):
    public = {"/claim/": "/claim/index.html", "/claim/index.html": "/claim/index.html",
              "/signin/": "/signin/index.html", "/signin.html": "/signin.html", "/404.html": "/404.html",
              "/assets/sharewall/claims-form.js": "/assets/sharewall/claims-form.js",
              "/assets/sharewall/site.js": "/assets/sharewall/site.js",
              "/assets/javascripts/bundle.a5f9d56c.min.js": "/assets/javascripts/bundle.a5f9d56c.min.js",
              "/assets/stylesheets/main.57a0d79d.min.css": "/assets/stylesheets/main.57a0d79d.min.css",
              "/assets/images/favicon.png": "/assets/images/favicon.png",
              "/favicon.ico": "/favicon.ico", "/robots.txt": "/robots.txt"}
    results = run("employees", [request(uri) for uri in public], kvs={})
    for (uri, rewritten), result in zip(public.items(), results):
        assert passed(result, rewritten), f"{uri}: {result}"
    assert run("employees", [request("/claim", query={"invite": "abc"})])[0]["headers"]["location"]["value"] \
        == "/claim/?invite=abc"


def test_every_languages_claim_page_and_assets_open_without_a_session(run):
    # one rule for any number of interface languages: adding one changes no code
    public = ["/en/claim/", "/en/claim/index.html", "/fr/claim/", "/accessibility/", "/en/accessibility/", "/fr/accessibility/", "/en/assets/sharewall/claims-form.js",
              "/en/assets/stylesheets/main.57a0d79d.min.css", "/fr/assets/images/favicon.png",
              "/%63laim/", "/en/claim/%69ndex.html"]  # percent-encoded letters are the same keys to S3
    results = run("employees", [request(uri) for uri in public], kvs={})
    for uri, result in zip(public, results):
        assert "statusCode" not in result, f"{uri} was not let through: {result}"
    private = ["/en/", "/en/stats/", "/en/posts.json", "/en/accessibilityx/", "/posts/accessibility/", "/en/sharewall/catalogue.json", "/english/claim/", "/eng/claim/", "/en/signin/",
               "/en/posts/claim/", "/posts/en/claim/", "/en/claims/", "/en/claim.json", "/en/assetsx/a.js"]
    for uri, result in zip(private, run("employees", [request(uri) for uri in private], kvs={})):
        assert sent_to_sign_in(result, uri), f"{uri} was let through: {result}"


def test_encoded_slashes_and_dot_segments_never_reach_the_public_paths(run):
    # decided on the decoded, normalised path: none of these is the claim page, whatever the raw URI starts with
    tricks = ["/claim/%2e%2e/stats/index.html", "/claim/%2E%2E/posts.json", "/claim/%2e%2e%2fstats/",
              "/claim/..%2fstats/", "/claim%2f..%2fstats/", "/assets/%2e%2e/posts.json", "/en/claim/%2e%2e/%2e%2e/stats/",
              "/claim/./../stats/", "/claim/%2e/../posts.json", "/assets/..%5cposts.json", "/claim/%zz/",
              "/en/assets/%2e%2e/%2e%2e/finance/", "/claim/.%2e/stats/"]
    results = run("employees", [request(uri) for uri in tricks], kvs={})
    for uri, result in zip(tricks, results):
        assert result.get("statusCode") == 302, f"{uri} was let through: {result}"
        assert urlsplit(result["headers"]["location"]["value"]).path == "/signin/", uri
    # with a session the same paths go on to the origin (which finds no such key)
    assert "statusCode" not in run("employees", [request("/claim/%2e%2e/stats/index.html", session())])[0]


def test_the_function_imports_its_modules_the_documented_way():
    # cloudfront-js-2.0 takes ES module imports for both runtime modules (AWS's kvs-jwt-verify sample):
    # `import crypto from 'crypto'` beside `import cf from 'cloudfront'`, no CommonJS `require`
    code = wall_resource()["Properties"]["FunctionCode"]["Fn::Sub"]
    imports = [line for line in code.splitlines() if line.startswith("import ")]
    assert imports == ["import cf from 'cloudfront';", "import crypto from 'crypto';"]
    assert "require(" not in code


class _Resources(HTMLParser):
    """The files a page loads by itself: scripts, style sheets, icons, images."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag in ("script", "img") and attributes.get("src"):
            self.found.append(attributes["src"])
        if tag == "link" and set((attributes.get("rel") or "").split()) & {"stylesheet", "icon", "manifest",
                                                                             "preload", "modulepreload"}:
            self.found.append(attributes["href"])


@pytest.fixture(scope="module")
def built_site(tmp_path_factory) -> Path:
    """A real build with the claim page and a sign-in page."""
    root = tmp_path_factory.mktemp("wall-site")
    config = make_project(root, {"active-orca": POSTS["active-orca"]}, sign_in=(
        "{authorize_url: 'https://idp.example/authorize', token_url: 'https://idp.example/token', client_id: wall}"))
    shutil.copy(ROOT / "content" / "claim.md", root / "content" / "claim.md")
    return build_site(config)


@pytest.mark.parametrize("page", ["claim/", "signin/", "404.html"])
def test_the_public_pages_and_everything_they_load_open_without_a_session(run, built_site, page):
    parser = _Resources()
    parser.feed((built_site / page / ("index.html" if page.endswith("/") else "")).read_text(encoding="utf-8"))
    base = f"{ORIGIN}/{page}"
    paths = ["/" + page] + sorted({urlsplit(urljoin(base, ref)).path for ref in parser.found
                                    if urlsplit(urljoin(base, ref)).netloc == urlsplit(ORIGIN).netloc})
    assert any(path.endswith(".js") for path in paths), paths  # the page's scripts were found
    results = run("employees", [request(path) for path in paths], kvs={})
    for path, result in zip(paths, results):
        assert "statusCode" not in result, f"{page} needs {path}, which the wall keeps from influencers: {result}"
        assert (built_site / result["uri"].lstrip("/")).is_file(), f"{path} -> {result['uri']}: no such file"


def test_everything_else_needs_a_session(run):
    private = ["/", "/index.html", "/stats/", "/invites/", "/finance/", "/posts/q3-results/", "/posts.json",
               "/sharewall/catalogue.json", "/sharewall/expenses.json", "/search/search_index.json",
               "/images/team.jpg", "/feed.xml", "/sitemap.xml", "/claims/", "/claim.json", "/assets.json",
               "/claim/../stats/", "/assets/../posts.json", "/signinx/", "/404.html.bak"]
    results = run("employees", [request(uri) for uri in private])
    for uri, result in zip(private, results):
        assert result.get("statusCode") == 302, f"{uri} was let through: {result}"
        assert urlsplit(result["headers"]["location"]["value"]).path == "/signin/", uri


def test_the_cookie_is_found_whatever_case_its_name_arrives_in_and_among_duplicates(run):
    good = session()
    lower = request("/stats/")
    lower["request"]["cookies"] = {COOKIE.lower(): {"value": good}}
    doubled = request("/stats/")
    doubled["request"]["cookies"] = {COOKIE: {"value": "stale", "multiValue": [{"value": "stale"}, {"value": good}]}}
    forged_twice = request("/stats/")
    forged_twice["request"]["cookies"] = {COOKIE: {"value": "x", "multiValue": [{"value": "x"}, {"value": "y"}]},
                                          "other": {"value": good}}  # a valid token under another name opens nothing
    results = run("employees", [lower, doubled, forged_twice])
    assert passed(results[0], "/stats/index.html") and passed(results[1], "/stats/index.html")
    assert sent_to_sign_in(results[2], "/stats/")


def test_a_key_missing_from_the_store_lets_nobody_in(run):
    assert sent_to_sign_in(run("employees", [request("/stats/", session())], kvs={})[0], "/stats/")


def test_during_a_rotation_both_keys_open_and_afterwards_only_the_new_one(run):
    old, new = session(key=OTHER_KEY), session(key=KEY)
    rotating = {"session-key": KEY, "session-key-previous": OTHER_KEY}
    assert all(passed(r, "/stats/index.html") for r in run("employees", [request("/stats/", old),
                                                                          request("/stats/", new)], kvs=rotating))
    after = run("employees", [request("/stats/", old), request("/stats/", new)], kvs={"session-key": KEY})
    assert sent_to_sign_in(after[0], "/stats/") and passed(after[1], "/stats/index.html")


def test_a_public_wall_only_rewrites_index_paths(run):
    results = run("public", [request("/"), request("/stats/"), request("/posts.json"), request("/stats"),
                             request("/posts/q3-results/", "forged.token.here")], kvs={})
    assert passed(results[0], "/index.html") and passed(results[1], "/stats/index.html")
    assert passed(results[2], "/posts.json") and passed(results[4], "/posts/q3-results/index.html")
    assert results[3]["statusCode"] == 302 and results[3]["headers"]["location"]["value"] == "/stats/"


def test_the_function_fits_cloudfront_and_reads_its_own_store():
    resource = wall_resource()
    props = resource["Properties"]
    assert resource["Type"] == "AWS::CloudFront::Function"
    assert props["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
    associations = props["FunctionConfig"]["KeyValueStoreAssociations"]
    assert [a["KeyValueStoreARN"] for a in associations] == [{"Fn::GetAtt": ["SessionKeyStore", "Arn"]}]
    for mode in ("employees", "public"):
        size = len(function_code(mode).encode())
        assert size < 10 * 1024, f"WallAccessFunction is {size} bytes; CloudFront allows 10 KB"
