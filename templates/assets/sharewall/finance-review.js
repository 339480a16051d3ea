/* Finance page: claims by status with totals, found by text, campaign and submission days (server-side, the
   filters kept in the address so reload and back keep them); ticked claims approved in one request with a
   result per claim; one claim with its lines, flags, receipts (short-lived links) and audit trail; approve,
   ask the influencer a question, reject with a reason, mark paid; CSV export. Payment runs (the SEPA files)
   are finance-runs.js's section of the same page. */
(function () {
  "use strict";

  var C = window.SharewallClaims;
  var root = document.querySelector("[data-sw-finance]");
  if (!C || !root) return;
  var t = C.strings("finance_review");
  var STATUSES = ["submitted", "needs_info", "approved", "in_payment", "rejected", "paid", "withdrawn"];
  var FILTERS = ["q", "campaign", "from", "to"];
  // the address names the text search `search`: Material opens its own search overlay for a `q` in the address
  var IN_ADDRESS = { q: "search", campaign: "campaign", from: "from", to: "to" };
  var BULK_LIMIT = 100;   // the most claims POST /claims/decisions takes at once
  var el = C.element;
  var current = "submitted";
  var filters = {};       // q, campaign, from, to as the address holds them
  var cursor = null;      // where the next page of `current` starts; null: nothing follows
  var request = 0;        // the latest list request: older answers (another tab, a reload) are dropped
  var loadingMore = false;
  var listed = {};        // claim id -> the list's item, for bulk approval
  var categories = {};    // key -> label {de, en}, from the published expense policy
  var claimPage = new URL(root.getAttribute("data-claim-page"), location.href);
  // the site's root (the German build; the English one lives under en/): where the build publishes sharewall/*.json
  var homes = ((window.Sharewall || {}).config || {}).ui && window.Sharewall.config.ui.homes;
  var rootPath = claimPage.pathname.replace(/claim\/$/, "");
  if (C.lang === "en") rootPath = rootPath.replace(/en\/$/, "");
  var siteRoot = homes && homes.de ? new URL(homes.de, location.href) : new URL(rootPath, claimPage);

  var status = root.appendChild(C.statusLine());
  var search = root.appendChild(filterForm());
  var tabs = root.appendChild(el("div", { class: "sw-claims__tabs", role: "group", "aria-label": t.detail }));
  var summary = root.appendChild(el("p", { class: "sw-claims__summary", "data-sw-summary": true }));
  var bulk = root.appendChild(bulkBar());
  var claims = C.table({ class: "sw-claims__table", "data-sw-claims": true }, []);
  root.appendChild(C.scrolling(claims.table));
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
    button.addEventListener("click", function () { current = name; remember(); load(false); });
    tabButtons[name] = button;
    tabs.appendChild(button);
  });

  csvButton.addEventListener("click", function () { exportFile("/claims/export.csv?status=approved", "claims.csv"); });
  // the spreadsheet file in the page's language (its labels, dates and decimal sign)
  csvGermanButton.addEventListener("click", function () { exportFile("/claims/export.csv?status=approved&dialect=" + C.lang, "claims-" + C.lang + ".csv"); });
  document.addEventListener("sharewall:claims-changed", function () { load(false); });  // a payment run moved claims
  window.addEventListener("popstate", function () { fromAddress(); load(false); });   // back and forward keep the filters

  // One export saved as a file; a refusal stays in the exports' status line
  function exportFile(path, name) {
    C.status(exportStatus, t.loading);
    C.download(path, name).then(function (reply) {
      if (reply.ok) C.status(exportStatus, ""); else C.refuse(reply, exportStatus, t.refusals, t.signin_link);
    });
  }

  // The search form: text, campaign, first and last submission day; sent, it becomes the address's query
  function filterForm() {
    var form = el("form", { class: "sw-claims__filters", role: "search", "aria-label": t.filters, "data-sw-filters": true });
    var campaign = el("select", { name: "campaign" });
    campaign.appendChild(el("option", { value: "" }, t.all_campaigns));
    var to = el("input", { type: "date", name: "to" });
    [C.field(t.search, el("input", { type: "search", name: "q", maxlength: "100", autocomplete: "off" }), t.search_hint),
     C.field(t.campaign, campaign), C.field(t.from_day, el("input", { type: "date", name: "from" })), C.field(t.to_day, to)]
      .forEach(function (wrapper) {
        var control = wrapper.querySelector("input, select");
        form.appendChild(wrapper).appendChild(C.statusLine({ id: control.id + "-error", "data-sw-field-error": control.name }));
      });
    var actions = form.appendChild(el("div", { class: "sw-claims__actions" }));
    actions.appendChild(el("button", { type: "submit", class: "md-button md-button--primary", "data-sw-filter": true }, t.filter));
    var reset = actions.appendChild(el("button", { type: "button", class: "md-button", "data-sw-filter-reset": true }, t.filter_reset));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var from = form.elements.from.value;
      FILTERS.forEach(function (name) { filterProblem(name, ""); });
      if (from && to.value && to.value < from) {  // both YYYY-MM-DD: text order is day order
        filterProblem("to", t.range_backwards);
        to.focus();
        return;
      }
      FILTERS.forEach(function (name) { filters[name] = form.elements[name].value.trim(); });
      remember();
      load(false);
    });
    reset.addEventListener("click", function () {
      form.reset();
      FILTERS.forEach(function (name) { filterProblem(name, ""); });
      filters = {};
      remember();
      load(false);
    });
    return form;
  }

  // A filter's problem below it in the page's language ("" clears it)
  function filterProblem(name, text) {
    var control = search.elements[name];
    var line = document.getElementById(control.id + "-error");
    C.status(line, text, text ? "error" : "");
    if (text) { control.setAttribute("aria-invalid", "true"); control.setAttribute("aria-describedby", line.id); }
    else { control.removeAttribute("aria-invalid"); control.removeAttribute("aria-describedby"); }
  }

  // The API's refusal of a filter (fields named query.q, query.from, …) said at its field; false when it named none
  function filterRefused(reply) {
    var fields = (reply.body && reply.body.error && reply.body.error.fields) || [];
    var shown = false;
    fields.forEach(function (item) {
      var name = String(item.field || "").replace(/^query\./, "");
      if (FILTERS.indexOf(name) < 0) return;
      var known = { invalid_date: t.invalid_day, before_from: t.range_backwards, too_long: t.search_long, string_too_long: t.search_long };
      filterProblem(name, known[item.code] || t.filter_invalid);
      shown = true;
    });
    if (shown) C.status(status, "");
    return shown;
  }

  // Status and filters into the address (a new history entry when they changed), so reload and back keep them
  function remember() {
    var query = new URLSearchParams();
    if (current !== "submitted") query.set("status", current);
    FILTERS.forEach(function (name) { if (filters[name]) query.set(IN_ADDRESS[name], filters[name]); });
    var text = query.toString();
    var address = location.pathname + (text ? "?" + text : "") + location.hash;
    if (address !== location.pathname + location.search + location.hash) history.pushState(null, "", address);
  }

  // Status and filters from the address (the page opened, reloaded, or back/forward) into the tabs and the form
  function fromAddress() {
    var query = new URLSearchParams(location.search);
    current = STATUSES.indexOf(query.get("status")) >= 0 ? query.get("status") : "submitted";
    filters = {};
    FILTERS.forEach(function (name) {
      filters[name] = (query.get(IN_ADDRESS[name]) || "").trim();
      var control = search.elements[name];
      if (name === "campaign" && filters[name] && !control.querySelector('option[value="' + CSS.escape(filters[name]) + '"]')) {
        control.appendChild(el("option", { value: filters[name] }, filters[name]));  // a campaign the published file lacks
      }
      control.value = filters[name];
    });
  }

  // The campaigns as the build published content/campaigns.yml: those that reimburse, for the filter
  function loadCampaigns() {
    return fetch(new URL("sharewall/campaigns.json", siteRoot).href).then(function (response) {
      return response.ok ? response.json() : { campaigns: [] };
    }).then(function (published) {
      var select = search.elements.campaign;
      (published.campaigns || []).forEach(function (item) {
        if (!item.reimbursed || select.querySelector('option[value="' + CSS.escape(item.key) + '"]')) return;
        select.appendChild(el("option", { value: item.key }, C.campaignName(item.name, item.key)));
      });
      select.value = filters.campaign || "";
    }, function () { /* the filter still takes a campaign from the address */ });
  }

  function filtered() {
    return FILTERS.some(function (name) { return filters[name]; });
  }

  // The list's columns for a status: who decided is named per decision ("approved by", "rejected by", "confirmed
  // paid by"), the open question while needs_info; the submitted tab starts with the bulk approval's tick
  function columns(name) {
    var list = [];
    if (name === "submitted") list.push({ head: t.select, cell: selectCell });
    list.push({ head: t.date, cell: function (claim) { return C.dateTime(claim.submitted_at); } },
              { head: t.payee, cell: function (claim) { return claim.payee; } },
              { head: t.iban, cell: function (claim) { return claim.iban; } },
              { head: t.campaign, cell: function (claim) { return C.campaignName(claim.campaign_name, claim.campaign); } },
              { head: t.total, cell: function (claim) { return C.money(claim.total); } },
              { head: t.flags, cell: flagCell });
    if (name === "needs_info") list.push({ head: t.question, cell: function (claim) { return claim.question || ""; } });
    if (name === "approved" || name === "in_payment" || name === "paid") list.push({ head: t.approved_by, cell: by("approved_by_name") });
    if (name === "paid") list.push({ head: t.paid_by, cell: by("paid_by_name") });
    if (name === "rejected") list.push({ head: t.rejected_by, cell: by("rejected_by_name") });
    list.push({ head: t.actions, cell: openCell });
    return list;
  }

  // A column naming who took one decision
  function by(key) {
    return function (claim) { return claim[key] || "–"; };
  }

  // The flags as the detail counts them (one count, the list's flag_count)
  function flagCell(claim) {
    var count = claim.flag_count || 0;
    if (!count) return "";
    return el("span", { "data-sw-flag-count": count, title: C.format.plural(t.flag_count, count) }, "⚠ " + C.format.number(count));
  }

  // The bulk approval's tick; none on a claim the person may not approve (their own invite), which says so
  function selectCell(claim) {
    if (claim.self_invited) return el("span", { "data-sw-own-invite": true }, t.own_invite_short);
    var box = el("input", { type: "checkbox", "data-sw-select": claim.id, "aria-label": t.select + ": " + claim.payee });
    box.addEventListener("change", bulkChanged);
    return box;
  }

  function openCell(claim) {
    var open = el("button", { type: "button", class: "md-button", "data-sw-open": claim.id, "aria-label": t.open + ": " + claim.payee }, t.open);
    open.addEventListener("click", function () { show(claim.id); });
    return open;
  }

  // The table's header for the current status (its columns differ per status)
  function heads(list) {
    var head = claims.table.tHead.rows[0];
    head.textContent = "";
    list.forEach(function (column) { head.appendChild(el("th", { scope: "col" }, column.head)); });
  }

  // The first page of `current` (append false: replaces the rows) or the page after the last one shown.
  // A click while the next page is on its way, or with nothing following, does nothing: no row twice.
  function load(append) {
    if (!C.staffToken()) { C.signInHint(status, t.signin, t.signin_link); return; }
    if (append && (!cursor || loadingMore)) return;
    var mine = ++request;
    var shown = current;
    loadingMore = append;
    more.disabled = true;
    if (!append) { cursor = null; more.hidden = true; }
    STATUSES.forEach(function (other) { tabButtons[other].setAttribute("aria-pressed", String(other === shown)); });
    C.status(status, t.loading);
    var query = new URLSearchParams({ status: shown });
    FILTERS.forEach(function (name) { if (filters[name]) query.set(name, filters[name]); });
    if (append) query.set("cursor", cursor);
    C.api("GET", "/claims?" + query.toString()).then(function (reply) {
      if (mine !== request) return;  // another tab or a reload was asked for since
      loadingMore = false;
      more.disabled = false;
      if (!reply.ok && filterRefused(reply)) return;
      if (!reply.ok) { C.refuse(reply, status, t.refusals, t.signin_link); return; }
      C.status(status, "");
      var list = columns(shown);
      if (!append) { tbody.textContent = ""; listed = {}; heads(list); bulkReset(); }
      STATUSES.forEach(function (name) {
        var totals = reply.body.totals[name];
        tabButtons[name].textContent = totals ? t[name] + " (" + C.format.number(totals.count) + ")" : t[name];
      });
      reply.body.claims.forEach(function (claim) {
        if (listed[claim.id]) return;
        listed[claim.id] = claim;
        var tr = tbody.appendChild(el("tr", { "data-claim": claim.id, "data-status": claim.status }));
        list.forEach(function (column) {
          var value = column.cell(claim);
          var cell = tr.appendChild(el("td"));
          if (value instanceof Node) cell.appendChild(value); else cell.textContent = value;
        });
      });
      var rows = Object.keys(listed).length;
      cursor = reply.body.next || null;
      if (!rows && !cursor) {  // a filtered page may hold none while more follow: then only "load more"
        var empty = el("tr");
        empty.appendChild(el("td", { colspan: String(list.length) }, filtered() ? t.none_filtered : t.none));
        tbody.appendChild(empty);
      }
      C.cards(claims.table);
      more.hidden = !cursor;
      var totals = reply.body.totals[shown] || { count: 0, total: "0.00" };
      summary.textContent = filtered() ? C.format.plural(t.found, rows) + (cursor ? " " + t.found_more : "")
                                       : C.format.plural(t.count, totals.count, { total: C.money(totals.total) });
      summary.setAttribute("data-status", shown);  // which tab the summary speaks of
      bulk.hidden = shown !== "submitted" || !rows;
      bulkChanged();
    });
  }

  // The bar over the submitted claims: tick all, confirm the flags of ticked flagged claims, approve the ticked
  function bulkBar() {
    var bar = el("div", { class: "sw-claims__bulk", "data-sw-bulk": true, hidden: true });
    var allLabel = bar.appendChild(el("label", { class: "sw-field--choice" }));
    var all = allLabel.appendChild(el("input", { type: "checkbox", "data-sw-select-all": true }));
    allLabel.appendChild(document.createTextNode(" " + t.select_all));
    var count = bar.appendChild(el("span", { "data-sw-bulk-count": true }));
    var confirmLabel = bar.appendChild(el("label", { class: "sw-field--choice", hidden: true, "data-sw-bulk-confirm": true }));
    var confirm = confirmLabel.appendChild(el("input", { type: "checkbox", name: "confirm_flags" }));
    var confirmText = confirmLabel.appendChild(el("span"));
    var approve = bar.appendChild(el("button", { type: "button", class: "md-button md-button--primary", disabled: true, "data-sw-bulk-approve": true }, t.approve_selected));
    var note = bar.appendChild(C.statusLine({ "data-sw-bulk-status": true }));
    var results = el("ul", { class: "sw-claims__bulk-results", "data-sw-bulk-results": true, hidden: true });
    bar.results = results;
    all.addEventListener("change", function () {
      tbody.querySelectorAll("input[data-sw-select]").forEach(function (box) { box.checked = all.checked; });
      bulkChanged();
    });
    approve.addEventListener("click", function () {
      if (approve.disabled) return;
      var chosen = ticked();
      var flagged = chosen.filter(function (claim) { return claim.flag_count > 0; });
      if (chosen.length > BULK_LIMIT) { C.status(note, C.format.fill(t.bulk_too_many, { max: C.format.number(BULK_LIMIT) }), "error"); return; }
      if (flagged.length && !confirm.checked) { C.status(note, t.bulk_confirm_needed, "error"); confirm.focus(); return; }
      var body = { action: "approve", claims: chosen.map(function (claim) {
        return { id: claim.id, expected: "submitted", confirm_flags: claim.flag_count > 0 && confirm.checked };
      }) };
      approve.disabled = true;
      approve.setAttribute("aria-busy", "true");
      C.status(note, t.loading);
      C.api("POST", "/claims/decisions", { body: body }).then(function (reply) {
        approve.removeAttribute("aria-busy");
        if (!reply.ok) { approve.disabled = false; C.refuse(reply, note, t.refusals, t.signin_link); return; }
        showResults(reply.body.results || [], chosen);
        load(false);
        document.dispatchEvent(new CustomEvent("sharewall:claims-decided"));
      });
    });
    bar.parts = { all: all, count: count, confirmLabel: confirmLabel, confirm: confirm, confirmText: confirmText, approve: approve, note: note };
    return bar;
  }

  // The claims ticked for approval, as the list gave them
  function ticked() {
    return Array.prototype.map.call(tbody.querySelectorAll("input[data-sw-select]:checked"), function (box) {
      return listed[box.getAttribute("data-sw-select")];
    });
  }

  // The bar follows the ticks: how many, whether flagged ones need the confirmation, the button usable
  function bulkChanged() {
    var parts = bulk.parts;
    var chosen = ticked();
    var flagged = chosen.filter(function (claim) { return claim.flag_count > 0; }).length;
    var boxes = tbody.querySelectorAll("input[data-sw-select]").length;
    parts.count.textContent = chosen.length ? C.format.plural(t.selected, chosen.length) : "";
    parts.confirmLabel.hidden = !flagged;
    parts.confirmText.textContent = " " + C.format.plural(t.bulk_confirm, flagged);
    parts.approve.disabled = !chosen.length;
    parts.all.checked = boxes > 0 && chosen.length === boxes;
    parts.all.disabled = !boxes;
    if (chosen.length) C.status(parts.note, "");
  }

  // A new list: nothing ticked, no confirmation carried over (the results of the last approval stay)
  function bulkReset() {
    bulk.parts.confirm.checked = false;
    bulk.parts.all.checked = false;
  }

  // The answer of a bulk approval, one line per claim: approved, or why not in the page's language
  function showResults(results, chosen) {
    var list = bulk.results;
    var names = {};
    chosen.forEach(function (claim) { names[claim.id] = claim.payee + " (" + claim.id.slice(0, 8) + ")"; });
    var approved = results.filter(function (item) { return item.ok; }).length;
    list.textContent = "";
    results.forEach(function (item) {
      var text = item.ok ? t.bulk_approved : t.bulk_refused + " " + C.codeText((item.error || {}).code || "", t.refusals, 409);
      list.appendChild(el("li", { "data-sw-bulk-result": item.id, "data-ok": String(!!item.ok) }, (names[item.id] || item.id) + ": " + text));
    });
    list.hidden = !results.length;
    C.status(bulk.parts.note, C.format.fill(t.bulk_done, { approved: C.format.number(approved), refused: C.format.number(results.length - approved) }),
             approved === results.length ? "ok" : "error");
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

  // The open question of a needs_info claim: the API's, else the last ask of its audit trail
  function openQuestion(claim) {
    if (claim.status !== "needs_info") return "";
    if (claim.question) return claim.question;
    var asks = (claim.audit || []).filter(function (entry) { return entry.to === "needs_info" && entry.question; });
    return asks.length ? asks[asks.length - 1].question : "";
  }

  function render(claim) {
    detail.textContent = "";
    detail.hidden = false;
    detail.setAttribute("data-claim", claim.id);
    detail.appendChild(el("h2", {}, t.detail + " " + claim.id.slice(0, 8) + " – " + (t[claim.status] || claim.status)));
    var question = openQuestion(claim);
    if (question) {
      var asked = detail.appendChild(el("div", { class: "sw-claims__question", role: "note", "data-sw-question": true }));
      asked.appendChild(el("strong", {}, t.question_open + " "));
      asked.appendChild(document.createTextNode(question));
    }
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
      var tr = lines.body.appendChild(C.cells(el("tr"), [C.day(line.date), categoryName(line.category), line.description,
                                                          pricedText(line), C.money(line.gross, line.currency), C.money(line.vat, line.currency)]));
      var cell = tr.appendChild(el("td"));
      if (line.receipt_url) {
        cell.appendChild(el("a", { href: line.receipt_url, rel: "noopener noreferrer", "data-sw-receipt": index },
                            t.show_receipt + " (" + t.line + " " + (index + 1) + ")"));
      } else {
        cell.textContent = t.no_receipt;
      }
    });
    detail.appendChild(C.scrolling(C.cards(lines.table)));

    if (claim.flags.length) {
      var flags = detail.appendChild(el("div", { class: "sw-claims__flags", role: "note", "data-sw-flags": true }));
      flags.appendChild(el("h3", {}, "⚠ " + t.flags + " (" + C.format.number(claim.flags.length) + ")"));
      var list = flags.appendChild(el("ul"));
      claim.flags.forEach(function (flag) {
        var where = flag.claims.map(function (other) { return t.in_claims + " " + other.slice(0, 8); })
          .concat(flag.lines.map(function (other) { return t.same_claim + " " + C.format.number(other + 1); }))
          .concat(flag.kind === "limit" ? [categoryName(flag.category) + " " + C.money(flag.total) + " > " + C.money(flag.limit)] : [])
          .concat(flag.kind === "rate" ? [C.money(flag.original, flag.currency) + " × " + rate(flag.rate) + " = " + C.money(flag.gross)] : []);
        list.appendChild(el("li", {}, t.line + " " + C.format.number(flag.line + 1) + ": " + t["kind_" + flag.kind] + " – " + where.join(", ")));
      });
    }

    detail.appendChild(el("h3", {}, t.audit));
    var audit = C.table({ class: "sw-claims__table", "data-sw-audit": true }, [t.when, t.who, t.from, t.to, t.audit_text]);
    claim.audit.forEach(function (entry) {
      // a finance decision names its author (the token's name); other steps show role and pseudonym
      var role = t["role_" + entry.role] || entry.role;
      var actor = String(entry.actor || "").replace(/^invite:/, t.invite + " ").slice(0, 24);
      var who = entry.name ? entry.name + " (" + role + ")" : role + " – " + actor;
      var said = entry.reason || (entry.question ? t.asked + " " + entry.question : entry.answer ? t.answered + " " + entry.answer : "");
      audit.body.appendChild(C.cells(el("tr"), [C.dateTime(entry.at), who,
                                                entry.from ? t[entry.from] || entry.from : "–", t[entry.to] || entry.to, said]));
    });
    detail.appendChild(C.scrolling(C.cards(audit.table)));

    decisions(claim);
    var close = detail.appendChild(el("button", { type: "button", class: "md-button" }, t.close));
    close.addEventListener("click", function () { detail.hidden = true; });
    detail.focus();
  }

  // How the server priced a line, in the page's number format: the original amount and rate beside the EUR;
  // km x rate; travel days
  function pricedText(line) {
    var number = C.format.number;
    if (line.original_currency) {
      return C.money(line.original_amount, line.original_currency) + " × " + rate(line.rate) + " = " + C.money(line.gross);
    }
    if (line.kind === "mileage") {
      return number(line.distance) + " km × " + C.money(line.km_rate) + " " + t.per_km + " (" + line.route.from + " → " + line.route.to + ")";
    }
    if (line.kind === "per_diem") {
      return C.day(line.date) + " – " + C.day(line.until) + " " + line.country + ": " +
        number(line.full_days) + " × " + C.money(line.full_rate) + " (" + t.full_day + ") + " + number(line.partial_days) + " × " +
        C.money(line.partial_rate) + " (" + t.partial_day + ")" + (line.hours ? ", " + number(line.hours) + " " + t.hours : "");
    }
    return "";
  }

  // A currency rate (EUR per unit) with all its decimals (up to 6), in the page's number format
  function rate(value) {
    return C.format.number(String(value), { maximumFractionDigits: 6 });
  }

  // The decisions the person may take on the claim (four eyes: not approving a claim of their own invite,
  // not marking paid a claim they approved); in place of one they may not, a sentence saying why
  function decisions(claim) {
    if (claim.status === "needs_info") { detail.appendChild(whyNot(t.waiting_answer)); return; }
    if (claim.status !== "submitted" && claim.status !== "approved") return;
    var form = el("form", { class: "sw-claims__decision", "data-sw-decision": true });
    var note = C.statusLine();
    var reason = el("textarea", { name: "reason", rows: "2", maxlength: "500" });
    var question = el("textarea", { name: "question", rows: "3", maxlength: "1000" });
    var confirm = el("input", { type: "checkbox", name: "confirm_duplicates" });  // sent as confirm_flags
    var problems = {};  // field -> its error line
    if (claim.status === "submitted") {
      fieldWithProblem(C.field(t.question_label, question), question);
      fieldWithProblem(C.field(t.reason_label, reason), reason);
      if (claim.flags.length) {
        var label = el("label", { class: "sw-field sw-field--choice" });
        label.appendChild(confirm);
        label.appendChild(document.createTextNode(" " + t.confirm_dup));
        form.appendChild(label);
      }
      if (claim.self_invited) form.appendChild(whyNot(t.self_invited));
      else form.appendChild(button("approve"));
      form.appendChild(button("ask"));
      form.appendChild(button("reject"));
    } else if (claim.you_approved) {
      form.appendChild(whyNot(t.you_approved));
    } else {
      form.appendChild(button("pay"));
    }
    form.appendChild(note);
    detail.appendChild(form);

    // A field with its error line below it
    function fieldWithProblem(wrapper, control) {
      form.appendChild(wrapper);
      var line = wrapper.appendChild(C.statusLine({ id: control.id + "-error", "data-sw-field-error": control.name }));
      problems[control.name] = { line: line, control: control };
    }

    // A field's problem below it, in the page's language (replaced, never added twice); "" clears it
    function problem(name, text) {
      var slot = problems[name];
      if (!slot) return;
      C.status(slot.line, text, text ? "error" : "");
      if (text) { slot.control.setAttribute("aria-invalid", "true"); slot.control.setAttribute("aria-describedby", slot.line.id); }
      else { slot.control.removeAttribute("aria-invalid"); slot.control.removeAttribute("aria-describedby"); }
    }

    function button(action) {
      var node = el("button", { type: "button", class: "md-button" + (action === "reject" || action === "ask" ? "" : " md-button--primary"), "data-sw-action": action }, t[action]);
      node.addEventListener("click", function () {
        problem("reason", "");
        problem("question", "");
        C.status(note, "");
        if (action === "reject" && !reason.value.trim()) { problem("reason", t.reason_needed); reason.focus(); return; }
        if (action === "ask" && !question.value.trim()) { problem("question", t.question_needed); question.focus(); return; }
        var body = { action: action, expected: claim.status };
        if (action === "ask") body.question = question.value.trim();
        else if (reason.value.trim()) body.reason = reason.value.trim();
        if (action === "approve") body.confirm_flags = confirm.checked;
        C.status(note, t.loading);
        C.api("POST", "/claims/" + encodeURIComponent(claim.id) + "/decision", { body: body }).then(function (reply) {
          var fields = (reply.body && reply.body.error && reply.body.error.fields) || [];
          var onField = fields.filter(function (item) { return problems[item.field]; })[0];
          if (!reply.ok && onField) {
            C.status(note, "");
            var long = onField.code === "too_long" || onField.code === "string_too_long";
            if (onField.field === "question") problem("question", long ? t.question_long : t.question_needed);
            else problem("reason", long ? t.reason_long : t.reason_needed);
            return;
          }
          if (!reply.ok) { C.refuse(reply, note, t.refusals, t.signin_link); return; }
          C.status(status, t.decided.replace("{status}", t[reply.body.status] || reply.body.status), "ok");
          show(claim.id);
          load(false);
          document.dispatchEvent(new CustomEvent("sharewall:claims-decided"));
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
  root.insertBefore(bulk.results, claims.table.parentNode);
  loadPolicy();  // only the detail needs it; the list does not wait
  fromAddress();
  loadCampaigns();
  load(false);
})();
