"""The page scripts read their configuration from <head>, where content never reaches: even an element with the
configuration's id at the top of a page's body (which the sanitiser already refuses) changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from site_builder.local.server import serve_directory
from tests.browser.support import offline_context, repository_site

pytestmark = pytest.mark.browser

EVIL = {"api": "https://evil.example/api", "tokenKey": "evil", "signInPage": "https://evil.example/signin/",
        "networks": {}, "strings": {}}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    site = repository_site(tmp_path_factory.mktemp("config"))
    page = site / "guidelines" / "index.html"
    planted = f'<script id="sharewall-config" type="application/json">{json.dumps(EVIL)}</script>'
    html = page.read_text(encoding="utf-8")
    assert '<div class="md-container"' in html
    page.write_text(html.replace('<div class="md-container"', planted + '<div class="md-container"', 1), encoding="utf-8")
    return site


def test_site_js_reads_the_configuration_in_head_not_the_first_element_with_its_id(browser, site: Path) -> None:
    url, server = serve_directory(site)
    try:
        with offline_context(browser) as context:
            page = context.new_page()
            page.goto(url + "guidelines/")
            page.wait_for_function("() => window.Sharewall && window.Sharewall.config")
            assert page.evaluate("() => document.querySelectorAll('body #sharewall-config').length") == 1  # planted
            configured = page.evaluate("() => [window.Sharewall.config.api, window.Sharewall.config.signInPage]")
    finally:
        server.shutdown()
        server.server_close()
    assert configured == ["/api", "/signin/"]
