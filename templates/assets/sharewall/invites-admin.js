/* Invites page (comms): create an invite link for an influencer (mailed by the API through SES when ticked: the
   address is only used to send it, never stored), list invites with who created them and their claims (count
   and status, no amounts), revoke one. The link holds a secret token: it is shown once, right after creating it. */
(function () {
  "use strict";

  var C = window.SharewallClaims;
  var root = document.querySelector("[data-sw-invites]");
  if (!C || !root) return;
  var t = C.strings("invites");
  var claimPage = new URL(root.getAttribute("data-claim-page"), location.href);
  var el = C.element;
  var LANGUAGES = Object.keys((C.config.ui && C.config.ui.homes) || { de: "/", en: "/en/" });  // the interface's
  var languageName = C.format.language;  // CLDR's names, in the page's language

  // The claim page of `language`: the browser config's homes when it has them, else derived from this
  // build's own claim page (German at the site's root, English under en/ with the same paths)
  function claimPageFor(language) {
    var homes = ((window.Sharewall || {}).config || {}).ui && window.Sharewall.config.ui.homes;
    if (homes && homes[language]) return new URL(homes[language].replace(/\/?$/, "/") + "claim/", location.href);
    var site = claimPage.pathname.replace(/claim\/$/, "");
    if (C.lang === "en") site = site.replace(/en\/$/, "");
    return new URL(site + (language === "en" ? "en/" : "") + "claim/", claimPage);
  }

  var form = el("form", { class: "sw-claims__form", "data-sw-invite-form": true, novalidate: true });
  form.appendChild(el("h2", {}, t.heading));
  var name = el("input", { name: "name", required: true, maxlength: "80", autocomplete: "off" });
  var email = el("input", { name: "email", type: "email", maxlength: "254", autocomplete: "off" });
  var sendEmail = el("input", { name: "send_email", type: "checkbox", "data-sw-send-email": true });
  var campaign = el("select", { name: "campaign", required: true });  // filled from the published campaigns.json
  var days = el("input", { name: "days", type: "number", min: "1", max: "90", step: "1", value: "30", required: true });
  var language = el("select", { name: "language", required: true });
  LANGUAGES.forEach(function (code) {
    language.appendChild(el("option", { value: code, selected: code === C.lang }, languageName(code)));
  });
  var controls = { name: name, email: email, campaign: campaign, days: days, language: language };
  var errors = {};  // field -> its error line, right below the control
  var sendLabel = el("label", { class: "sw-field--choice" });
  sendLabel.appendChild(sendEmail);
  sendLabel.appendChild(document.createTextNode(" " + t.send_email));
  [C.field(t.name, name), C.field(t.email, email, t.email_hint), sendLabel, C.field(t.campaign, campaign, t.campaign_hint),
   C.field(t.days, days), C.field(t.language, language, t.language_hint)].forEach(function (node) {
    var control = node.querySelector("input, select");
    if (control !== sendEmail) errors[control.name] = node.appendChild(C.statusLine({ id: control.id + "-error" }));
    form.appendChild(node);
  });
  // Ticked, the address is needed (the browser says so at once); unticked, it is not sent at all
  sendEmail.addEventListener("change", function () { email.required = sendEmail.checked; });
  var submit = form.appendChild(el("button", { type: "submit", class: "md-button md-button--primary" }, t.create));
  var formStatus = form.appendChild(C.statusLine());
  var result = el("div", { class: "sw-claims__created", "data-sw-invite-created": true, hidden: true });
  root.appendChild(form);
  root.appendChild(result);

  root.appendChild(el("h2", {}, t.list));
  var listStatus = C.statusLine();
  var list = C.table({ class: "sw-claims__table", "data-sw-invite-list": true },
                     [t.name, t.campaign, t.language_column, t.created_by, t.claims, t.state, t.expires, t.actions]);
  var body = list.body;
  var more = el("button", { type: "button", class: "md-button", hidden: true, "data-sw-more": true }, t.more);
  root.appendChild(listStatus);
  root.appendChild(C.scrolling(list.table));
  root.appendChild(more);
  var cursor = null;    // where the next page starts; null: nothing follows
  var request = 0;      // the latest list request: an older answer is dropped
  var loadingMore = false;
  var campaigns = {};  // key -> campaign, as the build published content/campaigns.yml

  // Only declared, running, reimbursed campaigns may be named (the API refuses others): offer those
  function loadCampaigns() {
    // published once, at the site's root (the German build's)
    return fetch(new URL("../sharewall/campaigns.json", claimPageFor("de")).href).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (published) {
      var now = new Date();
      campaign.textContent = "";
      published.campaigns.forEach(function (item) {
        campaigns[item.key] = item;
        if (item.reimbursed && new Date(item.starts_at) <= now && now < new Date(item.ends_at)) {
          campaign.appendChild(el("option", { value: item.key }, C.campaignName(item.name, item.key) + " (" + item.key + ")"));
        }
      });
      if (!campaign.options.length) { C.status(formStatus, t.no_campaigns, "error"); form.querySelector("button[type=submit]").disabled = true; }
    }).catch(function () { C.status(formStatus, t.refusals.campaigns_unavailable, "error"); });  // the file, unread
  }

  // Whether claims came in with an invite: how many, and how many of each status (never an amount)
  function claimsOf(invite) {
    var claims = invite.claims || { count: 0, statuses: {} };
    var cell = el("td", { "data-sw-invite-claims": claims.count });
    if (!claims.count) { cell.textContent = t.no_claims; return cell; }
    cell.appendChild(el("span", {}, C.format.plural(t.claim_count, claims.count)));
    var states = el("ul", { class: "sw-claims__counts" });
    Object.keys(t.claim_states).concat(Object.keys(claims.statuses)).forEach(function (status, index, all) {
      if (!claims.statuses[status] || all.indexOf(status) !== index) return;  // each status once, in the catalogue's order
      states.appendChild(el("li", { "data-status": status }, C.format.fill(t.claim_state, {
        count: C.format.number(claims.statuses[status]), state: t.claim_states[status] || status })));
    });
    cell.appendChild(states);
    return cell;
  }

  function row(invite) {
    var tr = C.cells(el("tr", { "data-invite": invite.id }),
                     [invite.name, C.campaignName((campaigns[invite.campaign] || {}).name, invite.campaign),
                      languageName(invite.language || "de"), invite.created_by_name || t.creator_unknown]);
    tr.appendChild(claimsOf(invite));
    C.cells(tr, [t.states[invite.state] || invite.state, C.date(invite.expires_at)]);
    var actions = tr.appendChild(el("td"));
    if (invite.state === "active") {
      var button = el("button", { type: "button", class: "md-button", "data-sw-revoke": invite.id }, t.revoke);
      button.setAttribute("aria-label", t.revoke + ": " + invite.name);
      button.addEventListener("click", function () {
        if (!window.confirm(t.confirm)) return;
        button.disabled = true;
        C.api("DELETE", "/invites/" + encodeURIComponent(invite.id)).then(function (reply) {
          if (!reply.ok) { button.disabled = false; C.refuse(reply, listStatus, t.refusals, t.signin_link); return; }
          tr.replaceWith(row(Object.assign({ claims: invite.claims }, reply.body)));  // DELETE's answer has no claims
          C.cards(list.table);
        });
      });
      actions.appendChild(button);
    }
    return tr;
  }

  // The first page (append false: replaces the rows) or the page after the last one shown (append true).
  // A click while the next page is on its way, or with nothing following, does nothing: no row twice.
  function load(append) {
    if (!C.staffToken()) { C.signInHint(listStatus, t.signin, t.signin_link); form.hidden = true; return; }
    if (append && (!cursor || loadingMore)) return;
    var mine = ++request;
    loadingMore = append;
    more.disabled = true;
    C.status(listStatus, t.loading);
    C.api("GET", "/invites" + (append ? "?cursor=" + encodeURIComponent(cursor) : "")).then(function (reply) {
      if (mine !== request) return;  // a newer request (a reload after creating) answers instead
      loadingMore = false;
      more.disabled = false;
      if (!reply.ok) { C.refuse(reply, listStatus, t.refusals, t.signin_link); if (reply.status === 403) form.hidden = true; return; }
      if (!append) body.textContent = "";
      reply.body.invites.forEach(function (invite) {
        if (!body.querySelector('tr[data-invite="' + CSS.escape(invite.id) + '"]')) body.appendChild(row(invite));
      });
      C.cards(list.table);  // on a phone each invite is a card: Revoke stays on screen
      cursor = reply.body.next || null;
      more.hidden = !cursor;
      C.status(listStatus, body.children.length ? "" : t.none);
    });
  }

  more.addEventListener("click", function () { load(true); });

  // A field's problem in the page's language, right below it (one line per field, replaced, never added)
  function fieldError(field, text) {
    var control = controls[field];
    errors[field].textContent = text || "";
    errors[field].className = "sw-claims__status" + (text ? " sw-claims__status--error" : "");
    var described = (control.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
      return id && id !== errors[field].id;  // the hint stays
    });
    if (text) described.push(errors[field].id);
    if (text) control.setAttribute("aria-invalid", "true"); else control.removeAttribute("aria-invalid");
    if (described.length) control.setAttribute("aria-describedby", described.join(" "));
    else control.removeAttribute("aria-describedby");
  }

  // What the browser knows is wrong with a control, said by the page
  function problemOf(field) {
    var control = controls[field], validity = control.validity;
    if (field !== "days" && validity.valueMissing || field === "campaign" && !control.value) {  // email: only when ticked
      return field === "campaign" ? t.bad_campaign : t.missing;
    }
    if (field === "email" && !validity.valid) return t.bad_email;
    if (field === "days" && !validity.valid) return t.bad_days;
    if (validity.tooLong) return t.too_long.replace("{max}", control.maxLength);
    return "";
  }

  // The API's refusal of fields (`fields`: [{field, code, max?}]) next to those fields
  function apiProblem(item) {
    var field = String(item.field || "").replace(/^body\./, "");
    if (!controls[field]) return null;
    if (item.code === "too_long" && item.max) return [field, t.too_long.replace("{max}", item.max)];
    var text = { name: t.missing, email: t.bad_email, campaign: t.bad_campaign, days: t.bad_days, language: t.bad_language }[field];
    return [field, item.code === "missing" && field === "name" ? t.missing : text];
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (submit.disabled) return;
    var first = null;
    Object.keys(controls).forEach(function (field) {
      var text = problemOf(field);
      fieldError(field, text);
      if (text && !first) first = controls[field];
    });
    if (first) { C.status(formStatus, ""); first.focus(); return; }
    var chosen = language.value;
    submit.disabled = true;
    C.status(formStatus, t.loading);
    var body = { name: name.value.trim(), campaign: campaign.value.trim(), days: Number(days.value), language: chosen };
    if (sendEmail.checked) { body.email = email.value.trim(); body.send_email = true; }  // else the address stays here
    C.api("POST", "/invites", { body: body }).then(function (reply) {
      submit.disabled = false;
      if (!reply.ok) {
        var named = ((reply.body && reply.body.error && reply.body.error.fields) || []).map(apiProblem).filter(Boolean);
        if (named.length) {
          named.forEach(function (pair) { fieldError(pair[0], pair[1]); });
          C.status(formStatus, t.refused, "error");
          controls[named[0][0]].focus();
        } else {
          C.refuse(reply, formStatus, t.refusals, t.signin_link);
        }
        return;
      }
      C.status(formStatus, "");
      var link = new URL("#invite=" + reply.body.token, claimPageFor(reply.body.language || chosen)).href;
      result.textContent = "";
      if (reply.body.mail === "sent" || reply.body.mail === "failed") {  // the invite exists either way
        var mailed = result.appendChild(C.statusLine({ "data-sw-mail": reply.body.mail }));
        C.status(mailed, reply.body.mail === "sent" ? t.mail_sent : t.mail_failed, reply.body.mail === "sent" ? "" : "error");
      }
      result.appendChild(el("p", {}, t.created.replace("{language}", languageName(reply.body.language || chosen))));
      var output = el("input", { type: "text", readonly: true, value: link, "data-sw-invite-link": true, "aria-label": "Link" });
      result.appendChild(output);
      var copy = el("button", { type: "button", class: "md-button" }, t.copy);
      var copied = el("span", { role: "status" });
      copy.addEventListener("click", function () {
        output.select();
        (navigator.clipboard ? navigator.clipboard.writeText(link) : Promise.reject()).then(
          function () { copied.textContent = " " + t.copied; }, function () { document.execCommand("copy"); });
      });
      result.appendChild(copy);
      result.appendChild(copied);
      result.hidden = false;
      form.reset();  // the language goes back to the page's (its option is the default), the tick goes
      email.required = false;
      load(false);
    });
  });

  loadCampaigns().then(function () { load(false); });
})();
