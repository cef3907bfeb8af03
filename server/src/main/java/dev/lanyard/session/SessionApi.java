package dev.lanyard.session;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The caller's own sessions. Another member's session id is answered exactly like an unknown one. */
@RestController
@RequestMapping("/api/v1/sessions")
@Tag(name = "Sessions")
class SessionApi {
    /**
     * {@code /{id}} for every session id but the list's own addresses: PATCH and DELETE there are 405 naming the methods
     * that address takes (Spring's own, and {@code web/HandlerPaths}' for a method the firewall refuses), not a session
     * named "history" or "current" that is not found. DELETE takes {@code current}, the current session refused (409).
     */
    private static final String ONE_NOT_CURRENT_OR_HISTORY = "/{id:(?!(?:current|history)$).+}";
    private static final String ONE_NOT_HISTORY = "/{id:(?!history$).+}";

    private final Sessions sessions;
    private final SessionReads reads;
    private final SessionChanges changes;
    private final SessionEnds ends;
    private final dev.lanyard.account.Members members;
    private final SessionSettings settings;
    private final Clock clock;

    SessionApi(Sessions sessions, SessionReads reads, SessionChanges changes, SessionEnds ends,
               dev.lanyard.account.Members members, SessionSettings settings, Clock clock) {
        this.sessions = sessions;
        this.reads = reads;
        this.changes = changes;
        this.ends = ends;
        this.members = members;
        this.settings = settings;
        this.clock = clock;
    }

    record SessionList(List<SessionJson> items, @Schema(nullable = true) String nextCursor, ListFilter.Counts counts) {
    }

    record HistoryList(List<SessionJson> items, @Schema(nullable = true) String nextCursor) {
    }

    /** A GET's answer may be sent back with name or alerts edited: the rest is read-only and ignored. */
    @dev.lanyard.IgnoresReadOnlyOf(SessionJson.class)
    record SessionPatch(@Schema(nullable = true, description = "absent or null: unchanged") String name,
                        @Schema(nullable = true, description = "absent or null: unchanged") Boolean alerts) {
    }

    record Ended(@Schema(description = "How many sign-in sessions were ended; API keys are never among them, nor sessions "
            + "that had expired: those end as expired, when they expired") int ended) {
    }

    @Operation(operationId = "getCurrentSession", summary = "The session this request is made with",
            description = "Answered from memory, the hottest request of all: without where the session signed in (signIn "
                    + "null), which GET /api/v1/sessions/{id} with its id gives")
    @GetMapping("/current")
    SessionJson current(@AuthenticationPrincipal CurrentSession current) {
        Session s = sessions.current(current);
        return SessionJson.of(s, true, SessionView.activeNow(s, settings.activeWindow(), clock.instant()), true);
    }

    @Operation(operationId = "listSessions",
            summary = "Your active sessions: the one this request is made with first (on the first page only), then the others "
            + "most recently active first, then API keys never used (newest first); with order=signed-in, newest sign-in "
            + "first, an order a walk through the pages can rely on; filter: all, "
            + "verified, unverified, inactive, "
            + "flagged (sessions the risk assessment found suspicious; each session's flags say why)")
    @GetMapping
    SessionList list(@AuthenticationPrincipal CurrentSession current,
                     @io.swagger.v3.oas.annotations.Parameter(description = "One of all (the default), verified, unverified, "
                             + "inactive, flagged; letter case does not matter")
                     @RequestParam(required = false) String filter,
                     @io.swagger.v3.oas.annotations.Parameter(description = ListOrder.DESCRIPTION, schema = @Schema(type = "string",
                             allowableValues = {"recently-active", "signed-in"}, defaultValue = "recently-active"))
                     @RequestParam(required = false) String order,
                     @RequestParam(defaultValue = "50") int limit, @RequestParam(required = false) String cursor) {
        requireList(current);
        ListFilter chosen = ListFilter.parse(filter).orElseThrow(() ->
                new SessionProblem.InvalidInput("filter", "filter must be one of all, verified, unverified, inactive, flagged."));
        ListOrder ordered = ListOrder.parse(order).orElseThrow(ListOrder::unknown);
        checkLimit(limit);
        var page = sessions.active(current, chosen, ordered, limit, Optional.ofNullable(cursor));
        var signIns = sessions.signInPlaces(current.account().id(), page.items());
        return new SessionList(page.items().stream().map(s -> json(s, signIns, current, false)).toList(),
                page.nextCursor().orElse(null), reads.counts(current.account().id()));
    }

    @Operation(operationId = "listSessionHistory",
            summary = "Your ended sessions, most recently ended first, with why they ended")
    @GetMapping("/history")
    HistoryList history(@AuthenticationPrincipal CurrentSession current, @RequestParam(defaultValue = "50") int limit,
                        @RequestParam(required = false) String cursor) {
        requireList(current);
        checkLimit(limit);
        var page = sessions.history(current.account().id(), limit, Optional.ofNullable(cursor));
        var signIns = sessions.signInPlaces(current.account().id(), page.items());
        return new HistoryList(page.items().stream().map(s -> json(s, signIns, current, false)).toList(), page.nextCursor().orElse(null));
    }

