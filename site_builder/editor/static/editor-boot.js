/* Before Decap's bundle: it must not start on its own, editor.js picks the language and config first. */
window.CMS_MANUAL_INIT = true;
