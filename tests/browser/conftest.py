"""The browser for every browser test: Debian's Chromium, driven by Playwright.

Every context it opens prefers reduced motion: Material then drops its CSS transitions (its header title
slides and fades as the page scrolls), so axe and the tests look at a settled page, never a frame of a
transition (a half-faded title read as a serious color-contrast finding, a flake).
"""

from __future__ import annotations

from contextlib import ExitStack

import pytest

from tests.browser.support import CHROMIUM_ARGS, SettledBrowser, offline_context
from tests.local_serve import ServeProcess


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield SettledBrowser(chromium)
        chromium.close()


@pytest.fixture(scope="module")
def claims_server(tmp_path_factory):
    """A `sharewall serve` of the test module's own (so its row counts are exact): its base URL."""
    process = ServeProcess(tmp_path_factory.mktemp("claims-site"))
    yield process.url
    process.stop()


@pytest.fixture
def claims_page(browser, claims_server):
    """Opens a new page in an offline context of its own (downloads accepted) each time it is called; `width`
    and `height` set its viewport (a phone's: 390 x 844)."""
    with ExitStack() as stack:
        def open_page(width: int = 1280, height: int = 900):
            page = stack.enter_context(offline_context(browser, accept_downloads=True)).new_page()
            page.set_viewport_size({"width": width, "height": height})
            return page
        yield open_page
