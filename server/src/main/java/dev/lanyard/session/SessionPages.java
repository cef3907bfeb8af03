package dev.lanyard.session;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The sessions page (PRODUCT.md S1–S4, S7, E1–E6). Every action works without JavaScript:
 * sign-outs go through a confirmation page, and each finished action says so on the list.
 */
@Controller
class SessionPages {
    static final Map<String, String> DONE = Map.ofEntries(
            Map.entry("welcome", "Welcome to Lanyard. This is every place where your account is signed in."),
            Map.entry("renamed", "Session renamed."),
            Map.entry("alerts-on", "Sign-in alerts are on for this session."),
            Map.entry("alerts-off", "Sign-in alerts are off for this session."),
            Map.entry("alerts-off-everywhere", "Sign-in alerts are off for this session. None of your sessions has them on"
                    + " now, so no email is sent when a new device or place signs in to your account."),
            Map.entry("signed-out", "The session was signed out. That device must sign in again."),
            Map.entry("signed-out-selected", "The selected sessions were signed out."),
            Map.entry("signed-out-others", "All other sessions were signed out. This device stays signed in."),
            Map.entry("nothing-selected", "Select at least one session to sign out."),
            Map.entry("none-signed-in", "None of the selected sessions was still signed in, so nothing was signed out."),
            Map.entry("approved", "Sign-in approved. That session is now verified."),
            Map.entry("verified", "This session is verified."),
            Map.entry("denied", "Sign-in denied. That session was signed out."),
            Map.entry("joined", "Welcome to your team on Lanyard. This is every place where your account is signed in."),
            Map.entry("no-longer-admin", "You are now a member of your team. Its admin pages are for its admins only."));

    /** The {@link #DONE} keys that say nothing was done and why: shown as an error, not as a success. */
    private static final java.util.Set<String> REFUSED = java.util.Set.of("nothing-selected");

    /** What the last action did ({@code done}), or why it did nothing, for the page to say. */
    private static void tell(Model model, String done) {
        if (done == null || !DONE.containsKey(done)) return;
        model.addAttribute(REFUSED.contains(done) ? "refused" : "done", DONE.get(done));
    }

    /** Where a held member is sent (the second-factor requirement's enrolment), and so where their sign-outs lead back. */
    private static final String HELD_HOME = "/settings/security";

    private final Sessions sessions;
    private final dev.lanyard.account.Members members;
    private final SessionSettings settings;
    private final SessionCookie cookie;
    private final LiveSessions live;
    private final LiveSettings liveSettings;
    private final Timeline timeline;
    private final Approvals approvals;
    private final Clock clock;

    SessionPages(Sessions sessions, dev.lanyard.account.Members members, SessionSettings settings, SessionCookie cookie,
                 LiveSessions live, LiveSettings liveSettings, Timeline timeline, Approvals approvals, Clock clock) {
        this.approvals = approvals;
        this.liveSettings = liveSettings;
        this.sessions = sessions;
        this.members = members;
        this.live = live;
        this.timeline = timeline;
        this.settings = settings;
        this.cookie = cookie;
        this.clock = clock;
    }

    @GetMapping("/")
    String home() {
        return "redirect:/settings/sessions";
    }

    @GetMapping("/settings/sessions")
    String list(@AuthenticationPrincipal CurrentSession current, @RequestParam(required = false) String filter,
                @RequestParam(required = false) String cursor, @RequestParam(required = false) String done,
                Model model, HttpServletResponse response) {
        if (!members.maySeeSessionList(current.account())) {
            Session here = sessions.current(current);
            model.addAttribute("current", view(here, true));
            // Restricted: the map shows this session's place only, as the list does.
            model.addAttribute("map", SessionMap.of(List.of(new SessionStore.Place(here.location(), 1)), here.location()));
            model.addAttribute("restricted", true);
            model.addAttribute("others", List.of());
            model.addAttribute("approvals", List.of());
            model.addAttribute("counts", new ListFilter.Counts(0, 0, 0, 0));
            model.addAttribute("filter", "all");
            model.addAttribute("filters", ListFilter.values());
            model.addAttribute("account", current.account());
            tell(model, done);
            return "sessions/list";
        }
        // Before the list is read: a card created after the list a page showed is a new sign-in (live.js), not one
        // that moved up from the next page when another ended.
        model.addAttribute("listedAt", clock.millis());
        ListFilter chosen = ListFilter.parse(filter).orElse(ListFilter.ALL);
        Optional<String> after = Optional.ofNullable(cursor); // a bad one is refused with a message, like in the API
        Sessions.Page<Session> page = sessions.active(current.account().id(), chosen, Sessions.MAX_PAGE, after);
        List<SessionView> others = new ArrayList<>();
        for (Session s : page.items()) {
            if (!s.id().equals(current.id())) others.add(view(s, false));
        }
        Session here = sessions.current(current);
        model.addAttribute("current", view(here, true));
        model.addAttribute("map", SessionMap.of(sessions.places(current.account().id()), here.location()));
        model.addAttribute("others", others);
        // "Sign out selected" is for sign-ins: a key's card has no checkbox (it is revoked on its own page).
        model.addAttribute("selectable", others.stream().anyMatch(v -> !v.session().apiKey()));
        // The filters and recommendations count the other sessions, which the list shows; this one has its own card.
        model.addAttribute("counts", sessions.countsOfOthers(current));
        model.addAttribute("approvals", approvals.pending(current).stream().map(s -> view(s, false)).toList());
        model.addAttribute("filter", chosen.code());
        model.addAttribute("filters", ListFilter.values());
        model.addAttribute("nextCursor", page.nextCursor().orElse(null));
        model.addAttribute("account", current.account());
        model.addAttribute("policy", sessions.memberPolicy(current.account()));
        tell(model, done);
        return "sessions/list";
    }

