// "Sign out selected" on the sessions page (PRODUCT.md E2): with scripts, the button says how many sessions it ends
// ("Sign out 2 selected sessions", as its confirmation does) and stays disabled until one is ticked (outside review: it
// showed no count, and was there to press with nothing ticked). Without scripts it stays as the server wrote it, and the
// server answers an empty selection with its own message. The list is refreshed in place (live.js swaps #live-region
// and refreshes.js ticks again what was ticked): the button is counted again after each swap.
(function () {
  "use strict";

  function words(n) {
    if (n === 0) return "Sign out selected sessions";
    return "Sign out " + n + " selected " + (n === 1 ? "session" : "sessions");
  }

  function count() {
    document.querySelectorAll("button[data-selected-count]").forEach(function (button) {
      // A page told that its session ended (live.js) keeps every button disabled.
      if (button.getAttribute("aria-disabled") === "true") return;
      var form = button.form;
      var ticked = form ? form.querySelectorAll("input[type=checkbox][name=ids]:checked").length : 0;
      button.textContent = words(ticked);
      button.disabled = ticked === 0;
    });
  }

  document.addEventListener("change", function (event) {
    if (event.target.name === "ids") count();
  });
  // After refreshes.js ticked the boxes again: its handler of the same event may run before or after this one.
  document.addEventListener("htmx:afterSettle", function () { setTimeout(count, 0); });
  // Back to the page from the browser's cache, or with the boxes the browser ticked again as they were.
  window.addEventListener("pageshow", count);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", count);
  else count();
})();
