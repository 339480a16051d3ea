/* What every Sharewall script shares: the browser configuration, the signed-in user's token, the API
 * call, the sign-in hint and a small DOM builder. Loaded on every page before the page's own scripts
 * (all deferred, in order). It also shows who is signed in (header), lists the pages of a role only to
 * people with that role (navigation) and, on such a page, tells anyone else signed in why there is
 * nothing for them: the page's app root is taken out before the page's script looks for it. */
(function () {
  "use strict";

  // The configuration from <head> (templates/main.html), where content never reaches: the first element with
  // the id anywhere could be one a page's body holds
  var configElement = document.head.querySelector('script#sharewall-config[type="application/json"]');
  var config = configElement ? JSON.parse(configElement.textContent) : { api: "/api", tokenKey: "sharewall.token" };

  var LOOPBACK = /^(127\.0\.0\.1|localhost|\[::1\])$/;
  var lang = (document.documentElement.lang || "en").slice(0, 2).toLowerCase();  // the page's language

  // One section of the interface's catalogue (site_builder/locales/<code>.yml, loaded before this script as
  // assets/sharewall/locales/<code>.js) in the page's language or in `language`
  var locales = window.SharewallLocales || {};
  function strings(section, language) {
    var catalogue = (language && locales[language]) || locales[lang] || locales.en || {};
    return catalogue[section] || {};
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

  var ROLES = ["employee", "comms", "finance"];  // the roles the API knows (sharewall_common.identity)
  var GATED = "[data-sw-invites], [data-sw-finance], [data-sw-review], [data-sw-gated]";  // pages' app roots

  // Who is signed in, read from the token (the API checks it again on every call): the name to show
  // (`name`, else `preferred_username`; never the e-mail address) and the roles, read from the groups claim
  // as the functions read it (sign_in's groups_claim and role_groups); null when nobody is
  function who() {
    var value = token();
    var claims = value && claimsOf(value);
    if (!claims) return null;
    var provider = config.signIn || {};
    var groups = claims[provider.groupsClaim || "groups"];
    groups = Array.isArray(groups) ? groups : typeof groups === "string" && groups ? [groups] : [];
    var roles = [];
    groups.forEach(function (group) {
      var role = provider.roleGroups ? provider.roleGroups[group] : group;
      if (typeof role === "string" && ROLES.indexOf(role) >= 0 && roles.indexOf(role) < 0) roles.push(role);
    });
    var name = [claims.name, claims.preferred_username].filter(function (text) {
      return typeof text === "string" && text.trim();
    })[0];
    return { name: name ? name.trim() : null, roles: roles };
  }

  // The roles a page is for (its front matter's `roles:`, carried by <meta name="sharewall-roles">); [] for all
  function pageRoles() {
    var meta = document.querySelector('meta[name="sharewall-roles"]');
    return meta ? meta.content.split(" ").filter(Boolean) : [];
  }

  // Whether the person signed in holds one of `roles` (any signed-in person when `roles` is empty)
  function holds(roles) {
    var person = who();
    return Boolean(person) && (!roles.length || roles.some(function (role) { return person.roles.indexOf(role) >= 0; }));
  }

  // Whether this page is for the person signed in: false on a page for some roles when nobody is signed in
  // or someone who lacks them. Page scripts of role pages call nothing when it is false; site.js has then
  // already taken their app root out of the page (no form that could only fail).
  function allowed() {
    return holds(pageRoles()) || (!pageRoles().length && !token());
  }

  // Where "Abmelden" goes: the sign-in page signs out (and at the provider, where it supports it)
  function signOutUrl() {
    return config.signInPage + "?signout&next=" + encodeURIComponent(location.pathname);
  }

  // The interface language of a page of this site (a URL or path): the language under whose home
  // (config.ui.homes) it is, the longest home first; this page's language when it is under none
  function languageOf(value) {
    var homes = (config.ui && config.ui.homes) || {};
    var path;
    try { path = new URL(value, location.href).pathname; } catch (error) { return lang; }
    var best = null;
    Object.keys(homes).forEach(function (code) {
      if (path.indexOf(homes[code]) === 0 && (best === null || homes[code].length > homes[best].length)) best = code;
    });
    return best || lang;
  }

  // The wall's first page in this page's language
  function home() {
    var homes = config.ui && config.ui.homes;
    return (homes && homes[lang]) || new URL(".", new URL(config.signInPage || "/signin/", location.href)).pathname;
  }

  // The header's corner: the signed-in person's name and "Abmelden", else "Anmelden" (coming back to `next`,
  // by default this page; from the sign-in page its own `next` or the wall); the navigation's role pages
  // shown to their roles only. Called again by the sign-in page when it signs out.
  function showWho(next) {
    var person = who();
    document.querySelectorAll("[data-sw-roles]").forEach(function (item) {
      item.hidden = !holds(item.getAttribute("data-sw-roles").split(" ").filter(Boolean));
    });
    var onSignInPage = new URL(config.signInPage, location.href).pathname === location.pathname;
    var back = next || (onSignInPage ? new URLSearchParams(location.search).get("next") || home() : location.pathname);
    // the one sign-in page speaks the language of the page it leads back to
    var t = strings("site", onSignInPage ? languageOf(back) : lang);
    document.querySelectorAll("[data-sw-who]").forEach(function (box) {
      box.textContent = "";
      if (person) {
        var label = person.name ? t.signedInAs.replace("{name}", person.name) : t.signedIn;
        box.appendChild(element("span", { class: "sw-who__name", title: label, "data-sw-who-name": true }, person.name || t.signedIn));
        box.appendChild(element("a", { class: "sw-who__link", href: signOutUrl(), "data-sw-signout": true }, t.signOut));
        return;
      }
      var href = signInUrl(back);
      if (href) box.appendChild(element("a", { class: "sw-who__link", href: href, "data-sw-signin-link": true }, t.signIn));
    });
  }

  // On a page for other roles: why there is nothing here for this person (or, signed out, whom it is for
  // and where to sign in), right under the heading; the page's app root taken out, so its script finds
  // nothing to build and calls no API
  function explain() {
    if (allowed()) return;
    var t = strings("site");
    var person = who();
    var names = pageRoles().map(function (role) { return t.roles[role] || role; }).join(t.and);
    document.documentElement.dataset.swAllowed = "no";
    var note = element("div", { class: "sw-forbidden admonition info", role: "note", "data-sw-forbidden": true });
    var signIn = !person && signInUrl(location.pathname);
    if (person) {
      note.appendChild(element("p", null, t.forbidden.replace("{roles}", names).replace("{name}", person.name || t.someone)));
    } else {
      note.appendChild(element("p", null, t.anonymous.replace("{roles}", names)));
    }
    var links = note.appendChild(element("p", null));
    if (signIn) {
      links.appendChild(element("a", { href: signIn, "data-sw-signin-link": true }, t.signIn));
      links.appendChild(document.createTextNode(" · "));
    }
    links.appendChild(element("a", { href: home() }, t.home));
    document.querySelectorAll(GATED).forEach(function (root) { root.remove(); });
    var article = document.querySelector(".md-content__inner") || document.body;
    var heading = article.querySelector("h1");
    if (heading) heading.after(note); else article.prepend(note);
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
      return { status: 0, ok: false, body: { error: { code: "network", message: strings("site").network } } };
    });
  }

  // The API's own message for a refused call, else its HTTP status
  function errorText(reply) {
    return (reply.body && reply.body.error && reply.body.error.message) || ("HTTP " + reply.status);
  }

  // Download a file the API only gives with the bearer token (a CSV export): fetch it, then save the blob;
  // resolves the API's reply, so the caller can report a refusal
  function download(path, fallbackName) {
    return api("GET", path).then(function (reply) {
      if (!reply.ok) return reply;
      var disposition = reply.response.headers.get("content-disposition") || "";
      var match = /filename="([^"]+)"/.exec(disposition);
      var link = element("a", { href: URL.createObjectURL(reply.body), download: match ? match[1] : fallbackName });
      document.body.appendChild(link);
      link.click();
      setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
      return reply;
    });
  }

  window.Sharewall = Object.assign(window.Sharewall || {}, {
    config: config, hasConfig: Boolean(configElement), lang: lang, strings: strings, token: token,
    authHeaders: authHeaders, signInUrl: signInUrl, element: element, signInHint: signInHint, newKey: newKey,
    api: api, errorText: errorText, download: download, who: who, allowed: allowed, showWho: showWho, signOutUrl: signOutUrl,
    languageOf: languageOf,
  });

  /* --- the keyboard (WCAG 2.1.1, 2.1.4, 2.4.1) ---------------------------------------------------------- */

  // Whether a key goes to a field that takes text (where a letter is typed, never a command)
  function typing(target) {
    return Boolean(target && target.closest && target.closest("input, textarea, select, [contenteditable]"));
  }

  // Material's single-key shortcuts (s, f, / search; n, p, ",", "." next and previous page) are off: a speech
  // user saying a word or a slip of the finger would fire them (2.1.4). Material listens on window; a key
  // without Ctrl, Alt or Meta stops at the document, after the page's own handlers had it.
  function noSingleKeyShortcuts() {
    document.addEventListener("keydown", function (event) {
      if (event.key && event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey && !typing(event.target)) {
        event.stopPropagation();
      }
    });
  }

  // A header button that is Material's label for a toggle (the drawer's menu, a phone's search) opens and
  // closes it with Enter and Space and says whether it is open; `inside` is what takes focus when it opens.
  // Escape closes the drawer and returns to its button (Material closes the search itself; focus returns too).
  function toggleButton(id, inside) {
    var toggle = document.getElementById(id);
    var button = document.querySelector('label.md-header__button[for="' + id + '"]');
    if (!toggle || !button) return;
    function state() { button.setAttribute("aria-expanded", toggle.checked ? "true" : "false"); }
    function set(open) {
      toggle.checked = open;
      toggle.dispatchEvent(new Event("change", { bubbles: true }));  // what Material watches (scroll lock, search)
      state();
      var first = open && document.querySelector(inside);
      if (first) first.focus();
      else if (!open) button.focus();
    }
    button.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
      set(!toggle.checked);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || !toggle.checked || !button.offsetParent) return;
      if (id === "__drawer") { set(false); return; }
      // Material closes the search on Escape and blurs its field: focus would drop to the page's start
      setTimeout(function () {
        state();
        if (!toggle.checked && (!document.activeElement || document.activeElement === document.body)) button.focus();
      }, 0);
    });
    toggle.addEventListener("change", state);
    // Tab past the open drawer's last link closes it: focus never goes on behind it, under it (2.4.11)
    var panel = document.querySelector(inside.split(" ")[0]);
    if (panel && id === "__drawer") {
      panel.addEventListener("focusout", function (event) {
        var next = event.relatedTarget;
        if (toggle.checked && button.offsetParent && next && !panel.contains(next) && next !== button) {
          toggle.checked = false;
          toggle.dispatchEvent(new Event("change", { bubbles: true }));
        }
      });
    }
    state();
  }

  // A page without Material's skip link (post pages: no table of contents to lead to) gets one to its heading
  function skipLink() {
    var box = document.querySelector('[data-md-component="skip"]');
    var heading = document.querySelector(".md-content h1");
    if (!box || box.querySelector("a") || !heading) return;
    if (!heading.id) heading.id = "sw-main-heading";
    box.appendChild(element("a", { href: "#" + heading.id, class: "md-skip" }, strings("site").skip));
  }

  if (configElement) {
    explain();
    showWho();
    noSingleKeyShortcuts();
    toggleButton("__drawer", ".md-sidebar--primary a[href], .md-sidebar--primary [tabindex='0']");
    toggleButton("__search", ".md-search__input");
    skipLink();
  }
})();