    /**
     * The live stream of an open page: "changed" when the list should refresh, "signed-out" when this session ended,
     * "replaced" when a newer page took its place. When the node holds as many streams as it may, 503 with Retry-After:
     * the page works on without live updates.
     */
    @GetMapping(value = "/settings/sessions/events", produces = org.springframework.http.MediaType.TEXT_EVENT_STREAM_VALUE)
    ResponseEntity<SseEmitter> events(@AuthenticationPrincipal CurrentSession current, @RequestParam(required = false) String tab) {
        // The connection closes with the stream: an idle kept-alive connection after it would still hold its buffers.
        return live.subscribe(current, tab).map(emitter -> ResponseEntity.ok().header(HttpHeaders.CONNECTION, "close").body(emitter))
                .orElseGet(() -> ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.CONNECTION, "close")
                        .header(HttpHeaders.RETRY_AFTER, Long.toString(liveSettings.backoff().toSeconds())).build());
    }

    @GetMapping("/settings/sessions/history")
    String history(@AuthenticationPrincipal CurrentSession current, @RequestParam(required = false) String cursor, Model model) {
        requireList(current);
        Optional<String> after = Optional.ofNullable(cursor); // a bad one is refused with a message, like in the API
        Sessions.Page<Session> page = sessions.history(current.account().id(), Sessions.MAX_PAGE, after);
        model.addAttribute("ended", page.items().stream().map(s -> new HistoryLine(view(s, false), endedBy(s, current))).toList());
        model.addAttribute("nextCursor", page.nextCursor().orElse(null));
        model.addAttribute("retention", SessionView.span(settings.historyRetention()));
        model.addAttribute("account", current.account());
        return "sessions/history";
    }

    /**
     * Whether the session is remembered now: ticked at sign-in, and allowed by the team and for the member (an open
     * session's lifetime was cut when either stopped allowing it; outside QA: the page still said "Yes").
     */
    private String remembered(Session session) {
        if (!session.rememberMe()) return "No";
        if (!session.active() || sessions.memberPolicy(session.account()).remembers(true)) return "Yes";
        return "No: ticked at sign-in, but \u201cRemember me\u201d is not allowed now, so it lasts as long as any session";
    }

    /** One ended session and why, phrased for its owner. */
    record HistoryLine(SessionView view, String why) {
    }

    private String endedBy(Session s, CurrentSession current) {
        Session.Ending e = s.ending().orElseThrow();
        return switch (e.reason()) {
            case REVOKED -> e.fromSession().filter(from -> !from.equals(s.id()))
                    .map(from -> {
                        try {
                            return "Revoked by you from " + sessions.get(from, current.account().id()).displayName();
                        } catch (SessionProblem.NotFound gone) {
                            return "Revoked by you";
                        }
                    }).orElse("Revoked by you");
            default -> e.labelWithReason();
        };
    }

    @GetMapping("/settings/sessions/{id}")
    String details(@AuthenticationPrincipal CurrentSession current, @PathVariable String id,
                   @RequestParam(required = false) String done, @RequestParam(required = false) String error, Model model) {
        if (!id.equals(current.id().value())) requireList(current);
        tell(model, done);
        return detailsPage(current, sessions.get(new SessionId(id), current.account().id()), model);
    }

    /** A session's details page, as its owner sees it. */
    private String detailsPage(CurrentSession current, Session session, Model model) {
        model.addAttribute("s", view(session, session.id().equals(current.id())));
        model.addAttribute("alertsElsewhere", session.active() && alertsElsewhere(current, session.id()));
        model.addAttribute("timeline", timeline.of(session));
        model.addAttribute("remembered", remembered(session));
        model.addAttribute("endedWhy", session.active() ? null : endedBy(session, current));
        model.addAttribute("account", current.account());
        model.addAttribute("approvable", session.active() && !session.verified() && Approvals.approvable(session)
                && !session.id().equals(current.id()) && approvals.mayApprove(current));
        return "sessions/details";
    }

    @PostMapping("/settings/sessions/{id}/name")
    String rename(@AuthenticationPrincipal CurrentSession current, @PathVariable String id,
                  @RequestParam(defaultValue = "") String name, Model model, HttpServletResponse response) {
        if (!id.equals(current.id().value())) requireList(current);
        try {
            sessions.rename(new SessionId(id), current.account().id(), name);
        } catch (SessionProblem.InvalidInput invalid) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("error", invalid.getMessage());
            model.addAttribute("proposedName", name);
            return detailsPage(current, sessions.get(new SessionId(id), current.account().id()), model);
        }
        return "redirect:/settings/sessions/" + id + "?done=renamed";
    }

    @PostMapping("/settings/sessions/{id}/alerts")
    String alerts(@AuthenticationPrincipal CurrentSession current, @PathVariable String id,
                  @RequestParam(defaultValue = "false") boolean alerts) {
        if (!id.equals(current.id().value())) requireList(current);
        SessionId session = new SessionId(id);
        sessions.setAlerts(session, current.account().id(), alerts);
        String done = alerts ? "alerts-on" : alertsElsewhere(current, session) ? "alerts-off" : "alerts-off-everywhere";
        return "redirect:/settings/sessions/" + id + "?done=" + done;
    }

    /** Whether a sign-in other than {@code session} has sign-in alerts on: a new device's alert is mailed only while one has. */
    private boolean alertsElsewhere(CurrentSession current, SessionId session) {
        return sessions.otherSignIns(current.account().id(), session).stream().anyMatch(Session::alerts);
    }

    @GetMapping("/settings/sessions/{id}/sign-out")
    String confirmOne(@AuthenticationPrincipal CurrentSession current, @PathVariable String id, HttpServletRequest request,
                      Model model) {
        if (!id.equals(current.id().value())) requireList(current);
        Session session = sessions.get(new SessionId(id), current.account().id());
        boolean held = held(request);
        if (!session.active()) return held ? "redirect:" + HELD_HOME : "redirect:/settings/sessions/" + id;
        model.addAttribute("account", current.account());
        model.addAttribute("back", home(request));
        if (session.id().equals(current.id())) {
            model.addAttribute("currentRefused", true);
            return "sessions/confirm";
        }
        model.addAttribute("kind", "one");
        model.addAttribute("unlisted", held);
        model.addAttribute("targets", held ? List.of() : List.of(view(session, false)));
        model.addAttribute("action", "/settings/sessions/" + id + "/sign-out");
        return "sessions/confirm";
    }

    @PostMapping("/settings/sessions/{id}/sign-out")
    String signOutOne(@AuthenticationPrincipal CurrentSession current, @PathVariable String id, HttpServletRequest request) {
        requireList(current);
        sessions.revoke(new SessionId(id), current);
        return "redirect:" + home(request) + "?done=signed-out";
    }

    /**
     * "Sign out selected": the chosen sign-ins, after a confirmation that names them. Keys have no checkbox; a
     * request that names one anyway is refused whole (409) with a page naming the key, and nothing is signed out.
     */
    @PostMapping("/settings/sessions/sign-out-selected")
    String signOutSelected(@AuthenticationPrincipal CurrentSession current,
                           @RequestParam(name = "ids", required = false) List<String> ids,
                           @RequestParam(defaultValue = "false") boolean confirmed, Model model, HttpServletResponse response) {
        requireList(current);
        List<SessionId> chosen = ids == null ? List.of() : ids.stream().distinct().limit(Sessions.MAX_PAGE)
                .map(SessionId::new).filter(i -> !i.equals(current.id())).toList();
        if (chosen.isEmpty()) return "redirect:/settings/sessions?done=nothing-selected";
        // Someone else's id, or a typo, is not found: nothing to list, nothing to end.
        Map<SessionId, Session> byId = sessions.find(current.account().id(), chosen);
        List<Session> found = chosen.stream().map(byId::get).filter(java.util.Objects::nonNull).toList();
        model.addAttribute("account", current.account());
        try {
            SessionEnds.refuseKeys(found);
            if (confirmed) {
                // Ended meanwhile, someone else's, or no session at all: nothing is signed out, and the page says so.
                if (found.stream().noneMatch(Session::active) || sessions.revoke(chosen, current).isEmpty()) {
                    return "redirect:/settings/sessions?done=none-signed-in";
                }
                return "redirect:/settings/sessions?done=signed-out-selected";
            }
        } catch (SessionProblem.KeysSelected keys) {
            response.setStatus(HttpStatus.CONFLICT.value());
            model.addAttribute("kind", "keys");
            model.addAttribute("targets", found.stream().filter(Session::apiKey).map(s -> view(s, false)).toList());
            model.addAttribute("message", keys.getMessage());
            return "sessions/confirm";
        }
        List<SessionView> targets = found.stream().filter(Session::active).map(s -> view(s, false)).toList();
        if (targets.isEmpty()) return "redirect:/settings/sessions?done=none-signed-in";
        model.addAttribute("kind", "selected");
        model.addAttribute("targets", targets);
        model.addAttribute("action", "/settings/sessions/sign-out-selected");
        return "sessions/confirm";
    }

    @GetMapping("/settings/sessions/sign-out-others")
    String confirmOthers(@AuthenticationPrincipal CurrentSession current, HttpServletRequest request, Model model) {
        requireList(current);
        boolean held = held(request);
        model.addAttribute("account", current.account());
        model.addAttribute("kind", "others");
        model.addAttribute("action", "/settings/sessions/sign-out-others");
        model.addAttribute("back", home(request));
        model.addAttribute("unlisted", held);
        if (held) {
            // Ending them is open to a held member; reading them is not: neither the sessions nor how many.
            model.addAttribute("targets", List.of());
            model.addAttribute("keysKept", 0);
            return "sessions/confirm";
        }
        List<SessionView> others = others(current);
        List<SessionView> signIns = signIns(others);
        model.addAttribute("targets", signIns);
        model.addAttribute("keysKept", others.size() - signIns.size());
        return "sessions/confirm";
    }

    @PostMapping("/settings/sessions/sign-out-others")
    String signOutOthers(@AuthenticationPrincipal CurrentSession current, HttpServletRequest request) {
        requireList(current);
        sessions.revokeOthers(current);
        return "redirect:" + home(request) + "?done=signed-out-others";
    }

    @GetMapping("/settings/sessions/sign-out-all")
    String confirmAll(@AuthenticationPrincipal CurrentSession current, HttpServletRequest request, Model model) {
        boolean held = held(request);
        List<SessionView> targets = new ArrayList<>();
        targets.add(view(sessions.current(current), true));
        if (!held && members.maySeeSessionList(current.account())) targets.addAll(signIns(others(current)));
        model.addAttribute("account", current.account());
        model.addAttribute("kind", "all");
        model.addAttribute("targets", targets);
        model.addAttribute("back", home(request));
        model.addAttribute("action", "/settings/sessions/sign-out-all");
        return "sessions/confirm";
    }

    @PostMapping("/settings/sessions/sign-out-all")
    String signOutAll(@AuthenticationPrincipal CurrentSession current, HttpServletRequest request,
                      HttpServletResponse response, RedirectAttributes redirect) {
        sessions.revokeAll(current);
        cookie.clear(request, response);
        return "redirect:/login?out=all";
    }

    private List<SessionView> others(CurrentSession current) {
        return sessions.active(current.account().id(), ListFilter.ALL, Sessions.MAX_PAGE, Optional.empty()).items().stream()
                .filter(s -> !s.id().equals(current.id())).map(s -> view(s, false)).toList();
    }

    /** What "sign out others" and "log out all devices" end: sign-ins, not API keys (decision 0018). */
    private static List<SessionView> signIns(List<SessionView> views) {
        return views.stream().filter(v -> !v.session().apiKey()).toList();
    }

    /**
     * Whether a team rule holds the member and let this request through only to end sessions ({@link SessionFilter#HELD}):
     * its pages then name no other session, and lead back to where the member is held.
     */
    private static boolean held(HttpServletRequest request) {
        return request.getAttribute(SessionFilter.HELD) != null;
    }

    /** Where a sign-out page leads back to: the sessions page, or where a held member is held. */
    private static String home(HttpServletRequest request) {
        return held(request) ? HELD_HOME : "/settings/sessions";
    }

    /** Restricted members (T5) may look at and act on their current session only. */
    private void requireList(CurrentSession current) {
        if (!members.maySeeSessionList(current.account())) throw new SessionProblem.Restricted();
    }

    private SessionView view(Session session, boolean current) {
        return SessionView.of(session, current, settings.activeWindow(), clock);
    }
}
