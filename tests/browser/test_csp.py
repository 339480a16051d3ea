"""Every kind of page of the real `sharewall serve` runs under production's Content-Security-Policy.

The local server sends template.yaml's SiteHeadersPolicy; offline_context fails a test on any CSP
violation, so each page here loads, runs its scripts and is used a little (search, the composer)
without one. A control injects what content must never carry and sees the policy stop it.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from tests.browser.support import dev_sign_in, offline_context

pytestmark = pytest.mark.browser

# one page of each kind: the wall (and its second page), a post, content pages, the app pages, 404
PAGES = ["", "page/2/", "posts/arm-migration/", "guidelines/", "stats/", "invites/", "finance/", "claim/",
         "signin/", "404.html", "_dev/signin"]


def test_every_kind_of_page_runs_without_a_csp_violation(browser, local_server):
    with offline_context(browser) as context:
        page = context.new_page()
        dev_sign_in(page, local_server, "csp-clara", ["employee", "comms", "finance"])
        assert "script-src 'self'" in page.evaluate("fetch(location.href).then(r => r.headers.get("
                                                    "'content-security-policy'))")
        for path in PAGES:
            page.goto(local_server + path)
            page.wait_for_load_state("networkidle")
        page.goto(local_server + "guidelines/")
        word = page.locator("article h1").first.inner_text().split()[0]
        page.goto(local_server)
        page.locator("article.sw-card summary.sw-share__toggle").first.click()  # the composer opens
        # Material's search, its worker and index under the CSP: typed like a reader, it finds that page
        page.click("input.md-search__input")
        page.locator("input.md-search__input").press_sequentially(word, delay=30)
        page.locator(".md-search-result__item").first.wait_for()


def test_script_or_style_slipped_into_a_page_is_blocked(browser, local_server):
    violations: list = []
    with offline_context(browser, csp_violations=violations) as context:
        page = context.new_page()
        page.goto(local_server)
        page.evaluate("""() => {
            document.body.insertAdjacentHTML('beforeend',
              '<img src="data:," onload="window.ran = true"><p style="color: red">x</p>');
            const script = document.createElement('script');
            script.textContent = 'window.ran = true';
            document.body.appendChild(script);
        }""")
        page.wait_for_function("() => true")
        assert page.evaluate("window.ran") is None
        page.wait_for_timeout(200)  # the reports arrive as events
    blocked = {report["directive"] for report in violations if isinstance(report, dict)}
    assert {"script-src-attr", "script-src-elem", "style-src-attr"} <= blocked, violations


def test_a_receipt_is_uploaded_under_the_production_csp_to_the_url_production_returns(browser, local_server):
    """The claim page with the CSP CloudFront sends in eu-central-1 (template.yaml resolved there, not the local
    server's moto rewrite) posts a receipt to the URL the upload code returns in production; only the network
    behind that URL is local (the request is passed on to moto), the browser's CSP check is production's."""
    from site_builder.local.aws import LocalResources, local_bucket_name
    from site_builder.local.devauth import DEV_ISSUER
    from site_builder.local.headers import deep_resolve, policy_config, policy_headers
    from site_builder.local.template import load_template
    from site_builder.smoke import upload_url
    from tests.browser.support import ROOT
    from tests.functions.claims_client import PDF
    from tests.local_serve import request

    bucket, region = local_bucket_name("ReceiptsBucket"), "eu-central-1"
    template = load_template(ROOT / "template.yaml")
    resources = LocalResources(template=template, parameters={"JwtIssuer": DEV_ISSUER},
                               buckets={"ReceiptsBucket": bucket}, region=region)
    csp = policy_headers(deep_resolve(policy_config(template), resources.resolve))["Content-Security-Policy"]
    production_url = upload_url(bucket, region)
    assert production_url == f"https://{bucket}.s3.{region}.amazonaws.com/" and "127.0.0.1" not in csp
    status, _, body = request(local_server + "api/invites", "POST", {
        "name": "CSP Upload", "email": "csp-upload@example.org", "campaign": "creator-programme", "days": 30},
        {"X-Sharewall-Dev-User": "csp-comms", "X-Sharewall-Dev-Roles": "employee,comms"})
    assert status == 201, body
    link = json.loads(body)["link"]
    moto: dict[str, str] = {}

    def production_headers(route):  # every page of the site under production's CSP
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": csp})

    def production_presign(route):  # the presigned POST as production answers it: the regional bucket URL
        response = route.fetch()
        answer = response.json()
        if route.request.method == "POST" and "url" in answer:
            moto["url"], answer["url"] = answer["url"], production_url
        route.fulfill(response=response, json=answer)

    def bucket_on_loopback(route):  # S3 itself is moto: the same POST, path-style on its local endpoint
        response = route.fetch(url=moto["url"])
        route.fulfill(response=response, headers={**response.headers,
                                                   "access-control-allow-origin": local_server.rstrip("/")})

    with offline_context(browser) as context:  # fails on any CSP violation
        context.route(lambda url: url.startswith(local_server) and "/api/" not in url, production_headers)
        context.route(local_server + "api/claims/uploads", production_presign)
        context.route(production_url + "**", bucket_on_loopback)
        page = context.new_page()
        page.goto(link)
        assert page.evaluate("fetch(location.href).then(r => r.headers.get('content-security-policy'))") == csp
        page.locator("[data-sw-claim-form]").wait_for()
        line = page.locator("[data-sw-line]").first
        line.locator("input[name=receipt]").set_input_files({"name": "beleg.pdf", "mimeType": "application/pdf",
                                                             "buffer": PDF})
        status_node = line.locator("[data-sw-line-status]")
        page.wait_for_function("node => /hochgeladen|uploaded/.test(node.textContent)", arg=status_node.element_handle())
        assert moto["url"].startswith("http://127.0.0.1:")  # the bytes reached the local bucket, and were checked


@pytest.fixture(scope="module")
def gated_server(tmp_path_factory):
    """`sharewall serve --parameter WallAccess=employees`: template.yaml's wall gate in front of every page."""
    from tests.local_serve import served

    yield from served(tmp_path_factory, "gated-csp-site", ("WallAccess=employees",))


def test_behind_the_gate_the_dev_sign_in_opens_the_wall_and_every_page_runs_under_the_csp(browser, gated_server):
    with offline_context(browser) as context:
        page = context.new_page()
        refused = context.request.get(gated_server + "stats/?granularity=week", max_redirects=0)
        assert refused.status == 302  # no session: the gate sends the viewer to sign-in
        assert refused.headers["location"] == "/signin/?next=%2Fstats%2F%3Fgranularity%3Dweek"
        # the session cookie comes from the session function, as in production, and opens the gate
        dev_sign_in(page, gated_server, "gated-clara", ["employee", "comms", "finance"], "/stats/")
        assert any(cookie["name"] == "__Host-sharewall-session" for cookie in context.cookies())
        for path in PAGES:
            response = page.goto(gated_server + path)
            assert urlsplit(page.url).path == "/" + path.split("?")[0], (path, page.url)
            assert response.status in (200, 404), path  # the page itself (page/2/ only with enough posts)
            page.wait_for_load_state("networkidle")
        context.clear_cookies()
        refused = context.request.get(gated_server + "finance/", max_redirects=0)
        assert refused.status == 302 and urlsplit(refused.headers["location"]).path == "/signin/"
