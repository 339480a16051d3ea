/* What every Sharewall script shares: the browser configuration, the signed-in user's token and
 * a small DOM builder. Loaded on every page before the page's own scripts (all deferred, in order). */
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

  window.Sharewall = Object.assign(window.Sharewall || {}, {
    config: config, hasConfig: Boolean(configElement), lang: lang, strings: strings, token: token,
    authHeaders: authHeaders, signInUrl: signInUrl, element: element,
  });
})();
