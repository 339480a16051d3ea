/* Material for MkDocs' inline head script (partials/javascripts/base.html of mkdocs-material 9.8.2) as a
   file, so pages run under `script-src 'self'`: where Material keeps its per-site settings in storage.
   Loaded in <head> without defer, like the original, before Material's bundle that uses these globals. */
/* eslint-disable no-unused-vars */
var __md_scope = new URL(document.currentScript.getAttribute("data-md-scope"), location);
var __md_hash = function (text) {
  return [...text].reduce(function (hash, char) { return (hash << 5) - hash + char.charCodeAt(0); }, 0);
};
var __md_get = function (key, storage = localStorage, scope = __md_scope) {
  return JSON.parse(storage.getItem(scope.pathname + "." + key));
};
var __md_set = function (key, value, storage = localStorage, scope = __md_scope) {
  try { storage.setItem(scope.pathname + "." + key, JSON.stringify(value)); } catch (error) { /* full or denied */ }
};
