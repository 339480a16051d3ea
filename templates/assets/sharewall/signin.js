/* The sign-in page: OpenID Connect's authorization code flow with PKCE, in the browser, no secret.
   Opened without a code it sends the employee to the company's identity provider; opened by the
   provider with a code it checks `state`, trades the code (and the PKCE verifier) for tokens at the
   provider's token endpoint, keeps the configured token for this tab only (sessionStorage), has the
   API set the wall's session cookie for it (POST {api}/session) and goes back to the page the
   employee came from. The code never stays in the address bar or history. `?signout` signs out: here, at
   the wall (its session cookie) and, when sign_in names the provider's end_session_url, at the provider
   too (OIDC RP-initiated logout), which sends the browser back here to say so. */
(function () {
  "use strict";

  var PENDING = "sharewall.signin";  // state, PKCE verifier and the page to return to, for the round trip
  var SESSION_TRIED = "sharewall.session-tried";  // {at, ok} of the last session started here: no sign-in loop
  var SIGNED_OUT = "sharewall.signed-out";  // {at, next} while the provider signs out: its way back is no sign-in

  var root = document.querySelector("[data-sw-signin]");
  var shared = window.Sharewall;
  if (!root || !shared || !shared.hasConfig) return;
  var config = shared.config;
  var provider = config.signIn;
  var params = new URLSearchParams(location.search);
  // This one page serves every interface language: it speaks the language of the page it leads back to
  // (`next`, or the one kept for the round trip to the provider)
  var back = params.get("next") || [PENDING, SIGNED_OUT].map(function (key) {
    try { return (JSON.parse(sessionStorage.getItem(key) || "null") || {}).next; } catch (error) { return null; }
  }).filter(Boolean)[0];
  var t = shared.strings("signin", back && shared.languageOf(back));
  var redirectUri = location.origin + location.pathname;
  var idTokenKey = config.tokenKey + ".id";  // the ID token, kept for the provider's sign-out (id_token_hint)

  // A message, with a link to start over when `again` is a page to return to
  function say(text, again) {
    if (again) shared.signInHint(root, text, t.retry, again); else root.textContent = text;
  }

  // Only pages of this site: `next` read by the browser's own URL parser against this origin (so tabs,
  // backslashes and encodings mean here what they would mean to location.replace), else the wall's home
  // (the folder of the sign-in page); an absolute URL, so no path is ever taken for another host
  function sitePath(value) {
    var home = new URL(".", new URL(config.signInPage.replace(/\/$/, ""), location.href)).href;
    var url;
    try { url = new URL(value || home, location.origin); } catch (error) { return home; }
    return url.origin === location.origin ? url.href : home;
  }

  function base64url(bytes) {
    var text = "";
    bytes.forEach(function (byte) { text += String.fromCharCode(byte); });
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function random(size) {
    return base64url(crypto.getRandomValues(new Uint8Array(size)));
  }

  // The wall's session: an HttpOnly cookie CloudFront checks on every page, set by POST {api}/session
  // for the token; resolves whether it was set, never rejects
  function startSession(token) {
    return fetch(config.api + "/session", {
      method: "POST", credentials: "same-origin", headers: { Authorization: "Bearer " + token },
    }).then(function (response) { return response.ok; }, function () { return false; });
  }

  // On to `next` with the session set; without it the employee is told, shown the way on, and taken there
  function goOn(token, next) {
    startSession(token).then(function (ok) {
      sessionStorage.setItem(SESSION_TRIED, JSON.stringify({ at: Date.now(), ok: ok }));
      if (ok) { location.replace(next); return; }
      root.textContent = t.noSession + " ";
      root.appendChild(shared.element("a", { href: next }, t.goOn));
      setTimeout(function () { location.replace(next); }, 4000);
    });
  }

  // Sign-out (?signout): the tokens dropped (also from localStorage, should anything have put one there),
  // the header told, the session cookie cleared by DELETE {api}/session; then off to the provider's
  // end-session endpoint when there is one, which comes back to this page (post_logout_redirect_uri)
  function signOut() {
    var next = sitePath(params.get("next"));
    var hint = sessionStorage.getItem(idTokenKey) || (provider && provider.use === "id_token" && sessionStorage.getItem(config.tokenKey));
    [config.tokenKey, idTokenKey, SESSION_TRIED, PENDING].forEach(function (key) {
      sessionStorage.removeItem(key);
      try { localStorage.removeItem(key); } catch (error) { /* storage refused: nothing kept there either */ }
    });
    history.replaceState(null, "", location.pathname);
    shared.showWho(next);
    fetch(config.api + "/session", { method: "DELETE", credentials: "same-origin" })
      .catch(function () { return null; })
      .then(function () {
        if (!provider || !provider.endSession) { say(t.signedOut, next); return; }
        sessionStorage.setItem(SIGNED_OUT, JSON.stringify({ at: Date.now(), next: next }));
        say(t.leaving);
        var query = new URLSearchParams({ client_id: provider.clientId, post_logout_redirect_uri: redirectUri });
        if (hint) query.set("id_token_hint", hint);
        location.replace(provider.endSession + (provider.endSession.indexOf("?") < 0 ? "?" : "&") + query.toString());
      });
  }

  // Back from the provider's sign-out (within ten minutes): say so, offer to sign in again; true when it was
  function backFromSignOut() {
    var out = null;
    try { out = JSON.parse(sessionStorage.getItem(SIGNED_OUT) || "null"); } catch (error) { out = null; }
    sessionStorage.removeItem(SIGNED_OUT);
    if (!out || Date.now() - out.at > 600000) return false;
    history.replaceState(null, "", location.pathname);
    say(t.signedOut, sitePath(out.next));
    return true;
  }

  // Off to the provider, with a fresh state and the challenge of a fresh verifier; this page leaves
  // the history, so Back after signing in goes to the page before it, not into another round trip
  function start() {
    // sent back within a minute of starting a session (it failed, or the wall refused it, e.g. SiteOrigin
    // is not this address): the employee decides whether to go round again, so nothing loops
    var tried = null;
    try { tried = JSON.parse(sessionStorage.getItem(SESSION_TRIED) || "null"); } catch (error) { tried = null; }
    sessionStorage.removeItem(SESSION_TRIED);
    if (tried && Date.now() - tried.at < 60000) {
      say(tried.ok ? t.refusedSession : t.noSession, sitePath(params.get("next")));
      return;
    }
    var pending = { state: random(16), verifier: random(32), next: sitePath(params.get("next")) };
    sessionStorage.setItem(PENDING, JSON.stringify(pending));
    say(t.going);
    crypto.subtle.digest("SHA-256", new TextEncoder().encode(pending.verifier)).then(function (hash) {
      var query = new URLSearchParams({
        response_type: "code", client_id: provider.clientId, redirect_uri: redirectUri, scope: provider.scope,
        state: pending.state, code_challenge: base64url(new Uint8Array(hash)), code_challenge_method: "S256",
      });
      location.replace(provider.authorize + (provider.authorize.indexOf("?") < 0 ? "?" : "&") + query.toString());
    });
  }

  // Back from the provider: check state, trade the code for tokens, keep the one the API accepts
  function finish() {
    var pending = null;
    try { pending = JSON.parse(sessionStorage.getItem(PENDING) || "null"); } catch (error) { pending = null; }
    sessionStorage.removeItem(PENDING);
    history.replaceState(null, "", location.pathname);
    var next = sitePath(pending && pending.next);
    if (params.get("error")) {
      say(t.refused + " " + (params.get("error_description") || params.get("error")), next);
      return;
    }
    if (!pending || !params.get("state") || pending.state !== params.get("state")) { say(t.mismatch, next); return; }
    say(t.working);
    var form = new URLSearchParams({
      grant_type: "authorization_code", code: params.get("code"), redirect_uri: redirectUri,
      client_id: provider.clientId, code_verifier: pending.verifier,
    });
    fetch(provider.token, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          var value = response.ok && body[provider.use];
          if (!value) {
            say(t.failed + (body.error_description ? " " + body.error_description : ""), next);
            return;
          }
          sessionStorage.setItem(config.tokenKey, value);
          if (provider.endSession && body.id_token) sessionStorage.setItem(idTokenKey, body.id_token);
          goOn(value, next);
        });
      })
      .catch(function () { say(t.failed, next); });
  }

  if (params.has("signout")) { signOut(); return; }
  if (!provider) {
    shared.signInHint(root, t.none, t.dev, sitePath(params.get("next")));  // locally: the dev sign-in
    return;
  }
  if (params.has("code") || params.has("error")) finish(); else if (!backFromSignOut()) start();
})();
