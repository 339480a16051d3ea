/* Sharewall claims pages (invites, claim form, finance): what the three share. Calls the API with
   the signed-in user's token (sessionStorage) or the influencer's invite token, shows the API's own
   error messages, formats money from the API's decimal strings. No framework, no third party. */
(function () {
  "use strict";

  var shared = window.Sharewall;
  var config = shared.config;
  var element = shared.element;
  var lang = shared.lang;

  // Label + control, the control's id tied to the label for screen readers
  var ids = 0;
  function field(labelText, control, hint) {
    var wrapper = element("div", { class: "sw-field" });
    if (!control.id) control.id = "sw-field-" + (++ids);
    wrapper.appendChild(element("label", { for: control.id }, labelText));
    wrapper.appendChild(control);
    if (hint) {
      var note = element("small", { id: control.id + "-hint", class: "sw-field__hint" }, hint);
      control.setAttribute("aria-describedby", note.id);
      wrapper.appendChild(note);
    }
    return wrapper;
  }

  // fetch + JSON; resolves {status, ok, body}; never throws for HTTP errors
  function api(method, path, options) {
    options = options || {};
    var headers = { Accept: "application/json" };
    if (options.invite) headers["X-Invite-Token"] = options.invite;
    else shared.authHeaders(headers);
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

  function errorText(reply) {
    return (reply.body && reply.body.error && reply.body.error.message) || ("HTTP " + reply.status);
  }

  var moneyFormat = new Intl.NumberFormat(lang, { style: "currency", currency: "EUR" });
  function money(text, currency) {
    // the API sends amounts as decimal strings; Intl formats the string itself, no float in between
    if (!/^-?\d{1,12}(\.\d{1,2})?$/.test(String(text))) return text;
    return currency && currency !== "EUR" ? text + " " + currency : moneyFormat.format(String(text));
  }

  function date(iso) {
    if (!iso) return "";
    var value = new Date(iso);
    return isNaN(value) ? iso : value.toLocaleDateString(lang, { year: "numeric", month: "2-digit", day: "2-digit" });
  }

  function dateTime(iso) {
    if (!iso) return "";
    var value = new Date(iso);
    return isNaN(value) ? iso : value.toLocaleString(lang, { dateStyle: "short", timeStyle: "short" });
  }

  function status(node, text, kind) {
    node.textContent = text || "";
    node.className = "sw-claims__status" + (kind ? " sw-claims__status--" + kind : "");
  }

  function signInHint(node, text, linkText) {
    node.textContent = text + " ";
    var href = shared.signInUrl(location.pathname);
    if (href) node.appendChild(element("a", { href: href }, linkText));
  }

  // Download a file the API only gives with the bearer token: fetch it, then save the blob
  function download(path, fallbackName, onError) {
    return api("GET", path).then(function (reply) {
      if (!reply.ok) { onError(reply); return; }
      var disposition = reply.response.headers.get("content-disposition") || "";
      var match = /filename="([^"]+)"/.exec(disposition);
      var link = element("a", { href: URL.createObjectURL(reply.body), download: match ? match[1] : fallbackName });
      document.body.appendChild(link);
      link.click();
      setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
    });
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  window.SharewallClaims = {
    config: config, lang: lang, element: element, field: field, api: api, errorText: errorText, money: money,
    date: date, dateTime: dateTime, status: status, signInHint: signInHint, download: download, newKey: newKey,
    staffToken: shared.token,
    strings: shared.strings,
  };
})();
