"""The dev sign-in page of the local server: pick a user and roles, get an unsigned dev token."""

from __future__ import annotations

import html
import json

from site_builder.local.devauth import DEV_ISSUER, ROLES

PRESETS = [("anna", ["employee"]), ("ben", ["employee", "comms"]), ("clara", ["employee", "finance"])]

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sharewall – dev sign-in (local only)</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 34rem; margin: 3rem auto; padding: 0 1rem; color: #1a1a1a; }
  fieldset { border: 1px solid #bbb; border-radius: .4rem; margin: 1rem 0; }
  label { display: block; margin: .3rem 0; }
  input[type=text] { font: inherit; padding: .3rem; width: 100%; box-sizing: border-box; }
  button { font: inherit; padding: .4rem .9rem; margin: .2rem .4rem .2rem 0; cursor: pointer; }
  .note { background: #fff4d6; padding: .6rem .8rem; border-radius: .4rem; }
  #current { font-weight: 600; }
</style>
</head>
<body>
<main>
<h1>Dev sign-in</h1>
<p class="note">This page exists only in <code>sharewall serve</code>. It writes an unsigned token to this
tab's session storage; the local server reads it as the identity provider's JWT would be read on AWS.</p>
<p>Signed in: <span id="current" aria-live="polite">nobody</span></p>
<form id="signin">
  <label for="user">User (the token's subject)</label>
  <input id="user" name="user" type="text" required pattern="[A-Za-z0-9._@-]{1,64}" value="anna" autocomplete="off">
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
<script>
(function () {
  var TOKEN_KEY = __TOKEN_KEY__, ISSUER = __ISSUER__, AUDIENCE = __AUDIENCE__;
  var next = new URLSearchParams(location.search).get("next") || "/";
  if (next.charAt(0) !== "/" || next.charAt(1) === "/") next = "/";  // same-site paths only
  function b64url(text) {
    var bytes = new TextEncoder().encode(text), binary = "";
    bytes.forEach(function (b) { binary += String.fromCharCode(b); });
    return btoa(binary).replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
  }
  function decode(token) {
    try {
      var part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(decodeURIComponent(escape(atob(part))));
    } catch (error) { return null; }
  }
  function show() {
    var claims = decode(sessionStorage.getItem(TOKEN_KEY) || "");
    document.getElementById("current").textContent =
      claims ? claims.sub + " (" + (claims.groups || []).join(", ") + ")" : "nobody";
  }
  function signIn(user, roles) {
    var now = Math.floor(Date.now() / 1000);
    var claims = { iss: ISSUER, aud: AUDIENCE, sub: user, groups: roles, iat: now, exp: now + 8 * 3600 };
    sessionStorage.setItem(TOKEN_KEY, b64url(JSON.stringify({ alg: "none", typ: "JWT" })) + "." +
      b64url(JSON.stringify(claims)) + ".");
    location.assign(next);
  }
  document.getElementById("signin").addEventListener("submit", function (event) {
    event.preventDefault();
    var roles = Array.from(document.querySelectorAll("input[name=role]:checked"), function (box) { return box.value; });
    signIn(document.getElementById("user").value.trim(), roles);
  });
  document.getElementById("signout").addEventListener("click", function () {
    sessionStorage.removeItem(TOKEN_KEY);
    show();
  });
  document.querySelectorAll("button[data-user]").forEach(function (button) {
    button.addEventListener("click", function () {
      signIn(button.dataset.user, button.dataset.roles.split(","));
    });
  });
  document.getElementById("influencer").addEventListener("click", function () {
    var status = document.getElementById("invite-status");
    status.textContent = "…";
    fetch("__API__/invites", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Sharewall-Dev-User": "dev-comms", "X-Sharewall-Dev-Roles": "employee,comms" },
      body: JSON.stringify({ name: "Dev Influencer", email: "influencer@example.com", campaign: "dev-invite", days: 30 }),
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok || !body.link) throw new Error((body.error && body.error.message) || response.status);
        location.assign(body.link);
      });
    }).catch(function (error) { status.textContent = "Could not create an invite: " + error.message; });
  });
  show();
})();
</script>
</body>
</html>
"""


def signin_page(token_key: str, audience: str, api: str = "/api") -> str:
    """The page's HTML for this server's token key and audience."""
    roles = "\n    ".join(
        f'<label><input type="checkbox" name="role" value="{role}"{" checked" if role == "employee" else ""}> '
        f"{role}</label>" for role in ROLES)
    presets = " ".join(
        f'<button type="button" data-user="{html.escape(user)}" data-roles="{",".join(roles_)}">'
        f"{html.escape(user)} ({', '.join(roles_)})</button>" for user, roles_ in PRESETS)
    return (_PAGE.replace("__ROLES__", roles).replace("__PRESETS__", presets)
            .replace("__TOKEN_KEY__", json.dumps(token_key)).replace("__ISSUER__", json.dumps(DEV_ISSUER))
            .replace("__AUDIENCE__", json.dumps(audience)).replace("__API__", api))
