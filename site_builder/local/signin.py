"""The dev sign-in page of the local server: pick a user and roles, get an unsigned dev token.

Its script and stylesheet are files next to this module, served by the local server, so the page
works under the same Content-Security-Policy as the wall (`script-src 'self'`, no inline code).
"""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from site_builder.local.devauth import DEV_ISSUER, ROLES
from site_builder.wall import script_json

PRESETS = [("anna", ["employee"]), ("ben", ["employee", "comms"]), ("clara", ["employee", "finance"])]
# The page's own files, by the path the local server answers them on
ASSETS = {"/_dev/signin.js": ("devsignin.js", "text/javascript; charset=utf-8"),
          "/_dev/signin.css": ("devsignin.css", "text/css; charset=utf-8")}

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sharewall – dev sign-in (local only)</title>
<link rel="stylesheet" href="/_dev/signin.css">
<script id="dev-signin-config" type="application/json">__CONFIG__</script>
<script src="/_dev/signin.js" defer></script>
</head>
<body>
<main>
<h1>Dev sign-in</h1>
<p class="note">This page exists only in <code>sharewall serve</code>. It writes an unsigned token to this
tab's session storage; the local server reads it as the identity provider's JWT would be read on AWS.</p>
<p>Signed in: <span id="current" aria-live="polite">nobody</span></p>
<form id="signin">
  <label for="user">User (the token's subject)</label>
  <input id="user" name="user" type="text" required pattern="[A-Za-z0-9._@\\-]{1,64}" value="anna" autocomplete="off">
  <label for="display-name">Name (the token's name claim; finance decisions show it)</label>
  <input id="display-name" name="display-name" type="text" maxlength="80" placeholder="e.g. Clara Finanz" autocomplete="off">
  <fieldset>
    <legend>Roles</legend>
    __ROLES__
  </fieldset>
  <button type="submit">Sign in</button>
  <button type="button" id="signout">Sign out</button>
</form>
<h2>Quick picks</h2>
<p>__PRESETS__</p>
<h2>Invited influencer</h2>
<p>Creates an invite as a dev comms user and opens its link, as the invited person would.</p>
<p><button type="button" id="influencer">Open a fresh invite link</button> <span id="invite-status" role="status"></span></p>
</main>
</body>
</html>
"""


def same_origin_next(value: str | None, origin: str, home: str = "/") -> str:
    """Where signing in returns to: `value` resolved against `origin` when it stays on that origin, else `home`.

    Anything a browser's URL parser could read differently from Python's (backslashes, whitespace and
    control characters, which it drops or turns into slashes) is refused outright, so `//evil`,
    `/\\evil`, `/%09/evil` (a tab once decoded) and `https://evil` all go home. The answer is an
    absolute URL: a path like `//evil` can never be taken for another host.
    """
    home_url = urljoin(origin + "/", home)
    if not value or any(char == "\\" or char.isspace() or ord(char) < 0x20 or ord(char) == 0x7F for char in value):
        return home_url
    if value.startswith("//"):  # another host to a browser, however many slashes follow (Python reads `///x` as a path)
        return home_url
    resolved = urljoin(origin + "/", value)
    parts = urlsplit(resolved)
    if parts.scheme not in ("http", "https") or f"{parts.scheme}://{parts.netloc}" != origin:
        return home_url
    return resolved


def signin_page(token_key: str, audience: str, api: str = "/api", next_url: str = "/") -> str:
    """The page's HTML for this server's token key and audience; `next_url` already checked by same_origin_next."""
    roles = "\n    ".join(
        f'<label><input type="checkbox" name="role" value="{role}"{" checked" if role == "employee" else ""}> '
        f"{role}</label>" for role in ROLES)
    presets = " ".join(
        f'<button type="button" data-user="{html.escape(user)}" data-roles="{",".join(roles_)}">'
        f"{html.escape(user)} ({', '.join(roles_)})</button>" for user, roles_ in PRESETS)
    config = script_json({"tokenKey": token_key, "issuer": DEV_ISSUER, "audience": audience, "api": api,
                          "next": next_url})
    return _PAGE.replace("__ROLES__", roles).replace("__PRESETS__", presets).replace("__CONFIG__", config)


def asset(path: str) -> tuple[str, bytes] | None:
    """(content type, bytes) of the page's script or stylesheet at `path`, None for any other path."""
    if path not in ASSETS:
        return None
    name, kind = ASSETS[path]
    return kind, (Path(__file__).parent / name).read_bytes()
