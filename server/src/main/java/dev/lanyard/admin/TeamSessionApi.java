package dev.lanyard.admin;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.lanyard.account.AccountId;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.ListOrder;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionJson;
import dev.lanyard.session.SessionProblem;
import dev.lanyard.session.SessionSettings;
import dev.lanyard.session.SessionView;
import dev.lanyard.session.Sessions;
import dev.lanyard.session.SignInPlace;
import dev.lanyard.session.SignOutCount;
import dev.lanyard.session.TeamSessions;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Team sessions for admins in the API. Members get 403; another team's member ids get 404. */
@RestController
@RequestMapping("/api/v1/admin")
@Tag(name = "Team admin")
class TeamSessionApi {
    private final TeamSessions team;
    private final Sessions sessions;
    private final SessionSettings settings;
    private final SecondFactorResets resets;
    private final Clock clock;

    TeamSessionApi(TeamSessions team, Sessions sessions, SessionSettings settings, SecondFactorResets resets, Clock clock) {
        this.sessions = sessions;
        this.resets = resets;
        this.team = team;
        this.settings = settings;
        this.clock = clock;
    }

    @Schema(name = "MemberSessions")
    record MemberJson(String id, String email, String name, @Schema(allowableValues = {"admin", "member"}) String role,
                      int activeSessions,
                      @Schema(nullable = true, description = "Their latest activity in any session, ended ones included "
                              + "(as long as the session history keeps them); null when they have none") Instant lastActiveAt,
                      @Schema(description = "Active sessions the risk assessment flagged as suspicious") int flaggedSessions) {
    }

    record OverviewJson(List<MemberJson> members, @Schema(nullable = true) String nextCursor, int totalActiveSessions) {
    }

    record Reason(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String reason) {
    }

    /**
     * What a force sign-out or a team sign-out ended. Named apart from the member's own sign-out answer ({@code Ended}),
     * whose count never holds API keys.
     */
    @Schema(name = "AdminSignOutEnded")
    record Ended(@Schema(description = "How many sessions and API keys ended, together; 0 when none was active") int ended,
                 @Schema(description = "How many of them were API keys: ended less this is the sessions that ended")
                 int endedApiKeys) {
        static Ended of(SignOutCount count) {
            return new Ended(count.total(), count.apiKeys());
        }
    }

    @Operation(operationId = "getTeamSessions",
            summary = "Members with their number of active sessions, flagged sessions and last activity; filter by email "
            + "prefix, and with flagged=true to members with a flagged active session")
    @GetMapping("/sessions")
    OverviewJson overview(@AuthenticationPrincipal CurrentSession admin, @RequestParam(defaultValue = "") String member,
                          @io.swagger.v3.oas.annotations.Parameter(description = "true: only members with a flagged active session",
                                  schema = @Schema(type = "boolean", defaultValue = "false"))
                          @RequestParam(defaultValue = "false") String flagged,
                          @RequestParam(defaultValue = "50") int limit, @RequestParam(required = false) String cursor) {
        TeamSessions.requireAdmin(admin);
        checkLimit(limit);
        if (!flagged.equals("true") && !flagged.equals("false"))
            throw new SessionProblem.InvalidInput("flagged", "flagged must be true or false.");
        var o = team.overview(admin, member, flagged.equals("true"), limit, Optional.ofNullable(cursor));
        return new OverviewJson(o.members().stream().map(m -> new MemberJson(m.member().id().value(), m.member().email(),
                m.member().name(), m.member().role().name().toLowerCase(java.util.Locale.ROOT), m.active(),
                m.lastActive().orElse(null), m.flagged())).toList(), o.nextCursor().orElse(null), o.totalActive());
    }

