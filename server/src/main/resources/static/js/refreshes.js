// What a refresh of the sessions list keeps and says (live.js refreshes it, on a change or the Refresh button), for
// Lanyard pages with no build step: the sessions the member ticked, where the focus was, and in a few words for screen
// readers what changed (a sign-in, a sign-out, a verification). Its own file since 2026-12-06 (live.js was past 400 lines).
(function () {
  "use strict";
  // Where Lanyard is served: "/", or its own path ("/lanyard/", server.servlet.context-path), from this script's tag.
  var script = document.currentScript;
  var base = (script && script.getAttribute("data-base")) || "/";

  // A refresh of the list (the page's own, or the Refresh button) keeps what the member was doing: the sessions
  // they ticked for "Sign out selected" stay ticked if still listed, and focus returns to the element it was on
  // (outside QA: ticks were cleared without a word and focus fell to the page's start). If that element went with its
  // session, focus moves to the next session's first control (the previous one's, or the list's heading, if none).
  // The list itself is not a live region (a whole list read out at every change); what changed is said in a few
  // words in #live-changes, from the cards before and after (outside a11y review AK), and for the cards that left without
  // an event that said why, from the server (tell()).
  var kept = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var region = document.getElementById("live-region");
    if (!region || event.detail.target !== region || !event.detail.shouldSwap) return;
    var ticked = Array.prototype.map.call(region.querySelectorAll("input[name=ids]:checked"), function (box) { return box.value; });
    var focused = document.activeElement;
    var card = focused && region.contains(focused) && focused.closest("[data-session]");
    kept = { ticked: ticked, focus: focusKey(region, focused), cards: cards(region),
      card: card ? card.getAttribute("data-session") : null, listedAt: Number(region.getAttribute("data-listed-at")) };
  });
  document.addEventListener("htmx:responseError", function () { kept = null; });
  document.addEventListener("htmx:afterSettle", function (event) {
    var region = document.getElementById("live-region");
    // Settled on the new region (an outerHTML swap replaces the element the swap targeted).
    if (!region || !kept || (event.target !== region && event.detail.elt !== region)) return;
    var was = kept;
    kept = null;
    region.querySelectorAll("input[name=ids]").forEach(function (box) {
      if (was.ticked.indexOf(box.value) >= 0) box.checked = true;
    });
    var now = cards(region);
    if (was.focus) {
      var again = region.querySelector(was.focus);
      if (again) again.focus();
      else if (was.card) focusNear(region, was.cards, was.card);
    }
    tell(was, now);
  });

  // The cards of the list, in order: [{ id, kind ("session" or "key"), title ("Safari on iPad", or the name it was given),
  // where ("Bat Yam, Israel"), created (epoch ms), verified ("true", "false", or null for a key) }].
  function cards(region) {
    return Array.prototype.map.call(region.querySelectorAll("[data-session]"), function (card) {
      return { id: card.getAttribute("data-session"), kind: card.getAttribute("data-kind"), title: card.getAttribute("data-title"),
        where: card.getAttribute("data-where"), created: Number(card.getAttribute("data-created")),
        verified: card.getAttribute("data-verified") };
    });
  }

  function find(list, id) {
    for (var i = 0; i < list.length; i++) if (list[i].id === id) return list[i];
    return null;
  }

  // The sessions the server said ended (changed()), and the cards that left the page without being among them: a new
  // sign-in pushes the last card onto the next page, an approval takes a card off the "Unverified" filter, and neither
  // ended it. A card that left before its ending was told (a refresh that read the list just after the ending, before
  // its event came) is said to be signed out at the refresh that event brings.
  var ended = {};
  var departed = {};
  // The sessions already said to be signed out: each is said once, whether an event or the server's answer told it.
  var told = {};
  // A card that was not on the page before is a new sign-in only if it was created after the list the page showed
  // (less a margin for a sign-in that committed just after that list was read); else it moved up from the next page.
  var NEW_WITHIN_MS = 30 * 1000;
  // Every card this page has shown: one that comes back (moved up from the next page again) is no new sign-in, however
  // recently it was created.
  var shown = {};
  // The most cards kept as departed, and asked about at once (SessionPages.MAX_DEPARTED): the oldest go first.
  var MAX_DEPARTED = 200;

  // What changed, by kind, each as { lead: "New sign-in: ", card }: "A session was signed out: Safari on iPad, Bat Yam,
  // Israel. New sign-in: Firefox on Windows, London, United Kingdom. Verified: Safari 17 on iPhone, London, United Kingdom."
  // left: the cards that left the page at this refresh, by id; arrived: the verified cards that came onto it, by id,
  // each as { card, recent } (tell() asks whether they were verified since).
  function changes(was, after) {
    var said = { out: [], news: [], verified: [], left: {}, arrived: {} };
    was.cards.forEach(function (card) {
      if (!find(after, card.id)) {
        departed[card.id] = card;
        said.left[card.id] = card;
      }
    });
    var kept = Object.keys(departed);
    kept.slice(0, Math.max(0, kept.length - MAX_DEPARTED)).forEach(function (id) { delete departed[id]; });
    Object.keys(departed).forEach(function (id) {
      if (find(after, id)) { delete departed[id]; return; } // back on the page (moved up from the next page again)
      if (ended[id]) saidEnded(said, id);
    });
    was.cards.forEach(function (card) { shown[card.id] = true; });
    after.forEach(function (card) {
      var before = find(was.cards, card.id);
      if (!before) {
        if (shown[card.id]) return; // back from the next page
        shown[card.id] = true;
        var recent = card.created >= was.listedAt - NEW_WITHIN_MS; // else it moved up from the next page
        // An approval brings a card onto the "Verified" filter: whether it was verified since, only the server knows.
        if (card.verified === "true") said.arrived[card.id] = { card: card, recent: recent };
        else if (recent) said.news.push({ lead: card.kind === "key" ? "New API key: " : "New sign-in: ", card: card });
      } else if (before.verified === "false" && card.verified === "true") {
        said.verified.push({ lead: "Verified: ", card: card });
      }
    });
    return said;
  }

  // The departed card of this id is said to be signed out (a key's, to have ended), once.
  function saidEnded(said, id) {
    var card = departed[id];
    delete departed[id];
    if (!card || told[id]) return;
    told[id] = true;
    said.out.push({ lead: card.kind === "key" ? "An API key ended: " : "A session was signed out: ", card: card });
  }

  // Says what changed. Cards that left the page without an ending the server named (after Refresh, or after the live
  // stream dropped and came back, no event named them; a verification takes a card off the "Unverified" filter without
  // one) are asked about first: the server says which of them ended and which are verified now (SessionPages.departed).
  // A card it names in neither only moved to another page or filter, and nothing is said of it. Of the verified cards
  // that came onto the page, the server names those verified since the page read its list (less the margin of a new
  // sign-in's): each is said to be verified; any other is a new sign-in if it is recent, and else it moved up.
  function tell(was, after) {
    var said = changes(was, after);
    var asked = Object.keys(departed);
    var arrived = Object.keys(said.arrived);
    if (!asked.length && !arrived.length) {
      say(said.out.concat(said.news, said.verified));
      return;
    }
    ask(asked, arrived, was.listedAt - NEW_WITHIN_MS, function (answer) {
      (answer.ended || []).forEach(function (id) {
        ended[id] = true;
        saidEnded(said, id);
      });
      (answer.verified || []).forEach(function (id) {
        var card = said.left[id];
        if (!card || card.verified !== "false" || !departed[id]) return;
        delete departed[id];
        said.verified.push({ lead: "Verified: ", card: card });
      });
      arrived.forEach(function (id) {
        var came = said.arrived[id];
        if ((answer.verifiedSince || []).indexOf(id) >= 0) said.verified.push({ lead: "Verified: ", card: came.card });
        else if (came.recent) said.news.push({ lead: "New sign-in: ", card: came.card });
      });
      say(said.out.concat(said.news, said.verified));
    });
  }

  // Asks the server which of these sessions ended and which are verified, and which of the arrived ones were verified
  // at or after since (epoch ms); then() gets its answer, or, if it gives none, an answer that names none. Made by the
  // page, not the member: no activity (SessionFilter).
  function ask(ids, arrived, since, then) {
    var answered = false;
    var answer = function (data) {
      if (answered) return;
      answered = true;
      then(data && typeof data === "object" ? data : {});
    };
    if (!window.fetch) { answer(null); return; }
    var query = ids.slice(0, MAX_DEPARTED).map(function (id) { return "ids=" + encodeURIComponent(id); })
      .concat(arrived.slice(0, MAX_DEPARTED).map(function (id) { return "arrived=" + encodeURIComponent(id); }),
        arrived.length && since >= 0 ? ["since=" + Math.floor(since)] : []).join("&");
    try {
      window.fetch(base + "settings/sessions/departed?" + query, { credentials: "same-origin", cache: "no-store",
        headers: { "Accept": "application/json", "X-Lanyard-Background": "1", "HX-Request": "true" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(answer, function () { answer(null); });
    } catch (e) {
      answer(null);
    }
  }

  // The changes in words, each card's title in a <bdi>: a name typed in Arabic or Hebrew keeps to its place in the
  // sentence instead of taking the punctuation around it along. Three changes are said in full; more, as two and a count.
  // Emptied first, so that the same words said twice in a row are read out again.
  function say(said) {
    var status = document.getElementById("live-changes");
    if (!status || !said.length) return;
    var shown = said.length > 3 ? said.slice(0, 2) : said;
    var words = document.createDocumentFragment();
    shown.forEach(function (change, i) {
      if (i > 0) words.appendChild(document.createTextNode(". "));
      words.appendChild(document.createTextNode(change.lead));
      var title = document.createElement("bdi");
      title.textContent = change.card.title;
      words.appendChild(title);
      if (change.card.where) words.appendChild(document.createTextNode(", " + change.card.where));
    });
    words.appendChild(document.createTextNode(shown.length < said.length ? ". And " + (said.length - 2) + " more changes." : "."));
    status.textContent = "";
    setTimeout(function () {
      status.textContent = "";
      status.appendChild(words);
    }, 100);
  }

  // The focused element went with its card: the first control of the next card still listed, else of the previous one,
  // else the list's heading.
  function focusNear(region, before, gone) {
    var at = before.map(function (card) { return card.id; }).indexOf(gone);
    var order = before.slice(at + 1).concat(before.slice(0, at).reverse());
    for (var i = 0; i < order.length; i++) {
      var card = region.querySelector("[data-session=\"" + CSS.escape(order[i].id) + "\"]");
      var control = card && card.querySelector("input, a[href], button");
      if (control) { control.focus(); return; }
    }
    var heading = document.getElementById("others-heading") || document.querySelector("main h1");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  }

  function focusKey(region, el) {
    if (!el || el === document.body || !region.contains(el)) return null;
    if (el.id) return "#" + CSS.escape(el.id);
    if (el.name && el.value) return el.tagName.toLowerCase() + "[name=\"" + CSS.escape(el.name) + "\"][value=\"" + CSS.escape(el.value) + "\"]";
    var href = el.getAttribute("href");
    if (href) return "a[href=\"" + CSS.escape(href) + "\"]";
    return null;
  }

  window.lanyardRefreshes = {
    // The sessions the stream's "changed" event said ended (live.js).
    ended: function (ids) { ids.forEach(function (id) { ended[id] = true; }); }
  };
})();
