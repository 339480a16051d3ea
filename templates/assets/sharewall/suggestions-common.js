/* Suggestion pages ("Beitrag vorschlagen", "Vorschläge"): what both share. The strings of both pages, the
   API's refusals in the page's language (a field's rule next to the field, a code's meaning in the status
   line; never the API's field paths), the wall's topics and the site's languages, and one suggestion drawn
   as a card. Builds on claims-common.js (fields, status lines) and site.js (the API call). */
(function () {
  "use strict";

  var C = window.SharewallClaims;
  if (!C) return;
  var el = C.element;
  var t = C.strings("suggestions");

  var fill = C.format.fill;

  // The error code of a refused reply ("network" when the server was not reached)
  function codeOf(reply) {
    return C.refusalCode(reply);
  }

  // The fields a 400 `invalid_request` names: "title: …; topics.3: …" -> ["title", "topics"] (the API's
  // paths stay out of the page; each field shows its own rule instead)
  function invalidFields(reply) {
    if (reply.status !== 400 || codeOf(reply) !== "invalid_request") return [];
    var message = (reply.body.error && reply.body.error.message) || "";
    var fields = [];
    message.split("; ").forEach(function (part) {
      var at = part.indexOf(":");
      if (at < 1) return;
      var name = part.slice(0, at).trim().replace(/\.\d+$/, "");
      if (fields.indexOf(name) < 0) fields.push(name);
    });
    return fields;
  }

  // A refusal that is no field's: its code's meaning in the page's language (one generic sentence for a code
  // the catalogue lacks, never the API's English message)
  function codeText(reply) {
    return C.refusalText(reply, t.refusals);
  }

  // A field with its rule shown below when refused: the control gets aria-invalid and aria-describedby
  function checkedField(labelText, control, hint) {
    var wrapper = C.field(labelText, control, hint);
    var error = el("p", { class: "sw-field__error", id: control.id + "-error", hidden: true });
    wrapper.appendChild(error);
    return { node: wrapper, control: control, error: error };
  }

  // Show (text) or clear (no text) a field's refusal
  function markField(entry, text) {
    var described = (entry.control.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
      return id && id !== entry.error.id;
    });
    entry.error.textContent = text || "";
    entry.error.hidden = !text;
    if (text) {
      entry.control.setAttribute("aria-invalid", "true");
      described.push(entry.error.id);
    } else {
      entry.control.removeAttribute("aria-invalid");
    }
    if (described.length) entry.control.setAttribute("aria-describedby", described.join(" "));
    else entry.control.removeAttribute("aria-describedby");
  }

  // A URL the page may link to: https only (whatever was stored, no other scheme becomes a link)
  function safeHref(value) {
    return typeof value === "string" && /^https:\/\/[^\s]+$/i.test(value) ? value : null;
  }

  // The root's site facts: the languages [[code, name]...] and the topics of the wall (a promise)
  function languages(root) {
    var codes = (root.getAttribute("data-languages") || "").split(" ").filter(Boolean);
    return codes.map(function (code) { return [code, C.format.language(code)]; });  // CLDR's names (format.js)
  }

  // The topics as [[slug, label]...] by label: the label in the page's language (topics.yml, written into the
  // index as topicLabels), the slug when none; fetched once a page, a promise that never fails
  var topicLabels = {};
  var topicsLoaded = null;
  function topics(root) {
    if (topicsLoaded) return topicsLoaded;
    var url = root.getAttribute("data-index");
    if (!url) return (topicsLoaded = Promise.resolve([]));
    topicsLoaded = fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : {}; })
      .then(function (index) {
        var slugs = Array.isArray(index.topics) ? index.topics : [];
        var labels = Array.isArray(index.topicLabels) ? index.topicLabels : [];
        return slugs.map(function (slug, i) {
          var label = typeof labels[i] === "string" && labels[i] ? labels[i] : slug;
          topicLabels[slug] = label;
          return [slug, label];
        }).sort(function (a, b) { return a[1].localeCompare(b[1], C.lang); });
      }, function () { return []; });
    return topicsLoaded;
  }

  // A topic's label once topics() has arrived, else its slug
  function topicName(slug) {
    return Object.prototype.hasOwnProperty.call(topicLabels, slug) ? topicLabels[slug] : slug;
  }

  function languageName(list, code) {
    for (var i = 0; i < list.length; i++) if (list[i][0] === code) return list[i][1];
    return code;
  }

  // A status badge: "offen" / "angenommen" / "abgelehnt"
  function badge(status) {
    return el("span", { class: "sw-suggest__status sw-suggest__status--" + status, "data-sw-status": status },
              t["status_" + status] || status);
  }

  // One suggestion as a card: title (linked to its https link), status, dates, why, text, topics, language;
  // `options.names` the language names, `options.comms` adds the suggester's name when given
  function card(item, options) {
    var node = el("article", { class: "sw-suggest__item", "data-suggestion": item.id, "data-status": item.status,
                               "data-language": item.language });
    var head = node.appendChild(el("div", { class: "sw-suggest__head" }));
    var title = head.appendChild(el("h3", { class: "sw-suggest__title" }));
    var href = safeHref(item.link);
    if (href) title.appendChild(el("a", { href: href, rel: "noopener noreferrer", target: "_blank" }, item.title));
    else title.textContent = item.title;
    head.appendChild(badge(item.status));
    var meta = fill(t.suggested, { date: C.date(item.created) });
    if (item.decided) meta += " · " + fill(t.decided, { date: C.date(item.decided) });
    if (item.expires) meta += " · " + fill(t.expires, { date: C.date(item.expires) });
    meta += " · " + languageName(options.names || [], item.language);
    node.appendChild(el("p", { class: "sw-suggest__meta" }, meta));
    node.appendChild(el("p", { class: "sw-suggest__link" }, item.link));
    if (options.comms) {
      var by = node.appendChild(el("p", { class: "sw-suggest__by", "data-sw-by": true }, item.name ? null : item.name_me ? t.name_unknown : t.no_name));
      if (item.name) {
        var around = t.by.split("{name}");
        by.appendChild(document.createTextNode(around[0]));
        by.appendChild(el("strong", {}, item.name));
        by.appendChild(document.createTextNode(around[1] || ""));
      }
    }
    var facts = node.appendChild(el("dl", { class: "sw-suggest__facts" }));
    facts.appendChild(el("dt", {}, t.why));
    facts.appendChild(el("dd", {}, item.why));
    if (item.text) {
      facts.appendChild(el("dt", {}, t.first_text));
      facts.appendChild(el("dd", { class: "sw-suggest__text" }, item.text));
    }
    if (item.topics && item.topics.length) {
      facts.appendChild(el("dt", {}, t.topics));
      var list = el("ul", { class: "sw-topics" });
      item.topics.forEach(function (topic) { list.appendChild(el("li", { "data-topic": topic }, topicName(topic))); });
      facts.appendChild(el("dd")).appendChild(list);
    }
    if (item.status === "declined" && item.reason) {
      facts.appendChild(el("dt", {}, t.reason));
      facts.appendChild(el("dd", { "data-sw-reason": true }, item.reason));
    }
    return node;
  }

  // The pull request an accepted suggestion opened: a link on GitHub, locally the branch's name
  function pullRequest(item) {
    var pr = item.pull_request;
    if (!pr) return null;
    var href = safeHref(pr.url);
    var box = el("p", { class: "sw-suggest__pr", "data-sw-pr": true });
    if (href) {
      box.appendChild(document.createTextNode(t.pull_request + ": "));
      box.appendChild(el("a", { href: href, rel: "noopener noreferrer", target: "_blank" },
                         pr.number ? "#" + pr.number : href));
    } else {
      box.appendChild(document.createTextNode(t.branch + ": "));
      box.appendChild(el("code", {}, pr.branch || ""));
    }
    return box;
  }

  window.SharewallSuggestions = {
    fill: fill, codeOf: codeOf, invalidFields: invalidFields, codeText: codeText, checkedField: checkedField,
    markField: markField, safeHref: safeHref, languages: languages, topics: topics, topicName: topicName, languageName: languageName,
    badge: badge, card: card, pullRequest: pullRequest,
  };
})();
