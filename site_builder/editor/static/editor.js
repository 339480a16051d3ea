/* Sharewall's editor at /admin/: picks the interface language, points Decap at that language's config, adds the
 * widgets Decap's own cannot express (the disclosure and the suggestions, with the rules of `sharewall check`; the
 * expiry and the alt text, wrapping Decap's own, with the rules across fields) and the preview that looks like the wall, then starts Decap.
 *
 * Its data is editor.<lang>.json (site_builder/editor/data.py). The counting is the composer's (window.Sharewall.rules
 * from assets/sharewall/composer.js, pinned to site_builder/sharing.py by tests/test_composer_js.py), never retyped.
 * Everything from content is rendered as text by React; only the body goes through Decap's own widgetFor.
 */
(function () {
  "use strict";

  var h = window.h;
  var createClass = window.createClass;
  var rules = (window.Sharewall || {}).rules;
  var FALLBACK = ["en", "de", "fr"];  // asked only when no wanted language is built, to learn the main one
  var SLOT = "{network}";  // sharing.NETWORK_SLOT
  var EDITS = ["input", "change", "click", "keyup"];  // what changes a field of the form
  var data;  // editor.<lang>.json

  /* --- language and data ------------------------------------------------------------------ */

  // The languages the person wants: ?lang=xx first, then the browser's, as base codes
  function wanted() {
    var asked = new URLSearchParams(location.search).get("lang");
    var list = (asked ? [asked] : []).concat(Array.prototype.slice.call(navigator.languages || [navigator.language || ""]));
    return list.map(function (code) { return String(code).toLowerCase().split("-")[0]; })
      .filter(function (code, index, all) { return /^[a-z]{2,3}$/.test(code) && all.indexOf(code) === index; });
  }

  // editor.<code>.json, or null when this language is not built
  function fetchData(code) {
    return fetch("editor." + code + ".json", { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.json() : null;
    }, function () { return null; });
  }

  // The first wanted language that is built, else the main one (the first of `interface` in any built file)
  function choose(codes) {
    if (!codes.length) {
      return firstOf(FALLBACK).then(function (found) {
        if (!found) throw new Error("no editor.<lang>.json found next to the editor");
        var main = (found.interface || [found.language])[0];
        return main === found.language ? found : fetchData(main).then(function (data) { return data || found; });
      });
    }
    return fetchData(codes[0]).then(function (found) { return found || choose(codes.slice(1)); });
  }

  function firstOf(codes) {
    if (!codes.length) return Promise.resolve(null);
    return fetchData(codes[0]).then(function (found) { return found || firstOf(codes.slice(1)); });
  }

  // A catalogue text with its {placeholders} filled in
  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }

  // A section of the strings editor.<lang>.json carries (the catalogue's `editor_preview` and part of `wall`)
  function strings(section) { return data.strings[section] || {}; }

  /* --- the entry's values ----------------------------------------------------------------- */

  // A field's value as plain JavaScript (Decap keeps lists as Immutable lists, a widget may hand it arrays)
  function plain(value) {
    return value && typeof value.toJS === "function" ? value.toJS() : value;
  }

  function list(value) {
    var found = plain(value);
    if (found === undefined || found === null || found === "") return [];
    return Array.isArray(found) ? found : [found];
  }

  // The entry's data as an object of plain values
  function fieldsOf(entry) {
    var values = entry && entry.get ? entry.get("data") : null;
    return values ? plain(values) || {} : {};
  }

  /* --- the rules of `check` the widgets repeat ------------------------------------------------ */

  // rules.disclosure and rules.for_post: sponsored where the campaign reimburses influencers or the source is an
  // influencer, and a sponsored post names its campaign; the messages at the disclosure field
  function disclosureProblems(fields, value) {
    var t = strings("editor_preview");
    var problems = [];
    if (value === "sponsored") {
      if (!fields.campaign) problems.push(t.campaign_needed);
      return problems;
    }
    if (fields.campaign && data.reimbursed.indexOf(fields.campaign) >= 0) {
      problems.push(fill(t.campaign_reimbursed, { campaign: data.campaigns[fields.campaign] || fields.campaign }));
    }
    if (fields.source && data.influencers.indexOf(fields.source) >= 0) {
      problems.push(fill(t.source_influencer, { source: data.sources[fields.source] || fields.source }));
    }
    return problems;
  }

  // The file's slug as Decap will name a new entry from its title with the config's `slug` (ascii, clean_accents,
  // '-': formatters.prepareSlug then urlHelper.sanitizeSlug: lower case, no quotes, accents dropped, every other
  // character a '-'); a saved entry has its own. Only the length of a tracked /go/ link depends on it, and only where
  // a network counts links in full (Bluesky, Threads): `check` on the saved file stays the gate
  function slugOf(entry, fields) {
    var saved = entry && entry.get && !entry.get("newRecord") ? String(entry.get("slug") || "") : "";
    if (saved) return saved.split("/").pop();
    return String(fields.title || "").trim().toLowerCase().replace(/'/g, "").replace(/\./g, "-").replace(/ß/g, "ss")
      .normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z0-9_~-]+/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "");
  }

  // sharing.utm_link with the network left as the slot
  function utmSlot(link, campaign) {
    var hash = link.indexOf("#");
    var fragment = hash >= 0 ? link.slice(hash) : "";
    var rest = hash >= 0 ? link.slice(0, hash) : link;
    var mark = rest.indexOf("?");
    var query = mark >= 0 ? rest.slice(mark + 1) : "";
    var kept = query.split("&").filter(function (pair) { return pair && pair.indexOf("utm_") !== 0; });
    var utm = ["utm_source=" + rules.encode(SLOT), "utm_medium=" + rules.encode(data.utm_medium),
               "utm_campaign=" + rules.encode(campaign)];
    return (mark >= 0 ? rest.slice(0, mark) : rest) + "?" + kept.concat(utm).join("&") + fragment;
  }

  // sharing.prepare of the fields as they are: the locked disclosure, the networks, the texts with the hashtags, the
  // link each network shares (the /go/ link with the site's origin, or the UTM link of an untracked post)
  function prepare(entry) {
    var fields = fieldsOf(entry);
    var configured = Object.keys(data.networks);
    var language = fields.language || Object.keys(data.disclosures)[0];
    var texts = data.disclosures[language];
    var disclosure = fields.disclosure || "employee";
    var prefix = texts && disclosure === "sponsored" ? texts.sponsored : "";
    var suffix = texts && disclosure === "employee" ? texts.employee : "";
    var chosen = list(fields.networks);
    var networks = (chosen.length ? chosen : configured).filter(function (name) { return configured.indexOf(name) >= 0; });
    var slug = slugOf(entry, fields);
    var slot;
    if (fields.track === false) {
      slot = utmSlot(String(fields.link || ""), fields.campaign || slug);
    } else {
      var site = data.site_url ? new URL(data.site_url) : null;
      slot = (site ? site.origin : "") + data.root + "go/" + rules.encode(slug) + "/" + rules.encode(SLOT);
    }
    var hashtags = list(fields.hashtags);
    return {
      fields: fields, language: language, disclosure: disclosure, prefix: prefix, suffix: suffix, networks: networks,
      // sharing.with_hashtags then Locked.wrap: the message every share carries
      message: function (text) {
        var lower = String(text).toLowerCase();
        var missing = hashtags.filter(function (tag) { return lower.indexOf(("#" + tag).toLowerCase()) < 0; })
          .map(function (tag) { return "#" + tag; });
        return rules.wrap(prefix, [rules.strip(String(text))].concat(missing).join(" "), suffix);
      },
      link: function (name) { return rules.networkLink(slot, name); },
    };
  }

  // How long each chosen network with a limit counts `text` (sharing.limit_error): [{network, label, count, limit}]
  function counts(prepared, text) {
    var message = prepared.message(text);
    return prepared.networks.filter(function (name) { return data.networks[name].limit; }).map(function (name) {
      var network = data.networks[name];
      var url = prepared.link(name);
      // a network that weighs links counts any link the same; a link without the site's origin (no site_url) would
      // not look like one to the composer's pattern, so it is counted as one
      if (network.url_weight !== null && network.url_weight !== undefined && !/^https?:\/\//.test(url)) url = "https://" + url;
      return { network: name, label: network.label, count: rules.length(network, message, url), limit: network.limit };
    });
  }

  // Why the texts cannot be saved: an empty one, one too long for a chosen network (sharing.limit_error)
  function suggestionProblems(entry, texts) {
    var t = strings("editor_preview");
    var prepared = prepare(entry);
    var problems = [];
    if (texts.length > data.limits.suggestions) problems.push(fill(t.too_many, { max: data.limits.suggestions }));
    texts.forEach(function (text, index) {
      if (!rules.strip(String(text || ""))) {
        problems.push(fill(t.empty, { number: index + 1 }));
        return;
      }
      counts(prepared, text).forEach(function (found) {
        if (found.count > found.limit) {
          problems.push(fill(t.too_long, { number: index + 1, network: found.label, count: found.count, limit: found.limit }));
        }
      });
    });
    return problems;
  }

  /* --- what a save writes ------------------------------------------------------------------- */

  // An empty value: what Decap writes for a field the author left or made empty ("" from a cleared text, image or
  // date, null from a cleared select, an empty list)
  function isEmpty(value) {
    if (value === "" || value === null || value === undefined) return true;
    var found = plain(value);
    return Array.isArray(found) && found.length === 0;
  }

  // Decap's preSave event: the entry's data without its empty fields and lists without empty items, as `check`
  // wants them (it refuses `image: ""` or `expires: ""`). Decap has no option for it (omit_empty_optional_fields is
  // Sveltia's) and writes every field it holds. A required field cannot be empty here: Decap refused the save before
  // the event. `data` is Decap's Immutable Map (its lists Immutable lists); the handler returns the new one
  function withoutEmpty(data) {
    return data.map(function (value) {
      var found = plain(value);
      return Array.isArray(found) && typeof value.filter === "function"
        ? value.filter(function (item) { return !isEmpty(item); }) : value;
    }).filter(function (value) { return !isEmpty(value); });
  }

  /* --- the expiry: a date alone means the end of that day ---------------------------------------- */

  var DAY_ONLY = /^\s*([0-9]{4}-[0-9]{2}-[0-9]{2})\s*$/;

  // The day after a YYYY-MM-DD day, as YYYY-MM-DD (computed in UTC: no daylight saving time in between)
  function dayAfter(text) {
    var moment = new Date(text + "T00:00:00Z");
    moment.setUTCDate(moment.getUTCDate() + 1);
    return moment.toISOString().slice(0, 10);
  }

  // The expiry as the date-time widget shows it: `check` reads a date alone (`expires: 2026-12-31`, written in a
  // file) as the end of that day (model._parse_time), which is 00:00 of the next one; Decap's widget would show
  // 00:00 of the day itself, the start, and write that once the author touches it. An untouched value is written
  // back as it is (Decap keeps what it read); a changed one is the moment shown
  var ExpiresControl = createClass({
    render: function () {
      var props = this.props;
      var day = typeof props.value === "string" ? DAY_ONLY.exec(props.value) : null;
      var DateTime = window.CMS.getWidget("datetime").control;
      var shown = day ? dayAfter(day[1]) + " 00:00" : props.value;
      var note = day ? h("p", { className: "sw-ed-note", style: { margin: "0.5em 0 0" } },
        fill(strings("editor_preview").expires_day, { day: day[1], shown: dayAfter(day[1]) + " 00:00" })) : null;
      return h("div", { className: "sw-ed-expires" }, h(DateTime, Object.assign({}, props, { value: shown })), note);
    },
    // asked by Decap before it saves: after the publication, a date alone being the end of that day
    isValid: function () {
      return answer(expiryProblems(fieldsOf(entryOf(this.props)), this.props.value));
    },
    focus: function () { focusField(this.props); },
  });

  // Decap's text field for the image's alt text, required once the entry has an image (Decap's `required` cannot
  // depend on another field; an alt text without image is allowed, as `check` allows it)
  var AltControl = createClass({
    render: function () {
      return h(window.CMS.getWidget("string").control, this.props);
    },
    isValid: function () {
      return answer(altProblems(fieldsOf(entryOf(this.props)), this.props.value));
    },
    focus: function () { focusField(this.props); },
  });

  // Decap's answer to isValid: true, or the error it lists at the field
  function answer(problems) {
    return problems.length ? { error: { type: "CUSTOM", message: problems.join(" ") } } : true;
  }

  /* --- rules across fields: rules.for_post and rules._image_rules --------------------------------- */

  var DAY = 24 * 3600 * 1000;
  // A moment as model._parse_time reads the ones authors and Decap write: a day alone, with a time (seconds
  // optional), an offset or Z; anything else is left to `check`, which says why
  var MOMENT = /^\s*([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?\s*$/;

  // {wall, offset, shown}: the wall-clock time as milliseconds (UTC fields), its offset in milliseconds (null: none
  // written, the site's timezone) and the moment as `check` prints it; a day alone is 00:00, for the expiry the next
  // day's (the end of that day); null when it is not such a moment
  function momentOf(value, name) {
    var found = typeof value === "string" ? MOMENT.exec(value) : null;
    if (!found) return null;
    var wall = Date.UTC(+found[1], +found[2] - 1, +found[3], +(found[4] || 0), +(found[5] || 0), +(found[6] || 0));
    if (isNaN(wall) || new Date(wall).getUTCDate() !== +found[3]) return null;
    if (name === "expires" && found[4] === undefined) wall += DAY;
    var zone = found[7];
    var offset = zone === undefined ? null : zone === "Z" ? 0
      : (zone[0] === "-" ? -1 : 1) * (+zone.slice(1, 3) * 60 + +zone.slice(-2)) * 60000;
    return { wall: wall, offset: offset, shown: new Date(wall).toISOString().slice(0, 16).replace("T", " ") + (zone || "") };
  }

  // The offset of the site's timezone at an instant, in milliseconds
  function zoneOffset(instant) {
    var parts = {};
    new Intl.DateTimeFormat("en-US", { timeZone: data.timezone, hourCycle: "h23", year: "numeric", month: "numeric",
                                       day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" })
      .formatToParts(new Date(instant)).forEach(function (part) { parts[part.type] = +part.value; });
    return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) - instant;
  }

  // The instant of a moment; one without offset is in the site's timezone as Python's zoneinfo puts it (fold 0: a
  // time the clocks repeat or skip takes the offset from before the change)
  function instantOf(moment) {
    if (moment.offset !== null) return moment.wall - moment.offset;
    var before = zoneOffset(moment.wall - DAY);
    var after = zoneOffset(moment.wall + DAY);
    if (zoneOffset(moment.wall - before) === before) return moment.wall - before;
    if (zoneOffset(moment.wall - after) === after) return moment.wall - after;
    return moment.wall - before;
  }

  // rules.for_post: the expiry after the publication. Two moments in the site's timezone are compared by their
  // wall-clock time, as Python compares datetimes with the same tzinfo; otherwise as instants
  function expiryProblems(fields, value) {
    var expires = momentOf(value, "expires");
    var publish = momentOf(fields.publish, "publish");
    if (!expires || !publish) return [];
    var naive = expires.offset === null && publish.offset === null;
    var later = naive ? expires.wall > publish.wall : instantOf(expires) > instantOf(publish);
    return later ? [] : [fill(strings("editor_preview").expires_after, { expires: expires.shown, publish: publish.shown })];
  }

  // rules._image_rules: a post with an image describes it
  function altProblems(fields, value) {
    var image = String(fields.image || "").trim();
    return image && !String(value || "").trim() ? [strings("editor_preview").image_alt_needed] : [];
  }

  // The entry a widget belongs to (Decap 3's getEntry, its older entry prop)
  function entryOf(props) {
    return props.getEntry ? props.getEntry() : props.entry;
  }

  // Decap focuses the field of the first error: the input with the widget's id
  function focusField(props) {
    var input = document.getElementById(props.forID);
    if (input) input.focus();
  }

  /* --- widgets ----------------------------------------------------------------------------- */

  // The options of a select field as [{label, value}] (Decap allows plain strings too)
  function optionsOf(field) {
    return list(field.get("options")).map(function (option) {
      return typeof option === "string" ? { label: option, value: option } : option;
    });
  }

  var DisclosureControl = createClass({
    // Decap re-renders a widget only when its own value changes: this one also reads campaign and source
    shouldComponentUpdate: function () { return true; },
    value: function () {
      return this.props.value || this.props.field.get("default") || "employee";
    },
    // asked by Decap before it saves: the rules of `check`, said at this field
    isValid: function () {
      var entry = this.props.getEntry ? this.props.getEntry() : this.props.entry;
      var value = this.value();
      return answer(disclosureProblems(fieldsOf(entry), value));
    },
    render: function () {
      var props = this.props;
      return h("select", {
        id: props.forID, className: props.classNameWrapper, value: this.value(),
        onChange: function (event) { props.onChange(event.target.value); },
        onFocus: props.setActiveStyle, onBlur: props.setInactiveStyle,
      }, optionsOf(props.field).map(function (option) {
        return h("option", { key: option.value, value: option.value }, option.label);
      }));
    },
  });

  // What the counts depend on besides the texts: the other fields of `check`'s count and the entry's slug
  function countedFields(entry) {
    var fields = fieldsOf(entry);
    return JSON.stringify([fields.language, fields.disclosure, fields.networks, fields.hashtags, fields.link,
                           fields.track, fields.campaign, fields.title, entry && entry.get ? entry.get("slug") : ""]);
  }

  var SuggestionsControl = createClass({
    // the counts depend on the link, disclosure, language, networks and hashtags too
    shouldComponentUpdate: function () { return true; },
    // Decap re-renders a widget only when its own value changes: after any edit elsewhere in the form (the store
    // holds it once the event's handlers ran) the counts are made again when those fields changed
    componentDidMount: function () {
      var self = this;
      this.counted = countedFields(this.props.getEntry());
      this.recount = function () {
        setTimeout(function () {
          if (!self.listening) return;
          var now = countedFields(self.props.getEntry());
          if (now !== self.counted) {
            self.counted = now;
            self.forceUpdate();
          }
        }, 0);
      };
      this.listening = true;
      EDITS.forEach(function (name) { document.addEventListener(name, self.recount, true); });
    },
    componentWillUnmount: function () {
      var self = this;
      this.listening = false;
      EDITS.forEach(function (name) { document.removeEventListener(name, self.recount, true); });
    },
    texts: function () {
      var found = list(this.props.value).map(function (text) { return String(text === null ? "" : text); });
      return found.length ? found : [""];
    },
    change: function (texts, focus) {
      this.focusAt = focus;  // a text added or removed moves the keyboard focus to the text it concerns
      this.props.onChange(texts);
    },
    idOf: function (index) { return index === 0 ? this.props.forID : this.props.forID + "-" + index; },
    componentDidUpdate: function () {
      if (this.focusAt === undefined) return;
      var area = document.getElementById(this.idOf(this.focusAt));
      this.focusAt = undefined;
      if (area) area.focus();
    },
    isValid: function () {
      var entry = this.props.getEntry ? this.props.getEntry() : this.props.entry;
      return answer(suggestionProblems(entry, this.texts()));
    },
    // Decap focuses the field of the first error
    focus: function () {
      var first = document.getElementById(this.props.forID);
      if (first) first.focus();
    },
    render: function () {
      var self = this;
      var props = this.props;
      var t = strings("editor_preview");
      var texts = this.texts();
      var entry = props.getEntry ? props.getEntry() : props.entry;
      var prepared = prepare(entry);
      var max = Number(props.field.get("max")) || data.limits.suggestions;
      var items = texts.map(function (text, index) {
        var id = self.idOf(index);
        var found = counts(prepared, text);
        return h("li", { key: index, className: "sw-ed-suggestion" },
          h("label", { htmlFor: id, className: "sw-ed-suggestion__label" }, fill(t.text, { number: index + 1 })),
          h("textarea", {
            id: id, rows: 3, value: text, className: props.classNameWrapper + " sw-ed-suggestion__text",
            lang: prepared.fields.language || undefined,
            "aria-describedby": found.length ? id + "-counts" : undefined,
            "aria-invalid": found.some(function (one) { return one.count > one.limit; }) ? "true" : undefined,
            onChange: function (event) {
              var next = texts.slice();
              next[index] = event.target.value;
              self.change(next);
            },
            onFocus: props.setActiveStyle, onBlur: props.setInactiveStyle,
          }),
          found.length ? h("ul", { id: id + "-counts", className: "sw-ed-counts" }, found.map(function (one) {
            var over = one.count > one.limit;
            return h("li", { key: one.network, className: over ? "sw-ed-count sw-ed-count--over" : "sw-ed-count" },
              fill(t.count, { network: one.label, count: one.count, limit: one.limit }));
          })) : null,
          texts.length > 1 ? h("button", {
            type: "button", className: "sw-ed-button sw-ed-button--remove",
            onClick: function () { self.change(texts.filter(function (_, at) { return at !== index; }), Math.max(0, index - 1)); },
          }, fill(t.remove, { number: index + 1 })) : null);
      });
      return h("div", { className: "sw-ed-suggestions" },
        h("ol", { className: "sw-ed-suggestions__list" }, items),
        h("button", {
          type: "button", className: "sw-ed-button sw-ed-button--add", disabled: texts.length >= max,
          onClick: function () { self.change(texts.concat([""]), texts.length); },
        }, t.add));
    },
  });

  // The texts as the preview and the file show them: a list of strings
  var TextsPreview = createClass({
    render: function () {
      return h("ol", {}, list(this.props.value).map(function (text, index) { return h("li", { key: index }, String(text)); }));
    },
  });

  /* --- the preview: the card and the post page as the wall renders them ------------------------ */

  // The publish date as the wall prints it (the day, in the interface language)
  function day(value) {
    if (!value) return "";
    var moment = new Date(value);
    if (isNaN(moment.getTime())) return String(value);
    return new Intl.DateTimeFormat(data.language, { day: "numeric", month: "long", year: "numeric" }).format(moment);
  }

  // partials/sharewall/meta.html
  function meta(fields) {
    var t = strings("wall");
    var topics = list(fields.topics);
    var parts = [
      fields.source ? h("span", { key: "source", className: "sw-meta__source" }, data.sources[fields.source] || fields.source) : null,
      fields.publish ? h("time", { key: "time", dateTime: String(fields.publish) }, day(fields.publish)) : null,
      fields.language ? h("span", { key: "language", className: "sw-meta__language" }, data.languages[fields.language] || fields.language) : null,
    ].filter(Boolean);
    return [
      parts.length ? h("p", { key: "meta", className: "sw-meta" }, parts.reduce(function (all, part, index) {
        return index ? all.concat([" · ", part]) : [part];
      }, [])) : null,
      topics.length ? h("ul", { key: "topics", className: "sw-topics", "aria-label": t.topics }, topics.map(function (topic) {
        return h("li", { key: topic, "data-topic": topic }, data.topics[topic] || topic);
      })) : null,
    ];
  }

  // partials/sharewall/composer.html: the first suggestion, disclosed, and the chosen networks' share links
  function composer(prepared, title, open) {
    var t = strings("wall");
    var first = list(prepared.fields.suggestions)[0] || "";
    var text = prepared.message(first);
    return h("details", { className: "sw-share", open: open },
      h("summary", { className: "sw-share__toggle" }, t.share),
      h("div", { className: "sw-composer" },
        h("p", { className: "sw-composer__text", lang: prepared.language }, text),
        h("ul", { className: "sw-composer__networks", "aria-label": t.share_on }, prepared.networks.map(function (name) {
          var network = data.networks[name];
          var href = rules.shareHref(network, text, prepared.link(name), String(title || ""));
          return h("li", { key: name }, h("a", { className: "sw-network", "data-network": name, href: href,
                                                target: "_blank", rel: "noopener noreferrer" }, network.label));
        }))));
  }

  // An image of the entry: Decap's asset (an upload not saved yet is a blob URL) or an https:// address
  function imageUrl(props, image) {
    if (!image) return null;
    var asset = props.getAsset(image);
    return asset ? String(asset.url || asset) : image;
  }

  var PostPreview = createClass({
    render: function () {
      var props = this.props;
      var t = strings("wall");
      var own = strings("editor_preview");
      var prepared = prepare(props.entry);
      var fields = prepared.fields;
      var title = fields.title || own.untitled;
      var texts = data.disclosures[prepared.language];
      var badge = prepared.disclosure === "sponsored" && texts ? h("span", { className: "sw-badge" }, texts.label) : null;
      var image = imageUrl(props, fields.image);
      var card = h("article", { className: "sw-card" },
        image ? h("img", { className: "sw-card__image", src: image, alt: fields.image_alt || "" }) : null,
        h("div", { className: "sw-card__body" },
          h("h2", { className: "sw-card__title" }, badge, badge ? " " : null, h("a", { href: "#sw-ed-page", lang: prepared.language }, title)),
          h("p", { className: "sw-card__summary", lang: prepared.language }, fields.summary || ""),
          meta(fields),
          composer(prepared, fields.title, false)));
      var page = h("article", { className: "sw-post", id: "sw-ed-page" },
        h("h1", {}, badge, badge ? " " : null, h("span", { lang: prepared.language }, title)),
        meta(fields),
        image ? h("img", { className: "sw-post__image", src: image, alt: fields.image_alt || "" }) : null,
        h("p", { className: "sw-post__summary", lang: prepared.language }, fields.summary || ""),
        fields.link ? h("p", {}, h("a", { href: String(fields.link), rel: "noopener", target: "_blank" }, t.link + " ↗")) : null,
        h("section", { className: "sw-post__briefing", lang: prepared.language },
          h("h2", {}, t.briefing), props.widgetFor("body")),
        h("section", { className: "sw-post__suggestions" },
          h("h2", {}, t.suggestions),
          h("ol", { lang: prepared.language }, list(fields.suggestions).map(function (text, index) {
            return h("li", { key: index }, String(text));
          }))),
        h("section", { className: "sw-post__share" },
          h("h2", {}, t.share), composer(prepared, fields.title, true)));
      return h("div", { className: "sw-ed-preview", "data-md-color-scheme": "default", "data-md-color-primary": "indigo",
                        "data-md-color-accent": "pink" },
        h("div", { className: "md-typeset" },
          h("p", { className: "sw-ed-preview__heading" }, own.card),
          h("div", { className: "sw-wall sw-ed-preview__wall" }, card),
          h("p", { className: "sw-ed-preview__heading" }, own.page),
          page));
    },
  });

  /* --- start -------------------------------------------------------------------------------- */

  // Decap's config of the chosen language: the <link> it looks for before it starts
  function configLink(code) {
    var link = document.createElement("link");
    link.rel = "cms-config-url";
    link.type = "text/yaml";
    link.href = "config." + code + ".yml";
    document.head.appendChild(link);
  }

  function start(found) {
    data = found;
    document.documentElement.lang = data.language;
    configLink(data.language);
    var CMS = window.CMS;
    CMS.registerWidget("sharewall-disclosure", DisclosureControl);
    CMS.registerWidget("sharewall-suggestions", SuggestionsControl, TextsPreview);
    data.styles.forEach(function (href) { CMS.registerPreviewStyle(href); });
    CMS.registerPreviewStyle("editor.css");
    var datetime = CMS.getWidget("datetime");
    CMS.registerWidget("sharewall-expires", ExpiresControl, datetime.preview, datetime.schema);
    var string = CMS.getWidget("string");
    CMS.registerWidget("sharewall-image-alt", AltControl, string.preview, string.schema);
    CMS.registerPreviewTemplate("posts", PostPreview);
    CMS.registerEventListener({ name: "preSave", handler: function (event) { return withoutEmpty(event.entry.get("data")); } });
    CMS.init(manualConfig());
  }

  // What CMS.init adds to config.<lang>.yml (Decap merges it over the file): without the site's address the build
  // wrote no backend.base_url, and Decap's GitHub sign-in would then go through Netlify's API; the stack's OAuth
  // function (api/cms/auth) is served by the same origin as this page
  function manualConfig() {
    return data.site_url ? {} : { config: { backend: { base_url: location.origin } } };
  }

  if (!window.CMS || !h || !createClass || !rules) {
    throw new Error("editor.js needs decap-cms.js and assets/sharewall/composer.js loaded before it");
  }
  choose(wanted()).then(start);
})();
