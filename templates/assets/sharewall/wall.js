/* Sharewall wall: filters over the whole wall and incremental loading.
 *
 * The page holds one page of server-rendered cards. Further cards come from the other static wall
 * pages (the same HTML readers without JavaScript page through); filtering loads a compact index of
 * every post's topics, source and language once, then only the wall pages that hold matching cards.
 */
(function () {
  "use strict";

  // Once per wall page shown (Material's instant navigation swaps pages without reloading)
  function init() {
    // a <script> element, which content never produces (the sanitiser drops every one)
    var stateElement = document.querySelector('script#sharewall-wall[type="application/json"]');
    var shared = window.Sharewall;
    var list = document.querySelector("[data-sw-wall]");
    if (!stateElement || !shared || !shared.hasConfig || !list || list.dataset.ready) return;
    list.dataset.ready = "1";
    var state = JSON.parse(stateElement.textContent);
    var t = shared.strings("wall");
    var form = document.querySelector("[data-sw-filters]");
    var pager = document.querySelector("[data-sw-pager]");
    var more = document.querySelector("[data-sw-more]");
    var count = form.querySelector(".sw-filters__count");
    var chunks = new Map();  // wall page number -> promise of its cards' HTML
    var index = null;  // promise of the filter index
    var positions = null;  // wall positions shown in order: null = the whole wall
    var shown = 0;  // how many of `positions` are on the page
    var generation = 0;  // discards results of a superseded filter

    function range(from, to) {
      var out = [];
      for (var i = from; i < to; i++) out.push(i);
      return out;
    }

    // The wall page (from 1) that holds the card at `position` (from 0)
    function pageOf(position) {
      return Math.floor(position / state.pageSize) + 1;
    }

    // The cards of one wall page, read from the page itself
    function chunk(number) {
      if (!chunks.has(number)) {
        var url = number === 1 ? state.first : state.pages.replace("{n}", number);
        chunks.set(number, fetch(url).then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.text();
        }).then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          return Array.from(page.querySelectorAll("[data-sw-wall] > article.sw-card"), function (card) {
            return card.outerHTML;
          });
        }));
      }
      return chunks.get(number);
    }

    function loadIndex() {
      if (!index) {
        index = fetch(state.index).then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        });
      }
      return index;
    }

    // Append the next page of `positions`, fetching only the wall pages that hold them
    function showMore() {
      var run = generation;
      var next = positions.slice(shown, shown + state.pageSize);
      var numbers = Array.from(new Set(next.map(pageOf)));
      more.disabled = true;
      more.textContent = t.loading;
      return Promise.all(numbers.map(chunk)).then(function (loaded) {
        if (run !== generation) return;
        var byNumber = new Map(numbers.map(function (n, i) { return [n, loaded[i]]; }));
        var html = next.map(function (p) {
          return byNumber.get(pageOf(p))[p % state.pageSize];
        }).join("");
        list.insertAdjacentHTML("beforeend", html);
        shown += next.length;
        finish();
      }).catch(function () {
        if (run === generation) finish();
      });
    }

    function finish() {
      more.disabled = false;
      more.textContent = t.load_more;
      more.hidden = shown >= positions.length;
    }

    function selected() {
      var data = new FormData(form);
      return { topic: data.get("topic") || "", source: data.get("source") || "", language: data.get("language") || "" };
    }

    // Keep the filter in the address, so a filtered wall can be bookmarked and sent
    function remember(filter) {
      var params = new URLSearchParams();
      Object.keys(filter).forEach(function (key) { if (filter[key]) params.set(key, filter[key]); });
      var query = params.toString();
      history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
    }

    // Show `matches` from the first, in place of the cards on the page; `summary` says how many
    function restart(matches, summary) {
      positions = matches;
      shown = 0;
      list.innerHTML = "";
      count.textContent = summary;
      return showMore();
    }

    // Filter the whole wall: every matching post, newest first, a page at a time
    function apply() {
      var filter = selected();
      remember(filter);
      var run = ++generation;
      var active = filter.topic || filter.source || filter.language;
      if (!active) return restart(range(0, state.total), "");  // the whole wall, newest first
      return loadIndex().then(function (data) {
        if (run !== generation) return;
        var topic = data.topics.indexOf(filter.topic);
        var source = data.sources.indexOf(filter.source);
        var language = data.languages.indexOf(filter.language);
        var matches = [];
        data.posts.forEach(function (post, position) {
          if (filter.topic && post[0].indexOf(topic) < 0) return;
          if (filter.source && post[1] !== source) return;
          if (filter.language && post[2] !== language) return;
          matches.push(position);
        });
        return restart(matches, !matches.length ? t.none
                                : shared.format.plural(t.count, matches.length));
      });
    }

    // The filters at work; on a phone behind their button (the CSS hides the button from tablets on), which
    // opens and closes them; Escape in them closes them and returns to it
    function filters() {
      var toggle = document.querySelector("[data-sw-filters-toggle]");
      var bar = document.querySelector("[data-sw-filter-bar]");
      function open(value) {
        toggle.setAttribute("aria-expanded", String(value));
        form.classList.toggle("sw-filters--open", value);
      }
      toggle.addEventListener("click", function () { open(toggle.getAttribute("aria-expanded") !== "true"); });
      form.addEventListener("keydown", function (event) {
        if (event.key !== "Escape" || getComputedStyle(toggle).display === "none") return;
        open(false);
        toggle.focus();
      });
      bar.dataset.ready = "1";
      return open;
    }

    // Start: this page's cards are on the page, the rest of the wall follows on demand
    positions = range((state.page - 1) * state.pageSize, state.total);
    shown = list.querySelectorAll(".sw-card").length;
    var openFilters = filters();
    pager.hidden = true;
    finish();
    more.addEventListener("click", showMore);
    form.addEventListener("change", apply);
    form.addEventListener("reset", function () { setTimeout(apply, 0); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    var params = new URLSearchParams(location.search);
    var preset = false;
    ["topic", "source", "language"].forEach(function (key) {
      var field = form.elements[key];
      if (params.get(key) && field.querySelector('option[value="' + CSS.escape(params.get(key)) + '"]')) {
        field.value = params.get(key);
        preset = true;
      }
    });
    if (preset) {
      openFilters(true);  // a filtered wall's link shows which filter is on
      apply();
    }
  }

  if (window.document$ && window.document$.subscribe) window.document$.subscribe(init);
  else init();
})();
