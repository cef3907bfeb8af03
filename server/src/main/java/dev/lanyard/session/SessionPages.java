package dev.lanyard.session;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The sessions page (PRODUCT.md S1–S4, S7, E1–E6): the list, its live stream and the history. Every action works
 * without JavaScript: sign-outs go through a confirmation page ({@link SignOutPages}), and each finished action says
 * so on the list. A session's own page is {@link SessionDetailPages}.
 */
@Controller
class SessionPages {
    private final Sessions sessions;
    private final SessionReads reads;
    private final SessionStarts starts;
    private final SessionPageParts parts;
    private final SessionSettings settings;
    private final LiveStreams live;
    private final LiveSettings liveSettings;
    private final Approvals approvals;
    private final Timeline timeline;
    private final Clock clock;

    SessionPages(Sessions sessions, SessionReads reads, SessionStarts starts, SessionPageParts parts, SessionSettings settings,
                 LiveStreams live, LiveSettings liveSettings, Approvals approvals, Timeline timeline, Clock clock) {
        this.sessions = sessions;
        this.reads = reads;
        this.starts = starts;
        this.parts = parts;
        this.settings = settings;
        this.live = live;
        this.liveSettings = liveSettings;
        this.approvals = approvals;
        this.timeline = timeline;
        this.clock = clock;
    }

    @GetMapping("/")
    String home() {
        return "redirect:/settings/sessions";
    }

