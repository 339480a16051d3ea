/* "Beitrag vorschlagen" (employees): the form for one's own post, article or talk, sent once per deliberate
   click with an Idempotency-Key; refusals next to their fields; below, one's own suggestions and their
   status (and a decline's reason). Signed out: the way to sign in, no form. */
(function () {
  "use strict";

  var C = window.SharewallClaims;
  var S = window.SharewallSuggestions;
  var root = document.querySelector("[data-sw-suggest]");
  if (!C || !S || !root) return;
  var t = C.strings("suggest_form");
  var common = C.strings("suggestions");  // what both suggestion pages say
  var el = C.element;
  var names = S.languages(root);

  var intro = root.appendChild(C.statusLine({ "data-sw-suggest-intro": true }));
  if (!C.staffToken()) {
    C.signInHint(intro, t.signin, common.signin_link);
    return;
  }

  var form = el("form", { class: "sw-claims__form sw-suggest__form", "data-sw-suggest-form": true, novalidate: true });
  form.appendChild(el("h2", {}, t.heading));
  var fields = {
    link: S.checkedField(t.link, el("input", { name: "link", type: "url", inputmode: "url", maxlength: "2000",
                                                autocomplete: "url", spellcheck: "false", placeholder: "https://" }), t.link_hint),
    title: S.checkedField(t.title, el("input", { name: "title", maxlength: "120", autocomplete: "off" })),
    why: S.checkedField(t.why, el("textarea", { name: "why", rows: "3", maxlength: "300" }), t.why_hint),
    text: S.checkedField(t.text, el("textarea", { name: "text", rows: "4", maxlength: "200" }), t.text_hint),
  };
  ["link", "title", "why"].forEach(function (name) {
    fields[name].control.required = true;
    fields[name].control.setAttribute("aria-required", "true");
  });
  Object.keys(fields).forEach(function (name) { form.appendChild(fields[name].node); });

  // Topics: a checkbox per topic of the wall (filled when the wall's index has arrived)
  var topicsSet = form.appendChild(el("fieldset", { class: "sw-suggest__topics", "data-sw-topics": true }));
  topicsSet.appendChild(el("legend", {}, t.topics));
  var topicsBox = topicsSet.appendChild(el("div", { class: "sw-suggest__choices" }, t.loading));
  fields.topics = { node: topicsSet, control: topicsSet, error: topicsSet.appendChild(el("p", { class: "sw-field__error", id: "sw-topics-error", hidden: true })) };
  S.topics(root).then(function (known) {
    topicsBox.textContent = known.length ? "" : t.topics_none;
    known.forEach(function (topic) {
      var label = topicsBox.appendChild(el("label", { class: "sw-suggest__choice" }));
      label.appendChild(el("input", { type: "checkbox", name: "topics", value: topic[0] }));
      label.appendChild(document.createTextNode(" " + topic[1]));
    });
  });

  var language = el("select", { name: "language", required: true });
  names.forEach(function (entry) {
    language.appendChild(el("option", { value: entry[0], selected: entry[0] === C.lang }, entry[1]));
  });
  fields.language = S.checkedField(t.language, language);
  form.appendChild(fields.language.node);

  // The two ticks: a checkbox inside its label, its refusal below
  function tick(name, text, hint) {
    var wrapper = el("div", { class: "sw-field sw-suggest__tick" });
    var label = wrapper.appendChild(el("label"));
    var input = label.appendChild(el("input", { type: "checkbox", name: name, id: "sw-suggest-" + name }));
    label.appendChild(document.createTextNode(" " + text));
    if (hint) {
      var note = wrapper.appendChild(el("small", { id: input.id + "-hint", class: "sw-field__hint" }, hint));
      input.setAttribute("aria-describedby", note.id);
    }
    var error = wrapper.appendChild(el("p", { class: "sw-field__error", id: input.id + "-error", hidden: true }));
    form.appendChild(wrapper);
    return { node: wrapper, control: input, error: error };
  }
  fields.rights = tick("rights", t.rights);
  fields.rights.control.required = true;
  fields.rights.control.setAttribute("aria-required", "true");
  fields.name_me = tick("name_me", t.name_me, t.name_me_hint);

  var button = form.appendChild(el("button", { type: "submit", class: "md-button md-button--primary", "data-sw-submit": true }, t.submit));
  var formStatus = form.appendChild(C.statusLine({ "data-sw-suggest-status": true }, "div"));
  root.appendChild(form);

  root.appendChild(el("h2", {}, t.mine));
  var mineStatus = root.appendChild(C.statusLine({ "data-sw-mine-status": true }));
  var mineBox = root.appendChild(el("div", { class: "sw-suggest__list", "data-sw-mine": true }));
  var more = root.appendChild(el("button", { type: "button", class: "md-button", hidden: true, "data-sw-more": true }, common.more));
  var cursor = null;

  // One key per suggestion being sent: a retry of the same body is the same suggestion, a changed body
  // a new one (the API refuses a key reused for another body)
  var key = null;
  var sentBody = null;
  var busy = false;

  function body() {
    var text = fields.text.control.value.trim();
    return {
      link: fields.link.control.value.trim(),
      title: fields.title.control.value.trim(),
      why: fields.why.control.value.trim(),
      text: text || null,
      topics: Array.prototype.map.call(form.querySelectorAll("input[name=topics]:checked"), function (box) { return box.value; }),
      language: language.value,
      rights: fields.rights.control.checked,
      name_me: fields.name_me.control.checked,
    };
  }

  function clearErrors() {
    Object.keys(fields).forEach(function (name) { S.markField(fields[name], ""); });
  }

  // Mark `names` with their rules; focus the first; true when any was marked
  function showFields(names) {
    var first = null;
    names.forEach(function (name) {
      if (!fields[name]) return;
      S.markField(fields[name], common["rule_" + name]);
      first = first || fields[name];
    });
    if (!first) return false;
    C.status(formStatus, common.fix_fields, "error");
    var focus = first.control.tagName === "FIELDSET" ? first.control.querySelector("input") : first.control;
    if (focus) focus.focus();
    return true;
  }

  // What the page can tell before asking the API: the required fields, a link that is not https, the tick
  function missing(data) {
    var names = [];
    ["link", "title", "why"].forEach(function (name) { if (!data[name]) names.push(name); });
    if (data.link && !/^https:\/\//i.test(data.link)) names.push("link");
    if (!data.rights) names.push("rights");
    return names;
  }

  function setBusy(value) {
    busy = value;
    button.disabled = value;
    button.setAttribute("aria-busy", value ? "true" : "false");
    button.textContent = value ? t.sending : t.submit;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) return;  // a second click while the first is on its way sends nothing
    clearErrors();
    var data = body();
    if (showFields(missing(data))) return;
    var serial = JSON.stringify(data);
    if (serial !== sentBody) { key = C.newKey(); sentBody = serial; }
    setBusy(true);
    C.status(formStatus, t.sending);
    C.api("POST", "/suggestions", { key: key, body: data }).then(function (reply) {
      setBusy(false);
      if (reply.ok) {
        key = null;
        sentBody = null;
        form.reset();
        C.status(formStatus, t.sent, "ok");
        loadMine(false);
        return;
      }
      if (reply.status === 401) { C.signInHint(formStatus, t.signin, common.signin_link); return; }
      if (reply.status === 403) { C.status(formStatus, t.forbidden, "error"); return; }
      if (S.codeOf(reply) === "conflict") { key = null; sentBody = null; }
      if (showFields(S.invalidFields(reply))) return;
      C.status(formStatus, S.codeText(reply), "error");
    });
  });

  // The first page of one's suggestions (newest first), or with `append` the next; the button rests
  // while a page is on its way, so a double click appends it once
  var mineGeneration = 0;
  function loadMine(append) {
    var mine = ++mineGeneration;
    more.disabled = true;
    C.status(mineStatus, common.loading);
    // with the topics' labels at hand (fetched once; a failed index leaves the slugs)
    Promise.all([C.api("GET", "/suggestions/mine" + (append && cursor ? "?cursor=" + encodeURIComponent(cursor) : "")),
                 S.topics(root)]).then(function (both) {
      var reply = both[0];
      if (mine !== mineGeneration) return;
      more.disabled = false;
      if (!reply.ok) {
        if (reply.status === 401) C.signInHint(mineStatus, t.signin, common.signin_link);
        else C.status(mineStatus, reply.status === 403 ? t.forbidden : S.codeText(reply), "error");
        return;
      }
      if (!append) mineBox.textContent = "";
      reply.body.items.forEach(function (item) { mineBox.appendChild(S.card(item, { names: names })); });
      cursor = reply.body.next;
      more.hidden = !cursor;
      C.status(mineStatus, mineBox.children.length ? "" : t.none);
    });
  }

  more.addEventListener("click", function () { loadMine(true); });

  // The team's suggestions per month as GET /suggestions/stats gives them: sums only, a month of too few
  // people withheld; newest month first
  var team = root.appendChild(el("section", { class: "sw-suggest__team", "data-sw-team": true, hidden: true }));
  team.appendChild(el("h2", {}, t.team));
  var teamStatus = team.appendChild(C.statusLine({ "data-sw-team-status": true }));
  function month(key) {
    var value = new Date(key + "-01T12:00:00");
    return isNaN(value) ? key : C.format.date(value, { month: "long", year: "numeric" });
  }
  function loadTeam() {
    C.api("GET", "/suggestions/stats?granularity=month").then(function (reply) {
      if (!reply.ok) return;  // the figures are extra: the page works without them
      var data = reply.body;
      var table = C.table({ class: "sw-claims__table sw-suggest__team-table" }, [t.month, t.received, t.accepted]);
      table.table.insertBefore(el("caption", {}, t.team_caption), table.table.firstChild);
      // from the first month with suggestions on (months before the first one tell nothing), newest first
      var start = data.periods.findIndex(function (period) { return period.withheld || period.received > 0; });
      data.periods.slice(start < 0 ? -1 : start).reverse().forEach(function (period) {
        var row = C.cells(el("tr", { "data-period": period.period, "data-withheld": period.withheld ? "true" : "false" }), [month(period.period)]);
        if (period.withheld) row.appendChild(el("td", { colspan: "2" }, t.withheld));
        else C.cells(row, [String(period.received), String(period.accepted)]);
        table.body.appendChild(row);
      });
      team.appendChild(table.table);
      if (data.minimum_people > 1) team.appendChild(el("p", { class: "sw-field__hint" }, S.fill(t.team_rule, { minimum: data.minimum_people })));
      C.status(teamStatus, S.fill(t.team_total, data.total));
      team.hidden = false;
    });
  }

  loadMine(false);
  loadTeam();
})();
