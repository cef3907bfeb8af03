// Live updates for Lanyard pages (no build step). Every signed-in page listens on the session's
// event stream: "changed" refreshes the sessions list in place, "signed-out" tells the person at
// once that this session has ended, and why, and then takes them to the sign-in page.
// The server caps the streams (docs/decisions/0056-live-streams-capped.md): "replaced" means a newer
// page of this tab, session or account took this one's stream. This page then stops listening, for good
// (asking again would take the stream back from the newer page, which would ask again, and so on), and says
// so with a Reload button. A stream the server refused (503 when it holds all it may), or one that keeps
// failing, is also said to be unavailable, and asked for again a few minutes later. A page reads its list
// before its stream opens: the stream names when (since=, the list's data-listed-at), and the server says
// "changed" at once when something changed since or it cannot know, as after a break. The page works the
// same without live updates.
(function () {
  "use strict";
  if (!("EventSource" in window)) return;
  // Where Lanyard is served: "/", or its own path ("/lanyard/", server.servlet.context-path), from this script's tag.
  var script = document.currentScript;
  var base = (script && script.getAttribute("data-base")) || "/";
  var RETRY_MS = 5 * 60 * 1000;
  var stream = null;
  var stopped = false;
  // This tab's own id (tab.js), null where there is none.
  var tab = window.lanyardTab ? window.lanyardTab.id : null;

  // Failed attempts since the stream last opened: EventSource retries a dropped connection by itself,
  // and after this many the page says live updates are unavailable.
  var FAILURES_SHOWN = 3;
  var failures = 0;
  var leaving = false;
  window.addEventListener("pagehide", function () { leaving = true; });
  window.addEventListener("pageshow", function () { leaving = false; });

  function open() {
    if (stopped) return;
    var query = [];
    if (tab) query.push("tab=" + tab);
    // When the list shown now was read. EventSource asks again after a break with the same address, so with this
    // time: the server then says "changed" for what the break missed, as for anything since.
    var region = document.getElementById("live-region");
    var listedAt = region && region.getAttribute("data-listed-at");
    if (listedAt && /^[0-9]+$/.test(listedAt)) query.push("since=" + listedAt);
    // The node that read it: a stream opening on the same node needs no margin for another node's clock.
    var listedBy = region && region.getAttribute("data-listed-by");
    if (listedBy && /^[0-9a-f]{1,16}$/.test(listedBy)) query.push("by=" + listedBy);
    stream = new EventSource(base + "settings/sessions/events" + (query.length ? "?" + query.join("&") : ""));
    stream.addEventListener("ready", ready);
    stream.addEventListener("changed", changed);
    stream.addEventListener("signed-out", signedOut);
    stream.addEventListener("replaced", replaced);
    stream.onerror = function () {
      if (stopped || leaving) return;
      failures++;
      // A dropped connection is reopened by EventSource itself (readyState CONNECTING); a refused one
      // (not 200, e.g. 503) is closed for good, and asked for again later, never in a loop.
      if (stream.readyState === EventSource.CLOSED) {
        unavailable();
        setTimeout(open, RETRY_MS + Math.floor(Math.random() * RETRY_MS));
      } else if (failures >= FAILURES_SHOWN) {
        unavailable();
      }
    };
  }

  function ready() {
    failures = 0;
    hideNotice();
  }

  function stop() {
    stopped = true;
    if (stream) stream.close();
  }

  function replaced(event) {
    stop();
    var data = {};
    try { data = JSON.parse(event.data); } catch (e) { /* keep the default message */ }
    showNotice((data.message || "Live updates stopped in this tab because another page took them over.") +
      " Reload to see changes.", data.reason === "tab");
  }

  function unavailable() {
    showNotice("Live updates are unavailable right now, so this page may be out of date. Reload to see changes.", false);
  }

  // The notice says why this page no longer updates by itself, with a Reload button. Its region (role=status,
  // in the page's header) is there from the start, so screen readers announce what appears in it. After a copy
  // of this tab took its stream, the reload starts a tab id of its own, so as not to take the stream back from the copy.
  function showNotice(message, newTab) {
    var notice = document.querySelector("#live-notice .live-notice");
    if (!notice) return;
    notice.querySelector("[data-message]").textContent = message;
    notice.hidden = false;
    notice.querySelector("[data-reload]").onclick = function () {
      if (newTab && window.lanyardTab) window.lanyardTab.forget();
      window.location.reload();
    };
  }

  function hideNotice() {
    var notice = document.querySelector("#live-notice .live-notice");
    if (notice) notice.hidden = true;
  }

  // After the server listens again it tells every open page at once ("resync"): each waits up to 5 s of its own
  // before it asks, so that the pages' list queries do not all arrive together.
  // After endings the server names the sessions that ended ({"ended": [ids]}), kept for as long as the page lives: the
  // page says a session was signed out only for a card of one of these (refreshes.js).
  function changed(event) {
    if (event && event.data === "resync") {
      setTimeout(function () { refresh(); }, Math.floor(Math.random() * 5000));
      return;
    }
    if (event && typeof event.data === "string" && event.data.charAt(0) === "{" && window.lanyardRefreshes) {
      try {
        window.lanyardRefreshes.ended(JSON.parse(event.data).ended || []);
      } catch (e) { /* a refresh all the same */ }
    }
    refresh();
  }

  // One refresh of the list at a time, each into the region the page shows when it starts (outside review AC): the
  // swap replaces #live-region, so a second request started while one is in flight would, once htmx let it go, swap
  // into the element the first took off the page, and the change it was for would never show. A change told while a
  // refresh is in flight asks for one more refresh when that one is done (several changes, one more refresh).
  var refreshing = false;
  var waiting = null; // the refresh asked for while one was in flight: { url, byMember }
  var refreshes = 0;

  // byMember: the Refresh button, which counts as the member's activity; the page's own refreshes say they are not.
  function refresh(url, byMember) {
    url = url || window.location.pathname + window.location.search;
    if (refreshing) {
      waiting = { url: url, byMember: byMember || (waiting !== null && waiting.byMember) };
      return;
    }
    var region = document.getElementById("live-region");
    if (!region || !window.htmx) return;
    refreshing = true;
    var mine = ++refreshes;
    var watchdog = null;
    var done = function () {
      if (mine !== refreshes || !refreshing) return;
      refreshing = false;
      clearTimeout(watchdog);
      if (waiting) {
        var next = waiting;
        waiting = null;
        refresh(next.url, next.byMember);
      }
    };
    // A request htmx never settles (an error thrown while swapping) must not stop the refreshes for good.
    watchdog = setTimeout(function () { done(); }, 60 * 1000);
    try {
      // Made by the page, not the member: the header tells Lanyard it is no activity (the idle timeout still runs).
      // Settled at once (no settle delay): htmx's promise resolves before a delayed settle, and the next refresh's swap
      // could then come first, and what the first refresh changed was never said (refreshes.js says it at afterSettle).
      var request = htmx.ajax("GET", url, { target: region, select: "#live-region", swap: "outerHTML settle:0ms",
        headers: byMember ? {} : { "X-Lanyard-Background": "1" } });
      if (request && typeof request.then === "function") {
        request.then(done, done);
      } else {
        done();
      }
    } catch (e) {
      done();
    }
  }

  // The Refresh button (a link to the page, for a browser without scripts) refreshes the list in place, in turn with
  // the page's own refreshes.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("a[data-refresh]");
    if (!button || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (!window.htmx || !document.getElementById("live-region")) return;
    event.preventDefault();
    refresh(button.getAttribute("href"), true);
  });

  function signedOut(event) {
    stop();
    hideNotice();
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
      window.location.assign(base + "login?ended=" + encodeURIComponent(data.reason || "revoked"));
    }, 4000);
  }

  open();
})();
