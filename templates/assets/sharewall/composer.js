/* Sharewall composer: pick a suggestion, rewrite it, see the chosen network's count, share.
 *
 * The counting, disclosure and share-link rules mirror site_builder/sharing.py exactly, driven by
 * the network table from site_builder/networks.py (in #sharewall-config); tests/test_composer_js.py
 * pins both to the same examples. Without JavaScript the plain share links still work.
 */
(function () {
  "use strict";

  /* --- the rules of sharing.py ------------------------------------------------------------ */

  // Python's str.isspace() characters, for strip(); JS trim() knows a different set
  var SPACE = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
  var STRIP = new RegExp("^[" + SPACE + "]+|[" + SPACE + "]+$", "g");
  // sharing._URL: https?://\S+ with the `regex` module's \s (no \x1c-\x1f there)
  var URL = /https?:\/\/[^\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;
  var segmenter = typeof Intl !== "undefined" && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;

  // Python's str.strip()
  function strip(text) { return text.replace(STRIP, ""); }

  // Locked.wrap: the sponsored prefix first, the employee tag last, always part of the text
  function wrap(prefix, text, suffix) {
    return [prefix, strip(text), suffix].filter(function (part) { return part; }).join(" ");
  }

  // len() counts code points, not UTF-16 units
  function codePoints(text) { return Array.from(text).length; }

  function graphemes(text) {
    if (!segmenter) return codePoints(text);
    var count = 0;
    for (var _ of segmenter.segment(text)) count++;  // eslint-disable-line no-unused-vars
    return count;
  }

  // sharing._plain_length
  function plainLength(network, text) {
    if (network.graphemes) return graphemes(text);
    if (network.url_weight !== null && network.url_weight !== undefined) {
      return codePoints(text.replace(URL, "x".repeat(network.url_weight)));
    }
    return codePoints(text);
  }

  // sharing.length: networks that take text count the shared URL too
  function length(network, message, url) {
    return plainLength(network, network.takes_text ? message + " " + url : message);
  }

  // urllib.parse.quote(value, safe=""): encodeURIComponent also spares !'()*
  function encode(value) {
    return encodeURIComponent(value).replace(/[!'()*]/g, function (c) {
      return "%" + c.charCodeAt(0).toString(16).toUpperCase();
    });
  }

  // sharing.share_href
  function shareHref(network, message, url, subject) {
    var text = network.url_in_text ? message + " " + url : message;
    return network.share_url
      .replaceAll("{text}", function () { return encode(text); })
      .replaceAll("{url}", function () { return encode(url); })
      .replaceAll("{subject}", function () { return encode(subject); });
  }

  // The post's /go/ link (or UTM link) for one network: the plugin leaves the network's name as a slot
  function networkLink(link, name) {
    return link.replaceAll(encode("{network}"), function () { return encode(name); });
  }

  var rules = { strip: strip, wrap: wrap, length: length, encode: encode, shareHref: shareHref, networkLink: networkLink };
  if (typeof module === "object" && module.exports) module.exports = rules;
  if (typeof document === "undefined") return;

  /* --- the composer in the page ----------------------------------------------------------- */

  var shared = window.Sharewall;
  if (!shared || !shared.hasConfig) return;
  var config = shared.config;
  var element = shared.element;
  var t = shared.strings("wall");
  var counter = 0;
  var SYSTEM = "system";  // the device's own share sheet (Web Share API), counted as one network of its own
  var BUSY_MS = 1500;  // a click's button stays busy at least this long and until its request is answered
  var number = { format: shared.format.number };  // in the page's language (format.js)

  // Apple platforms paste with ⌘V, all others with Ctrl+V (Strg+V on German keyboards)
  function apple() {
    var platform = (navigator.userAgentData && navigator.userAgentData.platform) || "";
    return /Mac|iPhone|iPad|iPod/.test(navigator.userAgent) || /^(macOS|iOS)$/.test(platform);
  }

  // Turn one server-rendered composer into the editor (once)
  function setup(root) {
    if (!root || root.dataset.ready) return;
    root.dataset.ready = "1";
    var data = JSON.parse(root.querySelector(".sw-composer__data").textContent);
    // a tracked post's /go/ link comes as a site path: shared from this page's own origin, as CloudFront serves it
    if (data.link.charAt(0) === "/") data.link = location.origin + data.link;
    var id = "sw-" + (++counter) + "-" + data.post;
    var preview = root.querySelector(".sw-composer__text");
    var status = root.querySelector(".sw-composer__status");
    var list = root.querySelector(".sw-composer__networks");
    var links = root.querySelectorAll("a.sw-network");
    var editor = element("div", { class: "sw-editor" });
    var chosen = 0;
    var keys = {};  // network -> {text, key}: one Idempotency-Key per composed share
    var reasons = {};  // network -> the element that says why its button is off

    if (data.suggestions.length > 1) {
      var fieldset = element("fieldset", { class: "sw-suggestions" });
      fieldset.appendChild(element("legend", {}, t.pick_suggestion));
      data.suggestions.forEach(function (text, index) {
        var label = element("label", { class: "sw-suggestion" });
        var radio = element("input", { type: "radio", name: id + "-pick", value: String(index) });
        radio.checked = index === 0;
        label.appendChild(radio);
        label.appendChild(element("span", {}, text));
        fieldset.appendChild(label);
      });
      fieldset.addEventListener("change", function (event) {
        chosen = Number(event.target.value);
        area.value = data.suggestions[chosen];
        update();
      });
      editor.appendChild(fieldset);
    }

    editor.appendChild(element("label", { for: id + "-text", class: "sw-editor__label" }, t.your_text));
    var box = element("div", { class: "sw-editor__box" });
    if (data.prefix) box.appendChild(element("p", { class: "sw-locked sw-locked--prefix", title: t.locked }, data.prefix));
    var area = element("textarea", { id: id + "-text", rows: "5", class: "sw-editor__text", lang: preview.getAttribute("lang") || "" });
    area.value = data.suggestions[0];
    box.appendChild(area);
    if (data.suffix) box.appendChild(element("p", { class: "sw-locked sw-locked--suffix", title: t.locked }, data.suffix));
    editor.appendChild(box);

    var count = element("div", { class: "sw-count" });
    count.appendChild(element("label", { for: id + "-network" }, t.counter_for));
    var select = element("select", { id: id + "-network" });
    data.networks.forEach(function (name) {
      select.appendChild(element("option", { value: name }, config.networks[name].label));
    });
    var limited = data.networks.filter(function (name) { return config.networks[name].limit; });
    select.value = limited.indexOf("x") >= 0 ? "x" : (limited[0] || data.networks[0]);
    count.appendChild(select);
    var output = element("output", { for: id + "-text " + id + "-network", class: "sw-count__value", "aria-live": "polite" });
    count.appendChild(output);
    editor.appendChild(count);

    preview.replaceWith(editor);
    links.forEach(function (link) {
      var why = element("span", { id: id + "-why-" + link.dataset.network, class: "sw-network__why" });
      why.hidden = true;
      link.after(why);
      reasons[link.dataset.network] = why;
    });
    systemButton();
    onThePostPage();
    signInHint();
    area.addEventListener("input", update);
    select.addEventListener("change", update);
    links.forEach(function (link) {
      link.addEventListener("click", function (event) { share(event, link); });
    });
    update();

    // Signed out, a share still works but is not counted: say so, with the way to sign in
    function signInHint() {
      if (shared.token()) return;
      var hint = element("p", { class: "sw-composer__signin" });
      if (shared.signInHint(hint, t.not_counted, t.sign_in, location.pathname + location.search)) root.insertBefore(hint, status);
    }

    // The post page shows the composer opened: its toggle does not close it, and the composer's own
    // list of suggestions replaces the page's
    function onThePostPage() {
      var post = root.closest(".sw-post");
      var details = root.closest("details.sw-share");
      if (!post || !details) return;
      var toggle = details.querySelector(":scope > summary");
      if (toggle) toggle.addEventListener("click", function (event) { event.preventDefault(); });
      var page = post.querySelector("[data-sw-suggestions]");
      if (page) page.hidden = true;
    }

    // The device's share sheet, where the browser has one: disclosure and link travel in the text
    function systemButton() {
      if (typeof navigator.share !== "function") return null;
      var item = element("li");
      var button = element("button", { type: "button", class: "sw-network sw-network--system" }, t.share_sheet);
      item.appendChild(button);
      list.appendChild(item);
      button.addEventListener("click", function () {
        if (button.getAttribute("aria-busy") === "true") return;
        var text = message() + " " + networkLink(data.link, SYSTEM);
        var personalised = isPersonalised();
        busy(button, true);
        var shown;
        try {
          shown = navigator.share({ title: data.subject, text: text });
        } catch (error) {
          shown = Promise.reject(error);
        }
        Promise.resolve(shown).then(function () {
          return record(data, SYSTEM, personalised, keyFor(SYSTEM, text, personalised));
        }, function () { /* cancelled or refused: nothing was shared */ }).then(function (counted) {
          if (counted) forget(SYSTEM);
          busy(button, false);
        });
      });
    }

    // The disclosed message: what every share carries
    function message() { return wrap(data.prefix, area.value, data.suffix); }

    function isPersonalised() { return strip(area.value) !== strip(data.suggestions[chosen]); }

    // The same share (network, text) keeps its key until it was counted, so a repeated send counts once
    function keyFor(name, text, personalised) {
      var known = keys[name];
      if (!known || known.text !== text || known.personalised !== personalised) {
        known = keys[name] = { text: text, personalised: personalised, key: shared.newKey() };
      }
      return known.key;
    }

    function forget(name) { delete keys[name]; }

    function busy(control, on) {
      if (on) control.setAttribute("aria-busy", "true");
      else control.removeAttribute("aria-busy");
      if (control.tagName === "BUTTON") control.disabled = on;
    }

    // Too long for a network: its button is off and says why, next to it
    function block(link, reason) {
      var why = reasons[link.dataset.network];
      if (reason) {
        link.removeAttribute("href");
        link.setAttribute("role", "link");
        link.setAttribute("aria-disabled", "true");
        link.setAttribute("aria-describedby", why.id);
        why.textContent = reason;
        why.hidden = false;
      } else {
        link.removeAttribute("role");
        link.removeAttribute("aria-disabled");
        link.removeAttribute("aria-describedby");
        why.textContent = "";
        why.hidden = true;
      }
    }

    // Recount for the chosen network, rewrite every share link to the current text, switch off the
    // networks the text is too long for
    function update() {
      var text = message();
      var network = config.networks[select.value];
      var used = length(network, text, networkLink(data.link, select.value));
      var over = network.limit && used > network.limit;
      output.textContent = network.limit ? number.format(used) + " / " + number.format(network.limit)
                                         : number.format(used) + " " + t.characters;
      output.classList.toggle("sw-count__value--over", Boolean(over));
      if (over) output.textContent += " – " + t.too_long;
      area.setAttribute("aria-invalid", over ? "true" : "false");
      links.forEach(function (link) {
        var name = link.dataset.network;
        var rules = config.networks[name];
        var url = networkLink(data.link, name);
        var counted = rules.limit ? length(rules, text, url) : 0;
        if (rules.limit && counted > rules.limit) {
          block(link, t.over_limit.replace("{network}", rules.label).replace("{count}", number.format(counted))
                                  .replace("{limit}", number.format(rules.limit)));
          return;
        }
        block(link, null);
        link.href = shareHref(rules, text, url, data.subject);
      });
    }

    // One click, one share: the button is busy until its window opened and its request was answered;
    // networks that take no text get it via the clipboard first
    function share(event, link) {
      var name = link.dataset.network;
      if (link.getAttribute("aria-busy") === "true" || link.getAttribute("aria-disabled") === "true") {
        event.preventDefault();
        return;
      }
      update();
      if (link.getAttribute("aria-disabled") === "true") {
        event.preventDefault();
        return;
      }
      var network = config.networks[name];
      var personalised = isPersonalised();
      var text = message();
      busy(link, true);
      var waited = new Promise(function (resolve) { setTimeout(resolve, BUSY_MS); });
      var recorded = record(data, name, personalised, keyFor(name, text, personalised)).then(function (counted) {
        if (counted) forget(name);
      });
      // sharing never waits for the API: after BUSY_MS the button is free again even if it hangs
      Promise.all([waited, Promise.race([recorded, new Promise(function (resolve) { setTimeout(resolve, 4 * BUSY_MS); })])])
        .then(function () { busy(link, false); });
      if (network.takes_text) return;
      event.preventDefault();
      var href = link.href;
      copy(text).then(function () {
        status.textContent = t.copied_paste.replace("{network}", network.label)
                                           .replace("{keys}", apple() ? t.paste_keys_apple : t.paste_keys);
      }, function () {
        status.textContent = t.copy_failed;
        area.focus();
        area.select();
      }).then(function () {
        window.open(href, "_blank", "noopener");
      });
    }

  }

  function copy(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) return navigator.clipboard.writeText(text);
    return Promise.reject(new Error("no clipboard"));
  }

  // POST {api}/shares, kept alive past the page, never awaited by the share itself. Resolves true when
  // the API answered for good (counted now or before under this key), false when a retry may reuse it. The function knows the post's source
  // from the wall's catalogue (posts.json).
  function record(data, network, personalised, key) {
    if (!shared.token()) return Promise.resolve(false);  // the API would refuse it: only signed-in shares count
    var headers = shared.authHeaders({ "Content-Type": "application/json", "Idempotency-Key": key });
    try {
      return fetch(config.api + "/shares", {
        method: "POST", keepalive: true, headers: headers,
        body: JSON.stringify({ post: data.post, network: network, personalised: personalised }),
      }).then(function (response) {
        return response.ok || response.status === 409;  // 409: the key was spent; the next share makes a new one
      }, function () { return false; });
    } catch (error) {  /* recording is best effort */
      return Promise.resolve(false);
    }
  }

  // Composers open on the page (post pages) start at once; cards when their details open
  function start() {
    document.querySelectorAll("details.sw-share[open] [data-sw-composer]").forEach(setup);
  }
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (details.matches && details.matches("details.sw-share") && details.open) {
      setup(details.querySelector("[data-sw-composer]"));
    }
  }, true);
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(start);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
