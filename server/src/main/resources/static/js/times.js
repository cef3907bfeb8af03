// Times in the browser's own timezone and language (no build step). The server writes each time in UTC
// ("5 Dec 2026, 14:45 UTC") inside <time datetime="2026-12-05T14:45:00Z">, which stays as it is without scripts;
// this shows it as the browser would, naming the zone ("5 Dec 2026, 23:45 GMT+9"), and keeps the UTC text as the
// element's title. Times of the audit log (data-seconds) keep their seconds; a day ("last active on 4 Jan 2026 UTC",
// data-day) is the date alone, the browser's. Relative times ("2 hours ago") have no datetime and are left alone. Lists refreshed in place (htmx) are done again after each swap.
(function () {
  "use strict";
  if (!window.Intl || !Intl.DateTimeFormat || !document.querySelectorAll) return;
  var minutes, seconds, days, locale;
  try {
    days = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric" });
    var options = { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" };
    minutes = new Intl.DateTimeFormat(undefined, options);
    options.second = "2-digit";
    seconds = new Intl.DateTimeFormat(undefined, options);
    locale = minutes.resolvedOptions().locale;
  } catch (e) {
    return; // the server's UTC text stays
  }

  function localize(root) {
    var times = (root || document).querySelectorAll("time[datetime]");
    Array.prototype.forEach.call(times, function (el) {
      if (el.hasAttribute("data-local")) return;
      var at = new Date(el.getAttribute("datetime"));
      if (isNaN(at.getTime())) return;
      var shown = (el.hasAttribute("data-day") ? days : el.hasAttribute("data-seconds") ? seconds : minutes).format(at);
      if (!el.title) el.title = el.textContent.trim();
      el.textContent = shown;
      // In the browser's language, inside English text: isolated, so that an Arabic or Hebrew time keeps its own
      // order and does not reorder the words around it (outside a11y review AK).
      el.lang = locale;
      el.dir = "auto";
      el.setAttribute("data-local", "");
    });
  }

  // The audit log's From and To are days: the browser's, as its times are shown. The form sends the browser's zone;
  // the server says which zone it read the days in ("Days in Asia/Tokyo"; UTC without this script, or for a zone it
  // does not know). Before any zone was sent and while no day is filled in, the label tells what a filter will do.
  // Browsers name some zones by the old names CLDR keeps as canonical (Chromium says Asia/Calcutta): the names people
  // know now, which the server takes too (outside review AN). The forms that sign a member in have such a field too
  // (zone): the server keeps the zone for the times in the member's mails, and ignores a name it does not know.
  var CURRENT_ZONE_NAMES = {
    "Asia/Calcutta": "Asia/Kolkata", "Asia/Katmandu": "Asia/Kathmandu", "Asia/Saigon": "Asia/Ho_Chi_Minh",
    "Asia/Rangoon": "Asia/Yangon", "Europe/Kiev": "Europe/Kyiv", "Atlantic/Faeroe": "Atlantic/Faroe",
    "America/Godthab": "America/Nuuk", "Pacific/Truk": "Pacific/Chuuk", "Pacific/Ponape": "Pacific/Pohnpei",
    "Pacific/Enderbury": "Pacific/Kanton", "Africa/Asmera": "Africa/Asmara", "Asia/Thimbu": "Asia/Thimphu",
    "America/Buenos_Aires": "America/Argentina/Buenos_Aires", "America/Indianapolis": "America/Indiana/Indianapolis",
    "America/Louisville": "America/Kentucky/Louisville", "Asia/Dacca": "Asia/Dhaka", "Asia/Ulan_Bator": "Asia/Ulaanbaatar"
  };

  function browserZone() {
    try {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      return CURRENT_ZONE_NAMES[zone] || zone;
    } catch (e) {
      return undefined;
    }
  }

  function zoneTheDays() {
    var zone = browserZone();
    if (!zone) return;
    Array.prototype.forEach.call(document.querySelectorAll("input[data-browser-zone]"), function (input) {
      input.value = zone;
      var form = input.form, label = document.getElementById("days-zone");
      if (!label || label.hasAttribute("data-zone-given")) return;
      if ((form.elements.from && form.elements.from.value) || (form.elements.to && form.elements.to.value)) return;
      label.textContent = "Days in " + zone;
    });
  }

  // A chart of hours (an API key's requests per hour) is drawn by the server in UTC hours and labelled in UTC. Each
  // label (data-hour: the start of its hour) becomes the browser's time at which that hour starts, and each text that
  // names the zone (data-zone-text) names the browser's, as the audit log's days do. The bars stay the UTC hours the
  // server counted: in a zone whose offset is not whole hours (Asia/Kolkata, +5:30) their labels start at :30.
  function zoneTheHours() {
    var zone = browserZone(), hour;
    if (!zone) return;
    try {
      hour = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
    } catch (e) {
      return;
    }
    Array.prototype.forEach.call(document.querySelectorAll("[data-hour]"), function (el) {
      var at = new Date(el.getAttribute("data-hour"));
      if (!isNaN(at.getTime())) el.textContent = hour.format(at) + (el.getAttribute("data-hour-after") || "");
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-zone-text]"), function (el) {
      el.textContent = el.getAttribute("data-zone-text").replace("{zone}", zone);
    });
  }

  function ready() {
    localize(document);
    zoneTheDays();
    zoneTheHours();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
  document.addEventListener("htmx:afterSettle", function () { localize(document); });
  document.addEventListener("htmx:load", function () { localize(document); });
})();

// Two small keyboard aids every page needs, here because this is the one script every page loads (the CSP allows no
// inline script). Links styled as buttons (a.button) act on Space as buttons do, not only on Enter: they look like
// buttons, so people press Space (outside a11y review AK). They stay links (no role=button): each goes to a page, and
// is announced, opened in a new tab and listed as one. And after a refused form, focus goes to what went wrong: the
// error summary (.alert.error) takes the focus, and each field marked aria-invalid points at it (aria-describedby), its
// own hint kept.
(function () {
  "use strict";
  var pressed = null;
  document.addEventListener("keydown", function (event) {
    if (event.key !== " " || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || event.defaultPrevented) return;
    var link = event.target;
    if (!link.matches || !link.matches("a.button[href]") || link.getAttribute("aria-disabled") === "true") return;
    event.preventDefault(); // no scrolling; like a button, it acts when the key comes up
    pressed = link;
  });
  document.addEventListener("keyup", function (event) {
    if (event.key !== " " || !pressed) return;
    var link = pressed;
    pressed = null;
    if (event.target === link) link.click();
  });

  function formErrors() {
    var summary = document.querySelector("main .alert.error[role=alert]:not([hidden])");
    if (!summary) return;
    if (!summary.id) summary.id = "form-errors";
    if (!summary.hasAttribute("tabindex")) summary.setAttribute("tabindex", "-1");
    Array.prototype.forEach.call(document.querySelectorAll("main [aria-invalid=true]"), function (field) {
      var ids = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
      if (ids.indexOf(summary.id) < 0) field.setAttribute("aria-describedby", [summary.id].concat(ids).join(" "));
    });
    summary.focus();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", formErrors);
  else formErrors();
})();
