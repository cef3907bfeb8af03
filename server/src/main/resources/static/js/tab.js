// This tab's own id for its live updates (live.js), kept in sessionStorage while the tab lives: the server then closes
// the stream of the page this tab showed before at once for the new one, rather than counting it against the session's
// few streams until a heartbeat finds it gone (docs/decisions/0056-live-streams-capped.md).
// A copy of the tab (the browser's Duplicate) starts with a copy of its sessionStorage, so with the same id: its stream
// took the first tab's, which then said that another page of this session had taken its live updates. So a page marks
// its id as shown from pageshow to pagehide. The page this tab showed before has hidden by the time the next one runs,
// so a page that finds its id still shown is a copy of a tab whose page is open, and takes an id of its own.
(function () {
  "use strict";
  var KEY = "lanyard-tab";
  var SHOWN = "lanyard-tab-shown";
  var id = null;

  function fresh() {
    var bytes = new Uint8Array(8);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  try {
    id = window.sessionStorage.getItem(KEY);
    if (!id || window.sessionStorage.getItem(SHOWN) === id) {
      id = fresh();
      window.sessionStorage.setItem(KEY, id);
    }
    window.sessionStorage.setItem(SHOWN, id);
    window.addEventListener("pagehide", function () {
      try { window.sessionStorage.removeItem(SHOWN); } catch (e) { /* the next page takes an id of its own */ }
    });
    window.addEventListener("pageshow", function (event) {
      // Back from the browser's page cache: shown again.
      if (event.persisted) try { window.sessionStorage.setItem(SHOWN, id); } catch (e) { /* as above */ }
    });
  } catch (e) { id = null; /* no storage: the server counts this page's stream until it is found gone */ }

  window.lanyardTab = {
    // This page's tab id, null where there is no storage.
    id: id,
    // The next page of this tab starts an id of its own (after a copy took this one's stream).
    forget: function () {
      try { window.sessionStorage.removeItem(KEY); } catch (e) { /* the next page keeps the id */ }
    }
  };
})();
