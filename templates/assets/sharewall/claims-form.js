/* Claim form (influencer): the invite token comes from the link (#invite=…) and is kept for this browser
   session (sessionStorage; a new tab asks an open one), never left in the address bar. The page follows the
   invite's language. Payee, lines with a receipt each, uploaded straight to S3 with a presigned POST and
   checked by its bytes at once; submitted once per Idempotency-Key. Every refusal (the browser's checks and
   the API's `fields` codes) is said in the page's language next to its field, once. After submitting: the
   reference, what was filed, what happens next; the payee stays filled in for the next claim. */
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

  // --- the invite: from the link once, then from this tab's session (or another open tab of ours) ---------

  var channel = "BroadcastChannel" in window ? new BroadcastChannel(STORE) : null;
  var token = (new URLSearchParams(location.hash.slice(1))).get("invite");
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
      var elsewhere = language !== C.lang && stored && pageIn(language);
      if (elsewhere) { location.replace(elsewhere); return; }  // the token stays in this tab's session, not in the URL
      policy = reply.body.policy;
      C.status(intro, fill(t.hello, { name: reply.body.name, campaign: C.campaignName(reply.body.campaign_name, reply.body.campaign),
                                      until: C.date(reply.body.expires_at) }));
      build();
      loadMine();
    });
  });

  var form, linesBox, formStatus, mineBox, payeeFields, done;

  // --- building the form ---------------------------------------------------------------------------------

  // A field's error slot next to it, tied to the control (aria-describedby) while it holds an error
  function withError(wrapper, control, name) {
    var slot = C.statusLine({ id: control.id + "-error", "data-sw-error": name });
    wrapper.appendChild(slot);
    return slot;
  }

  function describedBy(control, id, on) {
    var ids = (control.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (item) { return item && item !== id; });
    if (on) ids.push(id);
    if (ids.length) control.setAttribute("aria-describedby", ids.join(" ")); else control.removeAttribute("aria-describedby");
  }

  function build() {
    var limits = el("div", { class: "sw-claims__policy" });
    limits.appendChild(el("p", {}, t.policy));
    var list = limits.appendChild(el("ul"));
    policy.categories.forEach(function (category) {
      list.appendChild(el("li", {}, categoryLabel(category) + ": " +
        C.money(category.limit) + " (" + (category.receipt ? t.receipt_needed : t.no_receipt) + ")" + rateText(category)));
    });
    root.appendChild(limits);
    done = root.appendChild(el("section", { class: "sw-claims__done", "data-sw-confirmation": true, tabindex: "-1", hidden: true }));

    form = el("form", { class: "sw-claims__form", "data-sw-claim-form": true, novalidate: true });
    var payee = el("fieldset", { class: "sw-claims__payee" });
    payee.appendChild(el("legend", {}, t.payee));
    var kinds = el("div", { class: "sw-field sw-field--choice", role: "radiogroup", "aria-label": t.kind });
    ["private", "business"].forEach(function (kind) {
      var label = el("label");
      var input = el("input", { type: "radio", name: "kind", value: kind, checked: kind === "private" });
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + t[kind]));
      kinds.appendChild(label);
    });
    payee.appendChild(kinds);
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
      var wrapper = payee.appendChild(C.field(t[name], inputs[name]));
      payeeFields[name] = { control: inputs[name], slot: withError(wrapper, inputs[name], "payee." + name) };
    });
    var vatField = inputs.vat_id.parentNode;
    vatField.hidden = true;
    inputs.vat_id.disabled = true;
    kinds.addEventListener("change", function () {
      var business = form.querySelector("input[name=kind]:checked").value === "business";
      vatField.hidden = !business;
      inputs.vat_id.disabled = !business;
      inputs.vat_id.required = business;
    });
    form.appendChild(payee);

    var linesSet = el("fieldset", { class: "sw-claims__lines" });
    linesSet.appendChild(el("legend", {}, t.lines));
    linesBox = linesSet.appendChild(el("div"));
    var add = el("button", { type: "button", class: "md-button", "data-sw-add-line": true }, t.add);
    add.addEventListener("click", function () { addLine(); });
    linesSet.appendChild(add);
    form.appendChild(linesSet);
    addLine();

    form.appendChild(el("button", { type: "submit", class: "md-button md-button--primary" }, t.submit));
    formStatus = form.appendChild(C.statusLine({ "data-sw-claim-status": true }, "div"));
    form.addEventListener("submit", function (event) { event.preventDefault(); submit(inputs); });
    // a corrected field loses its error at once
    form.addEventListener("input", function (event) { clearError(event.target); });
    form.addEventListener("change", function (event) { if (event.target.type !== "file") clearError(event.target); });
    root.appendChild(form);

    root.appendChild(el("h2", {}, t.mine));
    mineBox = root.appendChild(el("div", { "data-sw-mine": true }));
  }

  // Mileage and per-diem categories name their rates in the policy list
  function rateText(category) {
    if (category.kind === "mileage") return " – " + category.rate + " EUR " + t.per_km;  // up to 3 decimals, as the policy says
    if (category.kind !== "per_diem") return "";
    return Object.keys(policy.per_diem).map(function (country) {
      var rates = policy.per_diem[country];
      return " – " + country + ": " + C.money(rates.full) + " / " + C.money(rates.partial) + " " + t.per_day;
    }).join("");
  }

  function renumber() {
    Array.prototype.forEach.call(linesBox.querySelectorAll("[data-sw-line] > h3"), function (heading, index) {
      heading.textContent = t.line + " " + (index + 1);
    });
  }

  function addLine() {
    var box = el("div", { class: "sw-claims__line", "data-sw-line": true });
    var number = linesBox.children.length + 1;
    box.appendChild(el("h3", {}, t.line + " " + number));
    var category = el("select", { name: "category", required: true });
    policy.categories.forEach(function (item) {
      category.appendChild(el("option", { value: item.key }, categoryLabel(item)));
    });
    var today = new Date();
    var inputs = {
      category: category,
      date: el("input", { name: "date", type: "date", required: true, max: today.toISOString().slice(0, 10) }),
      until: el("input", { name: "until", type: "date", required: true, max: today.toISOString().slice(0, 10) }),
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
    var note = box.appendChild(C.statusLine({ "data-sw-line-status": true }));
    var refresh = function () { showKind(box, inputs, computed); };
    ["change", "input"].forEach(function (type) { box.addEventListener(type, refresh); });
    refresh();
    if (number > 1) {
      var remove = el("button", { type: "button", class: "md-button" }, t.remove);
      remove.addEventListener("click", function () { box.remove(); renumber(); });
      box.appendChild(remove);
    }
    inputs.receipt.addEventListener("change", function () { upload(box, inputs.receipt, note); });
    linesBox.appendChild(box);
    return box;
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
    Object.keys(inputs).forEach(function (name) {
      var visible = shown.indexOf(name) >= 0 && !(name === "hours" && !single) &&
                    !(name === "country" && inputs.country.options.length < 2);
      inputs[name].parentNode.hidden = !visible;
      inputs[name].disabled = !visible;
    });
    box.querySelector("label[for=" + inputs.date.id + "]").textContent = found.kind === "per_diem" ? t.first_day : t.date;
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
        C.status(note, t.uploaded, "ok");
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
    Array.prototype.forEach.call(form.querySelectorAll("input, select"), function (control) {
      if (control.disabled || control.type === "radio" || control.checkValidity()) return;
      var state = control.validity, item = null;
      if (state.valueMissing) item = { code: "required" };
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
          line.receipt = box.dataset.upload || null;
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
    C.status(formStatus, t.loading);
    C.api("POST", "/claims", { invite: token, key: key, body: body }).then(function (reply) {
      if (!reply.ok) {
        var fields = reply.body && reply.body.error && reply.body.error.fields;
        if (fields && fields.length) showProblems(fields, boxes);
        else C.status(formStatus, refusalText(reply), "error");
        return;
      }
      C.status(formStatus, t.submitted, "ok");
      confirm(reply.body, inputs.holder.value.trim());
      key = C.newKey();
      // the next claim: fresh lines; the payee (who is paid, where, which account) stays as it was
      boxes.forEach(function (box) { box.remove(); });
      addLine();
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
      C.cells(list.body.appendChild(el("tr")), [C.date(line.date), category ? categoryLabel(category) : line.category,
                                                  line.description, C.money(line.gross)]);
    });
    var sum = list.body.appendChild(el("tr", { class: "sw-claims__sum" }));
    sum.appendChild(el("th", { scope: "row", colspan: "3" }, t.total));
    sum.appendChild(el("td", { "data-sw-total": true }, C.money(claim.total)));
    done.appendChild(list.table);
    if (claim.iban) done.appendChild(el("p", {}, t.paid_to + ": " + holder + ", " + claim.iban));
    done.appendChild(el("h3", {}, t.next_title));
    var next = done.appendChild(el("ul"));
    [t.next_review, t.next_pay, t.next_reject, t.next_more].forEach(function (text) { next.appendChild(el("li", {}, text)); });
    done.hidden = false;
    done.focus();
  }

  // Each status change of a claim with its date (and, on rejection, the reason): never who decided
  function statusSteps(steps) {
    var list = el("ol", { class: "sw-claims__history", "data-sw-history": true });
    steps.forEach(function (step) {
      list.appendChild(el("li", { "data-status": step.status }, (t["status_" + step.status] || step.status) + " – " +
                          C.dateTime(step.at) + (step.reason ? " (" + t.reason + ": " + step.reason + ")" : "")));
    });
    return list;
  }

  function loadMine() {
    C.api("GET", "/claims/mine", { invite: token }).then(function (reply) {
      mineBox.textContent = "";
      if (!reply.ok) { mineBox.appendChild(el("p", { class: "sw-claims__status sw-claims__status--error" }, refusalText(reply))); return; }
      if (!reply.body.claims.length) { mineBox.appendChild(el("p", {}, t.none)); return; }
      var list = C.table({ class: "sw-claims__table" }, [t.submitted_at, t.reference, t.total, t.status, t.reason, t.history]);
      reply.body.claims.forEach(function (claim) {
        var tr = list.body.appendChild(C.cells(el("tr", { "data-claim": claim.id, "data-status": claim.status }),
          [C.dateTime(claim.submitted_at), claim.id, C.money(claim.total), t["status_" + claim.status] || claim.status, claim.reason || ""]));
        tr.children[1].className = "sw-claims__ref";
        tr.appendChild(el("td")).appendChild(statusSteps(claim.history || []));
      });
      mineBox.appendChild(list.table);
    });
  }
})();