    @Operation(operationId = "listMemberSessions",
            summary = "One member's active sessions and API keys with details, a page at a time (pages of `limit`, 1-100, 100 by "
            + "default): most recently active first, API keys never used last, or with order=signed-in newest sign-in first, "
            + "which a walk through the pages can rely on; another person's IP is masked and their session "
            + "ids left out. The Link header names the next page")
    @ApiResponse(responseCode = "200", description = "A page of the member's sessions and API keys, as an array; when there "
            + "are more, the Link header names the next page (rel=\"next\")",
            headers = @Header(name = "Link", description = NextPageLink.DESCRIPTION, schema = @Schema(type = "string")))
    @GetMapping("/members/{id}/sessions")
    ResponseEntity<List<SessionJson>> member(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id,
                                             @io.swagger.v3.oas.annotations.Parameter(description = ListOrder.DESCRIPTION,
                                                     schema = @Schema(type = "string", allowableValues = {"recently-active", "signed-in"},
                                                             defaultValue = "recently-active"))
                                             @RequestParam(required = false) String order,
                                             @RequestParam(defaultValue = "100") int limit, @RequestParam(required = false) String cursor,
                                             HttpServletRequest request) {
        TeamSessions.requireAdmin(admin);
        ListOrder ordered = ListOrder.parse(order).orElseThrow(ListOrder::unknown);
        checkLimit(limit);
        boolean own = admin.account().id().value().equals(id);
        Instant now = clock.instant();
        Sessions.Page<Session> page = team.of(admin, new AccountId(id), ordered, limit, Optional.ofNullable(cursor));
        var signIns = sessions.signInPlaces(new AccountId(id), page.items());
        Map<String, String> sameOrder = ordered == ListOrder.RECENTLY_ACTIVE ? Map.of() : Map.of("order", ordered.code());
        return NextPageLink.ok(request, sameOrder, limit, page.nextCursor()).body(page.items().stream()
                .map(s -> {
                    boolean activeNow = SessionView.activeNow(s, settings.activeWindow(), now);
                    boolean current = s.id().equals(admin.id());
                    Optional<SignInPlace> signIn = Optional.ofNullable(signIns.get(s.id()));
                    return own ? SessionJson.of(s, signIn, current, activeNow, true) : SessionJson.ofSomeoneElse(s, signIn, current, activeNow);
                })
                .toList());
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > Sessions.MAX_PAGE)
            throw new SessionProblem.InvalidInput("limit", "limit must be between 1 and " + Sessions.MAX_PAGE + ".");
    }

    @Operation(operationId = "signOutMember",
            summary = "Force sign-out of a member: every session and API key ends; the reason is required and shown to the member")
    @ApiResponse(responseCode = "200", description = "How many sessions and API keys ended; 0 when none was active, and then "
            + "nothing is recorded in the audit log (safe to repeat). Those that had expired end as expired, when they "
            + "expired, and are not counted")
    @PostMapping("/members/{id}/sign-out")
    Ended forceSignOut(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id, @RequestBody Reason body) {
        return Ended.of(team.forceSignOut(admin, new AccountId(id), body.reason()));
    }

    record FactorsReset(@Schema(description = "An authenticator app was removed") boolean authenticatorAppRemoved,
                        @Schema(description = "Unused recovery codes removed") int recoveryCodesRemoved,
                        @Schema(description = "Names of the passkeys removed") List<String> passkeysRemoved,
                        @Schema(description = "Sessions and API keys ended, together, as a force sign-out ends them") int ended,
                        @Schema(description = "How many of them were API keys") int endedApiKeys) {
    }

    @Operation(operationId = "resetMemberTwoFactor",
            summary = "Reset a member's second factors: their authenticator app, recovery codes and passkeys are removed, every "
                    + "session and API key of theirs ends (as a force sign-out), they are emailed; the reason is required and "
                    + "shown to the member. Not on yourself")
    @ApiResponse(responseCode = "200", description = "Reset: what was removed and how many sessions and API keys ended")
    @ApiResponse(responseCode = "409", description = "own-second-factors: you named yourself; no-second-factor: the member has "
            + "nothing to reset (nothing changed)")
    @PostMapping("/members/{id}/two-factor/reset")
    FactorsReset resetTwoFactor(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id, @RequestBody Reason body) {
        SecondFactorResets.Done done = resets.reset(admin, new AccountId(id), body.reason());
        return new FactorsReset(done.reset().app(), done.reset().recoveryCodes(), done.reset().passkeys(), done.ended().total(),
                done.ended().apiKeys());
    }

    @Operation(operationId = "signOutTeam", summary = "Sign out every session of the team but the one making the request, with a required reason; every API key of the team is revoked too, yours included")
    @ApiResponse(responseCode = "200", description = "How many sessions and API keys ended; 0 when none was active but the "
            + "session making the request, and then nothing is recorded in the audit log (safe to repeat). Those that had "
            + "expired end as expired, when they expired, and are not counted. A sign-out that a stop of the server cuts short "
            + "(the request gets no answer) is finished after its restart, or by another node within about two minutes: the "
            + "sessions and API keys of the team when it started end, and the audit log records it once")
    @ApiResponse(responseCode = "503", description = "The sign-out failed after ending some "
            + "of the team's sessions (team-sign-out-incomplete: the detail says how many); they stay ended, and signing the "
            + "team out again ends the rest")
    @PostMapping("/sessions/sign-out")
    Ended signOutTeam(@AuthenticationPrincipal CurrentSession admin, @RequestBody Reason body) {
        return Ended.of(team.signOutTeam(admin, body.reason()));
    }
}
