/* "Vorschläge" (comms): the employees' suggestions, oldest first, filtered by status, language and topic;
   Accept opens a draft pull request (shown with its link), Decline asks for a reason inline. Anyone else
   who opens the page reads why there is nothing to do here. */
(function () {
  "use strict";

  var C = window.SharewallClaims;
  var S = window.SharewallSuggestions;
  var root = document.querySelector("[data-sw-review]");
  if (!C || !S || !root) return;
  var t = C.strings("suggestions_review");
  var common = C.strings("suggestions");  // what both suggestion pages say
  var el = C.element;
  var names = S.languages(root);
  var STATUSES = ["open", "accepted", "declined"];
  var PAGE = 20;  // suggestions per request; "load more" appends the next 20

  var intro = root.appendChild(C.statusLine({ "data-sw-review-intro": true }));
  if (!C.staffToken()) { C.signInHint(intro, t.signin, common.signin_link); return; }

  // The filters: status, language and topic, each a labelled select; a change loads the first page again
  var filters = root.appendChild(el("form", { class: "sw-filters sw-suggest__filters", "data-sw-review-filters": true,
                                              "aria-label": t.filters, hidden: true }));
  function select(name, label, options) {
    var wrapper = filters.appendChild(el("label", { class: "sw-filters__field" }));
    wrapper.appendChild(el("span", {}, label));
    var control = wrapper.appendChild(el("select", { name: name }));
    options.forEach(function (option) { control.appendChild(el("option", { value: option[0] }, option[1])); });
    control.addEventListener("change", function () { load(false); });
    return control;
  }
  var statusFilter = select("status", t.status, STATUSES.map(function (status) { return [status, common["status_" + status]]; }));
  var languageFilter = select("language", t.language, [["", t.all]].concat(names));
  var topicFilter = select("topic", t.topic, [["", t.all]]);
  filters.addEventListener("submit", function (event) { event.preventDefault(); });
  S.topics(root).then(function (known) {
    known.forEach(function (topic) { topicFilter.appendChild(el("option", { value: topic[0] }, topic[1])); });
  });

  var listStatus = root.appendChild(C.statusLine({ "data-sw-review-status": true }));
  var announce = root.appendChild(C.statusLine({ class: "sw-visually-hidden", "data-sw-announce": true }));
  var list = root.appendChild(el("div", { class: "sw-suggest__list", "data-sw-review-list": true }));
  var more = root.appendChild(el("button", { type: "button", class: "md-button", hidden: true, "data-sw-more": true }, common.more));
  var cursor = null;
  var generation = 0;  // a reply to an older filter choice is dropped

  function query(next) {
    var params = new URLSearchParams();
    params.set("status", statusFilter.value);
    params.set("limit", String(PAGE));
    if (languageFilter.value) params.set("language", languageFilter.value);
    if (topicFilter.value) params.set("topic", topicFilter.value);
    if (next && cursor) params.set("cursor", cursor);
    return "/suggestions?" + params.toString();
  }

  // 403: the page is for comms; say so, point to the page everyone may use
  function notComms() {
    filters.hidden = true;
    list.textContent = "";
    more.hidden = true;
    C.status(listStatus, "");
    C.status(intro, t.forbidden);
    if (root.querySelector("[data-sw-own]")) return;
    var own = root.insertBefore(el("p", { class: "sw-suggest__own", "data-sw-own": true }, t.own + " "), listStatus);
    own.appendChild(el("a", { href: root.getAttribute("data-suggest-page") }, t.own_link));
  }

  // The first page (or, with `append`, the next one) for the filters; a page the API thinned out by
  // topic or language is topped up from the following ones (at most ROUNDS requests per click)
  var ROUNDS = 10;
  function load(append) {
    var mine = ++generation;
    var shown = 0;
    more.disabled = true;
    C.status(listStatus, common.loading);
    if (!append) cursor = null;

    function round(count) {
      Promise.all([C.api("GET", query(Boolean(cursor))), S.topics(root)]).then(function (both) {  // labels at hand
        var reply = both[0];
        if (mine !== generation) return;
        if (!reply.ok) {
          more.disabled = false;
          if (reply.status === 401) { filters.hidden = true; C.signInHint(intro, t.signin, common.signin_link); C.status(listStatus, ""); }
          else if (reply.status === 403) notComms();
          else C.status(listStatus, S.codeText(reply), "error");
          return;
        }
        filters.hidden = false;
        if (!append && count === 1) list.textContent = "";
        reply.body.items.forEach(function (item) { list.appendChild(entry(item)); });
        shown += reply.body.items.length;
        cursor = reply.body.next;
        if (cursor && shown < PAGE && count < ROUNDS) { round(count + 1); return; }
        more.disabled = false;
        more.hidden = !cursor;
        var total = list.children.length;
        C.status(listStatus, total ? S.fill(cursor ? t.count_more : t.count, { count: total }) : t.none);
      });
    }
    round(1);
  }

  // One suggestion with its decision: buttons while open, the pull request or the reason once decided
  function entry(item) {
    var node = S.card(item, { names: names, comms: true });
    var pr = S.pullRequest(item);
    if (pr) node.appendChild(pr);
    if (item.status === "open" || item.status === "accepting") node.appendChild(actions(item, node));
    return node;
  }

  function actions(item, node) {
    var box = el("div", { class: "sw-suggest__actions", role: "group", "aria-label": S.fill(t.actions, { title: item.title }) });
    // an accept that failed midway ("accepting") is finished by accepting again: the same pull request
    var acceptText = item.status === "accepting" ? t.accept_again : t.accept;
    var accept = box.appendChild(el("button", { type: "button", class: "md-button md-button--primary", "data-sw-accept": item.id }, acceptText));
    var decline = box.appendChild(el("button", { type: "button", class: "md-button", "data-sw-decline": item.id, "aria-expanded": "false",
                                                 "aria-controls": "sw-reason-" + item.id }, t.decline));
    var reasonForm = box.appendChild(el("form", { class: "sw-suggest__reason", id: "sw-reason-" + item.id, "data-sw-reason-form": true,
                                                  novalidate: true, hidden: true }));
    var reason = S.checkedField(t.reason, el("textarea", { name: "reason", rows: "3", maxlength: "500", required: true, "aria-required": "true" }), t.reason_hint);
    reasonForm.appendChild(reason.node);
    var buttons = reasonForm.appendChild(el("div", { class: "sw-suggest__buttons" }));
    var send = buttons.appendChild(el("button", { type: "submit", class: "md-button md-button--primary", "data-sw-confirm-decline": true }, t.confirm_decline));
    var cancel = buttons.appendChild(el("button", { type: "button", class: "md-button" }, t.cancel));
    var status = box.appendChild(C.statusLine({ "data-sw-decision-status": true }));
    var busy = false;

    function setBusy(value, button, text, idle) {
      busy = value;
      [accept, decline, send, cancel].forEach(function (control) { control.disabled = value; });
      button.setAttribute("aria-busy", value ? "true" : "false");
      button.textContent = value ? text : idle;
    }

    // The decided suggestion replaces the card; its status line keeps saying what happened
    // (the page's live region announces it: a region inserted with its text is not read out)
    function decided(reply, text) {
      var fresh = entry(reply.body);
      fresh.appendChild(el("p", { class: "sw-claims__status sw-claims__status--ok", "data-sw-decision-status": true }, text));
      node.replaceWith(fresh);
      announce.textContent = text;
      var link = fresh.querySelector(".sw-suggest__pr a");
      if (link) link.focus();
    }

    function refused(reply) {
      if (reply.status === 401) { C.signInHint(status, t.signin, common.signin_link); return; }
      if (reply.status === 403) { notComms(); return; }
      if (S.invalidFields(reply).indexOf("reason") >= 0) { S.markField(reason, common.rule_reason); reason.control.focus(); return; }
      C.status(status, S.codeText(reply), "error");
    }

    accept.addEventListener("click", function () {
      if (busy) return;  // one accept per deliberate click; the API opens one pull request in any case
      setBusy(true, accept, t.accepting, acceptText);
      C.status(status, t.accepting);
      C.api("POST", "/suggestions/" + encodeURIComponent(item.id) + "/decision", { body: { action: "accept" } }).then(function (reply) {
        if (S.codeOf(reply) === "publisher_failed") acceptText = t.accept_again;
        setBusy(false, accept, t.accepting, acceptText);
        if (!reply.ok) { refused(reply); return; }
        var pr = reply.body.pull_request || {};
        decided(reply, S.safeHref(pr.url) ? t.accepted : t.accepted_local);
      });
    });

    decline.addEventListener("click", function () {
      reasonForm.hidden = false;
      decline.setAttribute("aria-expanded", "true");
      reason.control.focus();
    });
    cancel.addEventListener("click", function () {
      reasonForm.hidden = true;
      decline.setAttribute("aria-expanded", "false");
      S.markField(reason, "");
      decline.focus();
    });
    reasonForm.addEventListener("submit", function (event) {
      event.preventDefault();
      if (busy) return;
      S.markField(reason, "");
      var text = reason.control.value.trim();
      if (!text) { S.markField(reason, common.rule_reason); reason.control.focus(); return; }
      setBusy(true, send, t.declining, t.confirm_decline);
      C.status(status, t.declining);
      C.api("POST", "/suggestions/" + encodeURIComponent(item.id) + "/decision", { body: { action: "decline", reason: text } }).then(function (reply) {
        setBusy(false, send, t.declining, t.confirm_decline);
        if (!reply.ok) { refused(reply); return; }
        decided(reply, t.declined);
      });
    });
    return box;
  }

  more.addEventListener("click", function () { load(true); });
  load(false);
})();
