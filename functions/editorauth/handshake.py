"""Decap CMS's external OAuth handshake with GitHub, as pure functions: no AWS, no network, no clock.

The editor (/admin/) opens a popup on GET /api/cms/auth; that answers a redirect to GitHub's authorize
page with a random `state`, which a short-lived cookie keeps. GitHub sends the person back to GET
/api/cms/callback with `code` and `state`: the state must be the cookie's, then the code is exchanged for
a token and the callback page (this module's `callback_page`) hands the outcome to the editor window by
postMessage, to the site's origin only (site_builder/editor/static/editor-callback.js).
"""

from __future__ import annotations

import hmac
import html
import json
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from aws_lambda_powertools.shared.cookies import Cookie, SameSite

PROVIDER = "github"
SCOPE = "repo"  # what Decap's GitHub backend asks for; a GitHub App's user token has the App's permissions instead
COOKIE = "__Secure-sharewall-cms-state"  # __Secure-: the browser takes it only with Secure, from HTTPS (or loopback)
COOKIE_PATH = "/api/cms/"
STATE_SECONDS = 600  # the time someone has at GitHub to sign in and approve
CALLBACK_PATH = "/api/cms/callback"
SCRIPT = "/admin/editor-callback.js"  # the build copies site_builder/editor/static/* to /admin/
# What the query may hold: GitHub's codes and our states are short URL-safe tokens
STATE_PATTERN = r"^[A-Za-z0-9_-]{16,128}$"
CODE_PATTERN = r"^[A-Za-z0-9_.-]{1,256}$"
# What the person reads in the popup and the editor shows, per outcome (never text from the request or GitHub)
MESSAGES = {
    "success": "Signed in. This window closes by itself.",
    "state_mismatch": "The sign-in could not be matched to this browser (it took longer than 10 minutes, or "
                      "cookies are blocked). Close this window and sign in again.",
    "access_denied": "GitHub sign-in was cancelled. Close this window to return to the editor.",
    "code_refused": "GitHub did not accept the sign-in (it may have expired). Close this window and sign in again.",
    "github_error": "GitHub refused the sign-in. Close this window and try again.",
    "unavailable": "GitHub could not be reached. Close this window and try again shortly.",
    "not_configured": "Signing in to the editor is not set up yet (the GitHub App's OAuth client). Ask the operators.",
    "unknown_provider": "The editor asked for a sign-in provider this site does not offer.",
}


@dataclass(frozen=True)
class Client:
    """The GitHub App's OAuth client: its id and secret (from Secrets Manager)."""

    client_id: str
    client_secret: str


@dataclass(frozen=True)
class Outcome:
    """What the callback page hands to the editor: a token, or an error code of MESSAGES."""

    code: str
    token: str = ""

    @property
    def ok(self) -> bool:
        return self.code == "success" and bool(self.token)


def site_origin(value: str) -> str:
    """The origin (`scheme://host[:port]`) of SITE_ORIGIN, the only one the token is ever posted to."""
    parts = urlsplit(value or "")
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/") or parts.query:
        raise ValueError(f"SITE_ORIGIN: {value!r} is not an origin like https://wall.example.com")
    return f"{parts.scheme}://{parts.netloc}"


def parse_client(text: str) -> Client | None:
    """The client from the secret's JSON {"client_id": ..., "client_secret": ...}; None when it is not that."""
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    client_id, client_secret = data.get("client_id"), data.get("client_secret")
    if not (isinstance(client_id, str) and client_id.strip() and isinstance(client_secret, str) and client_secret.strip()):
        return None
    return Client(client_id.strip(), client_secret.strip())


