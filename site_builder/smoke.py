"""`sharewall smoke --url URL`: does the live wall keep its promises? Checked from outside, without a session.

- With WallAccess=employees, `/` sends the viewer to sign-in; with `public` it answers 200.
- Every interface language's claim page (found through the claim page's language links) and every file it
  loads (scripts, style sheets, icons, images of the same origin) answer 200 without a session, each with
  the Content-Security-Policy.
- With a region, the CSP lets the page post a receipt where the upload code sends it: the presigned POST
  URL botocore gives the functions' S3 client there, for the receipts bucket the CSP names.
- The API answers `/api/stats` without a token with 401.

Each failed check is one line; any failure exits 1.
"""

from __future__ import annotations

import http.client
import re
import ssl
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

TIMEOUT = 20
SIGN_IN_PATH = "/signin/"
CLAIM_PATH = "/claim/"
STATS_API = "/api/stats"
# A receipts bucket's host as the CSP names it: <bucket>.s3.<region>.amazonaws.com (or the legacy global name)
_S3_HOST = re.compile(r"^(?P<bucket>[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\.s3[.-](?:[a-z0-9-]+\.)?amazonaws\.com$")


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class SmokeResult:
    passed: int = 0
    failures: list[str] = field(default_factory=list)

    # One check: counted when it holds, its line kept when it does not
    def check(self, holds: bool, line: str) -> bool:
        if holds:
            self.passed += 1
        else:
            self.failures.append(line)
        return holds


def fetch(url: str) -> Answer:
    """One GET without cookies and without following redirects; status 0 when the site cannot be reached."""
    parts = urlsplit(url)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    extra = {"context": ssl.create_default_context()} if parts.scheme == "https" else {}
    connection = kind(parts.netloc, timeout=TIMEOUT, **extra)
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""),
                           headers={"User-Agent": "sharewall-smoke", "Accept": "*/*"})
        response = connection.getresponse()
        return Answer(response.status, {key.lower(): value for key, value in response.getheaders()}, response.read())
    except (OSError, http.client.HTTPException) as error:
        return Answer(0, {"error": str(error)}, b"")
    finally:
        connection.close()


class _PageParts(HTMLParser):
    """What a page loads by itself (scripts, style sheets, icons, images) and its language links."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.languages: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag in ("script", "img") and attributes.get("src"):
            self.loads.append(attributes["src"])
        rel = set(attributes.get("rel", "").lower().split())
        if tag == "link" and rel & {"stylesheet", "icon", "manifest", "preload", "modulepreload"} and attributes.get("href"):
            self.loads.append(attributes["href"])
        if tag == "a" and attributes.get("hreflang") and attributes.get("href"):
            self.languages.append(attributes["href"])


def page_parts(html: str) -> _PageParts:
    """The files a page loads and the pages its language selector links to (hrefs as written)."""
    parser = _PageParts()
    parser.feed(html)
    return parser


def directives(csp: str) -> dict[str, list[str]]:
    """A Content-Security-Policy by directive name (lower case) -> its sources."""
    found: dict[str, list[str]] = {}
    for directive in csp.split(";"):
        tokens = directive.split()
        if tokens and tokens[0].lower() not in found:
            found[tokens[0].lower()] = tokens[1:]
    return found


def _source_allows(source: str, url: str, self_origin: str) -> bool:
    target = urlsplit(url)
    if source == "'self'":
        return f"{target.scheme}://{target.netloc}" == self_origin
    if re.fullmatch(r"[a-z][a-z0-9+.-]*:", source):  # a scheme source: `https:`
        return target.scheme == source[:-1]
    parsed = urlsplit(source if "://" in source else f"{target.scheme}://{source}")
    if parsed.scheme != target.scheme or not parsed.hostname or not target.hostname:
        return False
    host, wanted = parsed.hostname, target.hostname
    if not (wanted == host or (host.startswith("*.") and wanted.endswith(host[1:]))):
        return False
    if (parsed.port or None) != (target.port or None):
        return False
    path = parsed.path
    return not path or path == "/" or (target.path.startswith(path) if path.endswith("/") else target.path == path)


def csp_allows(csp: str, directive: str, url: str, self_origin: str = "") -> bool:
    """Whether the policy lets a page of `self_origin` reach `url` under `directive` (connect-src falls back
    to default-src; form-action has no fallback), by CSP's source matching."""
    found = directives(csp)
    sources = found.get(directive, found.get("default-src") if directive.endswith("-src") else None)
    if sources is None:
        return True  # not restricted
    return any(_source_allows(source, url, self_origin) for source in sources)


