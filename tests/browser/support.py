"""Helpers every browser test shares: offline contexts, axe, the dev sign-in."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from site_builder.local.template import load_template

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Debian's Chromium as root in a closed network: no sandbox, no background calls home
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class SettledBrowser:
    """The browser, whose every new context (and page) prefers reduced motion and sits in the stack's time zone
    unless a test says otherwise.

    Material honours `prefers-reduced-motion: reduce` by switching its transitions off, so no check sees a
    page mid-transition (the header title fading in as the page scrolls read as a color-contrast finding).
    The employees are where the statistics count days (template.yaml's Timezone): in this machine's UTC, the
    statistics page's today (the person's) ended an hour before the stack's each night, and a share made then
    was missing from it.
    """

    def __init__(self, browser) -> None:
        self._browser = browser
        self._zone = load_template(ROOT / "template.yaml")["Parameters"]["Timezone"]["Default"]

    def new_context(self, **options):
        return self._browser.new_context(**self._settled(options))

    def new_page(self, **options):
        return self._browser.new_page(**self._settled(options))

    def _settled(self, options: dict) -> dict:
        return {"reduced_motion": "reduce", "timezone_id": self._zone, **options}

    def __getattr__(self, name: str):
        return getattr(self._browser, name)


# Reports every Content-Security-Policy violation of every page to the test (init scripts run before the
# page's own and are not subject to its CSP)
_REPORT_CSP = """document.addEventListener("securitypolicyviolation", function (event) {
  window.__sharewallCspViolation({page: location.href, directive: event.violatedDirective,
    blocked: event.blockedURI, source: event.sourceFile, line: event.lineNumber, sample: event.sample});
});"""


@contextmanager
def offline_context(browser, csp_violations: list | None = None, **options) -> Iterator:
    """A browser context where nothing leaves the machine and any page error or CSP violation fails the test.

    Pass a list as `csp_violations` to collect the violations instead (a test that expects some).
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    # the networks' share dialogs and web fonts answer locally
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.fulfill(
        status=200, content_type="text/html", body="<!doctype html><title>offline</title>"))
    errors: list[str] = []
    violations = [] if csp_violations is None else csp_violations
    context.on("weberror", lambda error: errors.append(str(error.error)))
    context.expose_binding("__sharewallCspViolation", lambda source, report: violations.append(report))
    context.add_init_script(_REPORT_CSP)
    context.on("console", lambda message: violations.append(message.text)
               if "Content Security Policy" in message.text else None)
    try:
        yield context
    finally:
        context.close()
    assert not errors, errors
    assert csp_violations is not None or not violations, violations


def site_headers(sign_in_urls: tuple[str, ...] = ()) -> dict[str, str]:
    """The security headers `sharewall serve` sends (template.yaml's SiteHeadersPolicy), for stand-in sites
    served with serve_directory, so pages run under production's Content-Security-Policy there too."""
    from site_builder.local.aws import LocalResources, local_bucket_name
    from site_builder.local.devauth import DEV_ISSUER
    from site_builder.local.headers import local_security_headers
    from site_builder.local.template import load_template, resources_of_type

    template = load_template(ROOT / "template.yaml")
    buckets = {name: local_bucket_name(name) for name in resources_of_type(template, "AWS::S3::Bucket")}
    resources = LocalResources(template=template, parameters={"JwtIssuer": DEV_ISSUER}, buckets=buckets)
    return local_security_headers(template, resources.resolve, issuer=DEV_ISSUER, sign_in_urls=sign_in_urls)


@contextmanager
def clipboard_context(browser, origin: str) -> Iterator:
    """An offline context whose pages on `origin` may read and write the clipboard (the composer copies)."""
    with offline_context(browser) as context:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin.rstrip("/"))
        yield context


