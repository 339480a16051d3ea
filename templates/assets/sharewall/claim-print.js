/* Print view of one own claim (influencer): the claim page at ?print=<claim id> shows that claim of the invite as a
   summary to keep: reference, who and which campaign, payee (IBAN masked), every line, the total, the status
   history. The page's text and the form give way to it (claims.css: .sw-printing); its @media print rules leave
   only the summary on paper, so the browser's "print to PDF" gives a clean PDF. Read from GET /claims/mine with the
   invite token claims-form.js keeps for this tab (sessionStorage, or another open tab of the claim page). */
(function () {
  "use strict";

  var C = window.SharewallClaims;
  var root = document.querySelector("[data-sw-claim]");
  var wanted = new URLSearchParams(location.search).get("print");
  if (!C || !root || !wanted) return;
  var t = C.strings("claim_print");
  var el = C.element;
  var fill = C.format.fill;
  var STORE = "sharewall.invite";  // claims-form.js's key and channel for this browser session's invite token

  document.documentElement.classList.add("sw-printing");
  var view = el("section", { class: "sw-claim-print", "data-sw-claim-print": wanted });
  root.parentNode.insertBefore(view, root);
  var tools = view.appendChild(el("p", { class: "sw-claim-print__tools" }));
  var printButton = tools.appendChild(el("button", { type: "button", class: "md-button md-button--primary",
                                                     "data-sw-print-button": true, hidden: true }, t.print));
  printButton.addEventListener("click", function () { window.print(); });
  tools.appendChild(el("a", { href: location.pathname, class: "md-button" }, t.back));
  view.appendChild(el("h1", {}, t.heading));
  var status = view.appendChild(C.statusLine());
  C.status(status, t.loading);

  // This tab's invite token, else one another open tab of the claim page hands over (as claims-form.js asks)
  function token() {
    var found = null;
    try { found = window.sessionStorage.getItem(STORE); } catch (error) { /* private mode: ask the other tabs */ }
    if (found || !("BroadcastChannel" in window)) return Promise.resolve(found);
    return new Promise(function (resolve) {
      var channel = new BroadcastChannel(STORE);
      var done = function (value) { channel.close(); resolve(value); };
      channel.onmessage = function (event) { if (event.data && typeof event.data.invite === "string") done(event.data.invite); };
      channel.postMessage({ ask: true });
      setTimeout(function () { done(null); }, 400);
    });
  }

  // A fact of the claim: its name and value, as a row of a description list
  function fact(list, name, value, attributes) {
    if (value === undefined || value === null || value === "") return;
    list.appendChild(el("dt", {}, name));
    list.appendChild(el("dd", attributes || {}, value));
  }

  // A category's name in the page's language from the invite's policy, else English, else its key
  function categoryName(policy, key) {
    var found = ((policy && policy.categories) || []).filter(function (category) { return category.key === key; })[0];
    return found ? found.label[C.lang] || found.label.en || key : key;
  }

  // How the server priced a line, when it did more than take the receipt's amount (mileage, another currency)
  function priced(line) {
    if (line.distance) return fill(t.mileage, { distance: C.format.number(line.distance), rate: C.money(line.km_rate) });
    if (line.original_amount && line.rate) {
      return fill(t.converted, { amount: C.money(line.original_amount, line.original_currency), rate: C.format.number(line.rate) });
    }
    return "";
  }

  function linesTable(claim, policy) {
    var table = C.table({ class: "sw-claims__table sw-claim-print__lines", "data-sw-print-lines": true },
                        [t.date, t.category, t.description, t.receipt, t.vat, t.gross]);
    claim.lines.forEach(function (line) {
      var description = el("td", {}, line.description);
      var how = priced(line);
      if (line.route) description.appendChild(el("div", { class: "sw-claim-print__detail" }, line.route.from + " → " + line.route.to));
      if (how) description.appendChild(el("div", { class: "sw-claim-print__detail" }, how));
      var row = table.body.appendChild(C.cells(el("tr"), [C.day(line.date), categoryName(policy, line.category)]));
      row.appendChild(description);
      C.cells(row, [line.receipt ? t.receipt_yes : t.receipt_no, C.money(line.vat, line.currency)]);
      row.appendChild(el("td", { class: "sw-claim-print__amount" }, C.money(line.gross, line.currency)));
    });
    var foot = table.table.appendChild(el("tfoot"));
    var sum = foot.appendChild(el("tr", { class: "sw-claims__sum" }));
    sum.appendChild(el("th", { scope: "row", colspan: "5" }, t.total));
    sum.appendChild(el("td", { class: "sw-claim-print__amount", "data-sw-print-total": true }, C.money(claim.total, claim.currency)));
    return C.cards(table.table);  // on a phone's screen each line is a card; on paper a table
  }

  function historyTable(steps) {
    var table = C.table({ class: "sw-claims__table", "data-sw-print-history": true }, [t.at, t.status, t.note]);
    steps.forEach(function (step) {
      var state = step.status || step.to;
      var note = [step.question && fill(t.labelled, { label: t.question, text: step.question }),
                  step.answer && fill(t.answer, { text: step.answer }),
                  step.reason && fill(t.labelled, { label: t.reason, text: step.reason })].filter(Boolean).join("\n");
      table.body.appendChild(C.cells(el("tr", { "data-status": state }),
                                     [C.dateTime(step.at), t.statuses[state] || state, note]));
    });
    return C.cards(table.table);
  }

  function show(claim, invite) {
    C.status(status, "");
    var facts = view.appendChild(el("dl", { class: "sw-claims__facts sw-claim-print__facts" }));
    fact(facts, t.reference, claim.id, { class: "sw-claims__ref", "data-sw-print-reference": true });
    fact(facts, t.invitee, invite.name);
    fact(facts, t.campaign, C.campaignName(invite.campaign_name, invite.campaign));
    fact(facts, t.submitted_at, C.dateTime(claim.submitted_at));
    fact(facts, t.status, t.statuses[claim.status] || claim.status, { "data-sw-print-status": claim.status });
    fact(facts, t.payee, claim.iban, { class: "sw-claims__ref" });
    fact(facts, t.question, claim.question);
    fact(facts, t.reason, claim.reason);
    view.appendChild(el("h2", {}, t.lines));
    view.appendChild(linesTable(claim, invite.policy));
    view.appendChild(el("h2", {}, t.history));
    view.appendChild(historyTable(claim.history || []));
    view.appendChild(el("p", { class: "sw-claim-print__printed" }, fill(t.printed, { date: C.dateTime(new Date()) })));
    printButton.hidden = false;
  }

  token().then(function (invite) {
    if (!invite) { C.status(status, t.no_invite, "error"); return; }
    Promise.all([C.api("GET", "/claims/mine", { invite: invite }), C.api("GET", "/claims/invite", { invite: invite })])
      .then(function (replies) {
        var refused = replies.filter(function (reply) { return !reply.ok; })[0];
        if (refused) { C.status(status, C.refusalText(refused, t.refusals), "error"); return; }
        var claim = replies[0].body.claims.filter(function (item) { return item.id === wanted; })[0];
        if (!claim) { C.status(status, t.not_found, "error"); return; }
        document.title = t.heading + " " + claim.id;  // the PDF's suggested file name
        show(claim, replies[1].body);
      });
  });
})();
