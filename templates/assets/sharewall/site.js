/* What every Sharewall script shares: the browser configuration, the signed-in user's token, the API
 * call, the sign-in hint and a small DOM builder. Loaded on every page before the page's own scripts
 * (all deferred, in order). */
(function () {
  "use strict";

  var configElement = document.getElementById("sharewall-config");
  var config = configElement ? JSON.parse(configElement.textContent) : { api: "/api", tokenKey: "sharewall.token" };

  var LOOPBACK = /^(127\.0\.0\.1|localhost|\[::1\])$/;
  var lang = (document.documentElement.lang || "en").slice(0, 2).toLowerCase();  // the page's language

  // A script's strings in the page's language, English when it has none for it
  function strings(table) {
    return table[lang] || table.en;
  }

  // A JWT's claims, or null when the value is not one
  function claimsOf(value) {
    try {
      return JSON.parse(atob(value.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    } catch (error) { return null; }
  }

  // The bearer token the identity provider (locally: the dev sign-in) left for this tab, or null;
  // an expired one is dropped, so pages offer to sign in again instead of failing with 401
  function token() {
    var value = null;
    try { value = window.sessionStorage.getItem(config.tokenKey); } catch (error) { return null; }
    var claims = value && claimsOf(value);
    if (claims && typeof claims.exp === "number" && claims.exp * 1000 <= Date.now()) {
      window.sessionStorage.removeItem(config.tokenKey);
      return null;
    }
    return value;
  }

  // Where to sign in and come back to `next`: the provider by way of the sign-in page, locally the
  // dev sign-in of `sharewall serve`; null when neither exists
  function signInUrl(next) {
    var back = "?next=" + encodeURIComponent(next || location.pathname);
    if (config.signIn) return config.signInPage + back;
    if (LOOPBACK.test(location.hostname)) return "/_dev/signin" + back;
    return null;
  }

  // `headers` with `Authorization` added when someone is signed in: the one place that knows the contract
  function authHeaders(headers) {
    headers = headers || {};
    var value = token();
    if (value) headers.Authorization = "Bearer " + value;
    return headers;
  }

  // An element with attributes (null, undefined and false left out; true as a bare attribute) and text
  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) {
      if (attributes[key] !== null && attributes[key] !== undefined && attributes[key] !== false) {
        node.setAttribute(key, attributes[key] === true ? "" : attributes[key]);
      }
    });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  // `text` in `node`, then a link to sign in and come back to `next` when there is a way to; true when
  // the link was added
  function signInHint(node, text, linkText, next) {
    node.textContent = text;
    var href = signInUrl(next);
    if (!href) return false;
    node.appendChild(document.createTextNode(" "));
    node.appendChild(element("a", { href: href }, linkText));
    return true;
  }

  // A fresh Idempotency-Key: a random (version 4) UUID, also where crypto.randomUUID is missing
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // fetch {api}{path} + JSON with the user's token (or `options.invite`, an influencer's invite token);
  // resolves {status, ok, body, response}, never throws: a network failure is status 0
  function api(method, path, options) {
    options = options || {};
    var headers = { Accept: "application/json" };
    if (options.invite) headers["X-Invite-Token"] = options.invite;
    else authHeaders(headers);
    if (options.key) headers["Idempotency-Key"] = options.key;
    var init = { method: method, headers: headers };
    if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(options.body);
    }
    return fetch(config.api + path, init).then(function (response) {
      var kind = response.headers.get("content-type") || "";
      var read = kind.indexOf("json") >= 0 ? response.json().catch(function () { return {}; }) : response.blob();
      return read.then(function (body) { return { status: response.status, ok: response.ok, body: body, response: response }; });
    }, function () {
      return { status: 0, ok: false, body: { error: { code: "network", message: lang === "de" ? "Keine Verbindung zum Server." : "The server cannot be reached." } } };
    });
  }

  // The API's own message for a refused call, else its HTTP status
  function errorText(reply) {
    return (reply.body && reply.body.error && reply.body.error.message) || ("HTTP " + reply.status);
  }

  window.Sharewall = Object.assign(window.Sharewall || {}, {
    config: config, hasConfig: Boolean(configElement), lang: lang, strings: strings, token: token,
    authHeaders: authHeaders, signInUrl: signInUrl, element: element, signInHint: signInHint, newKey: newKey,
    api: api, errorText: errorText,
  });
})();
