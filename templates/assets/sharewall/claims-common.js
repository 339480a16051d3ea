/* Sharewall claims pages (invites, claim form, finance): what the three share. Calls the API (site.js)
   with the signed-in user's token (sessionStorage) or the influencer's invite token, says a refusal's
   code in the page's language (never the API's English message), builds status lines and tables,
   formats money from the API's decimal strings.
   No framework, no third party. */
(function () {
  "use strict";

  var shared = window.Sharewall;
  var element = shared.element;
  var lang = shared.lang;

  // Label + control, the control's id tied to the label for screen readers
  var ids = 0;
  function field(labelText, control, hint) {
    var wrapper = element("div", { class: "sw-field" });
    if (!control.id) control.id = "sw-field-" + (++ids);
    wrapper.appendChild(element("label", { for: control.id }, labelText));
    wrapper.appendChild(control);
    if (hint) {
      var note = element("small", { id: control.id + "-hint", class: "sw-field__hint" }, hint);
      control.setAttribute("aria-describedby", note.id);
      wrapper.appendChild(note);
    }
    return wrapper;
  }

  // Money and dates as format.js writes them in the page's language
  var money = shared.format.money;
  var date = function (iso) { return shared.format.date(iso); };
  var dateTime = shared.format.dateTime;

  function status(node, text, kind) {
    node.textContent = text || "";
    node.className = "sw-claims__status" + (kind ? " sw-claims__status--" + kind : "");
  }

  // A live status line (a <p> unless `tag` says otherwise) with `attributes` added
  function statusLine(attributes, tag) {
    return element(tag || "p", Object.assign({ class: "sw-claims__status", role: "status", "aria-live": "polite" }, attributes));
  }

  // A table with `attributes` and a header row of column `headers`; {table, body} to fill
  function table(attributes, headers) {
    var node = element("table", attributes);
    var head = element("tr");
    headers.forEach(function (text) { head.appendChild(element("th", { scope: "col" }, text)); });
    node.appendChild(element("thead")).appendChild(head);
    return { table: node, body: node.appendChild(element("tbody")) };
  }

  // A wide table in a box that scrolls sideways on a narrow screen instead of widening the page
  function scrolling(tableNode) {
    var box = element("div", { class: "sw-claims__scroll" });
    box.style.overflowX = "auto";  // CSSOM, not a style attribute: the pages' CSP allows it
    box.appendChild(tableNode);
    return box;
  }

  // On a phone a table shows each row as a card (claims.css's sw-claims__table--cards), every cell under its
  // column's name, so no action (Open, Revoke, History) lies off screen: call again after adding rows
  function cards(tableNode) {
    tableNode.classList.add("sw-claims__table--cards");
    var names = Array.prototype.map.call(tableNode.tHead.rows[0].cells, function (head) { return head.textContent.trim(); });
    Array.prototype.forEach.call(tableNode.tBodies[0].rows, function (row) {
      Array.prototype.forEach.call(row.cells, function (cell, index) {
        if (!cell.hasAttribute("colspan")) cell.setAttribute("data-label", names[index] || "");
      });
    });
    return tableNode;
  }

  // A calendar day the API sends as YYYY-MM-DD in the page's language, whatever the person's timezone
  function day(iso) {
    return /^\d{4}-\d{2}-\d{2}$/.test(String(iso)) ? shared.format.day(new Date(iso + "T00:00:00Z")) : date(iso);
  }

  // One text cell in `row` per item of `texts`; the row
  function cells(row, texts) {
    texts.forEach(function (text) { row.appendChild(element("td", {}, text)); });
    return row;
  }

  // The code of a refused reply: "network" when the server was not reached, "unauthorized" for the HTTP API's
  // own 401 (a bare {"message"}), else the function's `error.code` ("" when it gave none)
  function refusalCode(reply) {
    if (reply.status === 0) return "network";
    var code = (reply.body && reply.body.error && reply.body.error.code) || "";
    return !code && reply.status === 401 ? "unauthorized" : code;
  }

  // A refused call in the page's language: its code's sentence from the page's catalogue table `refusals`,
  // the table's one generic sentence (`fallback`) for a code it lacks; never the API's English `message`
  function refusalText(reply, refusals) {
    return codeText(refusalCode(reply), refusals, reply.status);
  }

  // One refusal code's sentence from `refusals` (also a code of one item of a bulk answer), else the generic one
  function codeText(code, refusals, httpStatus) {
    var known = code !== "fallback" && Object.prototype.hasOwnProperty.call(refusals, code);
    return known ? refusals[code] : shared.format.fill(refusals.fallback, { status: httpStatus || "–" });
  }

  // A refused call in `node`, in the page's language; signed out, with a link (`signInLink` its text) to sign in again
  function refuse(reply, node, refusals, signInLink) {
    if (refusalCode(reply) === "unauthorized") shared.signInHint(node, refusalText(reply, refusals), signInLink);
    else status(node, refusalText(reply, refusals), "error");
  }

  // A campaign's name as campaigns.yml gives it (one text, or one per language) in the page's language
  function campaignName(name, key) {
    if (!name) return key || "";
    if (typeof name === "string") return name;
    return name[lang] || name.en || name[Object.keys(name)[0]] || key || "";
  }

  window.SharewallClaims = {
    lang: lang, element: element, field: field, api: shared.api, money: money,
    date: date, dateTime: dateTime, status: status, statusLine: statusLine, table: table, cells: cells,
    refuse: refuse, refusalText: refusalText, refusalCode: refusalCode, codeText: codeText, scrolling: scrolling, cards: cards, day: day, signInHint: shared.signInHint, download: shared.download, newKey: shared.newKey,
    staffToken: shared.token, campaignName: campaignName,
    strings: shared.strings, format: shared.format, config: shared.config || {},
  };
})();