    @GetMapping("/settings/sessions")
    String list(@AuthenticationPrincipal CurrentSession current, @RequestParam(required = false) String filter,
                @RequestParam(required = false) String cursor, @RequestParam(required = false) String done,
                @RequestParam(required = false) String session, @RequestParam(required = false) String count,
                Model model, HttpServletResponse response) {
        if (!parts.maySeeList(current)) {
            Session here = sessions.current(current);
            model.addAttribute("current", parts.view(here, true));
            // No map: "Where you're signed in" with this session's dot alone would say it is the only one (outside review).
            model.addAttribute("restricted", true);
            model.addAttribute("others", List.of());
            model.addAttribute("approvals", List.of());
            model.addAttribute("counts", new ListFilter.Counts(0, 0, 0, 0));
            model.addAttribute("filter", "all");
            model.addAttribute("filters", ListFilter.values());
            model.addAttribute("account", current.account());
            SessionPageParts.tell(model, done);
            return "sessions/list";
        }
        // Before the list is read: a card created after the list a page showed is a new sign-in (refreshes.js), not one
        // that moved up from the next page when another ended.
        model.addAttribute("listedAt", clock.millis());
        model.addAttribute("listedBy", live.node());
        // A filter the list does not have (a bookmark of an older version, a typo) shows all, and the page says so.
        Optional<ListFilter> asked = ListFilter.parse(filter);
        ListFilter chosen = asked.orElse(ListFilter.ALL);
        Optional<String> after = Optional.ofNullable(cursor); // a bad one is refused with a message, like in the API
        Sessions.Page<Session> page = sessions.active(current, chosen, Sessions.MAX_PAGE, after);
        List<SessionView> others = new ArrayList<>();
        for (Session s : page.items()) {
            if (!s.id().equals(current.id())) others.add(parts.view(s, false));
        }
        Session here = sessions.current(current);
        model.addAttribute("current", parts.view(here, true));
        model.addAttribute("map", SessionMap.of(reads.places(current.account().id()), here.location()));
        model.addAttribute("others", others);
        // "Sign out selected" is for sign-ins: a key's card has no checkbox (it is revoked on its own page).
        model.addAttribute("selectable", others.stream().anyMatch(v -> !v.session().apiKey()));
        // The filters and recommendations count the other sessions, which the list shows; this one has its own card.
        model.addAttribute("counts", reads.countsOfOthers(current));
        model.addAttribute("approvals", approvals.pending(current).stream().map(s -> parts.view(s, false)).toList());
        model.addAttribute("filter", chosen.code());
        model.addAttribute("filters", ListFilter.values());
        model.addAttribute("nextCursor", page.nextCursor().orElse(null));
        model.addAttribute("account", current.account());
        model.addAttribute("policy", starts.memberPolicy(current.account()));
        parts.tell(model, done, current, session, count);
        if (asked.isEmpty()) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("refused", ListFilter.unknown(filter));
        }
        return "sessions/list";
    }

    /**
     * The live stream of an open page: "changed" when the list should refresh, "signed-out" when this session ended,
     * "replaced" when a newer page took its place. When the node holds as many streams as it may, 503 with Retry-After:
     * the page works on without live updates.
     */
    @GetMapping(value = "/settings/sessions/events", produces = org.springframework.http.MediaType.TEXT_EVENT_STREAM_VALUE)
    ResponseEntity<SseEmitter> events(@AuthenticationPrincipal CurrentSession current, @RequestParam(required = false) String tab,
                                      @RequestParam(required = false) String since, @RequestParam(required = false) String by) {
        // The connection closes with the stream: an idle kept-alive connection after it would still hold its buffers.
        return live.subscribe(current, tab, listedAt(since), by).map(emitter -> ResponseEntity.ok().header(HttpHeaders.CONNECTION, "close").body(emitter))
                .orElseGet(() -> ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.CONNECTION, "close")
                        .header(HttpHeaders.RETRY_AFTER, Long.toString(liveSettings.backoff().toSeconds())).build());
    }

    /**
     * When the page read its list ({@code data-listed-at}, epoch ms); null when it names none. A time that is not one
     * (not up to 15 ASCII digits) reads as long ago: the page is told "changed", as when the server cannot know.
     */
    private static Long listedAt(String since) {
        if (since == null || since.isEmpty()) return null;
        if (since.length() > 15 || !since.chars().allMatch(c -> c >= '0' && c <= '9')) return 0L;
        return Long.parseLong(since);
    }

    /** The most ids a page asks {@link #departed} about at once: the cards of two full pages. */
    static final int MAX_DEPARTED = 2 * Sessions.MAX_PAGE;

    /**
     * Of the sessions whose cards left an open page ({@code ids}), those that ended since and those now verified, for
     * refreshes.js to say which were signed out or verified when no live event told it: after Refresh, after its stream
     * dropped and came back, or when a verification took a card off the "Unverified" filter. A card that only moved to
     * another page or filter is in neither, and so are ids of someone else's sessions or of none: the answer tells
     * nothing about them. A session expired but not yet ended by the sweep, which the list no longer shows, has ended.
     * Of the verified cards that came onto the page ({@code arrived}), those approved or verified with a second factor
     * at or after {@code since} (epoch ms, about when the page read its list): an approval brings a card onto the
     * "Verified" filter, which the page says was verified, not that it signed in or moved up from the next page.
     */
    @GetMapping(value = "/settings/sessions/departed", produces = org.springframework.http.MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<?> departed(@AuthenticationPrincipal CurrentSession current, @RequestParam(required = false) List<String> ids,
                               @RequestParam(required = false) List<String> arrived, @RequestParam(required = false) Long since) {
        parts.requireList(current);
        List<String> asked = ids == null ? List.of() : ids;
        List<String> came = arrived == null || since == null ? List.of() : arrived;
        if (asked.size() > MAX_DEPARTED || came.size() > MAX_DEPARTED) {
            return ResponseEntity.badRequest().contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                    .body(org.springframework.http.ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                            "Ask about at most " + MAX_DEPARTED + " sessions at once."));
        }
        java.time.Instant now = clock.instant();
        List<String> ended = new ArrayList<>();
        List<String> verified = new ArrayList<>();
        for (Session s : sessions.find(current.account().id(), ids(asked)).values()) {
            if (s.id().equals(current.id())) continue;
            if (s.ending().isPresent() || s.expiry(now).isPresent()) ended.add(s.id().value());
            else if (s.verified()) verified.add(s.id().value());
        }
        List<SessionId> cameVerified = came.isEmpty() ? List.of() : sessions.find(current.account().id(), ids(came)).values().stream()
                .filter(s -> s.verified() && s.ending().isEmpty() && !s.id().equals(current.id())).map(Session::id).toList();
        List<String> verifiedSince = cameVerified.isEmpty() ? List.of()
                : timeline.verifiedSince(cameVerified, java.time.Instant.ofEpochMilli(since)).stream().map(SessionId::value).toList();
        return ResponseEntity.ok().header(HttpHeaders.CACHE_CONTROL, "no-store").body(new Departed(ended, verified, verifiedSince));
    }

    /** The ids a page asked about that could be a session's, each once. */
    private static List<SessionId> ids(List<String> asked) {
        return asked.stream().filter(id -> !id.isBlank() && id.length() <= 64).map(SessionId::new).distinct().toList();
    }

    /** {@link #departed}'s answer: the ids that ended, those active and verified, and the arrived ones verified since. */
    record Departed(List<String> ended, List<String> verified, List<String> verifiedSince) {
    }

    @GetMapping("/settings/sessions/history")
    String history(@AuthenticationPrincipal CurrentSession current, @RequestParam(required = false) String cursor, Model model) {
        parts.requireList(current);
        Optional<String> after = Optional.ofNullable(cursor); // a bad one is refused with a message, like in the API
        Sessions.Page<Session> page = sessions.history(current.account().id(), Sessions.MAX_PAGE, after);
        model.addAttribute("ended", page.items().stream().map(s -> new HistoryLine(parts.view(s, false), parts.endedBy(s, current))).toList());
        model.addAttribute("nextCursor", page.nextCursor().orElse(null));
        model.addAttribute("retention", SessionView.span(settings.historyRetention()));
        model.addAttribute("account", current.account());
        return "sessions/history";
    }

    /** One ended session and why, phrased for its owner. */
    record HistoryLine(SessionView view, SessionPageParts.EndedWhy why) {
    }
}
