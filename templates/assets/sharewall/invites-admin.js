/* Invites page (comms): create an invite link for an influencer, list invites, revoke one.
   The link holds a secret token: it is shown once, right after creating it. */
(function () {
  "use strict";

  var C = window.SharewallClaims;
  var root = document.querySelector("[data-sw-invites]");
  if (!C || !root) return;
  var t = C.strings({
    de: {
      heading: "Neue Einladung", name: "Name", email: "E-Mail", campaign: "Kampagne", days: "Gültig (Tage)",
      campaign_hint: "Laufende Kampagnen mit Erstattung (content/campaigns.yml)", create: "Einladung erstellen",
      no_campaigns: "Keine laufende Kampagne mit Erstattung: Kampagnen stehen in content/campaigns.yml (reimbursed: true).",
      created: "Einladung erstellt. Der Link wird nur jetzt angezeigt – schicke ihn an die eingeladene Person:",
      copy: "Link kopieren", copied: "Kopiert.", list: "Einladungen", state: "Status", expires: "Gültig bis",
      revoke: "Zurückziehen", revoked: "zurückgezogen", active: "aktiv", expired: "abgelaufen",
      confirm: "Einladung wirklich zurückziehen? Der Link funktioniert dann nicht mehr.", none: "Noch keine Einladungen.",
      signin: "Melde dich an, um Einladungen zu verwalten.", signin_link: "Anmelden",
      forbidden: "Einladungen verwaltet die Kommunikation; deinem Konto fehlt diese Rolle.", loading: "Lädt …",
      more: "Weitere laden", actions: "Aktionen",
    },
    en: {
      heading: "New invite", name: "Name", email: "E-mail", campaign: "Campaign", days: "Valid (days)",
      campaign_hint: "Running campaigns with reimbursement (content/campaigns.yml)", create: "Create invite",
      no_campaigns: "No running campaign with reimbursement: campaigns are declared in content/campaigns.yml (reimbursed: true).",
      created: "Invite created. The link is shown only now – send it to the invited person:",
      copy: "Copy link", copied: "Copied.", list: "Invites", state: "State", expires: "Valid until",
      revoke: "Revoke", revoked: "revoked", active: "active", expired: "expired",
      confirm: "Really revoke this invite? Its link stops working.", none: "No invites yet.",
      signin: "Sign in to manage invites.", signin_link: "Sign in",
      forbidden: "Comms manages invites; your account lacks that role.", loading: "Loading …",
      more: "Load more", actions: "Actions",
    },
  });
  var claimPage = new URL(root.getAttribute("data-claim-page"), location.href);
  var el = C.element;

  var form = el("form", { class: "sw-claims__form", "data-sw-invite-form": true, novalidate: true });
  form.appendChild(el("h2", {}, t.heading));
  var name = el("input", { name: "name", required: true, maxlength: "80", autocomplete: "off" });
  var email = el("input", { name: "email", type: "email", required: true, maxlength: "254", autocomplete: "off" });
  var campaign = el("select", { name: "campaign", required: true });  // filled from the published campaigns.json
  var days = el("input", { name: "days", type: "number", min: "1", max: "90", value: "30", required: true });
  [C.field(t.name, name), C.field(t.email, email), C.field(t.campaign, campaign, t.campaign_hint), C.field(t.days, days)]
    .forEach(function (node) { form.appendChild(node); });
  form.appendChild(el("button", { type: "submit", class: "md-button md-button--primary" }, t.create));
  var formStatus = form.appendChild(C.statusLine());
  var result = el("div", { class: "sw-claims__created", "data-sw-invite-created": true, hidden: true });
  root.appendChild(form);
  root.appendChild(result);

  root.appendChild(el("h2", {}, t.list));
  var listStatus = C.statusLine();
  var list = C.table({ class: "sw-claims__table", "data-sw-invite-list": true },
                     [t.name, t.email, t.campaign, t.state, t.expires, t.actions]);
  var body = list.body;
  var more = el("button", { type: "button", class: "md-button", hidden: true }, t.more);
  root.appendChild(listStatus);
  root.appendChild(list.table);
  root.appendChild(more);
  var cursor = null;
  var campaigns = {};  // key -> campaign, as the build published content/campaigns.yml

  // Only declared, running, reimbursed campaigns may be named (the API refuses others): offer those
  function loadCampaigns() {
    return fetch(new URL("../sharewall/campaigns.json", claimPage).href).then(function (response) {
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
    }).catch(function (error) { C.status(formStatus, t.no_campaigns + " (" + error.message + ")", "error"); });
  }

  function row(invite) {
    var tr = C.cells(el("tr", { "data-invite": invite.id }),
                     [invite.name, invite.email, C.campaignName((campaigns[invite.campaign] || {}).name, invite.campaign),
                      t[invite.state] || invite.state, C.date(invite.expires_at)]);
    var actions = tr.appendChild(el("td"));
    if (invite.state === "active") {
      var button = el("button", { type: "button", class: "md-button", "data-sw-revoke": invite.id }, t.revoke);
      button.setAttribute("aria-label", t.revoke + ": " + invite.name);
      button.addEventListener("click", function () {
        if (!window.confirm(t.confirm)) return;
        button.disabled = true;
        C.api("DELETE", "/invites/" + encodeURIComponent(invite.id)).then(function (reply) {
          if (!reply.ok) { button.disabled = false; C.refuse(reply, listStatus, t); return; }
          tr.replaceWith(row(reply.body));
        });
      });
      actions.appendChild(button);
    }
    return tr;
  }

  function load(append) {
    if (!C.staffToken()) { C.signInHint(listStatus, t.signin, t.signin_link); form.hidden = true; return; }
    C.status(listStatus, t.loading);
    C.api("GET", "/invites" + (append && cursor ? "?cursor=" + encodeURIComponent(cursor) : "")).then(function (reply) {
      if (!reply.ok) { C.refuse(reply, listStatus, t); if (reply.status === 403) form.hidden = true; return; }
      if (!append) body.textContent = "";
      reply.body.invites.forEach(function (invite) { body.appendChild(row(invite)); });
      cursor = reply.body.next;
      more.hidden = !cursor;
      C.status(listStatus, body.children.length ? "" : t.none);
    });
  }

  more.addEventListener("click", function () { load(true); });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!form.reportValidity()) return;
    C.status(formStatus, t.loading);
    C.api("POST", "/invites", { body: { name: name.value.trim(), email: email.value.trim(), campaign: campaign.value.trim(),
                                        days: Number(days.value) } }).then(function (reply) {
      if (!reply.ok) { C.refuse(reply, formStatus, t); return; }
      C.status(formStatus, "");
      var link = new URL("#invite=" + reply.body.token, claimPage).href;
      result.textContent = "";
      result.appendChild(el("p", {}, t.created));
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
      form.reset();
      load(false);
    });
  });

  loadCampaigns().then(function () { load(false); });
})();
