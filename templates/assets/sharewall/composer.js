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

  // The post's UTM link for one network: the plugin leaves the utm_source value as a slot
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
  var t = config.strings;
  var counter = 0;

  // Turn one server-rendered composer into the editor (once)
  function setup(root) {
    if (!root || root.dataset.ready) return;
    root.dataset.ready = "1";
    var data = JSON.parse(root.querySelector(".sw-composer__data").textContent);
    var id = "sw-" + (++counter) + "-" + data.post;
    var preview = root.querySelector(".sw-composer__text");
    var status = root.querySelector(".sw-composer__status");
    var links = root.querySelectorAll("a.sw-network");
    var editor = element("div", { class: "sw-editor" });
    var chosen = 0;

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

    // The disclosed message: what every share carries
    function message() { return wrap(data.prefix, area.value, data.suffix); }

    // Recount for the chosen network and rewrite every share link to the current text
    function update() {
      var text = message();
      var network = config.networks[select.value];
      var used = length(network, text, networkLink(data.link, select.value));
      var over = network.limit && used > network.limit;
      output.textContent = network.limit ? used + " / " + network.limit : used + " " + t.characters;
      output.classList.toggle("sw-count__value--over", Boolean(over));
      if (over) output.textContent += " – " + t.too_long;
      area.setAttribute("aria-invalid", over ? "true" : "false");
      links.forEach(function (link) {
        var name = link.dataset.network;
        link.href = shareHref(config.networks[name], text, networkLink(data.link, name), data.subject);
      });
    }

    // Record the share without waiting; networks that take no text get it via the clipboard
    function share(event, link) {
      update();
      var name = link.dataset.network;
      var network = config.networks[name];
      record(data, name, strip(area.value) !== strip(data.suggestions[chosen]));
      if (network.takes_text) return;
      event.preventDefault();
      var href = link.href;
      copy(message()).then(function () {
        status.textContent = t.copied.replace("{network}", network.label);
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

  // POST {api}/shares, kept alive past the page, never awaited: sharing never waits for the API.
  // The function knows the post's source from the wall's catalogue (posts.json).
  function record(data, network, personalised) {
    if (!shared.token()) return;  // the API would refuse it: only signed-in shares count
    var headers = shared.authHeaders({ "Content-Type": "application/json", "Idempotency-Key": shared.newKey() });
    try {
      fetch(config.api + "/shares", {
        method: "POST", keepalive: true, headers: headers,
        body: JSON.stringify({ post: data.post, network: network, personalised: personalised }),
      }).catch(function () {});
    } catch (error) { /* recording is best effort */ }
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
