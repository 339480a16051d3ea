"""The browser for every browser test: Debian's Chromium, driven by Playwright.

Every context it opens prefers reduced motion: Material then drops its CSS transitions (its header title
slides and fades as the page scrolls), so axe and the tests look at a settled page, never a frame of a
transition (a half-faded title read as a serious color-contrast finding, a flake).
"""

from __future__ import annotations

import pytest

from tests.browser.support import CHROMIUM_ARGS, SettledBrowser


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield SettledBrowser(chromium)
        chromium.close()