def new_state() -> str:
    """A fresh unguessable state (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def authorize_url(github_url: str, client_id: str, origin: str, state: str) -> str:
    """GitHub's authorize page for this client, returning to this site's callback with `state`."""
    query = urlencode({"client_id": client_id, "redirect_uri": origin + CALLBACK_PATH, "state": state, "scope": SCOPE})
    return f"{github_url.rstrip('/')}/login/oauth/authorize?{query}"


def state_cookie(state: str, seconds: int = STATE_SECONDS) -> Cookie:
    """The cookie that ties GitHub's answer to this browser: HTTPS only, unreadable by script, sent back on
    GitHub's top-level redirect (Lax), to /api/cms/ only."""
    return Cookie(name=COOKIE, value=state, path=COOKIE_PATH, secure=True, http_only=True, max_age=seconds,
                  same_site=SameSite.LAX_MODE)


def cleared_state_cookie() -> Cookie:
    """The state cookie, empty and expired: a state serves one callback only."""
    return state_cookie("", 0)


def cookie_states(cookies: list[str] | None) -> list[str]:
    """The values of the state cookie among the request's cookies (`name=value` strings)."""
    found = []
    for cookie in cookies or []:
        name, sep, value = cookie.partition("=")
        if sep and name.strip() == COOKIE and value.strip():
            found.append(value.strip())
    return found


def state_matches(given: str | None, held: list[str]) -> bool:
    """Whether the query's state is one the browser holds, compared in constant time."""
    if not given or not re.fullmatch(STATE_PATTERN, given):
        return False
    matched = False
    for value in held:
        matched |= hmac.compare_digest(given.encode(), value.encode())
    return matched


def exchange_form(client: Client, code: str, origin: str) -> dict[str, str]:
    """The form GitHub's access_token endpoint takes for an authorization code."""
    return {"client_id": client.client_id, "client_secret": client.client_secret, "code": code,
            "redirect_uri": origin + CALLBACK_PATH}


def exchange_outcome(status: int, body: bytes) -> Outcome:
    """The outcome of GitHub's answer to the exchange: its token, or why there is none.

    GitHub answers a refused code with 200 and {"error": "bad_verification_code", ...}; anything but a JSON
    object with a token is refused.
    """
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if status != 200 or not isinstance(data, dict):
        return Outcome("github_error")
    token = data.get("access_token")
    if isinstance(token, str) and re.fullmatch(r"[A-Za-z0-9_.-]{1,512}", token):
        return Outcome("success", token)
    if data.get("error") in ("bad_verification_code", "incorrect_redirect_uri", "redirect_uri_mismatch"):
        return Outcome("code_refused")
    return Outcome("github_error")  # e.g. incorrect_client_credentials: the operators' set-up, not the person's


def returned_error(error: str | None) -> Outcome:
    """The outcome when GitHub sent the person back with `error` instead of a code (e.g. they cancelled)."""
    return Outcome("access_denied" if error == "access_denied" else "github_error")


def _json_for_html(value: dict) -> str:
    """JSON that cannot end the <script> element it sits in, nor start markup."""
    text = json.dumps(value, ensure_ascii=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def callback_page(outcome: Outcome, origin: str) -> str:
    """The page that hands `outcome` to the editor window: data in a JSON element, behaviour in SCRIPT (the
    site's Content-Security-Policy allows no inline script)."""
    code = "success" if outcome.ok else (outcome.code if outcome.code in MESSAGES and outcome.code != "success" else "github_error")
    data: dict = {"provider": PROVIDER, "origin": origin, "outcome": code}
    if outcome.ok:
        data["token"] = outcome.token
    else:
        data["message"] = MESSAGES[code]
    text = MESSAGES["success"] if outcome.ok else data["message"]
    return ("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"referrer\" content=\"no-referrer\">\n<title>Editor sign-in</title>\n"
            f"<script type=\"application/json\" id=\"sharewall-editor-auth\">{_json_for_html(data)}</script>\n"
            f"<script src=\"{html.escape(SCRIPT)}\"></script>\n</head>\n<body>\n"
            f"<p id=\"sharewall-editor-auth-message\">{html.escape(text)}</p>\n</body>\n</html>\n")
