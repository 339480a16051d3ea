/* What every Sharewall script shares: the browser configuration, the signed-in user's token and
 * a small DOM builder. Loaded on every page before the page's own scripts (all deferred, in order). */
(function () {
  "use strict";

  var configElement = document.getElementById("sharewall-config");
  var config = configElement ? JSON.parse(configElement.textContent) : { api: "/api", tokenKey: "sharewall.token" };

  // The bearer token the identity provider (locally: the dev sign-in) left for this tab, or null
  function token() {
    try { return window.sessionStorage.getItem(config.tokenKey); } catch (error) { return null; }
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
    config: config, hasConfig: Boolean(configElement), token: token, authHeaders: authHeaders, element: element,
  });
})();
