/* Sharewall campaign goals on the wall: a card of a campaign's post says how far everyone got together
   ("312 von 500 Teilungen"), from GET {api}/stats/goals (aggregates only, withheld until enough people took
   part: then the line stays hidden). Read once a page, for the cards there and those the wall adds later. */
(function () {
  "use strict";

  var shared = window.Sharewall;
  if (!shared || !shared.hasConfig || !shared.token()) return;
  var t = shared.strings("goals");
  var format = shared.format;
  var goals = null;  // campaign key -> goal, once read

  // One card's line: each target the goal names, its progress as text
  function fill(node) {
    var goal = goals && goals[node.getAttribute("data-sw-goal")];
    if (!goal || goal.withheld || !goal.progress || node.dataset.ready) return;
    node.dataset.ready = "1";
    var parts = [];
    if (goal.goal.shares) parts.push(format.fill(t.shares, { count: format.number(goal.progress.shares), goal: format.number(goal.goal.shares) }));
    if (goal.goal.clicks) parts.push(format.fill(t.clicks, { count: format.number(goal.progress.clicks), goal: format.number(goal.goal.clicks) }));
    node.textContent = format.fill(t.line, { progress: parts.join(" · ") });
    node.hidden = false;
  }

  function fillAll(root) {
    (root.querySelectorAll ? root.querySelectorAll("[data-sw-goal]") : []).forEach(fill);
  }

  function start() {
    if (!document.querySelector("[data-sw-goal]")) return;
    shared.api("GET", "/stats/goals").then(function (reply) {
      if (!reply.ok || !reply.body || !Array.isArray(reply.body.goals)) return;  // the cards simply show no goal
      goals = {};
      reply.body.goals.forEach(function (goal) { goals[goal.campaign] = goal; });
      fillAll(document);
      // the wall adds cards of further pages and filters: theirs are filled as they come
      new MutationObserver(function (changes) {
        changes.forEach(function (change) {
          change.addedNodes.forEach(function (node) {
            if (node.nodeType !== 1) return;
            if (node.matches("[data-sw-goal]")) fill(node);
            fillAll(node);
          });
        });
      }).observe(document.body, { childList: true, subtree: true });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
