"""Helpers every browser test shares: offline contexts, axe, the dev sign-in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Debian's Chromium as root in a closed network: no sandbox, no background calls home
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@contextmanager
def offline_context(browser, **options) -> Iterator:
    """A browser context where nothing leaves the machine and any page error fails the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    # the networks' share dialogs and web fonts answer locally
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.fulfill(
        status=200, content_type="text/html", body="<!doctype html><title>offline</title>"))
    errors: list[str] = []
    context.on("weberror", lambda error: errors.append(str(error.error)))
    try:
        yield context
    finally:
        context.close()
    assert not errors, errors


@contextmanager
def clipboard_context(browser, origin: str) -> Iterator:
    """An offline context whose pages on `origin` may read and write the clipboard (the composer copies)."""
    with offline_context(browser) as context:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin.rstrip("/"))
        yield context


def axe_violations(page) -> list:
    """axe-core's serious and critical findings on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def dev_sign_in(page, base: str, user: str, roles: list[str], next_path: str = "/") -> None:
    """Sign in on the local server's dev page and wait to land on `next_path`."""
    page.goto(f"{base}_dev/signin?next={next_path}")
    page.fill("#user", user)
    for role in roles:
        page.check(f"input[name=role][value={role}]")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(re.escape(base.rstrip("/") + next_path) + "$"))
