/* Sharewall statistics page: reads GET {api}/stats with the signed-in user's token and shows each
   aggregate as a small chart (inline SVG columns over time, bars as a list) with a table of the same
   numbers under it: shares, clicks on shared links (and clicks per share), the campaigns' goals; comms
   download the same as CSV. No chart library, no per-person data: the API has none.

   What the page says: a period the API withheld (fewer people than its `min_people`) is named as such,
   never as "nothing shared"; a chart without anything to draw is a sentence, not an empty axis; sources
   show their names (from the page's data-sources, i.e. content/sources.yml), networks their labels
   (the browser config), posts their titles (posts.json); numbers and dates are formatted with Intl in
   the page's language. */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";

  var root = document.querySelector("[data-sw-stats]");
  var shared = window.Sharewall;
  if (!root || !shared || !shared.hasConfig) return;
  var config = shared.config;
  var element = shared.element;
  var lang = shared.lang;
  var t = shared.strings("stats");
  var format = shared.format;  // numbers, dates and plural forms in the page's language (format.js)
  var numbers = { format: format.number };
  var percent = { format: format.percent };
  // Dates of period keys, read as UTC calendar days so no timezone moves them; German 27.11.2026
  var dayFull = { format: function (value) { return format.day(value); } };
  var dayShort = { format: function (value) { return format.day(value, true); } };
  var monthFull = { format: function (value) { return format.date(value, { month: "long", year: "numeric", timeZone: "UTC" }); } };
  var monthShort = { format: function (value) { return format.date(value, { month: "short", year: "2-digit", timeZone: "UTC" }); } };
  var titles = {};  // post slug -> {title, url} from posts.json, for readable top posts
  var sourceNames = {};  // source key -> name, from content/sources.yml by way of the template
  try { sourceNames = JSON.parse(root.getAttribute("data-sources") || "{}"); } catch (error) { sourceNames = {}; }
  var lastMinimum = 1;  // the API's min_people: periods with fewer active people come withheld

  var fill = format.fill;

  function svgElement(tag, attributes, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  var isoDay = format.isoDay;  // today where the person is, for the date inputs

  function utcDay(iso) {
    var parts = iso.split("-").map(Number);
    return new Date(Date.UTC(parts[0], parts[1] - 1, parts[2]));
  }

  // A period key of the API (2026-11-27, 2026-W48, 2026-11) as people read it, in full or short (axis)
  function periodLabel(key, short) {
    var week = /^(\d{4})-W(\d{2})$/.exec(key);
    if (week) {
      var values = { w: numbers.format(Number(week[2])), y: week[1] };
      if (short) return fill(t.week_axis, values);
      // Monday of ISO week 1 is the Monday of the week holding 4 January
      var fourth = Date.UTC(Number(week[1]), 0, 4);
      var monday = new Date(fourth - ((new Date(fourth).getUTCDay() + 6) % 7) * 86400000 + (Number(week[2]) - 1) * 7 * 86400000);
      var sunday = new Date(monday.getTime() + 6 * 86400000);
      return fill(t.week_label, values) + " (" + dayFull.format(monday) + " – " + dayFull.format(sunday) + ")";
    }
    if (/^\d{4}-\d{2}$/.test(key)) return (short ? monthShort : monthFull).format(utcDay(key + "-01"));
    if (/^\d{4}-\d{2}-\d{2}$/.test(key)) return (short ? dayShort : dayFull).format(utcDay(key));
    return key;
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
  // comms download the same aggregates as CSV (GET /stats/export.csv is theirs), in either spreadsheet dialect
  var exports = element("div", { class: "sw-stats__exports", "data-sw-roles": "comms", "data-sw-stats-exports": "" });
  [["standard", t.export_csv], ["de", t.export_csv_de]].forEach(function (pair) {
    var button = exports.appendChild(element("button", { type: "button", class: "md-button", "data-sw-export": pair[0] }, pair[1]));
    button.addEventListener("click", function () { exportCsv(pair[0]); });
  });
  var person = shared.who();
  exports.hidden = !person || person.roles.indexOf("comms") < 0;
  form.appendChild(exports);
  var status = element("p", { class: "sw-stats__status", role: "status", "aria-live": "polite" });
  var output = element("div", { class: "sw-stats__output", "data-sw-stats-output": "" });
  root.appendChild(form);
  root.appendChild(status);
  root.appendChild(output);

  // A table with a caption, header row and one row per item; a cell is text, a node or {text, span, withheld}.
  // Its "Als Tabelle" toggle is named after its chart `name` (six alike toggles otherwise)
  function table(name, caption, headers, rows) {
    var details = element("details", {});
    details.appendChild(element("summary", { id: "sw-table-" + name, "aria-labelledby": "sw-table-" + name + " sw-chart-" + name }, t.table));
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
        if (cell instanceof Node) cellNode.appendChild(cell);
        else if (cell && typeof cell === "object") {
          cellNode.textContent = cell.text;
          if (cell.span > 1) cellNode.setAttribute("colspan", cell.span);
          if (cell.withheld) cellNode.setAttribute("data-sw-withheld", "");
        } else cellNode.textContent = cell;
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

  // What stands in for a chart that has nothing to draw
  function nothing(text) {
    return element("p", { class: "sw-chart__empty", "data-sw-chart-empty": "" }, text);
  }

  // Columns over time, sized to the space they get (so their text stays legible on a phone); the table
  // under it carries the same numbers for screen readers. A withheld period (null) gets a dashed stub.
  function columns(values, labels) {
    var width = Math.round(Math.max(300, Math.min(output.clientWidth || 600, 900)));
    var height = 180, top = 14, bottom = 22;
    var max = Math.max.apply(null, values.filter(function (value) { return value !== null; }));
    var maxText = numbers.format(max);
    var left = maxText.length * 7 + 8;
    var svg = svgElement("svg", { viewBox: "0 0 " + width + " " + height, "aria-hidden": "true", focusable: "false", class: "sw-columns" });
    var step = (width - left) / values.length;
    svg.appendChild(svgElement("line", { class: "sw-axis", x1: left, x2: width, y1: height - bottom, y2: height - bottom }));
    svg.appendChild(svgElement("text", { x: 0, y: top }, maxText));
    var every = Math.ceil(values.length / Math.max(1, Math.floor((width - left) / 64)));
    values.forEach(function (value, index) {
      var withheld = value === null;
      var barHeight = withheld ? 6 : (height - top - bottom) * value / max;
      if (barHeight > 0) {
        svg.appendChild(svgElement("rect", {
          class: withheld ? "sw-bar sw-bar--withheld" : "sw-bar", x: left + index * step + step * 0.15,
          width: Math.max(step * 0.7, 1), y: height - bottom - barHeight, height: barHeight,
        }));
      }
      if (index % every === 0) {
        svg.appendChild(svgElement("text", { x: left + index * step, y: height - 6 }, labels[index]));
      }
    });
    return svg;
  }

  // Horizontal bars as a list: each label is text that wraps (and carries its full text as a tooltip),
  // each bar an SVG rect as wide as its share of the largest (no inline style: the CSP allows none)
  function bars(rows) {
    var max = Math.max.apply(null, rows.map(function (r) { return r[1]; }));
    var list = element("ol", { class: "sw-hbars" });
    rows.forEach(function (item) {
      var entry = element("li", { class: "sw-hbar" });
      entry.appendChild(element("span", { class: "sw-hbar__label", title: item[0] }, item[0]));
      var track = element("span", { class: "sw-hbar__track" });
      var svg = svgElement("svg", { viewBox: "0 0 100 10", preserveAspectRatio: "none", "aria-hidden": "true", focusable: "false" });
      svg.appendChild(svgElement("rect", { class: "sw-bar", x: 0, y: 0, height: 10, width: item[1] ? Math.max(100 * item[1] / max, 0.5) : 0 }));
      track.appendChild(svg);
      entry.appendChild(track);
      entry.appendChild(element("span", { class: "sw-hbar__value" }, numbers.format(item[1])));
      list.appendChild(entry);
    });
    return list;
  }

  function networkLabel(name) {
    if (name === "system") return t.system;  // the Web Share API: no network of the table
    return (config.networks && config.networks[name] && config.networks[name].label) || name;
  }

  function sourceLabel(key) {
    if (sourceNames[key]) return sourceNames[key];
    return key === "unknown" ? t.unknown : key;
  }

  function postLabel(slug) {
    return titles[slug] ? titles[slug].title : slug;
  }

  function postCell(slug) {
    var known = titles[slug];
    if (!known) return slug;
    return element("a", { href: known.url }, known.title);
  }

  function withheldText(template, values) {
    return fill(template, Object.assign({ n: numbers.format(lastMinimum) }, values || {}));
  }

  // A period's numbers, or one cell across them saying why the period was withheld
  function counts(row, names) {
    if (row.withheld) return [{ text: withheldText(t.withheld), span: names.length, withheld: true }];
    return names.map(function (name) { return numbers.format(row[name]); });
  }

  // The time series as a chart, or the sentence saying why there is none
  function overTime(part, values, labels, withheld) {
    var drawn = values.some(function (value) { return value; });
    if (drawn) {
      part.appendChild(columns(values, labels));
      if (withheld) part.appendChild(element("p", { class: "sw-chart__legend" }, withheldText(t.withheld_legend)));
    } else {
      part.appendChild(nothing(t.none_chart));
    }
    return drawn;
  }

  // "312 von 500 Teilungen": a campaign's progress towards its goal, or why it is not shown yet
  function goals(list) {
    if (!list || !list.length) return null;
    var part = section("goals", t.goals_chart);
    var items = element("ul", { class: "sw-goals" });
    list.forEach(function (goal) {
      var item = element("li", { class: "sw-goal", "data-sw-goal": goal.campaign });
      item.appendChild(element("h3", { class: "sw-goal__name" }, campaignName(goal.name, goal.campaign)));
      item.appendChild(element("p", { class: "sw-goal__until" }, fill(t.goal_until, { end: dayFull.format(utcDay(goal.end)) })));
      if (goal.withheld) {
        item.appendChild(element("p", { class: "sw-goal__withheld", "data-sw-withheld": "" }, withheldText(t.goal_withheld)));
      } else {
        [["shares", t.goal_shares], ["clicks", t.goal_clicks]].forEach(function (kind) {
          var target = goal.goal[kind[0]];
          if (!target) return;
          var reached = goal.progress[kind[0]];
          var text = fill(kind[1], { count: numbers.format(reached), goal: numbers.format(target) });
          var line = element("p", { class: "sw-goal__line", "data-sw-goal-kind": kind[0] });
          line.appendChild(element("span", {}, text));
          line.appendChild(element("progress", { max: String(target), value: String(Math.min(reached, target)), "aria-label": text }));
          item.appendChild(line);
        });
      }
      items.appendChild(item);
    });
    part.appendChild(items);
    return part;
  }

  // A campaign's name as campaigns.yml gives it (one text, or one per language) in the page's language
  function campaignName(name, key) {
    if (!name) return key;
    if (typeof name === "string") return name;
    return name[lang] || name.en || name[Object.keys(name)[0]] || key;
  }

  function ratio(value) {
    return value === null || value === undefined ? "–" : format.number(value, { maximumFractionDigits: 2 });
  }

  // Clicks on shared links: over time, then by network and post next to the shares they came from
  function clickSections(clicks, axis, periodCell) {
    var parts = [];
    var over = section("clicks", t.clicks_chart);
    var withheld = clicks.series.some(function (row) { return row.withheld; });
    overTime(over, clicks.series.map(function (row) { return row.clicks; }), axis, withheld);
    over.appendChild(element("p", {}, t.clicks_note));
    over.appendChild(table("clicks", t.clicks_chart, [t.period, t.clicks], clicks.series.map(function (row) {
      return [periodCell(row)].concat(counts(row, ["clicks"]));
    })));
    parts.push(over);
    [{ name: "clicks-networks", heading: t.clicks_networks_chart, column: t.network, rows: clicks.by_network, key: "network", label: networkLabel },
     { name: "clicks-posts", heading: t.clicks_posts_chart, column: t.post, rows: clicks.by_post, key: "post", label: postLabel, cell: postCell }]
      .forEach(function (spec) {
        var part = section(spec.name, spec.heading);
        if (spec.rows.length) {
          part.appendChild(bars(spec.rows.map(function (row) { return [spec.label(row[spec.key]), row.clicks]; })));
          part.appendChild(table(spec.name, spec.heading, [spec.column, t.clicks, t.shares, t.clicks_per_share], spec.rows.map(function (row) {
            return [(spec.cell || spec.label)(row[spec.key]), numbers.format(row.clicks), numbers.format(row.shares), ratio(row.per_share)];
          })));
        } else {
          part.appendChild(nothing(t.none_clicks));
        }
        parts.push(part);
      });
    return parts;
  }

  // Download the statistics of the form's range as CSV in `dialect` (the API gives it only with the token)
  function exportCsv(dialect) {
    var query = new URLSearchParams({ granularity: granularity.value, dialect: dialect });
    if (from.value) query.set("from", from.value);
    if (to.value) query.set("to", to.value);
    status.textContent = t.loading;
    shared.download("/stats/export.csv?" + query.toString(), "sharewall-stats.csv").then(function (reply) {
      status.textContent = reply.ok ? "" : t.export_failed + (reply.body && reply.body.error ? " " + shared.errorText(reply) : "");
    });
  }

  function render(data) {
    output.textContent = "";
    lastMinimum = data.min_people || 1;
    var totals = data.totals;
    var withheld = totals.withheld_periods || 0;
    output.appendChild(element("p", { class: "sw-stats__range", "data-sw-stats-range": "" },
                               fill(t.range, { from: dayFull.format(utcDay(data.from)), to: dayFull.format(utcDay(data.to)) })));
    if (!totals.shares && withheld) {
      // everything that happened is withheld: no figures, whose zeros would read as "nothing shared"
      output.appendChild(element("p", { class: "sw-stats__withheld sw-stats__withheld--all", "data-sw-stats-withheld-all": withheld },
                                 withheldText(t.withheld_all)));
    } else {
      var figures = element("ul", { class: "sw-stats__figures", "data-sw-stats-figures": "" });
      [[t.shares, numbers.format(totals.shares), "shares"],
       [t.people_peak, numbers.format(totals.people_peak), "people"],
       [t.rate, totals.personalised_rate === null ? "–" : percent.format(totals.personalised_rate), "rate"]]
        .concat(data.clicks ? [[t.clicks, numbers.format(data.clicks.total), "clicks"],
                               [t.clicks_per_share, ratio(data.clicks.per_share), "clicks-per-share"]] : [])
        .forEach(function (figure) {
          var item = element("li", { "data-sw-figure": figure[2] });
          item.appendChild(element("span", { class: "sw-stats__figure-value" }, figure[1]));
          item.appendChild(element("span", { class: "sw-stats__figure-label" }, figure[0]));
          figures.appendChild(item);
        });
      output.appendChild(figures);
      // zeros are true here (nothing was withheld), but say it in words, and draw nothing below
      if (!totals.shares) output.appendChild(element("p", { class: "sw-stats__empty", "data-sw-stats-empty": "" }, t.none));
      if (withheld) {
        var some = format.form(t.withheld_some, withheld);
        output.appendChild(element("p", { class: "sw-stats__withheld", "data-sw-stats-withheld-some": withheld },
                                   withheldText(some, { k: numbers.format(withheld) })));
      }
    }
    if (lastMinimum > 1) {
      output.appendChild(element("p", { class: "sw-stats__note", "data-sw-stats-withheld": withheld }, withheldText(t.withheld_note)));
    }

    var goalPart = goals(data.goals);
    if (goalPart) output.appendChild(goalPart);

    var axis = data.series.map(function (row) { return periodLabel(row.period, true); });
    function periodCell(row) { return periodLabel(row.period, false); }
    if (!totals.shares && !withheld) return;  // nothing happened: no charts of zeros, no empty axes
    // everything withheld: only the tables that say which periods were; no chart, no breakdown
    var drawn = Boolean(totals.shares);

    var people = section("people", t.people_chart);
    if (drawn && overTime(people, data.series.map(function (row) { return row.people; }), axis, withheld)) {
      people.appendChild(element("p", {}, t.note));
    }
    people.appendChild(table("people", t.people_chart, [t.period, t.people], data.series.map(function (row) {
      return [periodCell(row)].concat(counts(row, ["people"]));
    })));
    output.appendChild(people);

    var shares = section("shares", t.shares_chart);
    if (drawn) overTime(shares, data.series.map(function (row) { return row.shares; }), axis, withheld);
    shares.appendChild(table("shares", t.shares_chart, [t.period, t.shares, t.personalised], data.series.map(function (row) {
      return [periodCell(row)].concat(counts(row, ["shares", "personalised"]));
    })));
    output.appendChild(shares);
    if (!drawn) return;

    // Shares by one key: `label` names a key in the chart, `cell` in the table (the label unless given)
    [{ name: "networks", heading: t.networks_chart, column: t.network, rows: data.by_network, key: "network", label: networkLabel },
     { name: "sources", heading: t.sources_chart, column: t.source, rows: data.by_source, key: "source", label: sourceLabel },
     { name: "posts", heading: t.posts_chart, column: t.post, rows: data.top_posts, key: "post",
       label: postLabel, cell: postCell }].forEach(function (spec) {
      var part = section(spec.name, spec.heading);
      var cell = spec.cell || spec.label;
      if (spec.rows.length) {
        part.appendChild(bars(spec.rows.map(function (row) { return [spec.label(row[spec.key]), row.shares]; })));
        part.appendChild(table(spec.name, spec.heading, [spec.column, t.shares], spec.rows.map(function (row) {
          return [cell(row[spec.key]), numbers.format(row.shares)];
        })));
      } else {
        part.appendChild(nothing(t.none_chart));
      }
      output.appendChild(part);
    });

    var rate = section("personalised", t.rate_chart);
    var rows = [[t.personalised, totals.personalised], [t.suggested, totals.shares - totals.personalised]];
    rate.appendChild(bars(rows));
    rate.appendChild(table("personalised", t.rate_chart, [t.kind, t.count, t.share], rows.map(function (row) {
      return [row[0], numbers.format(row[1]), percent.format(row[1] / totals.shares)];
    })));
    output.appendChild(rate);
    if (data.clicks) clickSections(data.clicks, axis, periodCell).forEach(function (part) { output.appendChild(part); });
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
