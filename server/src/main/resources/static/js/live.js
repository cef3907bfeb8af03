// Live updates for Lanyard pages (no build step). Every signed-in page listens on the session's
// event stream: "changed" refreshes the sessions list in place, "signed-out" tells the person at
// once that this session has ended, and why, and then takes them to the sign-in page.
// The server caps the streams (docs/decisions/0056-live-streams-capped.md): "replaced" means a newer
// page of this tab, session or account took this one's stream, and this page stops listening; a stream the
// server refused (503 when it holds all it may) is asked for again a few minutes later. The page works
// the same without live updates.
(function () {
  "use strict";
  if (!("EventSource" in window)) return;
  var RETRY_MS = 5 * 60 * 1000;
  var stream = null;
  var stopped = false;
  // This tab's own id, kept while the tab lives: the stream of the page this tab showed before is then closed
  // at once for this one, not counted against the session's few streams until a heartbeat finds it gone.
  var tab = null;
  try {
    tab = window.sessionStorage.getItem("lanyard-tab");
    if (!tab) {
      var bytes = new Uint8Array(8);
      window.crypto.getRandomValues(bytes);
      tab = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      window.sessionStorage.setItem("lanyard-tab", tab);
    }
  } catch (e) { tab = null; /* no storage: the server counts this page's stream until it is found gone */ }

  function open() {
    if (stopped) return;
    stream = new EventSource("/settings/sessions/events" + (tab ? "?tab=" + tab : ""));
    stream.addEventListener("changed", changed);
    stream.addEventListener("signed-out", signedOut);
    stream.addEventListener("replaced", stop);
    stream.onerror = function () {
      // A dropped connection is reopened by EventSource itself (readyState CONNECTING); a refused one
      // (not 200, e.g. 503) is closed for good, and asked for again later, never in a loop.
      if (stream.readyState !== EventSource.CLOSED || stopped) return;
      setTimeout(open, RETRY_MS + Math.floor(Math.random() * RETRY_MS));
    };
  }

  function stop() {
    stopped = true;
    if (stream) stream.close();
  }

  function changed() {
    var region = document.getElementById("live-region");
    if (!region || !window.htmx) return;
    htmx.ajax("GET", window.location.pathname + window.location.search,
      { target: "#live-region", select: "#live-region", swap: "outerHTML" });
  }

  function signedOut(event) {
    stop();
    var data = {};
    try { data = JSON.parse(event.data); } catch (e) { /* keep the default message */ }
    var notice = document.getElementById("signed-out-notice");
    if (notice) {
      notice.querySelector("[data-message]").textContent = data.message || "You were signed out.";
      notice.hidden = false;
      notice.focus();
    }
    document.querySelectorAll("main form button, main a.button").forEach(function (el) {
      el.setAttribute("aria-disabled", "true");
      if (el.tagName === "BUTTON") el.disabled = true;
    });
    setTimeout(function () {
      window.location.assign("/login?ended=" + encodeURIComponent(data.reason || "revoked"));
    }, 4000);
  }

  open();
})();
