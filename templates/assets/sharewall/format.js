/* Numbers, amounts, dates, plural forms and placeholders in the page's language: the one place page scripts
   format what they show (Intl, by the language's CLDR rules: German 120,5 km × 0,30 €, English dates with the
   month's name). Loaded on every page right after site.js; the strings themselves come from the catalogue. */
(function () {
  "use strict";

  var shared = window.Sharewall;
  if (!shared) return;
  var lang = shared.lang;
  // Making an Intl formatter loads its locale data (the wall's costliest script work on a phone): each is made
  // on first use, and the wall's first load, which formats nothing until a composer opens, makes none
  function once(make) {
    var made = null;
    return function () { return made || (made = make()); };
  }
  var numbers = once(function () { return new Intl.NumberFormat(lang); });
  var euros = once(function () { return new Intl.NumberFormat(lang, { style: "currency", currency: "EUR" }); });
  var plurals = once(function () { return new Intl.PluralRules(lang); });
  var days = once(function () { return new Intl.DateTimeFormat(lang, { dateStyle: "medium" }); });
  var moments = once(function () { return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }); });
  var AMOUNT = /^-?\d{1,12}(\.\d{1,2})?$/;

  // A number (or a decimal string, which Intl formats without a float in between); `options` as Intl's
  function number(value, options) {
    return (options ? new Intl.NumberFormat(lang, options) : numbers()).format(value);
  }

  // An amount the API sends as a decimal string: euros by the language's rules, another currency as sent
  function money(text, currency) {
    if (!AMOUNT.test(String(text))) return text;
    return currency && currency !== "EUR" ? number(String(text), { minimumFractionDigits: 2 }) + " " + currency
                                          : euros().format(String(text));
  }

  // A date (ISO text or Date): German 05.12.2026, English Dec 5, 2026; the text itself when it is none
  function date(value, options) {
    var moment = value instanceof Date ? value : new Date(value);
    if (!value || isNaN(moment)) return value || "";
    return (options ? new Intl.DateTimeFormat(lang, options) : days()).format(moment);
  }

  // A date with its time of day
  function dateTime(value) {
    return date(value, null) && moments().format(value instanceof Date ? value : new Date(value));
  }

  // A calendar day (a Date at UTC midnight, so no timezone moves it) as the language writes dates, or without
  // its year when `short` (German 27.11.2026 and 27.11., English Nov 27, 2026 and Nov 27)
  function day(value, short) {
    var parts = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeZone: "UTC" }).formatToParts(value);
    if (!short) return parts.map(function (part) { return part.value; }).join("");
    return parts.filter(function (part) { return part.type !== "year"; })
      .map(function (part) { return part.value; }).join("").replace(/[\s,\/-]+$/, "").replace(/^[\s,\/-]+/, "");
  }

  // A language's name in the page's language (CLDR: `Englisch` on a German page); its code when unknown
  function language(code) {
    try { return (code && new Intl.DisplayNames([lang], { type: "language" }).of(code)) || code; } catch (error) { return code; }
  }

  // A share of a whole (0.25) as a percentage
  function percent(value) {
    return number(value, { style: "percent", maximumFractionDigits: 1 });
  }

  // `text` with each {name} replaced by values[name] (left as it is when values has no such name)
  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (whole, name) {
      return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  // The form of a catalogue entry's plural forms ({one, other, …}) that the language's rules pick for `count`
  function form(forms, count) {
    return typeof forms === "string" ? forms : forms[plurals().select(count)] || forms.other;
  }

  // That form filled with `values` and `{count}` as a formatted number
  function plural(forms, count, values) {
    return fill(form(forms, count), Object.assign({ count: number(count) }, values));
  }

  // A day where the person is, as date inputs and the API write it (YYYY-MM-DD): not the UTC day
  function isoDay(moment) {
    return new Date(moment.getTime() - moment.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
  }

  shared.format = { number: number, money: money, date: date, dateTime: dateTime, day: day, language: language, percent: percent,
                    fill: fill, form: form, plural: plural, isoDay: isoDay };
})();
