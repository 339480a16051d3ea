"""Every kind of page of the real `sharewall serve` runs under production's Content-Security-Policy.

The local server sends template.yaml's SiteHeadersPolicy; offline_context fails a test on any CSP
violation, so each page here loads, runs its scripts and is used a little (search, the composer)
without one. A control injects what content must never carry and sees the policy stop it.
"""

from __future__ import annotations

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
