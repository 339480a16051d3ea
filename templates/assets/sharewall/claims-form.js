/* Claim form (influencer): the invite token comes from the link (#invite=…). Payee, lines with a
   receipt each, uploaded straight to S3 with a presigned POST; submitted once per Idempotency-Key;
   the influencer's own claims and their status below. */
(function () {
  "use strict";

  var C = window.SharewallClaims;
  var root = document.querySelector("[data-sw-claim]");
  if (!C || !root) return;
  var t = C.strings({
    de: {
      no_invite: "Dieser Link enthält keine Einladung. Öffne den Link aus deiner Einladung.", loading: "Lädt …",
      hello: "Hallo {name}! Hier reichst du Auslagen für „{campaign}“ ein. Die Einladung gilt bis {until}.",
      policy: "Erstattet werden Auslagen – kein Honorar. Je Abrechnung höchstens:", receipt_needed: "Beleg nötig",
      no_receipt: "ohne Beleg", payee: "Zahlungsempfänger", kind: "Ich bin", private: "Privatperson", business: "Unternehmen",
      holder: "Kontoinhaber/in", street: "Straße und Hausnummer", postcode: "PLZ", town: "Ort", country: "Land (ISO, z. B. DE)",
      iban: "IBAN", vat_id: "USt-IdNr.", lines: "Auslagen", date: "Datum", category: "Kategorie", description: "Beschreibung",
      gross: "Betrag brutto", currency: "Währung", vat: "davon USt", receipt: "Beleg (PDF, JPEG, PNG, bis 10 MB)",
      add: "Weitere Auslage", remove: "Auslage entfernen", submit: "Abrechnung einreichen", uploading: "Lädt hoch …",
      uploaded: "Beleg hochgeladen.", upload_failed: "Hochladen fehlgeschlagen:", too_big: "Die Datei ist größer als 10 MB.",
      bad_type: "Nur PDF, JPEG oder PNG.", wait_uploads: "Warte, bis alle Belege hochgeladen sind.",
      submitted: "Danke! Deine Abrechnung ist eingereicht.", mine: "Deine Abrechnungen", none: "Noch keine Abrechnungen.",
      status_submitted: "eingereicht", status_approved: "genehmigt", status_rejected: "abgelehnt", status_paid: "bezahlt",
      status_in_payment: "in Zahlung", history: "Verlauf",
      total: "Summe", submitted_at: "Eingereicht", status: "Status", reason: "Begründung", line: "Auslage",
      distance: "Strecke in km", route_from: "Von (Ort)", route_to: "Nach (Ort)", first_day: "Erster Reisetag",
      until: "Letzter Reisetag", hours: "Stunden unterwegs (nur bei einem Reisetag)", country: "Land der Reise",
      original_amount: "Betrag laut Beleg", rate: "Kurs am Tag der Ausgabe (EUR je Einheit, z. B. 1,0685)",
      computed: "Betrag (berechnet)", per_km: "je km", per_day: "je Reisetag, An- und Abreisetag",
      short_day: "Ein einzelner Reisetag zählt erst ab mehr als 8 Stunden.", rate_checked: "Die Buchhaltung prüft den Kurs.",
    },
    en: {
      no_invite: "This link holds no invite. Open the link from your invitation.", loading: "Loading …",
      hello: "Hello {name}! Claim your expenses for “{campaign}” here. The invite is valid until {until}.",
      policy: "We reimburse expenses – no fees. At most per claim:", receipt_needed: "receipt needed",
      no_receipt: "no receipt needed", payee: "Payee", kind: "I am", private: "a private person", business: "a business",
      holder: "Account holder", street: "Street and number", postcode: "Postcode", town: "Town", country: "Country (ISO, e.g. DE)",
      iban: "IBAN", vat_id: "VAT id", lines: "Expenses", date: "Date", category: "Category", description: "Description",
      gross: "Gross amount", currency: "Currency", vat: "of which VAT", receipt: "Receipt (PDF, JPEG, PNG, up to 10 MB)",
      add: "Add an expense", remove: "Remove expense", submit: "Submit claim", uploading: "Uploading …",
      uploaded: "Receipt uploaded.", upload_failed: "Upload failed:", too_big: "The file is larger than 10 MB.",
      bad_type: "PDF, JPEG or PNG only.", wait_uploads: "Wait until all receipts are uploaded.",
      submitted: "Thank you! Your claim is submitted.", mine: "Your claims", none: "No claims yet.",
      status_submitted: "submitted", status_approved: "approved", status_rejected: "rejected", status_paid: "paid",
      status_in_payment: "in payment", history: "History",
      total: "Total", submitted_at: "Submitted", status: "Status", reason: "Reason", line: "Expense",
      distance: "Distance in km", route_from: "From (town)", route_to: "To (town)", first_day: "First travel day",
      until: "Last travel day", hours: "Hours away (single travel day only)", country: "Country of travel",
      original_amount: "Amount on the receipt", rate: "Rate on the day of the expense (EUR per unit, e.g. 1.0685)",
      computed: "Amount (computed)", per_km: "per km", per_day: "per travel day, arrival and departure day",
      short_day: "A single travel day counts only beyond 8 hours.", rate_checked: "Finance checks the rate.",
    },
  });
  var TYPES = { "application/pdf": true, "image/jpeg": true, "image/png": true };
  var MAX = 10 * 1024 * 1024;
  var el = C.element;
  var STORE = "sharewall.invite";

  var token = (new URLSearchParams(location.hash.slice(1))).get("invite");
  try {
    if (token) window.sessionStorage.setItem(STORE, token); else token = window.sessionStorage.getItem(STORE);
  } catch (error) { /* private mode: the hash still works */ }
  if (token && location.hash) window.history.replaceState(null, "", location.pathname + location.search);  // keep it out of history

  var intro = root.appendChild(C.statusLine());
  if (!token) { C.status(intro, t.no_invite, "error"); return; }
  var policy = null;
  var key = C.newKey();  // one per claim being filled in: a retried submit is the same claim

  // A policy category's name in the page's language, else English, else its key
  function categoryLabel(category) {
    return category.label[C.lang] || category.label.en || category.key;
  }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, name) { return values[name]; });
  }

  C.status(intro, t.loading);
  C.api("GET", "/claims/invite", { invite: token }).then(function (reply) {
    if (!reply.ok) { C.status(intro, C.errorText(reply), "error"); return; }
    policy = reply.body.policy;
    C.status(intro, fill(t.hello, { name: reply.body.name, campaign: C.campaignName(reply.body.campaign_name, reply.body.campaign),
                                    until: C.date(reply.body.expires_at) }));
    build();
    loadMine();
  });

  var form, linesBox, formStatus, mineBox;

  function build() {
    var limits = el("div", { class: "sw-claims__policy" });
    limits.appendChild(el("p", {}, t.policy));
    var list = limits.appendChild(el("ul"));
    policy.categories.forEach(function (category) {
      list.appendChild(el("li", {}, categoryLabel(category) + ": " +
        C.money(category.limit) + " (" + (category.receipt ? t.receipt_needed : t.no_receipt) + ")" + rateText(category)));
    });
    root.appendChild(limits);

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
    Object.keys(inputs).forEach(function (name) { payee.appendChild(C.field(t[name], inputs[name])); });
    var vatField = inputs.vat_id.parentNode;
    vatField.hidden = true;
    kinds.addEventListener("change", function () {
      var business = form.querySelector("input[name=kind]:checked").value === "business";
      vatField.hidden = !business;
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

  function addLine() {
    var box = el("div", { class: "sw-claims__line", "data-sw-line": true });
    var number = linesBox.children.length + 1;
    box.appendChild(el("h3", {}, t.line + " " + number));
    var category = el("select", { name: "category", required: true });
    policy.categories.forEach(function (item) {
      category.appendChild(el("option", { value: item.key }, categoryLabel(item)));
    });
    var today = new Date();
    var AMOUNT = "\\d{1,9}([.,]\\d{1,2})?";
    var inputs = {
      category: category,
      date: el("input", { name: "date", type: "date", required: true, max: today.toISOString().slice(0, 10) }),
      until: el("input", { name: "until", type: "date", required: true, max: today.toISOString().slice(0, 10) }),
      hours: el("input", { name: "hours", required: true, inputmode: "decimal", pattern: "\\d{1,2}([.,]\\d{1,2})?", placeholder: "9" }),
      country: el("select", { name: "country" }),
      description: el("input", { name: "description", required: true, maxlength: "140" }),
      distance: el("input", { name: "distance", required: true, inputmode: "decimal", pattern: "\\d{1,4}([.,]\\d)?", placeholder: "0,0" }),
      route_from: el("input", { name: "route_from", required: true, maxlength: "70" }),
      route_to: el("input", { name: "route_to", required: true, maxlength: "70" }),
      currency: el("select", { name: "currency" }),
      original_amount: el("input", { name: "original_amount", required: true, inputmode: "decimal", pattern: AMOUNT, placeholder: "0,00" }),
      rate: el("input", { name: "rate", required: true, inputmode: "decimal", pattern: "\\d{1,6}([.,]\\d{1,6})?", placeholder: "1,0000" }),
      gross: el("input", { name: "gross", required: true, inputmode: "decimal", pattern: AMOUNT, placeholder: "0,00" }),
      vat: el("input", { name: "vat", inputmode: "decimal", pattern: AMOUNT, placeholder: "0,00" }),
      receipt: el("input", { name: "receipt", type: "file", accept: "application/pdf,image/jpeg,image/png" }),
    };
    [policy.currency].concat(policy.receipt_currencies || []).forEach(function (code) {
      inputs.currency.appendChild(el("option", { value: code }, code));
    });
    Object.keys(policy.per_diem || {}).forEach(function (code) { inputs.country.appendChild(el("option", { value: code }, code)); });
    Object.keys(inputs).forEach(function (name) {
      var wrapper = box.appendChild(C.field(t[name], inputs[name]));
      wrapper.setAttribute("data-sw-field", name);
      wrapper.appendChild(C.statusLine({ "data-sw-error": name }));  // the API's refusal of this field, next to it
    });
    var computed = box.appendChild(el("p", { class: "sw-claims__computed", "data-sw-computed": true, "aria-live": "polite" }));
    var note = box.appendChild(C.statusLine({ "data-sw-line-status": true }));
    var refresh = function () { showKind(box, inputs, computed); };
    ["change", "input"].forEach(function (type) { box.addEventListener(type, refresh); });
    refresh();
    if (number > 1) {
      var remove = el("button", { type: "button", class: "md-button" }, t.remove);
      remove.addEventListener("click", function () { box.remove(); });
      box.appendChild(remove);
    }
    inputs.receipt.addEventListener("change", function () { upload(box, inputs.receipt, note); });
    linesBox.appendChild(box);
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

  // Presigned POST: the API says where and under which policy; the file goes straight to S3
  function upload(box, input, note) {
    delete box.dataset.upload;
    var file = input.files[0];
    if (!file) return;
    if (!TYPES[file.type]) { C.status(note, t.bad_type, "error"); return; }
    if (file.size > MAX || file.size === 0) { C.status(note, t.too_big, "error"); return; }
    box.dataset.uploading = "1";
    C.status(note, t.uploading);
    C.api("POST", "/claims/uploads", { invite: token, body: { filename: file.name.slice(0, 120), content_type: file.type, size: file.size } })
      .then(function (reply) {
        if (!reply.ok) throw new Error(C.errorText(reply));
        var data = new FormData();
        Object.keys(reply.body.fields).forEach(function (name) { data.append(name, reply.body.fields[name]); });
        data.append("file", file);
        return fetch(reply.body.url, { method: "POST", body: data }).then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          box.dataset.upload = reply.body.upload;
          C.status(note, t.uploaded, "ok");
        });
      })
      .catch(function (error) { C.status(note, t.upload_failed + " " + error.message, "error"); })
      .then(function () { delete box.dataset.uploading; });
  }

  function amount(text) {
    return (text || "").trim().replace(",", ".") || "0";
  }

  function submit(inputs) {
    Array.prototype.forEach.call(form.querySelectorAll("[data-sw-line-status].sw-claims__status--error, [data-sw-error]"), function (node) { C.status(node, ""); });
    if (!form.reportValidity()) return;
    var boxes = Array.prototype.slice.call(linesBox.querySelectorAll("[data-sw-line]"));
    if (boxes.some(function (box) { return box.dataset.uploading; })) { C.status(formStatus, t.wait_uploads, "error"); return; }
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
      if (!reply.ok) { showErrors(reply, boxes); return; }
      C.status(formStatus, t.submitted, "ok");
      key = C.newKey();
      form.reset();
      boxes[0].dispatchEvent(new Event("change"));  // the first line's fields follow its reset category
      boxes.slice(1).forEach(function (box) { box.remove(); });
      delete boxes[0].dataset.upload;
      C.status(boxes[0].querySelector("[data-sw-line-status]"), "");
      loadMine();
    });
  }

  // The API names each problem "lines[i].field: message" (policy) or "lines.i.field: …" (format)
  function showErrors(reply, boxes) {
    var message = C.errorText(reply);
    var general = [];
    message.split("; ").forEach(function (part) {
      var match = /^lines(?:\[(\d+)\]|\.(\d+))\.?([\w.]*):\s*(.*)$/.exec(part);
      var index = match ? Number(match[1] || match[2]) : -1;
      var field = match && boxes[index] && fieldError(boxes[index], match[3]);
      if (field) {
        C.status(field, (field.textContent ? field.textContent + " " : "") + match[4], "error");
      } else if (match && boxes[index]) {
        var note = boxes[index].querySelector("[data-sw-line-status]");
        C.status(note, (note.classList.contains("sw-claims__status--error") ? note.textContent + " " : "") + (match[3] ? match[3] + ": " : "") + match[4], "error");
      } else {
        general.push(part);
      }
    });
    C.status(formStatus, general.length ? general.join("; ") : message, "error");
  }

  // The error slot next to the field the API named ("route.from" -> route_from), when that field is shown
  function fieldError(box, path) {
    var parts = path.split(".");
    var name = parts[0] === "route" ? "route_" + (parts[1] === "to" ? "to" : "from") : parts[0];
    var slot = box.querySelector("[data-sw-error=" + name + "]");
    return slot && !slot.parentNode.hidden ? slot : null;
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
      if (!reply.ok) { mineBox.appendChild(el("p", { class: "sw-claims__status sw-claims__status--error" }, C.errorText(reply))); return; }
      if (!reply.body.claims.length) { mineBox.appendChild(el("p", {}, t.none)); return; }
      var list = C.table({ class: "sw-claims__table" }, [t.submitted_at, t.total, t.status, t.reason, t.history]);
      reply.body.claims.forEach(function (claim) {
        var tr = list.body.appendChild(C.cells(el("tr", { "data-claim": claim.id, "data-status": claim.status }),
          [C.dateTime(claim.submitted_at), C.money(claim.total), t["status_" + claim.status] || claim.status, claim.reason || ""]));
        tr.appendChild(el("td")).appendChild(statusSteps(claim.history || []));
      });
      mineBox.appendChild(list.table);
    });
  }
})();
