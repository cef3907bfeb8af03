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

  // The audit log's From and To are days: the browser's, as its times are shown. The form sends the browser's zone;
  // the server says which zone it read the days in ("Days in Asia/Tokyo"; UTC without this script, or for a zone it
  // does not know). Before any zone was sent and while no day is filled in, the label tells what a filter will do.
  function zoneTheDays() {
    var zone;
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (e) {
      return;
    }
    if (!zone) return;
    Array.prototype.forEach.call(document.querySelectorAll("input[data-browser-zone]"), function (input) {
      input.value = zone;
      var form = input.form, label = document.getElementById("days-zone");
      if (!label || label.hasAttribute("data-zone-given")) return;
      if ((form.elements.from && form.elements.from.value) || (form.elements.to && form.elements.to.value)) return;
      label.textContent = "Days in " + zone;
    });
  }

  function ready() {
    localize(document);
    zoneTheDays();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
  document.addEventListener("htmx:afterSettle", function () { localize(document); });
  document.addEventListener("htmx:load", function () { localize(document); });
})();
