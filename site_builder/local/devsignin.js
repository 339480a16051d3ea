/* The dev sign-in page of `sharewall serve`: writes an unsigned dev token (alg "none") to this tab's
   session storage and goes back to `next`. A file served by the local server, so the page runs under
   the wall's Content-Security-Policy (`script-src 'self'`). */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("dev-signin-config").textContent);

  // Only this site: `next` read by the browser's own URL parser against this origin, else the home page
  // (the server checked it already; this holds even when the page is opened some other way)
  function sameOrigin(value) {
    var url;
    try { url = new URL(value || "/", location.origin); } catch (error) { return location.origin + "/"; }
    return url.origin === location.origin ? url.href : location.origin + "/";
  }
  var next = sameOrigin(config.next);

  function b64url(text) {
    var bytes = new TextEncoder().encode(text), binary = "";
    bytes.forEach(function (b) { binary += String.fromCharCode(b); });
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function decode(token) {
    try {
      var part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(decodeURIComponent(escape(atob(part))));
    } catch (error) { return null; }
  }

  function show() {
    var claims = decode(sessionStorage.getItem(config.tokenKey) || "");
    // as the wall's header shows it (the name claim) and what the API reads (subject and roles)
    document.getElementById("current").textContent = claims
      ? (claims.name ? claims.name + " – " : "") + claims.sub + " (" + (claims.groups || []).join(", ") + ")" : "nobody";
  }

  // the display name an identity provider sends as `name`: the one typed, else the user capitalised
  function displayName(user) {
    var typed = document.getElementById("display-name").value.trim();
    return typed || user.charAt(0).toUpperCase() + user.slice(1);
  }

  function signIn(user, roles) {
    var now = Math.floor(Date.now() / 1000);
    var claims = { iss: config.issuer, aud: config.audience, sub: user, name: displayName(user), groups: roles,
                   iat: now, exp: now + 8 * 3600 };
    var token = b64url(JSON.stringify({ alg: "none", typ: "JWT" })) + "." + b64url(JSON.stringify(claims)) + ".";
    sessionStorage.setItem(config.tokenKey, token);
    // the wall's session cookie, as signin.js gets it in production (the local server checks no cookie)
    fetch(config.api + "/session", { method: "POST", headers: { Authorization: "Bearer " + token } })
      .catch(function () { return null; })
      .then(function () { location.assign(next); });
  }

  document.getElementById("signin").addEventListener("submit", function (event) {
    event.preventDefault();
    var roles = Array.from(document.querySelectorAll("input[name=role]:checked"), function (box) { return box.value; });
    signIn(document.getElementById("user").value.trim(), roles);
  });
  document.getElementById("signout").addEventListener("click", function () {
    sessionStorage.removeItem(config.tokenKey);
    fetch(config.api + "/session", { method: "DELETE" }).catch(function () { return null; });
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
    // invites name a running, reimbursed campaign of content/campaigns.yml (as the build published it)
    fetch("/sharewall/campaigns.json").then(function (response) { return response.json(); }).then(function (published) {
      var now = new Date();
      var open = published.campaigns.filter(function (campaign) {
        return campaign.reimbursed && new Date(campaign.starts_at) <= now && now < new Date(campaign.ends_at);
      });
      if (!open.length) throw new Error("no running, reimbursed campaign in content/campaigns.yml");
      return fetch(config.api + "/invites", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Sharewall-Dev-User": "dev-comms", "X-Sharewall-Dev-Roles": "employee,comms" },
        body: JSON.stringify({ name: "Dev Influencer", email: "influencer@example.com", campaign: open[0].key, days: 30 }),
      });
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok || !body.link) throw new Error((body.error && body.error.message) || response.status);
        location.assign(body.link);  // the local API's own link (SiteOrigin: 127.0.0.1, whatever name this page has)
      });
    }).catch(function (error) { status.textContent = "Could not create an invite: " + error.message; });
  });
  show();
})();
