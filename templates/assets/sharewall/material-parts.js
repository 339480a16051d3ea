/* Material for MkDocs' inline scripts (partials/javascripts/{content,palette,announce,consent,outdated}.html
   of mkdocs-material 9.8.2) as one file, so pages run under `script-src 'self'`. Each of our overrides of
   those partials loads this file without defer, at the place the original script stood, and names the
   part to run in `data-part`; material-head.js has defined __md_get/__md_set/__md_hash before. */
(function (script) {
  "use strict";

  var parts = {
    // After the content: with content.tabs.link open the tabs last chosen; a link to a tab opens it
    content: function () {
      var tabs = script.hasAttribute("data-tabs-link") ? __md_get("__tabs") : null;
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
      var target = document.getElementById(location.hash.slice(1));
      if (target && target.name) target.checked = target.name.startsWith("__tabbed_");
    },

    // In the header: the colour palette the reader chose (or the system's, when they chose "automatic")
    palette: function () {
      var palette = __md_get("__palette");
      if (!(palette && palette.color)) return;
      if (palette.color.media === "(prefers-color-scheme)") {
        var light = matchMedia("(prefers-color-scheme: light)").matches;
        var input = document.querySelector("[data-md-color-media='(prefers-color-scheme: " +
          (light ? "light" : "dark") + ")']");
        ["media", "scheme", "primary", "accent"].forEach(function (key) {
          palette.color[key] = input.getAttribute("data-md-color-" + key);
        });
      }
      Object.keys(palette.color).forEach(function (key) {
        document.body.setAttribute("data-md-color-" + key, palette.color[key]);
      });
    },

    // In the banner: an announcement the reader dismissed stays hidden
    announce: function () {
      var banner = document.querySelector("[data-md-component=announce]");
      if (banner && __md_hash(banner.querySelector(".md-typeset").innerHTML) === __md_get("__announce")) {
        banner.hidden = true;
      }
    },

    // After the consent form: the reader's choices, or the form when they have not chosen yet
    consent: function () {
      var form = document.forms.consent;
      var consent = __md_get("__consent");
      if (consent) {
        Array.from(form.elements).forEach(function (input) {
          if (input.name) input.checked = consent[input.name] || false;
        });
      } else if (location.protocol !== "file:") {
        setTimeout(function () { document.querySelector("[data-md-component=consent]").hidden = false; }, 250);
      }
      ["submit", "reset"].forEach(function (action) {
        form.addEventListener(action, function (event) {
          event.preventDefault();
          if (event.type === "reset") {
            Array.from(form.elements).forEach(function (input) { if (input.name) input.checked = false; });
          }
          __md_set("__consent", Object.fromEntries(Array.from(new FormData(form).keys(), function (key) {
            return [key, true];
          })));
          location.hash = "";
          location.reload();
        });
      });
    },

    // In the version banner: shown when the reader is on an outdated version
    outdated: function () {
      var banner = document.querySelector("[data-md-component=outdated]");
      var base = new URL(script.getAttribute("data-base"), location);
      if (__md_get("__outdated", sessionStorage, base) === true && banner) banner.hidden = false;
    },
  };

  parts[script.getAttribute("data-part")]();
})(document.currentScript);