# Resolves once every finite animation and transition on the page has ended (a page's own, which reduced
# motion does not switch off), or after `timeout` ms; infinite ones (a spinner) are not waited for
_SETTLE = """timeout => Promise.race([
  Promise.all(document.getAnimations()
    .filter(animation => animation.effect && animation.effect.getComputedTiming().endTime !== Infinity)
    .map(animation => animation.finished.catch(() => null))),
  new Promise(resolve => setTimeout(resolve, timeout))])"""


def settle(page, timeout_ms: int = 3000) -> None:
    """Wait until the page is still: reduced motion emulated, running animations and transitions ended."""
    page.emulate_media(reduced_motion="reduce")
    page.evaluate(_SETTLE, timeout_ms)


def axe_violations(page) -> list:
    """axe-core's serious and critical findings on the page once it has settled (see `settle`)."""
    settle(page)
    page.evaluate(AXE.read_text(encoding="utf-8"))  # evaluated, not a <script>: the page's CSP allows none inline
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def dev_sign_in(page, base: str, user: str, roles: list[str], next_path: str = "/", lands: str | None = None) -> None:
    """Sign in on the local server's dev page and wait to land on `next_path` (or on the URL `lands`)."""
    page.goto(f"{base}_dev/signin?next={next_path}")
    page.fill("#user", user)
    for role in roles:
        page.check(f"input[name=role][value={role}]")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile("^" + re.escape(lands) + "$") if lands
                      else re.compile(re.escape(base.rstrip("/") + next_path) + "$"))


def wait_until(condition, page, timeout_ms: int = 5000) -> None:
    """Let the page run until `condition()` (a test-side check, e.g. of recorded requests) holds."""
    waited = 0
    while not condition() and waited < timeout_ms:
        page.wait_for_timeout(50)
        waited += 50
    assert condition(), "timed out"


def repository_site(folder: Path, **plugin_options) -> Path:
    """The repository's own mkdocs.yml and content built into `folder`/site (plugin options overridden)."""
    import yaml

    from site_builder.plugin import build_site

    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    config["docs_dir"] = str(ROOT / "content")
    config["theme"]["custom_dir"] = str(ROOT / "templates")
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "sharewall" in plugin:
            plugin["sharewall"].update(plugin_options)
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return build_site(folder / "mkdocs.yml", folder / "site")


def staff(role: str, user: str | None = None) -> dict:
    """The local stack's dev headers of an employee with `role` (a fresh user unless `user` is given)."""
    return {"X-Sharewall-Dev-User": user or f"{role}-{uuid.uuid4().hex[:6]}", "X-Sharewall-Dev-Roles": f"employee,{role}"}


def make_invite(base: str, name: str, creator: str = "carla-comms", **extra) -> dict:
    """An invite to the creator programme made through the local API by `creator` (comms); the API's answer."""
    from tests.local_serve import request

    status, _, body = request(base + "api/invites", "POST", {"name": name, "email": f"{uuid.uuid4().hex[:8]}@example.org",
                                                           "campaign": "creator-programme", "days": 30, **extra},
                              staff("comms", creator))
    assert status == 201, body
    return json.loads(body)


def make_claim(base: str, gross: str, holder: str = "Lena Lettering", description: str = "Taxi zur Messe",
               creator: str = "carla-comms") -> str:
    """A claim of one taxi line submitted through the local API on a new invite of `creator`; its id."""
    from tests.local_serve import request

    token = make_invite(base, holder, creator)["token"]
    claim = {"payee": {"kind": "private", "holder": holder, "iban": "DE89370400440532013000",
                       "address": {"street": "Kastanienallee 12", "postcode": "10435", "town": "Berlin", "country": "DE"}},
             "lines": [{"date": (date.today() - timedelta(days=2)).isoformat(), "category": "local-transport",
                        "description": description, "gross": gross, "vat": "0", "currency": "EUR"}]}
    status, _, body = request(base + "api/claims", "POST", claim, {"X-Invite-Token": token, "Idempotency-Key": uuid.uuid4().hex})
    assert status == 201, body
    return json.loads(body)["id"]
