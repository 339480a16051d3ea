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
  var segmenter;  // made when first counted: making it loads ICU data, which a wall's first load need not wait for

  // Python's str.strip()
  function strip(text) { return text.replace(STRIP, ""); }

  // Locked.wrap: the sponsored prefix first, the employee tag last, always part of the text
  function wrap(prefix, text, suffix) {
    return [prefix, strip(text), suffix].filter(function (part) { return part; }).join(" ");
  }

  // len() counts code points, not UTF-16 units
  function codePoints(text) { return Array.from(text).length; }

  function graphemes(text) {
    if (segmenter === undefined) {
      segmenter = typeof Intl !== "undefined" && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;
    }
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
  (window.Sharewall = window.Sharewall || {}).rules = rules;  // the editor's widgets count as the composer does

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
  var fill = shared.format.fill;  // a catalogue text with its {placeholders} filled in

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
    var shares = 0;  // shares started here: the status speaks of the latest only

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
    // the locked disclosure is said in text and tied to the field (1.3.1, 3.3.2): the field's description
    // reads the locked parts, then the note that they are always shared and counted
    var described = [];
    if (data.prefix) {
      box.appendChild(element("p", { id: id + "-prefix", class: "sw-locked sw-locked--prefix" }, data.prefix));
      described.push(id + "-prefix");
    }
    var area = element("textarea", { id: id + "-text", rows: "5", class: "sw-editor__text", lang: preview.getAttribute("lang") || "" });
    area.value = data.suggestions[0];
    box.appendChild(area);
    if (data.suffix) {
      box.appendChild(element("p", { id: id + "-suffix", class: "sw-locked sw-locked--suffix" }, data.suffix));
      described.push(id + "-suffix");
    }
    editor.appendChild(box);
    if (described.length) {
      editor.appendChild(element("p", { id: id + "-locked", class: "sw-locked__note" }, t.locked_note));
      described.push(id + "-locked");
    }

    var count = element("div", { class: "sw-count" });
    count.appendChild(element("label", { for: id + "-network" }, t.counter_for));
    var select = element("select", { id: id + "-network" });
    data.networks.forEach(function (name) {
      select.appendChild(element("option", { value: name }, config.networks[name].label));
    });
    var limited = data.networks.filter(function (name) { return config.networks[name].limit; });
    select.value = limited.indexOf("x") >= 0 ? "x" : (limited[0] || data.networks[0]);
    count.appendChild(select);
    // the count is read on demand (no announcement per keystroke); crossing the limit is announced once
    var output = element("output", { id: id + "-count", for: id + "-text " + id + "-network", class: "sw-count__value", "aria-live": "off" });
    count.appendChild(output);
    editor.appendChild(count);
    var reason = element("p", { id: id + "-reason", class: "sw-count__reason" });
    reason.hidden = true;
    editor.appendChild(reason);
    var announcer = element("p", { class: "sw-sr", role: "status" });
    editor.appendChild(announcer);
    var wasOver = null;  // whether the text was too long for the chosen network at the last count

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
    closeOnEscape();

    // Escape closes a card's composer and returns to its "Teilen" (the post page's stays open)
    function closeOnEscape() {
      var details = root.closest("details.sw-share");
      if (!details || root.closest(".sw-post")) return;
      details.addEventListener("keydown", function (event) {
        if (event.key !== "Escape" || !details.open) return;
        event.preventDefault();
        details.open = false;
        details.querySelector(":scope > summary").focus();
      });
    }

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

    // The device's share sheet, where the browser has one, first of the share actions (on a phone the one most
    // people take): disclosure and link travel in the text
    function systemButton() {
      if (typeof navigator.share !== "function") return null;
      var item = element("li");
      var button = element("button", { type: "button", class: "sw-network sw-network--system" }, t.share_sheet);
      item.appendChild(button);
      list.insertBefore(item, list.firstChild);
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

    // Too long for a network: its button is off and says why, next to it; it keeps its Tab stop, so the
    // keyboard meets it and a screen reader reads the reason (3.3.1)
    function block(link, why) {
      var note = reasons[link.dataset.network];
      if (why) {
        link.removeAttribute("href");
        link.setAttribute("role", "link");
        link.setAttribute("tabindex", "0");
        link.setAttribute("aria-disabled", "true");
        link.setAttribute("aria-describedby", note.id);
        note.textContent = why;
        note.hidden = false;
      } else {
        link.removeAttribute("role");
        link.removeAttribute("tabindex");
        link.removeAttribute("aria-disabled");
        link.removeAttribute("aria-describedby");
        note.textContent = "";
        note.hidden = true;
      }
    }

    // The field's description: the locked parts, and why the text is too long while it is
    function describe(over) {
      var ids = described.concat(over ? [reason.id] : []);
      if (ids.length) area.setAttribute("aria-describedby", ids.join(" "));
      else area.removeAttribute("aria-describedby");
    }

    // "Too long for X: 290 of 280 characters"
    function overLimit(network, used) {
      return fill(t.over_limit, { network: network.label, count: number.format(used), limit: number.format(network.limit) });
    }

    // Recount for the chosen network, rewrite every share link to the current text, switch off the
    // networks the text is too long for
    function update() {
      var text = message();
      var network = config.networks[select.value];
      var used = length(network, text, networkLink(data.link, select.value));
      var over = Boolean(network.limit && used > network.limit);
      output.textContent = (network.limit ? number.format(used) + " / " + number.format(network.limit) : number.format(used)) +
                           " " + t.characters;
      output.classList.toggle("sw-count__value--over", over);
      if (over) output.textContent += " – " + t.too_long;
      var why = over ? overLimit(network, used) : "";
      reason.textContent = why;
      reason.hidden = !over;
      area.setAttribute("aria-invalid", over ? "true" : "false");
      describe(over);
      // said once when the text crosses the limit either way (not on every keystroke)
      if (wasOver !== null && over !== wasOver) {
        announcer.textContent = over ? why : fill(t.fits_again, { network: network.label, count: number.format(used),
                                                                 limit: number.format(network.limit) });
      }
      wasOver = over;
      links.forEach(function (link) {
        var name = link.dataset.network;
        var rules = config.networks[name];
        var url = networkLink(data.link, name);
        var counted = rules.limit ? length(rules, text, url) : 0;
        if (rules.limit && counted > rules.limit) {
          block(link, overLimit(rules, counted));
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
      var said = { copied: "", counted: "" };  // this share's status: of this network only, never the last one's
      var run = ++shares;
      function say() {
        if (run === shares) status.textContent = [said.copied, said.counted].filter(Boolean).join(" ");
      }
      say();
      busy(link, true);
      var waited = new Promise(function (resolve) { setTimeout(resolve, BUSY_MS); });
      var recorded = record(data, name, personalised, keyFor(name, text, personalised)).then(function (counted) {
        if (!counted) return;
        forget(name);
        said.counted = fill(t.counted, { network: network.label });
        say();
      });
      // sharing never waits for the API: after BUSY_MS the button is free again even if it hangs
      Promise.all([waited, Promise.race([recorded, new Promise(function (resolve) { setTimeout(resolve, 4 * BUSY_MS); })])])
        .then(function () { busy(link, false); });
      if (network.takes_text) return;
      event.preventDefault();
      var href = link.href;
      copy(text).then(function () {
        said.copied = fill(t.copied_paste, { network: network.label, keys: apple() ? t.paste_keys_apple : t.paste_keys });
        say();
      }, function () {
        said.copied = t.copy_failed;
        say();
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
