// The most characters a field takes (data-max-chars="100": a name, a reason), counted as Lanyard counts them
// (FreeText.length): characters as a reader sees them, so an emoji or a flag counts once. A browser's maxlength counts
// UTF-16 units instead, and cut a name of 100 emoji, which Lanyard takes, at 50 (outside review). So these fields have no
// maxlength: this says "Use at most 100 characters" as the field's own message, and the form is not sent until the text
// fits. Without scripts, or in a browser that cannot count characters so (no Intl.Segmenter), the server refuses a
// longer text with its own message, which names the limit too.
(function () {
  "use strict";
  if (!window.Intl || typeof Intl.Segmenter !== "function") return;
  var characters = new Intl.Segmenter(undefined, { granularity: "grapheme" });
  // A character longer than this many UTF-16 units counts once more for each such run beyond (FreeText.UNITS_PER_CHARACTER).
  var UNITS_PER_CHARACTER = 16;
  // What the server strips around a text before it counts (FreeText.strip): spaces and invisible format characters.
  var around = null;
  try { around = new RegExp("^[\\s\\p{Cf}]+|[\\s\\p{Cf}]+$", "gu"); } catch (e) { /* trim() alone */ }

  function length(text) {
    var n = 0;
    Array.from(characters.segment(text)).forEach(function (piece) {
      n += 1 + Math.floor((piece.segment.length - 1) / UNITS_PER_CHARACTER);
    });
    return n;
  }

  function check(field) {
    var max = parseInt(field.getAttribute("data-max-chars"), 10);
    if (!(max > 0)) return;
    var text = around ? field.value.replace(around, "") : field.value.trim();
    // No text has more characters than UTF-16 units: most need no counting.
    var n = text.length > max ? length(text) : 0;
    field.setCustomValidity(n > max ? "Use at most " + max + " characters: this has " + n + "." : "");
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-max-chars")) check(field);
  });

  function start() {
    document.querySelectorAll("[data-max-chars]").forEach(check);
  }

  // Back to the page from the browser's cache, with what was typed still in its fields.
  window.addEventListener("pageshow", start);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
