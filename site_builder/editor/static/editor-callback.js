// The OAuth callback page's half of Decap CMS's external-OAuth handshake (functions/editorauth).
// The page (GET /api/cms/callback) holds the outcome in #sharewall-editor-auth: {provider, origin, outcome,
// token | message}. This says "authorizing:<provider>" to the editor window that opened the popup, waits for
// its echo from the site's own origin, then posts the token (or the error) to that origin only: a window of
// any other origin receives nothing, as postMessage drops a message whose targetOrigin does not match.
(function () {
  "use strict";

  // The outcome the function wrote into the page, or null when the page holds none
  function readOutcome() {
    var element = document.getElementById("sharewall-editor-auth");
    if (!element) return null;
    try {
      var data = JSON.parse(element.textContent);
      return data && typeof data.origin === "string" && typeof data.provider === "string" ? data : null;
    } catch (error) {
      return null;
    }
  }

  // Decap's message for the outcome: authorization:<provider>:success:{token, provider} or :error:{message}
  function resultMessage(data) {
    if (data.outcome === "success" && typeof data.token === "string") {
      return "authorization:" + data.provider + ":success:" + JSON.stringify({ token: data.token, provider: data.provider });
    }
    return "authorization:" + data.provider + ":error:" + JSON.stringify({ message: String(data.message || ""), code: String(data.outcome || "") });
  }

  var data = readOutcome();
  var opener = window.opener;
  if (!data || !opener) return;
  var greeting = "authorizing:" + data.provider;

  // The editor echoes the greeting once it listens: only then, and only from the site's origin, the result goes
  function onMessage(event) {
    if (event.origin !== data.origin || event.source !== opener || event.data !== greeting) return;
    window.removeEventListener("message", onMessage, false);
    opener.postMessage(resultMessage(data), data.origin);
  }

  window.addEventListener("message", onMessage, false);
  opener.postMessage(greeting, data.origin);
})();