def upload_url(bucket: str, region: str) -> str:
    """The presigned POST URL the upload code (functions/claims/uploads.py) returns for `bucket` in `region`:
    the functions' own S3 client configuration, signed offline with throwaway credentials."""
    from botocore.session import get_session

    from sharewall_common.aws import S3_CONFIG

    session = get_session()
    # production's URL whatever the environment points AWS at (AWS_ENDPOINT_URL of a local stack or a test)
    session.set_config_variable("ignore_configured_endpoint_urls", True)
    session.set_credentials("SMOKEEXAMPLE", "smoke-example-secret")
    s3 = session.create_client("s3", region_name=region, config=S3_CONFIG)
    return s3.generate_presigned_post(Bucket=bucket, Key="pending/smoke/smoke")["url"]


def receipt_buckets(csp: str) -> list[str]:
    """The S3 buckets the policy names in connect-src (where a receipt may be posted)."""
    found = []
    for source in directives(csp).get("connect-src", []):
        host = urlsplit(source if "://" in source else f"https://{source}").hostname or ""
        match = _S3_HOST.match(host)
        if match and match.group("bucket") not in found:
            found.append(match.group("bucket"))
    return found


def _same_origin(base: str, ref: str, origin: str) -> str | None:
    absolute = urljoin(base, ref)
    parts = urlsplit(absolute)
    return parts.path + (f"?{parts.query}" if parts.query else "") if f"{parts.scheme}://{parts.netloc}" == origin else None


def _check_gate(result: SmokeResult, origin: str, wall_access: str) -> None:
    home = fetch(origin + "/")
    if wall_access == "public":
        result.check(home.status == 200, f"/: expected 200 on a public wall, got {home.status or home.headers.get('error')}")
        return
    location = urlsplit(urljoin(origin + "/", home.headers.get("location", "")))
    redirected = home.status in (301, 302, 303, 307, 308) and location.path == SIGN_IN_PATH
    result.check(redirected, f"/: expected a redirect to {SIGN_IN_PATH} without a session, got "
                             f"{home.status or home.headers.get('error')} {home.headers.get('location', '')}".rstrip())


def _check_claim_pages(result: SmokeResult, origin: str) -> str:
    """Every language's claim page and what it loads; the CSP the first claim page carried ("" when none)."""
    first = fetch(origin + CLAIM_PATH)
    if not result.check(first.status == 200, f"{CLAIM_PATH}: expected 200 without a session, got "
                                              f"{first.status or first.headers.get('error')}"):
        return ""
    languages = page_parts(first.body.decode("utf-8", "replace")).languages
    pages = [CLAIM_PATH] + [path for ref in languages
                            if (path := _same_origin(origin + CLAIM_PATH, ref, origin)) and path.rstrip("/").endswith("/claim")]
    seen: set[str] = set()
    for page in dict.fromkeys(pages):
        answer = first if page == CLAIM_PATH else fetch(origin + page)
        if not result.check(answer.status == 200, f"{page}: expected 200 without a session, got "
                                                   f"{answer.status or answer.headers.get('error')}"):
            continue
        result.check(bool(answer.headers.get("content-security-policy")), f"{page}: no Content-Security-Policy")
        for ref in page_parts(answer.body.decode("utf-8", "replace")).loads:
            path = _same_origin(origin + page, ref, origin)
            if path is None or path in seen:
                continue
            seen.add(path)
            loaded = fetch(origin + path)
            if result.check(loaded.status == 200, f"{path} (loaded by {page}): expected 200 without a session, "
                                                  f"got {loaded.status or loaded.headers.get('error')}"):
                result.check(bool(loaded.headers.get("content-security-policy")),
                             f"{path} (loaded by {page}): no Content-Security-Policy")
    return first.headers.get("content-security-policy", "")


def _check_upload_origin(result: SmokeResult, origin: str, csp: str, region: str) -> None:
    buckets = receipt_buckets(csp)
    if not result.check(bool(buckets), f"CSP: connect-src names no S3 receipts bucket ({csp or 'no CSP'})"):
        return
    for bucket in buckets:
        url = upload_url(bucket, region)
        for directive in ("connect-src", "form-action"):
            result.check(csp_allows(csp, directive, url, origin),
                         f"CSP: {directive} does not allow the receipt upload URL {url} (region {region})")


def _check_api(result: SmokeResult, origin: str) -> None:
    answer = fetch(origin + STATS_API)
    result.check(answer.status == 401, f"{STATS_API}: expected 401 without a token, got "
                                       f"{answer.status or answer.headers.get('error')}")


def smoke(url: str, wall_access: str = "employees", region: str | None = None) -> SmokeResult:
    """Every check against the site at `url` (its origin); the result lists the failed ones."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    result = SmokeResult()
    _check_gate(result, origin, wall_access)
    csp = _check_claim_pages(result, origin)
    if region:
        _check_upload_origin(result, origin, csp, region)
    _check_api(result, origin)
    return result
