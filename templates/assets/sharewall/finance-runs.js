/* Finance page, payment runs: create a run of the approved claims with the execution date asked of the bank
   (default the next TARGET2 business day, as the API gives it; not offered when every waiting claim is the
   person's own approval, which it says), list runs with status, count, total, date and their files, confirm a run paid with the bank's
   execution date or cancel it with a reason (four eyes: its creator does neither, an approver of one of
   its claims does not confirm it; their row says why instead of offering it). */
(function () {
  "use strict";

  var C = window.SharewallClaims;
  var root = document.querySelector("[data-sw-finance]");
  if (!C || !root) return;
  var t = C.strings("finance_runs");
  var el = C.element;
  var cursor = null;   // where the next page starts; null: nothing follows
  var request = 0;     // the latest list request: an older answer is dropped
  var loadingMore = false;

  var box = el("section", { class: "sw-claims__runs", "data-sw-runs": true });
  var exportsBox = root.querySelector(".sw-claims__exports");
  root.insertBefore(box, exportsBox || null);
  box.appendChild(el("h2", {}, t.runs));
  box.appendChild(el("p", {}, t.intro));
  var createForm = box.appendChild(el("form", { class: "sw-claims__decision", "data-sw-run-form": true }));
  var execution = el("input", { type: "date", name: "execution_date" });
  var executionField = createForm.appendChild(C.field(t.execution_date, execution, t.execution_hint));
  var executionError = executionField.appendChild(C.statusLine({ id: execution.id + "-error", "data-sw-field-error": "execution_date" }));
  var createButton = createForm.appendChild(el("button", { type: "submit", class: "md-button md-button--primary", "data-sw-run-create": true }, t.create));
  var notOffered = box.appendChild(el("p", { class: "sw-claims__status", "data-sw-why-not": "create", hidden: true }, t.all_own));
  var status = box.appendChild(C.statusLine({ "data-sw-runs-status": true }));
  var list = C.table({ class: "sw-claims__table", "data-sw-runs-list": true },
                     [t.created_at, t.status, t.execution_column, t.count, t.total, t.files_column, t.actions]);
  box.appendChild(C.scrolling(list.table));
  var more = box.appendChild(el("button", { type: "button", class: "md-button", hidden: true, "data-sw-runs-more": true }, t.more));

  // One run at a time: the button stays busy until the API answers, so a double click makes one run
  createForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (createButton.disabled) return;
    executionProblem(null);
    createButton.disabled = true;
    createButton.setAttribute("aria-busy", "true");
    C.status(status, t.creating);
    C.api("POST", "/payment-runs", { body: execution.value ? { execution_date: execution.value } : {} }).then(function (reply) {
      createButton.disabled = false;
      createButton.removeAttribute("aria-busy");
      if (C.refusalCode(reply) === "nothing_to_pay") { C.status(status, C.refusalText(reply, t.refusals)); return; }  // no fault
      var onDate = ((reply.body && reply.body.error && reply.body.error.fields) || []).filter(function (item) {
        return item.field === "execution_date";
      })[0];
      if (!reply.ok && onDate) { C.status(status, ""); executionProblem(onDate); return; }
      if (!reply.ok) { C.refuse(reply, status, t.refusals, t.signin_link); return; }
      var text = C.format.plural(t.created, reply.body.count, { id: reply.body.id, total: C.money(reply.body.total) });
      if (reply.body.execution_date) text += " " + fill(t.execution_on, { date: C.day(reply.body.execution_date) });
      if (reply.body.skipped && reply.body.skipped.length) {
        text += " " + fill(t.skipped, { list: reply.body.skipped.map(function (item) { return item.claim.slice(0, 8) + " (" + item.field + ")"; }).join(", ") });
      }
      C.status(status, text, "ok");
      load(false);
      document.dispatchEvent(new CustomEvent("sharewall:claims-changed"));
    });
  });

  var fill = C.format.fill;
  document.addEventListener("sharewall:claims-decided", function () { load(false); });  // approvals change what a run would take

  // The execution date's problem below it in the page's language, with the day the API proposes; null clears it
  function executionProblem(item) {
    C.status(executionError, "");
    execution.removeAttribute("aria-invalid");
    if (!item) return;
    var proposed = item.earliest || item.next;
    var text = C.codeText(item.code, t.refusals, 400) + (proposed ? " " + fill(t.execution_proposed, { date: C.day(proposed) }) : "");
    C.status(executionError, text, "error");
    execution.setAttribute("aria-invalid", "true");
    execution.setAttribute("aria-describedby", executionError.id);
    execution.focus();
  }

  // What the first page says about a new run: the default execution date (the next TARGET2 business day, from the
  // API so the page never re-implements the calendar), and whether any waiting claim is not the person's own approval
  function offer(body) {
    if (body.next_execution_date) {
      execution.min = body.next_execution_date;
      if (!execution.value || execution.value < body.next_execution_date) execution.value = body.next_execution_date;
    }
    var waiting = body.waiting;
    var allOwn = !!waiting && waiting.count > 0 && waiting.yours >= waiting.count;
    createForm.hidden = allOwn;
    notOffered.hidden = !allOwn;
  }

  // The first page (append false: replaces the rows) or the page after the last one shown; a click while
  // that page is on its way, or with nothing following, does nothing: no run twice
  function load(append) {
    if (!C.staffToken()) return;  // the claims list above already says how to sign in
    if (append && (!cursor || loadingMore)) return;
    var mine = ++request;
    loadingMore = append;
    more.disabled = true;
    var query = append ? "?cursor=" + encodeURIComponent(cursor) : "";
    C.api("GET", "/payment-runs" + query).then(function (reply) {
      if (mine !== request) return;
      loadingMore = false;
      more.disabled = false;
      if (!reply.ok) { C.refuse(reply, status, t.refusals, t.signin_link); return; }
      if (!append) { list.body.textContent = ""; offer(reply.body); }
      reply.body.runs.forEach(function (run) {
        if (!list.body.querySelector('tr[data-run="' + CSS.escape(run.id) + '"]')) list.body.appendChild(row(run));
      });
      if (!list.body.children.length) {
        var empty = el("tr");
        empty.appendChild(el("td", { colspan: "7" }, t.none));
        list.body.appendChild(empty);
      }
      C.cards(list.table);
      cursor = reply.body.next || null;
      more.hidden = !cursor;
    });
  }

  function row(run) {
    var state = t[run.status] || run.status;
    if (run.status === "paid" && run.executed) state += " – " + fill(t.executed_on, { date: C.day(run.executed) });
    if (run.status === "cancelled" && run.reason) state += " – " + t.reason + ": " + run.reason;
    if (run.decided_by) state += " (" + run.decided_by + ")";
    var tr = C.cells(el("tr", { "data-run": run.id, "data-run-status": run.status }),
                     [C.dateTime(run.created_at) + (run.created_by ? " – " + run.created_by : ""), state,
                      run.execution_date ? C.day(run.execution_date) : "–", C.format.number(run.count), C.money(run.total)]);
    var files = tr.appendChild(el("td"));
    Object.keys(run.files || {}).forEach(function (kind) {
      var link = files.appendChild(el("button", { type: "button", class: "md-button", "data-sw-run-file": kind }, t.files[kind] || kind));
      link.addEventListener("click", function () {
        C.status(status, t.loading);
        C.download(run.files[kind], run.id + "-" + kind).then(function (reply) {
          if (reply.ok) C.status(status, ""); else C.refuse(reply, status, t.refusals, t.signin_link);
        });
      });
    });
    decisions(run, tr.appendChild(el("td")));
    return tr;
  }

  // The decisions the person may take on an undecided run, four eyes: its creator neither confirms nor cancels
  // it, whoever approved one of its claims does not confirm it; in place of what they may not, why not
  function decisions(run, cell) {
    if (run.status !== "sealed" && run.status !== "open") return;
    if (run.own) { cell.appendChild(whyNot(t.own)); return; }
    if (run.status === "sealed") cell.appendChild(run.you_approved ? whyNot(t.you_approved) : action(run, "confirm", cell));
    cell.appendChild(action(run, "cancel", cell));
  }

  // Why a decision is not offered to this person, where its button would be
  function whyNot(text) {
    return el("p", { class: "sw-claims__status", "data-sw-why-not": true }, text);
  }

  // A button that opens the small form of one decision in the run's row
  function action(run, kind, cell) {
    var button = el("button", { type: "button", class: "md-button", "data-sw-run-action": kind }, t[kind]);
    button.addEventListener("click", function () {
      cell.textContent = "";
      cell.appendChild(decisionForm(run, kind));
      C.cards(list.table);  // the form's cell keeps its label on a phone
    });
    return button;
  }

  function decisionForm(run, kind) {
    var form = el("form", { class: "sw-claims__decision", "data-sw-run-decision": kind });
    var input = kind === "confirm"
      ? el("input", { type: "date", name: "executed", required: true, max: C.format.isoDay(new Date()) })
      : el("textarea", { name: "reason", rows: "2", maxlength: "500", required: true });
    var wrapper = form.appendChild(C.field(kind === "confirm" ? t.executed : t.cancel_reason, input));
    var problem = wrapper.appendChild(C.statusLine({ id: input.id + "-error" }));  // the field's problem, below it
    var send = form.appendChild(el("button", { type: "submit", class: "md-button md-button--primary" }, kind === "confirm" ? t.send_paid : t.send_cancel));
    var back = form.appendChild(el("button", { type: "button", class: "md-button" }, t.back));
    var note = form.appendChild(C.statusLine());
    back.addEventListener("click", function () { load(false); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (send.disabled) return;
      var value = input.value.trim();
      C.status(problem, "");
      input.removeAttribute("aria-invalid");
      if (!value) {
        C.status(problem, kind === "confirm" ? t.date_needed : t.reason_needed, "error");
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", problem.id);
        input.focus();
        return;
      }
      var body = kind === "confirm" ? { action: "paid", executed: value } : { action: "cancel", reason: value };
      send.disabled = true;
      C.status(note, t.loading);
      C.api("POST", "/payment-runs/" + encodeURIComponent(run.id) + "/decision", { body: body }).then(function (reply) {
        send.disabled = false;
        if (!reply.ok) { C.refuse(reply, note, t.refusals, t.signin_link); return; }
        C.status(status, fill(t.decided, { id: run.id, status: t[reply.body.status] || reply.body.status }), "ok");
        load(false);
        document.dispatchEvent(new CustomEvent("sharewall:claims-changed"));
      });
    });
    return form;
  }

  more.addEventListener("click", function () { load(true); });
  load(false);
})();
