/* Material for MkDocs' inline content scripts (partials/javascripts/content.html of mkdocs-material 9.8.2)
   as a file, so pages run under `script-src 'self'`. Runs where the original ran: after the content. */
(function (script) {
  "use strict";
  // With content.tabs.link: open the tabs the reader last chose on any page
  if (script && script.hasAttribute("data-tabs-link")) {
    var tabs = __md_get("__tabs");
    if (Array.isArray(tabs)) {
      document.querySelectorAll(".tabbed-set").forEach(function (set) {
        var labels = Array.from(set.querySelector(".tabbed-labels").getElementsByTagName("label"));
        tabs.some(function (tab) {  // the most recently chosen tab this set has
          var label = labels.find(function (candidate) { return candidate.innerText.trim() === tab; });
          if (label) document.getElementById(label.htmlFor).checked = true;
          return Boolean(label);
        });
      });
    }
  }
  // A link to a tab opens it
  var target = document.getElementById(location.hash.slice(1));
  if (target && target.name) target.checked = target.name.startsWith("__tabbed_");
})(document.currentScript);
