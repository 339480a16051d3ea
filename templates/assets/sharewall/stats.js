/* Sharewall statistics page: reads GET {api}/stats with the signed-in user's token and draws each
   aggregate as a small inline SVG chart with a table of the same numbers under it. No chart library,
   no per-person data: the API has none. */
(function () {
  "use strict";

  var STRINGS = {
    de: {
      granularity: "Zeitraster", day: "Tage", week: "Wochen", month: "Monate", from: "Von", to: "Bis",
      show: "Anzeigen", loading: "Lädt …", failed: "Die Statistik konnte nicht geladen werden.",
      signin: "Melde dich an, um die Statistik zu sehen.", signin_link: "Anmelden",
      forbidden: "Dein Konto darf die Statistik nicht sehen.",
      shares: "Geteilte Beiträge", people: "Aktive Personen", people_peak: "Aktive Personen (Spitze je Zeitraum)",
      personalised: "Mit eigenen Worten", rate: "Anteil mit eigenen Worten",
      people_chart: "Aktive Personen im Zeitverlauf", shares_chart: "Geteilte Beiträge im Zeitverlauf",
      networks_chart: "Geteilt nach Netzwerk", sources_chart: "Geteilt nach Quelle", posts_chart: "Meistgeteilte Beiträge",
      rate_chart: "Eigene Worte statt Vorschlag", period: "Zeitraum", network: "Netzwerk", source: "Quelle",
      post: "Beitrag", count: "Anzahl", share: "Anteil", suggested: "Vorschlag unverändert", table: "Als Tabelle",
      none: "Noch nichts geteilt in diesem Zeitraum.", unknown: "unbekannt",
      note: "Personen zählen je Zeitraum einmal; über Zeiträume hinweg lassen sie sich nicht addieren.",
      withheld: "weniger als {n} Personen",
      withheld_note: "Zeiträume mit weniger als {n} aktiven Personen werden nicht ausgewiesen und zählen in keiner Summe mit, damit keine Zahl eine einzelne Person beschreibt.",
    },
    en: {
      granularity: "Granularity", day: "Days", week: "Weeks", month: "Months", from: "From", to: "To",
      show: "Show", loading: "Loading …", failed: "The statistics could not be loaded.",
      signin: "Sign in to see the statistics.", signin_link: "Sign in",
      forbidden: "Your account may not see the statistics.",
      shares: "Shares", people: "Active people", people_peak: "Active people (peak per period)",
      personalised: "In their own words", rate: "Share in own words",
      people_chart: "Active people over time", shares_chart: "Shares over time",
      networks_chart: "Shares by network", sources_chart: "Shares by source", posts_chart: "Most shared posts",
      rate_chart: "Own words instead of the suggestion", period: "Period", network: "Network", source: "Source",
      post: "Post", count: "Count", share: "Share", suggested: "Suggestion unchanged", table: "As a table",
      none: "Nothing shared in this period yet.", unknown: "unknown",
      note: "People count once per period; they cannot be added up across periods.",
      withheld: "fewer than {n} people",
      withheld_note: "Periods with fewer than {n} active people are not shown and count in no total, so that no figure describes a single person.",
    },
  };
  var SVG = "http://www.w3.org/2000/svg";

  var root = document.querySelector("[data-sw-stats]");
  var shared = window.Sharewall;
  if (!root || !shared || !shared.hasConfig) return;
  var config = shared.config;
  var element = shared.element;
  var lang = shared.lang;
  var t = shared.strings(STRINGS);
  var numbers = new Intl.NumberFormat(lang);
  var percent = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 1 });
  var titles = {};  // post slug -> {title, url} from posts.json, for readable top posts
  var lastMinimum = 1;  // the API's min_people: periods with fewer active people come withheld

  function svgElement(tag, attributes, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function isoDay(date) {
    var shifted = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
    return shifted.toISOString().slice(0, 10);
  }

  // The controls: granularity and date range, as a form that also works with the keyboard only
  var form = element("form", { class: "sw-stats__controls", "data-sw-stats-form": "" });
  var granularity = element("select", { name: "granularity" });
  ["day", "week", "month"].forEach(function (value) {
    granularity.appendChild(element("option", { value: value }, t[value]));
  });
  var today = new Date();
  var from = element("input", { type: "date", name: "from", value: isoDay(new Date(today.getTime() - 29 * 86400000)) });
  var to = element("input", { type: "date", name: "to", value: isoDay(today) });
  [[t.granularity, granularity], [t.from, from], [t.to, to]].forEach(function (pair) {
    var label = element("label", {}, null);
    label.appendChild(element("span", {}, pair[0]));
    label.appendChild(pair[1]);
    form.appendChild(label);
  });
  form.appendChild(element("button", { type: "submit", class: "sw-stats__submit" }, t.show));
  var status = element("p", { class: "sw-stats__status", role: "status", "aria-live": "polite" });
  var output = element("div", { class: "sw-stats__output", "data-sw-stats-output": "" });
  root.appendChild(form);
  root.appendChild(status);
  root.appendChild(output);

  // A table with a caption, header row and one row per item
  function table(caption, headers, rows) {
    var details = element("details", {});
    details.appendChild(element("summary", {}, t.table));
    var tableNode = element("table", {});
    tableNode.appendChild(element("caption", {}, caption));
    var head = element("tr", {});
    headers.forEach(function (text) { head.appendChild(element("th", { scope: "col" }, text)); });
    tableNode.appendChild(element("thead", {})).appendChild(head);
    var body = tableNode.appendChild(element("tbody", {}));
    rows.forEach(function (cells) {
      var row = element("tr", {});
      cells.forEach(function (cell, index) {
        var cellNode = element(index === 0 ? "th" : "td", index === 0 ? { scope: "row" } : {});
        if (cell instanceof Node) cellNode.appendChild(cell); else cellNode.textContent = cell;
        row.appendChild(cellNode);
      });
      body.appendChild(row);
    });
    details.appendChild(tableNode);
    return details;
  }

  function section(name, heading) {
    var figure = element("section", { class: "sw-chart", "data-sw-chart": name, "aria-labelledby": "sw-chart-" + name });
    figure.appendChild(element("h2", { id: "sw-chart-" + name }, heading));
    return figure;
  }

  // Columns over time; the table under it carries the same numbers for screen readers.
  // A withheld period (null) gets an outlined stub instead of a column.
  function columns(values, labels) {
    var width = 600, height = 180, top = 14, bottom = 22, left = 28;
    var max = Math.max.apply(null, values.filter(function (value) { return value !== null; }).concat([1]));
    var svg = svgElement("svg", { viewBox: "0 0 " + width + " " + height, "aria-hidden": "true", focusable: "false" });
    var step = (width - left) / Math.max(values.length, 1);
    svg.appendChild(svgElement("line", { class: "sw-axis", x1: left, x2: width, y1: height - bottom, y2: height - bottom }));
    svg.appendChild(svgElement("text", { x: 0, y: top }, numbers.format(max)));
    var every = Math.ceil(values.length / 8);
    values.forEach(function (value, index) {
      var withheld = value === null;
      var barHeight = withheld ? 6 : (height - top - bottom) * value / max;
      svg.appendChild(svgElement("rect", {
        class: withheld ? "sw-bar sw-bar--withheld" : "sw-bar", x: left + index * step + step * 0.15,
        width: Math.max(step * 0.7, 1), y: height - bottom - barHeight, height: barHeight,
      }));
      if (index % every === 0) {
        svg.appendChild(svgElement("text", { x: left + index * step, y: height - 6 }, labels[index]));
      }
    });
    return svg;
  }

  // Horizontal bars, one per label, longest first
  function bars(rows) {
    var width = 600, row = 24, labelWidth = 190;
    var max = Math.max.apply(null, rows.map(function (r) { return r[1]; }).concat([1]));
    var svg = svgElement("svg", { viewBox: "0 0 " + width + " " + (rows.length * row + 4), "aria-hidden": "true", focusable: "false" });
    rows.forEach(function (item, index) {
      var y = index * row + 2;
      var label = String(item[0]);
      svg.appendChild(svgElement("text", { x: 0, y: y + 15 }, label.length > 28 ? label.slice(0, 27) + "…" : label));
      var barWidth = (width - labelWidth - 50) * item[1] / max;
      svg.appendChild(svgElement("rect", { class: "sw-bar", x: labelWidth, y: y + 3, width: Math.max(barWidth, 1), height: row - 8 }));
      svg.appendChild(svgElement("text", { x: labelWidth + barWidth + 6, y: y + 15 }, numbers.format(item[1])));
    });
    return svg;
  }

  function networkLabel(name) {
    return (config.networks && config.networks[name] && config.networks[name].label) || name;
  }

  function postCell(slug) {
    var known = titles[slug];
    if (!known) return slug;
    return element("a", { href: known.url }, known.title);
  }

  function withheldText(template) {
    return template.replace("{n}", numbers.format(lastMinimum));
  }

  // A period's number, or what stands in for it when the period was withheld
  function count(row, name) {
    return row.withheld ? withheldText(t.withheld) : numbers.format(row[name]);
  }

  function render(data) {
    output.textContent = "";
    lastMinimum = data.min_people || 1;
    var totals = data.totals;
    var figures = element("ul", { class: "sw-stats__figures", "data-sw-stats-figures": "" });
    [[t.shares, numbers.format(totals.shares), "shares"],
     [t.people_peak, numbers.format(totals.people_peak), "people"],
     [t.rate, totals.personalised_rate === null ? "–" : percent.format(totals.personalised_rate), "rate"]]
      .forEach(function (figure) {
        var item = element("li", { "data-sw-figure": figure[2] });
        item.appendChild(element("span", { class: "sw-stats__figure-value" }, figure[1]));
        item.appendChild(element("span", { class: "sw-stats__figure-label" }, figure[0]));
        figures.appendChild(item);
      });
    output.appendChild(figures);
    if (!totals.shares) output.appendChild(element("p", { "data-sw-stats-empty": "" }, t.none));
    if (lastMinimum > 1) {
      output.appendChild(element("p", { class: "sw-stats__withheld", "data-sw-stats-withheld": totals.withheld_periods || 0 },
                                 withheldText(t.withheld_note)));
    }

    var periods = data.series.map(function (row) { return row.period; });
    var people = section("people", t.people_chart);
    people.appendChild(columns(data.series.map(function (row) { return row.people; }), periods));
    people.appendChild(element("p", {}, t.note));
    people.appendChild(table(t.people_chart, [t.period, t.people], data.series.map(function (row) {
      return [row.period, count(row, "people")];
    })));
    output.appendChild(people);

    var shares = section("shares", t.shares_chart);
    shares.appendChild(columns(data.series.map(function (row) { return row.shares; }), periods));
    shares.appendChild(table(t.shares_chart, [t.period, t.shares, t.personalised], data.series.map(function (row) {
      return [row.period, count(row, "shares"), count(row, "personalised")];
    })));
    output.appendChild(shares);

    // Shares by one key: `label` names a key in the chart, `cell` in the table (the label unless given)
    [{ name: "networks", heading: t.networks_chart, column: t.network, rows: data.by_network, key: "network", label: networkLabel },
     { name: "sources", heading: t.sources_chart, column: t.source, rows: data.by_source, key: "source",
       label: function (key) { return key === "unknown" ? t.unknown : key; } },
     { name: "posts", heading: t.posts_chart, column: t.post, rows: data.top_posts, key: "post",
       label: function (slug) { return titles[slug] ? titles[slug].title : slug; }, cell: postCell }].forEach(function (spec) {
      var part = section(spec.name, spec.heading);
      var cell = spec.cell || spec.label;
      part.appendChild(bars(spec.rows.map(function (row) { return [spec.label(row[spec.key]), row.shares]; })));
      part.appendChild(table(spec.heading, [spec.column, t.shares], spec.rows.map(function (row) {
        return [cell(row[spec.key]), numbers.format(row.shares)];
      })));
      output.appendChild(part);
    });

    var rate = section("personalised", t.rate_chart);
    var rows = [[t.personalised, totals.personalised], [t.suggested, totals.shares - totals.personalised]];
    rate.appendChild(bars(rows));
    rate.appendChild(table(t.rate_chart, ["", t.count, t.share], rows.map(function (row) {
      return [row[0], numbers.format(row[1]), totals.shares ? percent.format(row[1] / totals.shares) : "–"];
    })));
    output.appendChild(rate);
  }

  // A link to sign in (at the identity provider, or locally on the dev page) and come back here
  function signInHint() {
    shared.signInHint(status, t.signin, t.signin_link);
  }

  // Titles make top posts readable: read once, beside the first statistics; the statistics show either way
  var titlesRead = null;
  function readTitles() {
    if (!titlesRead) {
      titlesRead = fetch(root.getAttribute("data-posts"))
        .then(function (response) { return response.ok ? response.json() : { posts: [] }; })
        .then(function (data) {
          (data.posts || []).forEach(function (post) {
            // the path only: the site may be served from another host than its site_url (e.g. locally)
            titles[post.slug] = { title: post.title, url: new URL(post.url, location.href).pathname };
          });
        })
        .catch(function () {});
    }
    return titlesRead;
  }

  function load() {
    if (!shared.token()) { signInHint(); return; }
    status.textContent = t.loading;
    var query = new URLSearchParams({ granularity: granularity.value });
    if (from.value) query.set("from", from.value);
    if (to.value) query.set("to", to.value);
    Promise.all([shared.api("GET", "/stats?" + query.toString()), readTitles()])
      .then(function (done) {
        var reply = done[0];
        if (reply.status === 401) { signInHint(); return; }
        if (reply.status === 403) { status.textContent = t.forbidden; return; }
        if (!reply.ok) {
          // a network failure (status 0) or an answer without the API's message: no detail to add
          status.textContent = t.failed + (reply.status && reply.body && reply.body.error ? " " + shared.errorText(reply) : "");
          return;
        }
        status.textContent = "";
        render(reply.body);
      })
      .catch(function () { status.textContent = t.failed; });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    load();
  });

  load();
})();
