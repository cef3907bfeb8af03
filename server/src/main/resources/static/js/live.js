// Live updates for Lanyard pages (no build step). Every signed-in page listens on the session's
// event stream: "changed" refreshes the sessions list in place, "signed-out" tells the person at
// once that this session has ended, and why, and then takes them to the sign-in page.
(function () {
  "use strict";
  if (!("EventSource" in window)) return;
  var stream = new EventSource("/settings/sessions/events");

  stream.addEventListener("changed", function () {
    var region = document.getElementById("live-region");
    if (!region || !window.htmx) return;
    htmx.ajax("GET", window.location.pathname + window.location.search,
      { target: "#live-region", select: "#live-region", swap: "outerHTML" });
  });

  stream.addEventListener("signed-out", function (event) {
    stream.close();
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
  });
})();
