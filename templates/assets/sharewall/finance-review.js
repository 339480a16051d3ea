/* Finance page: claims by status with totals, one claim with its lines, flags, receipts (short-lived
   links) and audit trail; approve, reject with a reason, mark paid; CSV export. Payment runs (the SEPA
   files) are finance-runs.js's section of the same page. */
(function () {
  "use strict";

  var C = window.SharewallClaims;
  var root = document.querySelector("[data-sw-finance]");
  if (!C || !root) return;
  var t = C.strings("finance_review");
  var STATUSES = ["submitted", "approved", "in_payment", "rejected", "paid"];
  var el = C.element;
  // A wide table scrolls inside its own box on a narrow screen instead of widening the page
  function scrolling(table) {
    var box = C.element("div", { class: "sw-claims__scroll" });
    box.style.overflowX = "auto";  // CSSOM, not a style attribute: the pages' CSP allows it
    box.appendChild(table);
    return box;
  }
  var current = "submitted";
  var cursor = null;      // where the next page of `current` starts; null: nothing follows
  var request = 0;        // the latest list request: older answers (another tab, a reload) are dropped
  var loadingMore = false;
  var categories = {};    // key -> label {de, en}, from the published expense policy
  var claimPage = new URL(root.getAttribute("data-claim-page"), location.href);
  // the site's root (the German build; the English one lives under en/): where the build publishes sharewall/*.json
  var homes = ((window.Sharewall || {}).config || {}).ui && window.Sharewall.config.ui.homes;
  var rootPath = claimPage.pathname.replace(/claim\/$/, "");
  if (C.lang === "en") rootPath = rootPath.replace(/en\/$/, "");
  var siteRoot = homes && homes.de ? new URL(homes.de, location.href) : new URL(rootPath, claimPage);

  var status = root.appendChild(C.statusLine());
  var tabs = root.appendChild(el("div", { class: "sw-claims__tabs", role: "group", "aria-label": t.detail }));
  var summary = root.appendChild(el("p", { class: "sw-claims__summary", "data-sw-summary": true }));
  var claims = C.table({ class: "sw-claims__table", "data-sw-claims": true },
                       [t.date, t.payee, t.iban, t.campaign, t.total, t.flags, t.decided_by, ""]);
  var decidedHead = claims.table.querySelectorAll("th")[6];
  root.appendChild(scrolling(claims.table));
  var tbody = claims.body;
  var more = root.appendChild(el("button", { type: "button", class: "md-button", hidden: true, "data-sw-more": true }, t.more));
  var exportsBox = root.appendChild(el("div", { class: "sw-claims__exports" }));
  exportsBox.appendChild(el("h2", {}, t.exports));
  exportsBox.appendChild(el("p", {}, t.exports_intro));
  var csvButton = exportsBox.appendChild(el("button", { type: "button", class: "md-button", "data-sw-export": "csv" }, t.export_csv));
  var csvGermanButton = exportsBox.appendChild(el("button", { type: "button", class: "md-button", "data-sw-export": "csv-de" }, t.export_csv_de));
  var exportStatus = exportsBox.appendChild(C.statusLine());
  var detail = root.appendChild(el("section", { class: "sw-claims__detail", "data-sw-detail": true, hidden: true, tabindex: "-1" }));

  var tabButtons = {};
  STATUSES.forEach(function (name) {
    var button = el("button", { type: "button", class: "md-button", "data-sw-status": name, "aria-pressed": String(name === current) }, t[name]);
    button.addEventListener("click", function () { select(name); });
    tabButtons[name] = button;
    tabs.appendChild(button);
  });

  csvButton.addEventListener("click", function () { exportFile("/claims/export.csv?status=approved", "claims.csv"); });
  csvGermanButton.addEventListener("click", function () { exportFile("/claims/export.csv?status=approved&dialect=de", "claims-de.csv"); });
  document.addEventListener("sharewall:claims-changed", function () { load(false); });  // a payment run moved claims

  // One export saved as a file; a refusal stays in the exports' status line
  function exportFile(path, name) {
    C.status(exportStatus, t.loading);
    C.download(path, name).then(function (reply) {
      if (reply.ok) C.status(exportStatus, ""); else C.refuse(reply, exportStatus, t.refusals, t.signin_link);
    });
  }

  function select(name) {
    current = name;
    STATUSES.forEach(function (other) { tabButtons[other].setAttribute("aria-pressed", String(other === name)); });
    load(false);
  }

  // The first page of `current` (append false: replaces the rows) or the page after the last one shown.
  // A click while the next page is on its way, or with nothing following, does nothing: no row twice.
  function load(append) {
    if (!C.staffToken()) { C.signInHint(status, t.signin, t.signin_link); return; }
    if (append && (!cursor || loadingMore)) return;
    var mine = ++request;
    loadingMore = append;
    more.disabled = true;
    if (!append) { cursor = null; more.hidden = true; }
    C.status(status, t.loading);
    var query = "?status=" + current + (append ? "&cursor=" + encodeURIComponent(cursor) : "");
    C.api("GET", "/claims" + query).then(function (reply) {
      if (mine !== request) return;  // another tab or a reload was asked for since
      loadingMore = false;
      more.disabled = false;
      if (!reply.ok) { C.refuse(reply, status, t.refusals, t.signin_link); return; }
      C.status(status, "");
      if (!append) tbody.textContent = "";
      STATUSES.forEach(function (name) {
        var totals = reply.body.totals[name];
        tabButtons[name].textContent = t[name] + " (" + C.format.number(totals.count) + ")";
      });
      var totals = reply.body.totals[current];
      summary.textContent = C.format.plural(t.count, totals.count, { total: C.money(totals.total) });
      summary.setAttribute("data-status", current);  // which tab the summary speaks of
      decidedHead.hidden = current === "submitted";
      reply.body.claims.forEach(function (claim) {
        if (!tbody.querySelector('tr[data-claim="' + CSS.escape(claim.id) + '"]')) tbody.appendChild(row(claim));
      });
      if (!tbody.children.length) {
        var empty = el("tr");
        empty.appendChild(el("td", { colspan: "8" }, t.none));
        tbody.appendChild(empty);
      }
      cursor = reply.body.next || null;
      more.hidden = !cursor;
    });
  }

  function row(claim) {
    var tr = C.cells(el("tr", { "data-claim": claim.id }), [C.dateTime(claim.submitted_at), claim.payee, claim.iban,
                                                            C.campaignName(claim.campaign_name, claim.campaign), C.money(claim.total), claim.flags ? "⚠ " + claim.flags : "",
                                                            claim.decided_by || "–"]);
    tr.lastChild.hidden = claim.status === "submitted";  // nobody decided yet: the column is left out
    var open = el("button", { type: "button", class: "md-button", "data-sw-open": claim.id, "aria-label": t.open + ": " + claim.payee }, t.open);
    open.addEventListener("click", function () { show(claim.id); });
    tr.appendChild(el("td")).appendChild(open);
    return tr;
  }

  function definition(list, term, value) {
    list.appendChild(el("dt", {}, term));
    list.appendChild(el("dd", {}, value));
  }

  function show(id) {
    C.api("GET", "/claims/" + encodeURIComponent(id)).then(function (reply) {
      if (!reply.ok) { C.refuse(reply, status, t.refusals, t.signin_link); return; }
      render(reply.body);
    });
  }

  function render(claim) {
    detail.textContent = "";
    detail.hidden = false;
    detail.setAttribute("data-claim", claim.id);
    detail.appendChild(el("h2", {}, t.detail + " " + claim.id.slice(0, 8) + " – " + (t[claim.status] || claim.status)));
    var facts = detail.appendChild(el("dl", { class: "sw-claims__facts" }));
    var payee = claim.payee;
    definition(facts, t.payee, payee.holder);
    definition(facts, t.kind, t.kinds[payee.kind] + (payee.vat_id ? " (" + t.vat_id + " " + payee.vat_id + ")" : ""));
    definition(facts, t.address, [payee.address.street, payee.address.postcode + " " + payee.address.town, payee.address.country].join(", "));
    definition(facts, t.iban, claim.iban);
    definition(facts, t.campaign, claim.campaign_name ? C.campaignName(claim.campaign_name) + " (" + claim.campaign + ")" : claim.campaign || "");
    definition(facts, t.total, C.money(claim.total));
    if (claim.note) definition(facts, t.note, claim.note);
    if (claim.reason) definition(facts, t.reason, claim.reason);

    detail.appendChild(el("h3", {}, t.lines));
    var lines = C.table({ class: "sw-claims__table", "data-sw-lines": true },
                        [t.expense_date, t.category, t.description, t.priced, t.gross, t.vat, t.receipt]);
    claim.lines.forEach(function (line, index) {
      var tr = lines.body.appendChild(C.cells(el("tr"), [C.date(line.date), categoryName(line.category), line.description,
                                                          pricedText(line), C.money(line.gross, line.currency), C.money(line.vat, line.currency)]));
      var cell = tr.appendChild(el("td"));
      if (line.receipt_url) {
        cell.appendChild(el("a", { href: line.receipt_url, rel: "noopener noreferrer", "data-sw-receipt": index },
                            t.show_receipt + " (" + t.line + " " + (index + 1) + ")"));
      } else {
        cell.textContent = t.no_receipt;
      }
    });
    detail.appendChild(scrolling(lines.table));

    if (claim.flags.length) {
      var flags = detail.appendChild(el("div", { class: "sw-claims__flags", role: "note", "data-sw-flags": true }));
      flags.appendChild(el("h3", {}, "⚠ " + t.flags));
      var list = flags.appendChild(el("ul"));
      claim.flags.forEach(function (flag) {
        var where = flag.claims.map(function (other) { return t.in_claims + " " + other.slice(0, 8); })
          .concat(flag.lines.map(function (other) { return t.same_claim + " " + (other + 1); }))
          .concat(flag.kind === "limit" ? [categoryName(flag.category) + " " + C.money(flag.total) + " > " + C.money(flag.limit)] : [])
          .concat(flag.kind === "rate" ? [flag.original + " " + flag.currency + " × " + flag.rate + " = " + C.money(flag.gross)] : []);
        list.appendChild(el("li", {}, t.line + " " + (flag.line + 1) + ": " + t["kind_" + flag.kind] + " – " + where.join(", ")));
      });
    }

    detail.appendChild(el("h3", {}, t.audit));
    var audit = C.table({ class: "sw-claims__table", "data-sw-audit": true }, [t.when, t.who, t.from, t.to, t.reason]);
    claim.audit.forEach(function (entry) {
      // a finance decision names its author (the token's name); other steps show role and pseudonym
      var role = t["role_" + entry.role] || entry.role;
      var actor = String(entry.actor || "").replace(/^invite:/, t.invite + " ").slice(0, 24);
      var who = entry.name ? entry.name + " (" + role + ")" : role + " – " + actor;
      audit.body.appendChild(C.cells(el("tr"), [C.dateTime(entry.at), who,
                                                entry.from ? t[entry.from] : "–", t[entry.to] || entry.to, entry.reason || ""]));
    });
    detail.appendChild(scrolling(audit.table));

    decisions(claim);
    var close = detail.appendChild(el("button", { type: "button", class: "md-button" }, t.close));
    close.addEventListener("click", function () { detail.hidden = true; });
    detail.focus();
  }

  // How the server priced a line: the original amount, currency and rate beside the EUR; km x rate; travel days
  function pricedText(line) {
    if (line.original_currency) return line.original_amount + " " + line.original_currency + " × " + line.rate + " = " + C.money(line.gross);
    if (line.kind === "mileage") {
      return line.distance + " km × " + line.km_rate + " € " + t.per_km + " (" + line.route.from + " → " + line.route.to + ")";
    }
    if (line.kind === "per_diem") {
      return C.date(line.date) + " – " + C.date(line.until) + " " + line.country + ": " +
        line.full_days + " × " + C.money(line.full_rate) + " (" + t.full_day + ") + " + line.partial_days + " × " +
        C.money(line.partial_rate) + " (" + t.partial_day + ")" + (line.hours ? ", " + line.hours + " " + t.hours : "");
    }
    return "";
  }

  // The decisions the person may take on the claim (four eyes: not approving a claim of their own invite,
  // not marking paid a claim they approved); in place of one they may not, a sentence saying why
  function decisions(claim) {
    if (claim.status !== "submitted" && claim.status !== "approved") return;
    var form = el("form", { class: "sw-claims__decision", "data-sw-decision": true });
    var note = C.statusLine();
    var reason = el("textarea", { name: "reason", rows: "2", maxlength: "500" });
    var confirm = el("input", { type: "checkbox", name: "confirm_duplicates" });
    var reasonError = C.statusLine({ "data-sw-field-error": "reason" });
    if (claim.status === "submitted") {
      var reasonField = form.appendChild(C.field(t.reason_label, reason));
      reasonError.id = reason.id + "-error";
      reasonField.appendChild(reasonError);
      if (claim.flags.length) {
        var label = el("label", { class: "sw-field sw-field--choice" });
        label.appendChild(confirm);
        label.appendChild(document.createTextNode(" " + t.confirm_dup));
        form.appendChild(label);
      }
      if (claim.self_invited) form.appendChild(whyNot(t.self_invited));
      else form.appendChild(button("approve"));
      form.appendChild(button("reject"));
    } else if (claim.you_approved) {
      form.appendChild(whyNot(t.you_approved));
    } else {
      form.appendChild(button("pay"));
    }
    form.appendChild(note);
    detail.appendChild(form);

    // The reason's problem below the reason, in the page's language (replaced, never added twice)
    function reasonProblem(text) {
      C.status(reasonError, text, text ? "error" : "");
      if (text) { reason.setAttribute("aria-invalid", "true"); reason.setAttribute("aria-describedby", reasonError.id); }
      else { reason.removeAttribute("aria-invalid"); reason.removeAttribute("aria-describedby"); }
    }

    function button(action) {
      var node = el("button", { type: "button", class: "md-button" + (action === "reject" ? "" : " md-button--primary"), "data-sw-action": action }, t[action]);
      node.addEventListener("click", function () {
        reasonProblem("");
        if (action === "reject" && !reason.value.trim()) { C.status(note, ""); reasonProblem(t.reason_needed); reason.focus(); return; }
        var body = { action: action, expected: claim.status };
        if (reason.value.trim()) body.reason = reason.value.trim();
        if (action === "approve") body.confirm_duplicates = confirm.checked;
        C.status(note, t.loading);
        C.api("POST", "/claims/" + encodeURIComponent(claim.id) + "/decision", { body: body }).then(function (reply) {
          var fields = (reply.body && reply.body.error && reply.body.error.fields) || [];
          var onReason = fields.filter(function (item) { return item.field === "reason"; })[0];
          if (!reply.ok && onReason) {
            C.status(note, "");
            reasonProblem(onReason.code === "too_long" ? t.reason_long : t.reason_needed);
            return;
          }
          if (!reply.ok) { C.refuse(reply, note, t.refusals, t.signin_link); return; }
          C.status(status, t.decided.replace("{status}", t[reply.body.status]), "ok");
          show(claim.id);
          load(false);
        });
      });
      return node;
    }
  }

  // Why a decision is not offered to this person, where its button would be
  function whyNot(text) {
    return el("p", { class: "sw-claims__status", "data-sw-why-not": true }, text);
  }

  // A category's label from the published expense policy in the page's language, else English, else its key
  function categoryName(key) {
    var label = (categories[key] || {}).label;
    if (!label) return key;
    return typeof label === "string" ? label : label[C.lang] || label.en || key;
  }

  function loadPolicy() {
    return fetch(new URL("sharewall/expenses.json", siteRoot).href).then(function (response) {
      return response.ok ? response.json() : {};
    }).then(function (policy) { categories = policy.categories || {}; }, function () { categories = {}; });
  }

  more.addEventListener("click", function () { load(true); });
  loadPolicy();  // only the detail needs it; the list does not wait
  load(false);
})();
