/* Claim form (influencer): the invite token comes from the link (#invite=…) and is kept for this browser
   session (sessionStorage; a new tab asks an open one), never left in the address bar. Opened from the link,
   the page follows the invite's language, unless the person chose one in the page's header. Payee, lines
   with a receipt each, uploaded straight to S3 with a presigned POST and checked by its bytes at once;
   submitted once per Idempotency-Key. Every refusal (the browser's checks and the API's `fields` codes) is
   said in the page's language next to its field, once, and summed up in one announcement. The lines being
   filled in are kept on this device until submitted (localStorage); the payee only when the person ticks
   "remember on this device" (shown with its IBAN masked, and forgotten on request). After submitting: the
   reference, what was filed, what happens next. Own claims: status and history, finance's question with a
   correction sent back (PUT), withdrawal while undecided, a printable view (?print=<id>, claim-print.js). */
(function () {
  "use strict";

  var C = window.SharewallClaims;
  var root = document.querySelector("[data-sw-claim]");
  if (!C || !root) return;
  var t = C.strings("claims_form");
  var TYPES = { "application/pdf": true, "image/jpeg": true, "image/png": true };
  var MAX = 10 * 1024 * 1024;
  var el = C.element;
  var STORE = "sharewall.invite";
  var CHOICE = "sharewall.claim-language";  // sessionStorage: the language chosen in the page's header
  var PAYEE = "sharewall.payee";  // localStorage, only while "remember on this device" is ticked
  var DRAFT = "sharewall.claim-draft.";  // localStorage, + the invite's id: the lines being filled in
  var AMOUNT = "\\d{1,9}([.,]\\d{1,2})?";
  // what a field's own format (its pattern) means, as the API would code it
  var FORMATS = {
    gross: { code: "invalid_amount" }, vat: { code: "invalid_amount" }, original_amount: { code: "invalid_amount" },
    distance: { code: "invalid_number", max: "5000", places: "1" }, hours: { code: "invalid_number", max: "24", places: "2" },
    rate: { code: "invalid_number", max: "100000", places: "6" },
  };

  // a decimal example as the page's language writes it (12,50 or 12.50; the form accepts both)
  function decimal(text) {
    var places = (text.split(",")[1] || "").length;
    return C.format.number(Number(text.replace(",", ".")), { minimumFractionDigits: places, useGrouping: false });
  }

  var fill = C.format.fill;

  // A decimal the API sends (12.5) as the page's language types it (12,5 in German; the form reads both)
  function local(value) {
    if (value === undefined || value === null || value === "") return undefined;
    return String(value).replace(".", C.format.number(1.5).charAt(1));
  }

  // --- the invite: from the link once, then from this tab's session (or another open tab of ours) ---------

  var channel = "BroadcastChannel" in window ? new BroadcastChannel(STORE) : null;
  var token = (new URLSearchParams(location.hash.slice(1))).get("invite");
  var fromLink = Boolean(token);  // opened from the invite's link (not a reload, a new tab or a language choice)
  var stored = false;
  try {
    if (token) window.sessionStorage.setItem(STORE, token); else token = window.sessionStorage.getItem(STORE);
    stored = Boolean(token) && window.sessionStorage.getItem(STORE) === token;
  } catch (error) { /* private mode: the hash still works */ }
  if (location.hash) window.history.replaceState(null, "", location.pathname + location.search);  // keep it out of history
  if (channel) {
    // a new tab of this browser session without the invite asks the tabs that have it
    channel.onmessage = function (event) {
      if (event.data && event.data.ask && token) channel.postMessage({ invite: token });
    };
  }

  function findToken() {
    if (token || !channel) return Promise.resolve(token);
    return new Promise(function (resolve) {
      var done = function (value) { channel.removeEventListener("message", answer); resolve(value); };
      var answer = function (event) { if (event.data && typeof event.data.invite === "string") done(event.data.invite); };
      channel.addEventListener("message", answer);
      channel.postMessage({ ask: true });
      setTimeout(function () { done(null); }, 400);
    }).then(function (value) {
      token = value;
      try { if (token) { window.sessionStorage.setItem(STORE, token); stored = true; } } catch (error) { /* kept in memory */ }
      return token;
    });
  }

  // A language picked in the page's header wins over the invite's for the rest of this browser session
  Array.prototype.forEach.call(document.querySelectorAll("[data-sw-claim-header] a[hreflang]"), function (link) {
    link.addEventListener("click", function () { try { window.sessionStorage.setItem(CHOICE, link.hreflang); } catch (error) { /* private mode */ } });
  });

  function chosenLanguage() {
    try { return window.sessionStorage.getItem(CHOICE); } catch (error) { return null; }
  }

  // A value kept on this device (localStorage), or null when there is none or storage is unavailable
  function kept(name) {
    try { return JSON.parse(window.localStorage.getItem(name)); } catch (error) { return null; }
  }

  // Keep `value` on this device under `name` (null removes it); without storage nothing is kept
  function keep(name, value) {
    try {
      if (value === null) window.localStorage.removeItem(name); else window.localStorage.setItem(name, JSON.stringify(value));
    } catch (error) { /* private mode or full: the form still works */ }
  }

  // The same page in the invite's language (German at "/", English at "/en/", same relative path), or null
  function pageIn(language) {
    var homes = (C.config.ui && C.config.ui.homes) || {};
    var here = homes[C.lang], there = homes[language];
    if (!here || !there || here === there || location.pathname.indexOf(here) !== 0) return null;
    return there + location.pathname.slice(here.length);
  }

  // A refused call said in the page's language: its code's sentence, else one generic sentence
  function refusalText(reply) {
    return C.refusalText(reply, t.refusals);
  }

  var intro = root.appendChild(C.statusLine());
  var policy = null;
  var key = C.newKey();  // one per claim being filled in: a retried submit is the same claim

  // A policy category's name in the page's language, else English, else its key
  function categoryLabel(category) {
    return category.label[C.lang] || category.label.en || category.key;
  }

  C.status(intro, t.loading);
  findToken().then(function () {
    if (!token) { C.status(intro, t.no_invite, "error"); return; }
    C.api("GET", "/claims/invite", { invite: token }).then(function (reply) {
      if (!reply.ok) { C.status(intro, refusalText(reply), "error"); return; }
      var language = reply.body.language || "de";
      // only when opened from the link: a reload or a language chosen in the header stays where it is
      var elsewhere = language !== C.lang && fromLink && stored && !chosenLanguage() && pageIn(language);
      if (elsewhere) { location.replace(elsewhere); return; }  // the token stays in this tab's session, not in the URL
      policy = reply.body.policy;
      C.status(intro, fill(t.hello, { name: reply.body.name, campaign: C.campaignName(reply.body.campaign_name, reply.body.campaign),
                                      until: C.date(reply.body.expires_at) }));
      build();
      loadMine();
    });
  });

  var form, linesBox, formStatus, asksBox, mineBox, mineStatus, payeeFields, payeeBody, payeeSummary, remember, done, announcer;
  var formTitle, submitButton, correction = null;  // correction: the claim being corrected after finance's question

  // --- building the form ---------------------------------------------------------------------------------

  // A field's error slot next to it, tied to the control (aria-describedby) while it holds an error; not a live
  // region: the form's one status sums the errors up, and the focused field reads its own
  function withError(wrapper, control, name) {
    var slot = el("p", { class: "sw-claims__status", id: control.id + "-error", "data-sw-error": name });
    wrapper.appendChild(slot);
    return slot;
  }

  function describedBy(control, id, on) {
    var ids = (control.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (item) { return item && item !== id; });
    if (on) ids.push(id);
    if (ids.length) control.setAttribute("aria-describedby", ids.join(" ")); else control.removeAttribute("aria-describedby");
  }

  // Say `text` once to screen readers (one polite region for the whole page's changes: a line added or removed,
  // a receipt refused, the payee forgotten); emptied first, so the same sentence twice is said twice
  function announce(text) {
    announcer.textContent = "";
    window.requestAnimationFrame(function () { announcer.textContent = text; });
  }

  // A field's label, with " *" while the field is required (the form says what the star means before any field)
  function markRequired(control) {
    var label = control.id && form.querySelector("label[for='" + control.id + "']");
    if (!label) return;
    if (!label.hasAttribute("data-text")) label.setAttribute("data-text", label.textContent);
    label.textContent = label.getAttribute("data-text") + (control.required && !control.disabled ? " *" : "");
  }

  // A label's text (kept apart from its required star)
  function relabel(control, text) {
    var label = form.querySelector("label[for='" + control.id + "']");
    label.setAttribute("data-text", text);
    markRequired(control);
  }

  // IBAN as the page shows a remembered one: country, check digits and the last four, the rest hidden
  function maskIban(iban) {
    var compact = String(iban || "").replace(/\s+/g, "").toUpperCase();
    return compact.length > 8 ? compact.slice(0, 4) + " •••• " + compact.slice(-4) : "••••";
  }

  function build() {
    var limits = el("div", { class: "sw-claims__policy" });
    limits.appendChild(el("p", {}, t.policy));
    var list = limits.appendChild(el("ul"));
    policy.categories.forEach(function (category) {
      list.appendChild(el("li", {}, fill(t.policy_item, { category: categoryLabel(category), limit: C.money(category.limit),
                                                         receipt: category.receipt ? t.receipt_needed : t.no_receipt }) + rateText(category)));
    });
    root.appendChild(limits);
    announcer = root.appendChild(el("p", { class: "sw-claims__announce", role: "status", "aria-live": "polite", "data-sw-announce": true }));
    done = root.appendChild(el("section", { class: "sw-claims__done", "data-sw-confirmation": true, tabindex: "-1", hidden: true }));

    formTitle = root.appendChild(el("h2", { id: "sw-claim-form-title", tabindex: "-1", "data-sw-form-title": true }, t.new_claim));
    form = el("form", { class: "sw-claims__form", "data-sw-claim-form": true, novalidate: true, "aria-labelledby": formTitle.id });
    form.appendChild(el("p", { class: "sw-claims__required-note" }, t.required_note));
    correction = null;
    var payee = el("fieldset", { class: "sw-claims__payee" });
    payee.appendChild(el("legend", {}, t.payee));
    payeeSummary = payee.appendChild(el("div", { class: "sw-claims__remembered", "data-sw-payee-summary": true, hidden: true }));
    payeeBody = payee.appendChild(el("div", { class: "sw-claims__payee-fields" }));
    var kinds = el("div", { class: "sw-field sw-field--choice", role: "radiogroup", "aria-label": t.kind });
    ["private", "business"].forEach(function (kind) {
      var label = el("label");
      var input = el("input", { type: "radio", name: "kind", value: kind, checked: kind === "private" });
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + t[kind]));
      kinds.appendChild(label);
    });
    payeeBody.appendChild(kinds);
    var inputs = {
      holder: el("input", { name: "holder", required: true, maxlength: "70", autocomplete: "name" }),
      street: el("input", { name: "street", required: true, maxlength: "70", autocomplete: "address-line1" }),
      postcode: el("input", { name: "postcode", required: true, maxlength: "16", autocomplete: "postal-code" }),
      town: el("input", { name: "town", required: true, maxlength: "35", autocomplete: "address-level2" }),
      country: el("input", { name: "country", required: true, maxlength: "2", value: "DE", pattern: "[A-Za-z]{2}", autocomplete: "country" }),
      iban: el("input", { name: "iban", required: true, maxlength: "42", autocomplete: "off", spellcheck: "false" }),
      vat_id: el("input", { name: "vat_id", maxlength: "20", autocomplete: "off" }),
    };
    payeeFields = {};
    Object.keys(inputs).forEach(function (name) {
      var wrapper = payeeBody.appendChild(C.field(t[name], inputs[name]));
      payeeFields[name] = { control: inputs[name], slot: withError(wrapper, inputs[name], "payee." + name) };
    });
    var vatField = inputs.vat_id.parentNode;
    vatField.hidden = true;
    inputs.vat_id.disabled = true;
    var business = function () {
      var yes = form.querySelector("input[name=kind]:checked").value === "business";
      vatField.hidden = !yes;
      inputs.vat_id.disabled = !yes;
      inputs.vat_id.required = yes;
      markRequired(inputs.vat_id);
    };
    kinds.addEventListener("change", business);
    var rememberLabel = payeeBody.appendChild(el("label", { class: "sw-claims__remember" }));
    remember = rememberLabel.appendChild(el("input", { type: "checkbox", name: "remember", "data-sw-remember": true,
                                                        "aria-describedby": "sw-claim-remember-hint" }));
    rememberLabel.appendChild(document.createTextNode(" " + t.remember));
    payeeBody.appendChild(el("small", { id: "sw-claim-remember-hint", class: "sw-field__hint" }, t.remember_hint));
    remember.addEventListener("change", function () { rememberPayee(inputs); });
    payee.addEventListener("input", function () { rememberPayee(inputs); });
    payee.addEventListener("change", function () { rememberPayee(inputs); });
    form.appendChild(payee);

    var linesSet = el("fieldset", { class: "sw-claims__lines" });
    linesSet.appendChild(el("legend", {}, t.lines));
    linesBox = linesSet.appendChild(el("div"));
    var add = el("button", { type: "button", class: "md-button", "data-sw-add-line": true }, t.add);
    add.addEventListener("click", function () {
      var box = addLine();
      saveDraft();
      box.querySelector("[name=category]").focus();  // the new line's first field, read with its group's name
      announce(fill(t.line_added, { number: linesBox.children.length }));
    });
    linesSet.appendChild(add);
    form.appendChild(linesSet);

    submitButton = form.appendChild(el("button", { type: "submit", class: "md-button md-button--primary", "data-sw-submit": true }, t.submit));
    formStatus = form.appendChild(C.statusLine({ "data-sw-claim-status": true }, "div"));
    form.addEventListener("submit", function (event) { event.preventDefault(); submit(inputs); });
    // a corrected field loses its error at once; the lines are kept on this device as they are typed
    form.addEventListener("input", function (event) { clearError(event.target); saveDraft(); });
    form.addEventListener("change", function (event) { if (event.target.type !== "file") clearError(event.target); saveDraft(); });
    root.appendChild(form);
    Object.keys(inputs).forEach(function (name) { markRequired(inputs[name]); });
    restorePayee(inputs);
    business();
    restoreDraft();

    root.appendChild(el("h2", {}, t.mine));
    mineStatus = root.appendChild(C.statusLine({ "data-sw-mine-status": true }));
    asksBox = root.appendChild(el("div", { "data-sw-asks": true }));  // finance's open questions, above the table
    mineBox = root.appendChild(el("div", { "data-sw-mine": true }));
  }

  // --- the payee on this device (only when ticked) and the lines as a draft until submitted ----------------

  function payeeValues(inputs) {
    var values = { kind: form.querySelector("input[name=kind]:checked").value };
    Object.keys(inputs).forEach(function (name) { values[name] = inputs[name].value; });
    return values;
  }

  // Ticked: the payee as typed is kept on this device (and kept up to date); unticked: nothing of it is kept
  function rememberPayee(inputs) {
    keep(PAYEE, remember.checked ? payeeValues(inputs) : null);
  }

  // A payee remembered on this device fills the fields and is shown folded, its IBAN masked
  function restorePayee(inputs) {
    var values = kept(PAYEE);
    if (!values || typeof values !== "object") return;
    Object.keys(inputs).forEach(function (name) { if (typeof values[name] === "string") inputs[name].value = values[name]; });
    var kind = form.querySelector("input[name=kind][value=" + (values.kind === "business" ? "business" : "private") + "]");
    kind.checked = true;
    remember.checked = true;
    payeeSummary.textContent = "";
    payeeSummary.appendChild(el("p", { "data-sw-payee-remembered": true },
                                fill(t.remembered, { holder: values.holder || "", iban: maskIban(values.iban) })));
    var change = payeeSummary.appendChild(el("button", { type: "button", class: "md-button", "data-sw-payee-change": true }, t.change_payee));
    var forget = payeeSummary.appendChild(el("button", { type: "button", class: "md-button", "data-sw-payee-forget": true }, t.forget_payee));
    change.addEventListener("click", function () { showPayeeFields(); inputs.holder.focus(); });
    forget.addEventListener("click", function () {
      keep(PAYEE, null);
      remember.checked = false;
      Object.keys(inputs).forEach(function (name) { inputs[name].value = name === "country" ? "DE" : ""; });
      form.querySelector("input[name=kind][value=private]").click();
      showPayeeFields();
      inputs.holder.focus();
      announce(t.payee_forgotten);
    });
    payeeSummary.hidden = false;
    payeeBody.hidden = true;
  }

  // The payee's fields unfolded (to change them, or to show an error at one of them)
  function showPayeeFields() {
    payeeSummary.hidden = true;
    payeeBody.hidden = false;
  }

  var LINE_FIELDS = ["category", "date", "until", "hours", "country", "description", "distance", "route_from", "route_to",
                     "currency", "original_amount", "rate", "gross", "vat"];

  // The lines being filled in, kept on this device under the invite until they are submitted (never the payee)
  function saveDraft() {
    if (!linesBox || correction || !inviteId()) return;
    var lines = Array.prototype.map.call(linesBox.querySelectorAll("[data-sw-line]"), function (box) {
      var values = {};
      LINE_FIELDS.forEach(function (name) { values[name] = box.querySelector("[name=" + name + "]").value; });
      if (box.dataset.upload) { values.upload = box.dataset.upload; values.upload_name = box.dataset.uploadName || ""; }
      return values;
    });
    keep(DRAFT + inviteId(), { lines: lines });
  }

  // The draft of this invite, as it was left (a reload, a closed tab): its lines and uploaded receipts
  function restoreDraft() {
    var draft = inviteId() && kept(DRAFT + inviteId());
    var lines = draft && Array.isArray(draft.lines) && draft.lines.length ? draft.lines : [{}];
    lines.forEach(function (values) { fillLine(addLine(), values); });
  }

  // A line's fields set from `values` (a draft's, or a filed line's when correcting), its receipt noted
  function fillLine(box, values) {
    LINE_FIELDS.forEach(function (name) {
      var control = box.querySelector("[name=" + name + "]");
      if (typeof values[name] === "string" && values[name] &&
          (control.tagName !== "SELECT" || control.querySelector("option[value='" + CSS.escape(values[name]) + "']"))) {
        control.value = values[name];
      }
    });
    if (values.upload) {
      box.dataset.upload = values.upload;
      box.dataset.uploadName = values.upload_name || "";
      C.status(box.querySelector("[data-sw-line-status]"), fill(t.uploaded_named, { name: values.upload_name || "" }), "ok");
    } else if (values.filed) {
      box.dataset.filed = values.filed;
      C.status(box.querySelector("[data-sw-line-status]"), t.receipt_filed, "ok");
    }
    box.dispatchEvent(new Event("change"));  // the fields its kind shows
  }

  // The invite's id (the token's public part): the key of this invite's draft
  function inviteId() {
    return token ? token.split(".")[0] : "";
  }

  // Mileage and per-diem categories name their rates in the policy list
  function rateText(category) {
    if (category.kind === "mileage") {  // up to 3 decimals, as the policy says
      var rate = C.format.number(String(category.rate), { style: "currency", currency: "EUR", minimumFractionDigits: 2, maximumFractionDigits: 3 });
      return " – " + fill(t.per_km, { rate: rate });
    }
    if (category.kind !== "per_diem") return "";
    return Object.keys(policy.per_diem).map(function (country) {
      var rates = policy.per_diem[country];
      return " – " + fill(t.per_diem_rates, { country: country, full: C.money(rates.full), partial: C.money(rates.partial) });
    }).join("");
  }

  // Each line's heading, group and remove button say its number (after one is removed)
  function renumber() {
    Array.prototype.forEach.call(linesBox.querySelectorAll("[data-sw-line]"), function (box, index) {
      box.querySelector("h3").textContent = fill(t.line_number, { number: index + 1 });
      var remove = box.querySelector("[data-sw-remove-line]");
      if (remove) remove.textContent = fill(t.remove_line, { number: index + 1 });
    });
  }

  var lineIds = 0;

  function addLine() {
    var number = linesBox.children.length + 1;
    var heading = el("h3", { id: "sw-claim-line-" + (++lineIds), tabindex: "-1" }, fill(t.line_number, { number: number }));
    var box = el("div", { class: "sw-claims__line", "data-sw-line": true, role: "group", "aria-labelledby": heading.id });
    box.appendChild(heading);
    var category = el("select", { name: "category", required: true });
    policy.categories.forEach(function (item) {
      category.appendChild(el("option", { value: item.key }, categoryLabel(item)));
    });
    var today = C.format.isoDay(new Date());  // the person's day, not UTC's
    var inputs = {
      category: category,
      date: el("input", { name: "date", type: "date", required: true, max: today }),
      until: el("input", { name: "until", type: "date", required: true, max: today }),
      hours: el("input", { name: "hours", required: true, inputmode: "decimal", pattern: "\\d{1,2}([.,]\\d{1,2})?", placeholder: "9" }),
      country: el("select", { name: "country" }),
      description: el("input", { name: "description", required: true, maxlength: "140" }),
      distance: el("input", { name: "distance", required: true, inputmode: "decimal", pattern: "\\d{1,4}([.,]\\d)?", placeholder: decimal("0,0") }),
      route_from: el("input", { name: "route_from", required: true, maxlength: "70" }),
      route_to: el("input", { name: "route_to", required: true, maxlength: "70" }),
      currency: el("select", { name: "currency" }),
      original_amount: el("input", { name: "original_amount", required: true, inputmode: "decimal", pattern: AMOUNT, placeholder: decimal("0,00") }),
      rate: el("input", { name: "rate", required: true, inputmode: "decimal", pattern: "\\d{1,6}([.,]\\d{1,6})?", placeholder: decimal("1,0000") }),
      gross: el("input", { name: "gross", required: true, inputmode: "decimal", pattern: AMOUNT, placeholder: decimal("0,00") }),
      vat: el("input", { name: "vat", inputmode: "decimal", pattern: AMOUNT, placeholder: decimal("0,00") }),
      receipt: el("input", { name: "receipt", type: "file", accept: "application/pdf,image/jpeg,image/png" }),
    };
    [policy.currency].concat(policy.receipt_currencies || []).forEach(function (code) {
      inputs.currency.appendChild(el("option", { value: code }, code));
    });
    Object.keys(policy.per_diem || {}).forEach(function (code) { inputs.country.appendChild(el("option", { value: code }, code)); });
    Object.keys(inputs).forEach(function (name) {
      var wrapper = box.appendChild(C.field(t[name === "country" ? "country_of_travel" : name], inputs[name]));
      wrapper.setAttribute("data-sw-field", name);
      withError(wrapper, inputs[name], name);  // a refusal of this field, next to it
    });
    var computed = box.appendChild(el("p", { class: "sw-claims__computed", "data-sw-computed": true, "aria-live": "polite" }));
    var note = box.appendChild(C.statusLine({ "data-sw-line-status": true, id: inputs.receipt.id + "-status" }));
    describedBy(inputs.receipt, note.id, true);  // the upload's progress and result belong to its file input
    var refresh = function () { showKind(box, inputs, computed); };
    ["change", "input"].forEach(function (type) { box.addEventListener(type, refresh); });
    if (number > 1) {
      var remove = el("button", { type: "button", class: "md-button", "data-sw-remove-line": true }, fill(t.remove_line, { number: number }));
      remove.addEventListener("click", function () { removeLine(box); });
      box.appendChild(remove);
    }
    inputs.receipt.addEventListener("change", function () { upload(box, inputs.receipt, note); });
    linesBox.appendChild(box);
    refresh();
    return box;
  }

  // A line taken out: focus on the line before it (whose heading says which), and the removal said once
  function removeLine(box) {
    var boxes = Array.prototype.slice.call(linesBox.querySelectorAll("[data-sw-line]"));
    var index = boxes.indexOf(box);
    box.remove();
    renumber();
    saveDraft();
    var previous = linesBox.querySelectorAll("[data-sw-line]")[Math.max(index - 1, 0)];
    previous.querySelector("h3").focus();
    announce(fill(t.line_removed, { number: index + 1 }));
  }

  // Which fields a line shows follows its category's kind and currency; hidden fields are disabled (not sent, not validated)
  function lineKind(box) {
    var key = box.querySelector("[name=category]").value;
    var category = policy.categories.filter(function (item) { return item.key === key; })[0] || {};
    var kind = category.kind || "receipt";
    if (kind === "receipt" && box.querySelector("[name=currency]").value !== policy.currency) kind = "foreign";
    return { kind: kind, category: category };
  }

  var FIELDS = {
    receipt: ["currency", "gross", "vat", "receipt"],
    foreign: ["currency", "original_amount", "rate", "receipt"],
    mileage: ["distance", "route_from", "route_to"],
    per_diem: ["until", "hours", "country"],
  };
  var COMMON = ["category", "date", "description"];  // every kind

  function showKind(box, inputs, computed) {
    var found = lineKind(box);
    var shown = COMMON.concat(FIELDS[found.kind]);
    if (found.kind === "per_diem" && inputs.date.value && !inputs.until.value) inputs.until.value = inputs.date.value;
    var single = found.kind === "per_diem" && inputs.date.value && inputs.until.value === inputs.date.value;
    // a receipt is required where the category says so and none is uploaded or already filed
    inputs.receipt.required = Boolean(found.category.receipt) && !box.dataset.upload && !box.dataset.filed;
    Object.keys(inputs).forEach(function (name) {
      var visible = shown.indexOf(name) >= 0 && !(name === "hours" && !single) &&
                    !(name === "country" && inputs.country.options.length < 2);
      inputs[name].parentNode.hidden = !visible;
      inputs[name].disabled = !visible;
      markRequired(inputs[name]);
    });
    relabel(inputs.date, found.kind === "per_diem" ? t.first_day : t.date);
    var cents = computedCents(found, inputs, single);
    computed.hidden = found.kind === "receipt";
    computed.textContent = found.kind === "receipt" ? "" : t.computed + ": " + (cents === null ? "–" : C.money(centsText(cents))) +
      (found.kind === "foreign" ? " – " + t.rate_checked : "") + (single && cents === 0 ? " – " + t.short_day : "");
  }

  // Exact decimal text -> BigInt in units of 10^-places (null when not a number like 12,5); no float on money
  function units(text, places) {
    var match = /^(\d{1,9})(?:[.,](\d+))?$/.exec((text || "").trim());
    if (!match || (match[2] || "").length > places) return null;
    return BigInt(match[1] + ((match[2] || "") + "0".repeat(places)).slice(0, places));
  }

  // value in units of 10^-places -> cents, half a cent up (as the server rounds)
  function toCents(value, places) {
    var scale = BigInt(10) ** BigInt(places - 2);
    return Number((value + scale / BigInt(2)) / scale);
  }

  function centsText(cents) {
    return Math.floor(cents / 100) + "." + String(cents % 100).padStart(2, "0");
  }

  // The amount the server will compute, shown as the influencer types (the server's figure is what counts)
  function computedCents(found, inputs, single) {
    if (found.kind === "mileage") {
      var km = units(inputs.distance.value, 1), rate = units(found.category.rate, 3);
      return km === null || rate === null ? null : toCents(km * rate, 4);
    }
    if (found.kind === "foreign") {
      var original = units(inputs.original_amount.value, 2), perUnit = units(inputs.rate.value, 6);
      return original === null || perUnit === null ? null : toCents(original * perUnit, 8);
    }
    if (found.kind === "per_diem") {
      var rates = policy.per_diem[inputs.country.value || Object.keys(policy.per_diem)[0]];
      var first = Date.parse(inputs.date.value), last = Date.parse(inputs.until.value);
      if (!rates || isNaN(first) || isNaN(last) || last < first) return null;
      var full = Number(units(rates.full, 2)), partial = Number(units(rates.partial, 2));
      if (single) {
        var hours = units(inputs.hours.value, 2);
        return hours === null ? null : hours > BigInt(800) ? partial : 0;
      }
      var days = Math.round((last - first) / 86400000) + 1;
      return (days - 2) * full + 2 * partial;
    }
    return null;
  }


  // --- receipts: straight to S3, then the API looks at the bytes that arrived ---------------------------

  // Presigned POST: the API says where and under which policy; the file goes straight to S3; then the API
  // reads its first bytes, so a file that is no PDF, JPEG or PNG (whatever its name) is refused right here
  function upload(box, input, note) {
    delete box.dataset.upload;
    delete box.dataset.uploadName;
    input.removeAttribute("data-sw-refused");
    clearError(input);
    C.status(note, "");
    var file = input.files[0];
    if (!file) return;
    if (!TYPES[file.type]) { refuseFile(input, { code: "receipt_type" }); return; }
    if (file.size > MAX || file.size === 0) { refuseFile(input, { code: "receipt_size" }); return; }
    var attempt = box.dataset.uploading = String(Date.now() + Math.random());
    var current = function () { return box.dataset.uploading === attempt; };  // a newer choice wins
    C.status(note, t.uploading);
    var refused = function (reply) { var error = new Error("refused"); error.reply = reply; throw error; };
    C.api("POST", "/claims/uploads", { invite: token, body: { filename: file.name.slice(0, 120), content_type: file.type, size: file.size } })
      .then(function (reply) {
        if (!reply.ok) refused(reply);
        var data = new FormData();
        Object.keys(reply.body.fields).forEach(function (name) { data.append(name, reply.body.fields[name]); });
        data.append("file", file);
        return fetch(reply.body.url, { method: "POST", body: data }).then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          if (current()) C.status(note, t.checking);
          return C.api("GET", "/claims/uploads/" + encodeURIComponent(reply.body.upload), { invite: token });
        });
      })
      .then(function (reply) {
        if (!current()) return;
        if (!reply.ok) refused(reply);
        box.dataset.upload = reply.body.upload;
        box.dataset.uploadName = file.name;
        C.status(note, t.uploaded, "ok");
        saveDraft();
      })
      .catch(function (error) {
        if (!current()) return;
        C.status(note, "");
        var fields = error.reply && error.reply.body && error.reply.body.error && error.reply.body.error.fields;
        refuseFile(input, fields && fields.length ? fields[0] : { text: error.reply ? refusalText(error.reply) : t.upload_failed });
      })
      .then(function () { if (current()) delete box.dataset.uploading; });
  }

  // A chosen file that is refused stays refused (its error is kept over a submit) until another is chosen
  function refuseFile(input, item) {
    input.setAttribute("data-sw-refused", "");
    fieldError(input, item);
    announce(say(item));  // it comes while the person may be elsewhere in the form
  }

  // --- errors next to their fields, in the page's language, each once ----------------------------------

  // A code with its parameters as a sentence: categories by their label, amounts as money
  function say(item) {
    if (item.text) return item.text;
    var name = item.field ? String(item.field).split(/[.\]]/).pop() : "";
    var template = t.errors[name + ":" + item.code] || t.errors[item.code] || t.errors.invalid;
    var values = {};
    Object.keys(item).forEach(function (param) { values[param] = item[param]; });
    var category = policy && policy.categories.filter(function (entry) { return entry.key === item.category; })[0];
    if (category) values.category = categoryLabel(category);
    ["limit", "amount", "total"].forEach(function (param) { if (item[param] !== undefined) values[param] = C.money(item[param]); });
    return fill(template, values);
  }

  function slotOf(control) {
    return control && document.getElementById(control.id + "-error");
  }

  // Show `item`'s sentence at `control` (once: the same sentence twice in one slot is said once)
  function fieldError(control, item) {
    var slot = slotOf(control);
    if (!slot) return false;
    if (payeeBody.hidden && payeeBody.contains(control)) showPayeeFields();  // a remembered payee the API refuses
    var text = say(item);
    var said = slot.textContent ? slot.textContent.split("\n") : [];
    if (said.indexOf(text) < 0) said.push(text);
    C.status(slot, said.join("\n"), "error");
    control.setAttribute("aria-invalid", "true");
    describedBy(control, slot.id, true);
    return true;
  }

  function clearError(control) {
    var slot = slotOf(control);
    if (!slot || !control.hasAttribute("aria-invalid")) return;
    C.status(slot, "");
    control.removeAttribute("aria-invalid");
    describedBy(control, slot.id, false);
    var shared = control.getAttribute("data-sw-shares-error");
    if (shared) { describedBy(control, shared, false); control.removeAttribute("data-sw-shares-error"); }
  }

  function clearErrors() {
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]:not([data-sw-refused])"), clearError);
    Array.prototype.forEach.call(form.querySelectorAll("[data-sw-line-status].sw-claims__status--error"), function (node) { C.status(node, ""); });
    C.status(formStatus, "");
  }

  // The control a field path of the API names ("payee.iban", "payee.address.town", "lines[1].route.from"),
  // when it is on the page and shown; else the line's or the form's status
  function placeOf(path, boxes) {
    var payee = /^payee\.(?:address\.)?(\w+)$/.exec(path);
    if (payee) {
      var found = payeeFields[payee[1]];
      return found && !found.control.disabled ? { control: found.control } : { general: true };
    }
    var line = /^lines(?:\[(\d+)\]|\.(\d+))(?:\.(.+))?$/.exec(path);
    var box = line && boxes[Number(line[1] || line[2])];
    if (!box) return { general: true };
    var parts = (line[3] || "").split(".");
    var name = parts[0] === "route" ? "route_" + (parts[1] === "to" ? "to" : "from") : parts[0];
    var control = name && box.querySelector("[data-sw-field=" + name + "] [name]");
    return control && !control.disabled ? { control: control } : { box: box };
  }

  // Every problem at its place, each sentence once; a limit over several lines is said at the first of them,
  // the others point to it; the form's status counts them and the first field gets the focus
  function showProblems(items, boxes) {
    var places = 0, first = null, general = [], said = {};
    items.forEach(function (item) {
      var place = placeOf(String(item.field || ""), boxes);
      var text = say(item);
      var shared = /_limit$/.test(item.code) ? item.code + "|" + item.category : null;
      if (place.control) {
        if (shared && said[shared]) {
          place.control.setAttribute("aria-invalid", "true");
          place.control.setAttribute("data-sw-shares-error", said[shared]);
          describedBy(place.control, said[shared], true);
        } else {
          fieldError(place.control, { text: text });
          if (shared) said[shared] = slotOf(place.control).id;
        }
        first = first || place.control;
        places += 1;
      } else if (place.box) {
        var note = place.box.querySelector("[data-sw-line-status]");
        var lines = note.classList.contains("sw-claims__status--error") ? note.textContent.split("\n") : [];
        if (lines.indexOf(text) < 0) lines.push(text);
        C.status(note, lines.join("\n"), "error");
        places += 1;
      } else if (general.indexOf(text) < 0) {
        general.push(text);
      }
    });
    var summary = places ? (places === 1 ? t.check_field : fill(t.check_fields, { count: places })) : "";
    C.status(formStatus, [summary].concat(general).filter(Boolean).join("\n"), "error");
    if (first) first.focus();
  }

  // The browser's own checks (required, formats, dates), said like the API's refusals; true when all pass
  function checkFields() {
    var items = [];
    Array.prototype.forEach.call(form.querySelectorAll("input, select, textarea"), function (control) {
      if (control.disabled || control.type === "radio" || control.type === "checkbox" || control.checkValidity()) return;
      var state = control.validity, item = null;
      if (state.valueMissing) item = { code: control.type === "file" ? "receipt_required" : "required" };
      else if (state.badInput) item = { code: control.type === "date" ? "invalid_date" : "invalid" };
      else if (state.rangeOverflow && control.type === "date") item = { code: "date_in_future" };
      else if (state.tooLong) item = { code: "too_long", max: control.maxLength };
      else if (state.patternMismatch) item = Object.assign({ field: control.name }, FORMATS[control.name] || { code: "invalid_format" });
      else item = { code: "invalid" };
      fieldError(control, item);
      items.push(control);
    });
    Array.prototype.forEach.call(linesBox.querySelectorAll("[data-sw-line]"), function (box) {
      var receipt = box.querySelector("[name=receipt]");
      if (!receipt.disabled && receipt.hasAttribute("data-sw-refused")) items.push(receipt);  // a refused file stays refused
    });
    if (!items.length) return true;
    C.status(formStatus, items.length === 1 ? t.check_field : fill(t.check_fields, { count: items.length }), "error");
    items[0].focus();
    return false;
  }

  // --- submitting ------------------------------------------------------------------------------------------

  function amount(text) {
    return (text || "").trim().replace(",", ".") || "0";
  }

  function submit(inputs) {
    clearErrors();
    var boxes = Array.prototype.slice.call(linesBox.querySelectorAll("[data-sw-line]"));
    if (boxes.some(function (box) { return box.dataset.uploading; })) { C.status(formStatus, t.wait_uploads, "error"); return; }
    if (!checkFields()) return;
    var kind = form.querySelector("input[name=kind]:checked").value;
    var body = {
      payee: {
        kind: kind, holder: inputs.holder.value.trim(), iban: inputs.iban.value.trim(),
        address: { street: inputs.street.value.trim(), postcode: inputs.postcode.value.trim(), town: inputs.town.value.trim(),
                   country: inputs.country.value.trim().toUpperCase() },
      },
      lines: boxes.map(function (box) {
        var value = function (name) { return box.querySelector("[name=" + name + "]").value.trim(); };
        var kind = lineKind(box).kind;
        var line = { date: value("date"), category: value("category"), description: value("description"), currency: policy.currency };
        if (kind === "receipt" || kind === "foreign") {
          line.currency = value("currency");
          // a new upload, else (correcting) the receipt already filed with that line of the claim
          line.receipt = box.dataset.upload || (correction && box.dataset.filed) || null;
        }
        if (kind === "receipt") { line.gross = amount(value("gross")); line.vat = amount(value("vat")); }
        if (kind === "foreign") { line.original_amount = amount(value("original_amount")); line.rate = amount(value("rate")); }
        if (kind === "mileage") { line.distance = amount(value("distance")); line.route = { from: value("route_from"), to: value("route_to") }; }
        if (kind === "per_diem") {
          line.until = value("until");
          if (line.until === line.date) line.hours = amount(value("hours"));
          if (!box.querySelector("[name=country]").disabled) line.country = value("country");
        }
        return line;  // no amount for priced lines: the server computes it
      }),
    };
    if (kind === "business") body.payee.vat_id = inputs.vat_id.value.trim();
    var corrected = correction;
    if (corrected) body.answer = form.querySelector("[name=answer]").value.trim() || undefined;
    C.status(formStatus, t.loading);
    submitButton.disabled = true;  // a double click sends one claim (the key makes a retry the same one anyway)
    var sent = corrected ? C.api("PUT", "/claims/" + encodeURIComponent(corrected.id), { invite: token, key: key, body: body })
                         : C.api("POST", "/claims", { invite: token, key: key, body: body });
    sent.then(function (reply) {
      submitButton.disabled = false;
      if (!reply.ok) {
        var fields = reply.body && reply.body.error && reply.body.error.fields;
        if (fields && fields.length) showProblems(fields, boxes);
        else C.status(formStatus, refusalText(reply), "error");
        return;
      }
      key = C.newKey();
      if (corrected) {
        endCorrection();
        C.status(formStatus, t.resubmitted, "ok");
        formTitle.focus();
      } else {
        C.status(formStatus, t.submitted, "ok");
        confirm(reply.body, inputs.holder.value.trim());
        keep(DRAFT + inviteId(), null);  // submitted: the draft is done with
        // the next claim: fresh lines; the payee (who is paid, where, which account) stays as it was
        boxes.forEach(function (box) { box.remove(); });
        addLine();
      }
      loadMine();
    });
  }

  // What was filed, as the server priced it: the reference, the lines, the total, where it is paid, what happens next
  function confirm(claim, holder) {
    done.textContent = "";
    done.appendChild(el("h2", {}, t.done_title));
    var reference = done.appendChild(el("p", { class: "sw-claims__reference" }, t.reference + ": "));
    reference.appendChild(el("strong", { "data-sw-reference": true }, claim.id));
    reference.appendChild(document.createTextNode(" – " + t.reference_hint));
    var list = C.table({ class: "sw-claims__table", "data-sw-summary": true }, [t.date, t.category, t.description, t.amount]);
    (claim.lines || []).forEach(function (line) {
      var category = policy.categories.filter(function (item) { return item.key === line.category; })[0];
      C.cells(list.body.appendChild(el("tr")), [C.day(line.date), category ? categoryLabel(category) : line.category,
                                                  line.description, C.money(line.gross)]);
    });
    var sum = list.body.appendChild(el("tr", { class: "sw-claims__sum" }));
    sum.appendChild(el("th", { scope: "row", colspan: "3" }, t.total));
    sum.appendChild(el("td", { "data-sw-total": true }, C.money(claim.total)));
    done.appendChild(list.table);
    if (claim.iban) done.appendChild(el("p", {}, t.paid_to + ": " + holder + ", " + claim.iban));
    done.appendChild(el("h3", {}, t.next_title));
    var next = done.appendChild(el("ul"));
    [t.next_review, t.next_pay, t.next_reject, t.next_more, remember.checked ? t.next_payee_remembered : t.next_payee_page]
      .forEach(function (text) { next.appendChild(el("li", {}, text)); });
    done.hidden = false;
    done.focus();
  }

  // Each status change of a claim with its date (with the question asked, the answer sent back, the reason of a
  // rejection): never who decided
  function statusSteps(steps) {
    var list = el("ol", { class: "sw-claims__history", "data-sw-history": true });
    steps.forEach(function (step) {
      var status = step.status || step.to;
      var notes = [[t.question, step.question], [t.answer, step.answer], [t.reason, step.reason]]
        .filter(function (pair) { return pair[1]; }).map(function (pair) { return " " + fill(t.step_note, { label: pair[0], text: pair[1] }); });
      list.appendChild(el("li", { "data-status": status }, (t["status_" + status] || status) + " – " + C.dateTime(step.at) + notes.join("")));
    });
    return list;
  }

  // --- own claims: status, finance's question, a correction sent back, withdrawal, print -----------------

  function loadMine() {
    C.api("GET", "/claims/mine", { invite: token }).then(function (reply) {
      mineBox.textContent = "";
      asksBox.textContent = "";
      if (!reply.ok) { mineBox.appendChild(el("p", { class: "sw-claims__status sw-claims__status--error" }, refusalText(reply))); return; }
      if (!reply.body.claims.length) { mineBox.appendChild(el("p", {}, t.none)); return; }
      reply.body.claims.filter(function (claim) { return claim.status === "needs_info"; }).forEach(function (claim) {
        asksBox.appendChild(questionBox(claim));
      });
      var list = C.table({ class: "sw-claims__table" }, [t.submitted_at, t.reference, t.total, t.status, t.reason, t.history, t.actions]);
      reply.body.claims.forEach(function (claim) {
        var tr = list.body.appendChild(C.cells(el("tr", { "data-claim": claim.id, "data-status": claim.status }),
          [C.dateTime(claim.submitted_at), claim.id, C.money(claim.total), t["status_" + claim.status] || claim.status, claim.reason || ""]));
        tr.children[1].className = "sw-claims__ref";
        tr.appendChild(el("td")).appendChild(statusSteps(claim.history || []));
        tr.appendChild(actions(claim));
      });
      mineBox.appendChild(C.cards(list.table));  // on a phone each claim a card: its actions stay on screen
    });
  }

  // Finance's question on a claim, with the way to answer it: correct the claim in the form and send it back
  function questionBox(claim) {
    var box = el("section", { class: "sw-claims__asked", "data-sw-question": claim.id, "aria-labelledby": "sw-asked-" + claim.id });
    box.appendChild(el("h3", { id: "sw-asked-" + claim.id }, fill(t.question_title, { reference: claim.id })));
    box.appendChild(el("p", { class: "sw-claims__question" }, claim.question || ""));
    var answer = box.appendChild(el("button", { type: "button", class: "md-button md-button--primary", "data-sw-correct": claim.id },
                                    t.correct));
    answer.addEventListener("click", function () { startCorrection(claim); });
    return box;
  }

  // A claim's own actions: print it; withdraw it while finance has not decided (after a confirmation)
  function actions(claim) {
    var cell = el("td", { class: "sw-claims__row-actions" });
    cell.appendChild(el("a", { href: "?print=" + encodeURIComponent(claim.id), "data-sw-print": claim.id,
                               "aria-label": fill(t.print_label, { reference: claim.id }) }, t.print));
    if (claim.status !== "submitted" && claim.status !== "needs_info") return cell;
    var withdraw = cell.appendChild(el("button", { type: "button", class: "md-button", "data-sw-withdraw": claim.id,
                                                   "aria-label": fill(t.withdraw_label, { reference: claim.id }) }, t.withdraw));
    var ask = cell.appendChild(el("div", { class: "sw-claims__confirm", "data-sw-withdraw-confirm": claim.id, hidden: true }));
    var prompt = ask.appendChild(el("p", { id: "sw-withdraw-" + claim.id }, fill(t.withdraw_confirm, { reference: claim.id })));
    var yes = ask.appendChild(el("button", { type: "button", class: "md-button md-button--primary", "data-sw-withdraw-yes": true,
                                             "aria-describedby": prompt.id }, t.withdraw_yes));
    var no = ask.appendChild(el("button", { type: "button", class: "md-button", "data-sw-withdraw-no": true }, t.withdraw_no));
    withdraw.addEventListener("click", function () { withdraw.hidden = true; ask.hidden = false; yes.focus(); });
    no.addEventListener("click", function () { ask.hidden = true; withdraw.hidden = false; withdraw.focus(); });
    yes.addEventListener("click", function () {
      yes.disabled = true;
      C.api("POST", "/claims/" + encodeURIComponent(claim.id) + "/withdraw", { invite: token }).then(function (reply) {
        yes.disabled = false;
        if (!reply.ok) { C.status(mineStatus, refusalText(reply), "error"); return; }
        if (correction && correction.id === claim.id) endCorrection();
        C.status(mineStatus, fill(t.withdrawn, { reference: claim.id }), "ok");
        loadMine();
      });
    });
    return cell;
  }

  // The form takes the claim finance asked about: its lines (receipts already filed stay unless replaced),
  // the question, a field for the answer; sent back with PUT; the draft of a new claim waits meanwhile
  function startCorrection(claim) {
    correction = claim;
    key = C.newKey();
    clearErrors();
    done.hidden = true;
    Array.prototype.forEach.call(linesBox.querySelectorAll("[data-sw-line]"), function (box) { box.remove(); });
    (claim.lines || []).forEach(function (line) {
      fillLine(addLine(), {
        category: line.category, date: line.date, until: line.until, hours: local(line.hours), country: line.country,
        description: line.description, distance: local(line.distance), currency: line.original_currency || line.currency,
        route_from: line.route && line.route.from, route_to: line.route && line.route.to,
        original_amount: local(line.original_amount), rate: local(line.rate), gross: local(line.gross), vat: local(line.vat),
        filed: line.receipt_id,  // the upload id its receipt was filed under: sent again, the receipt stays
      });
    });
    if (!linesBox.children.length) addLine();
    var box = el("div", { class: "sw-claims__correction", "data-sw-correction": claim.id });
    box.appendChild(el("p", { class: "sw-claims__question" }, t.question + ": " + (claim.question || "")));
    box.appendChild(el("p", {}, fill(t.correct_payee, { iban: claim.iban || "" })));
    var answer = el("textarea", { name: "answer", maxlength: "1000", rows: "3" });
    var field = box.appendChild(C.field(t.answer_field, answer));
    withError(field, answer, "answer");
    var cancel = box.appendChild(el("button", { type: "button", class: "md-button", "data-sw-correction-cancel": true }, t.correct_cancel));
    cancel.addEventListener("click", function () { endCorrection(); formTitle.focus(); });
    form.insertBefore(box, form.firstChild);
    formTitle.textContent = fill(t.correct_title, { reference: claim.id });
    submitButton.textContent = t.resubmit;
    formTitle.focus();
  }

  // Back to a new claim: the correction's box and lines go, the draft of a new claim comes back
  function endCorrection() {
    correction = null;
    key = C.newKey();
    clearErrors();
    var box = form.querySelector("[data-sw-correction]");
    if (box) box.remove();
    Array.prototype.forEach.call(linesBox.querySelectorAll("[data-sw-line]"), function (line) { line.remove(); });
    formTitle.textContent = t.new_claim;
    submitButton.textContent = t.submit;
    restoreDraft();
  }
})();