    @Operation(operationId = "getSession", summary = "One of your sessions with its details and full IP address")
    @GetMapping("/{id}")
    SessionJson get(@AuthenticationPrincipal CurrentSession current, @PathVariable String id) {
        if (!id.equals(current.id().value())) requireList(current);
        return withSignIn(sessions.get(new SessionId(id), current.account().id()), current);
    }

    @Operation(operationId = "updateSession", summary = "Rename a session or switch its sign-in alerts")
    @ApiResponse(responseCode = "200", description = "The session as it is now")
    @ApiResponse(responseCode = "405", description = "At /api/v1/sessions/current and /api/v1/sessions/history, which are not "
            + "session ids: Allow names the methods they take (rename the current session by its id)")
    @PatchMapping(ONE_NOT_CURRENT_OR_HISTORY)
    SessionJson patch(@AuthenticationPrincipal CurrentSession current, @PathVariable String id, @RequestBody SessionPatch body) {
        SessionId target = new SessionId(id);
        if (!target.equals(current.id())) requireList(current);
        // No one field is at fault: the body changes nothing. It named name, also to a client that sent alerts as null
        // (outside review).
        if (body.name() == null && body.alerts() == null)
            throw new SessionProblem.InvalidInput("", "Send at least one of name and alerts with a value: left out or null, "
                    + "a field is left as it is, so this request changes nothing.");
        ends.refuseKeyOnKey(current, List.of(target));
        if (body.name() != null) changes.rename(target, current.account().id(), body.name());
        if (body.alerts() != null) changes.setAlerts(target, current.account().id(), body.alerts());
        return withSignIn(sessions.get(target, current.account().id()), current);
    }

    @Operation(operationId = "revokeSession", summary = "Sign out one of your other sessions (the current one, by its id or as current: 409, use logout)",
            description = "One session by its id. An API key's id revokes that key, as DELETE /api/v1/api-keys/{id} does; "
                    + "there is no request that ends several sessions by id, so a key is never ended among devices. "
                    + "A request made with an API key cannot end a key (403 api-key-not-allowed)")
    @ApiResponse(responseCode = "204", description = "Signed out, or already ended: one that had expired ends as expired, "
            + "when it expired, as GET /api/v1/sessions/{id} reads it, not as signed out by you")
    @ApiResponse(responseCode = "409", description = "It is the current session: use logout")
    @ApiResponse(responseCode = "405", description = "At /api/v1/sessions/history, which is not a session id: Allow names the "
            + "methods it takes")
    @DeleteMapping(ONE_NOT_HISTORY)
    ResponseEntity<Void> revoke(@AuthenticationPrincipal CurrentSession current, @PathVariable String id) {
        // "current" names the current session here as it does for GET: refused the same, not a session not found.
        SessionId target = id.equals("current") ? current.id() : new SessionId(id);
        if (!target.equals(current.id())) requireList(current);
        ends.revoke(target, current);
        return ResponseEntity.noContent().build();
    }

    @Operation(operationId = "revokeSessions",
            summary = "scope=others: sign out every other sign-in session; scope=all: every sign-in session, this one included. "
            + "API keys are not ended either way and keep working (revoke them under /api/v1/api-keys); "
            + "with scope=all, a request made with an API key ends the sign-ins and the key stays")
    @DeleteMapping
    Ended revokeMany(@AuthenticationPrincipal CurrentSession current, @RequestParam(required = false) String scope) {
        if ("others".equals(scope)) requireList(current);
        if ("others".equals(scope)) return new Ended(ends.revokeOthers(current).size());
        if ("all".equals(scope)) return new Ended(ends.revokeAll(current).size());
        throw new SessionProblem.InvalidInput("scope", "scope must be \"others\" or \"all\".");
    }

    /** Restricted members (T5) may look at and act on their current session only. */
    private void requireList(CurrentSession current) {
        if (!members.maySeeSessionList(current.account())) throw new SessionProblem.Restricted();
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > Sessions.MAX_PAGE)
            throw new SessionProblem.InvalidInput("limit", "limit must be between 1 and " + Sessions.MAX_PAGE + ".");
    }

    /** One session in full, with where it signed in (one more read). */
    private SessionJson withSignIn(Session s, CurrentSession current) {
        return json(s, sessions.signInPlaces(current.account().id(), List.of(s)), current, true);
    }

    private SessionJson json(Session s, java.util.Map<SessionId, SignInPlace> signIns, CurrentSession current, boolean details) {
        return SessionJson.of(s, Optional.ofNullable(signIns.get(s.id())), s.id().equals(current.id()),
                SessionView.activeNow(s, settings.activeWindow(), clock.instant()), details);
    }
}
