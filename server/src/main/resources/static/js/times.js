// Times in the browser's own timezone and language (no build step). The server writes each time in UTC
// ("5 Dec 2026, 14:45 UTC") inside <time datetime="2026-12-05T14:45:00Z">, which stays as it is without scripts;
// this shows it as the browser would, naming the zone ("5 Dec 2026, 23:45 GMT+9"), and keeps the UTC text as the
// element's title. Times of the audit log (data-seconds) keep their seconds. Relative times ("2 hours ago") have
// no datetime and are left alone. Lists refreshed in place (htmx) are done again after each swap.
(function () {
  "use strict";
  if (!window.Intl || !Intl.DateTimeFormat || !document.querySelectorAll) return;
  var minutes, seconds;
  try {
    var options = { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" };
    minutes = new Intl.DateTimeFormat(undefined, options);
    options.second = "2-digit";
    seconds = new Intl.DateTimeFormat(undefined, options);
  } catch (e) {
    return; // the server's UTC text stays
  }

  function localize(root) {
    var times = (root || document).querySelectorAll("time[datetime]");
    Array.prototype.forEach.call(times, function (el) {
      if (el.hasAttribute("data-local")) return;
      var at = new Date(el.getAttribute("datetime"));
      if (isNaN(at.getTime())) return;
      var shown = (el.hasAttribute("data-seconds") ? seconds : minutes).format(at);
      if (!el.title) el.title = el.textContent.trim();
      el.textContent = shown;
      el.setAttribute("data-local", "");
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { localize(document); });
  } else {
    localize(document);
  }
  document.addEventListener("htmx:afterSettle", function () { localize(document); });
  document.addEventListener("htmx:load", function () { localize(document); });
})();
