package dev.lanyard.admin;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

import dev.lanyard.DecimalNumbers;
import dev.lanyard.FormErrors;
import dev.lanyard.account.AccountId;
import dev.lanyard.keys.ApiKeys;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionProblem;
import dev.lanyard.session.SessionSettings;
import dev.lanyard.session.SessionView;
import dev.lanyard.session.Sessions;
import dev.lanyard.session.TeamSessions;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriUtils;

/** Team sessions for admins (PRODUCT.md T2–T4): overview, one member's sessions, forced sign-outs with a reason. */
@Controller
class TeamSessionPages {
    static final Map<String, String> DONE = Map.of(
            "member-signed-out", "The member was signed out everywhere. They will see your reason in %s.",
            "nothing-to-sign-out", "Nothing was signed out: the member has no active sessions or API keys.",
            "team-signed-out", "Every session of the team was signed out, except the one you are using, and every API key was revoked.",
            "team-nothing-to-sign-out", "Nothing was signed out: your team has no active sessions or API keys but the session you are "
                    + "using now.",
            "key-revoked", "The API key was revoked. Requests made with it are refused from now on.",
            "limit-saved", "The member's session limit was saved. It applies from their next sign-in.",
            "remember-me-saved", "Saved. The member's open sessions have the lifetime that follows from their next request.",
            "two-factor-reset", "The member's second factors were removed and they were signed out everywhere. They were told by email, "
                    + "with your reason.");

    private final TeamSessions team;
    private final dev.lanyard.account.Members members;
    private final dev.lanyard.account.Accounts accounts;
    private final SessionSettings settings;
    private final dev.lanyard.factors.SecondFactors factors;
    private final ApiKeys apiKeys;
    private final Clock clock;

    TeamSessionPages(TeamSessions team, dev.lanyard.account.Members members, dev.lanyard.account.Accounts accounts,
                     SessionSettings settings, dev.lanyard.factors.SecondFactors factors, ApiKeys apiKeys, Clock clock) {
        this.factors = factors;
        this.apiKeys = apiKeys;
        this.team = team;
        this.members = members;
        this.accounts = accounts;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * The team's members and their sessions. {@code flagged} is the form's checkbox: "true" when ticked, nothing (or
     * "false") when not; anything else shows every member, and the page says the filter was not understood (outside
     * review: {@code flagged=xyz} was a bare "The request was not valid").
     */
    @GetMapping("/admin/sessions")
    String overview(@AuthenticationPrincipal CurrentSession admin, @RequestParam(defaultValue = "") String member,
                    @RequestParam(defaultValue = "false") String flagged, @RequestParam(required = false) String cursor,
                    @RequestParam(required = false) String done, @RequestParam(required = false) String signedOut,
                    Model model, HttpServletResponse response) {
        if (!flagged.equals("true") && !flagged.equals("false")) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("error", "The filter for flagged sessions in the address was not understood (it is true, or left out), "
                    + "so the list shows every member.");
        }
        boolean onlyFlagged = flagged.equals("true");
        TeamSessions.Overview overview = team.overview(admin, member, onlyFlagged, 50, Optional.ofNullable(cursor));
        model.addAttribute("flagged", onlyFlagged);
        model.addAttribute("overview", overview);
        model.addAttribute("rows", overview.members().stream().map(m -> new Row(m,
                m.lastActive().map(t -> SessionView.ago(t, clock.instant())).orElse(new SessionView.Ago("—")))).toList());
        model.addAttribute("member", member);
        model.addAttribute("account", admin.account());
        // The sign-out of everyone is offered when it would end something: another session or any API key (counted with
        // the total, not again: outside scale review).
        model.addAttribute("teamSignOutWouldEnd", overview.signOutWouldEnd());
        done(done, admin, model);
        signedOut(done, signedOut, admin, model);
        return "admin/sessions";
    }

    /** A line of the overview. */
    record Row(TeamSessions.MemberSessions m, SessionView.Ago lastActive) {
    }

    /**
     * A member's sessions and, apart, their API keys (decision 0018: a key is a session row), each a page at a time:
     * {@code cursor} the sessions', {@code keys} the keys'. Each key links to its revoke confirmation, served by the keys
     * module. The counts, and what a force sign-out would end, are of all of them (outside review: a member with 502
     * sessions and a key showed "100 active sessions", "No active API keys", and a sign-out of "100 sessions" ended 502).
     */
    @GetMapping("/admin/members/{id}/sessions")
    String member(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id, @RequestParam(required = false) String cursor,
                  @RequestParam(required = false) String keys, @RequestParam(required = false) String done, Model model) {
        var member = team.member(admin, new AccountId(id));
        Sessions.Page<Session> sessions = team.withoutKeysOf(admin, member.id(), Sessions.MAX_PAGE, Optional.ofNullable(cursor));
        ApiKeys.Page keyPage = apiKeys.listOf(admin, member.id(), Sessions.MAX_PAGE, Optional.ofNullable(keys));
        TeamSessions.MemberCounts counts = team.counts(admin, member.id());
        model.addAttribute("member", member);
        model.addAttribute("sessions", sessions.items().stream().map(s -> view(s, admin)).toList());
        model.addAttribute("nextCursor", sessions.nextCursor().orElse(null));
        model.addAttribute("keys", keyPage.items().stream().map(k -> view(k.session(), admin)).toList());
        model.addAttribute("nextKeys", keyPage.nextCursor().orElse(null));
        model.addAttribute("counts", counts);
        model.addAttribute("account", admin.account());
        var rules = members.rules(admin.account(), member.id());
        model.addAttribute("memberLimit", rules.sessionLimit().orElse(null));
        model.addAttribute("highSecurity", rules.rememberMeForbidden());
        model.addAttribute("teamPolicy", accounts.policy(admin.account().team()));
        model.addAttribute("factors", factors.methods(member.id()));
        model.addAttribute("self", member.id().equals(admin.account().id()));
        model.addAttribute("reasonShownIn", reasonShownIn(admin));
        done(done, admin, model);
        return "admin/member-sessions";
    }

    /** A session as the member's page shows it; "current" is the one the admin is using, on their own page. */
    private SessionView view(Session session, CurrentSession admin) {
        return SessionView.of(session, session.id().equals(admin.id()), settings.activeWindow(), clock);
    }

    /** A member's own session limit (PRODUCT.md L5): the team's, none, or a number of their own. */
    @PostMapping("/admin/members/{id}/session-limit")
    String sessionLimit(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id,
                        @RequestParam(defaultValue = "") String limitChoice, @RequestParam(defaultValue = "") String sessionLimit,
                        Model model, HttpServletResponse response) {
        try {
            Optional<Integer> limit = switch (limitChoice) {
                case "team" -> Optional.empty();
                case "none" -> Optional.of(0);
                case "own" -> Optional.of(ownLimit(sessionLimit));
                default -> throw new dev.lanyard.account.AccountProblem.InvalidInput("limitChoice",
                        "Choose the team's limit, no limit, or a limit of the member's own.");
            };
            members.changeSessionLimit(admin.account(), new AccountId(id), limit);
        } catch (dev.lanyard.account.AccountProblem.InvalidInput invalid) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("error", invalid.getMessage());
            FormErrors.field(model, invalid.field(), invalid.getMessage());
            return member(admin, id, null, null, null, model);
        }
        return "redirect:/admin/members/" + id + "/sessions?done=limit-saved";
    }

    /** A high-security account (PRODUCT.md L3): "Remember me" is not allowed for the member. */
    @PostMapping("/admin/members/{id}/remember-me")
    String rememberMe(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id,
                      @RequestParam(defaultValue = "false") boolean forbidden) {
        members.forbidRememberMe(admin.account(), new AccountId(id), forbidden);
        return "redirect:/admin/members/" + id + "/sessions?done=remember-me-saved";
    }

    /** A member's own limit as typed, in decimal digits ({@link DecimalNumbers}): {@code +4} was taken (outside review). */
    private static int ownLimit(String value) {
        int limit = DecimalNumbers.parseInt(value).orElse(0);
        if (limit < 1) {
            throw new dev.lanyard.account.AccountProblem.InvalidInput("sessionLimit",
                    "Enter a whole number of sessions from 1 to " + dev.lanyard.account.TeamPolicy.MAX_SESSION_LIMIT + ", in digits.");
        }
        return limit;
    }

    @PostMapping("/admin/members/{id}/sign-out")
    String forceSignOut(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id,
                        @RequestParam(defaultValue = "") String reason, Model model, HttpServletResponse response) {
        try {
            // A page opened before the member's last session ended: nothing ends, and the admin is told so.
            if (team.forceSignOut(admin, new AccountId(id), reason).total() == 0)
                return "redirect:/admin/members/" + id + "/sessions?done=nothing-to-sign-out";
        } catch (SessionProblem.InvalidInput invalid) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("error", invalid.getMessage());
            FormErrors.field(model, "reason", invalid.getMessage());
            model.addAttribute("reason", reason); // kept, to be corrected rather than typed again
            return member(admin, id, null, null, null, model);
        }
        return "redirect:/admin/sessions?done=member-signed-out&signedOut=" + UriUtils.encodeQueryParam(id, StandardCharsets.UTF_8);
    }

    @GetMapping("/admin/sessions/sign-out-all")
    String confirmTeam(@AuthenticationPrincipal CurrentSession admin, Model model) {
        model.addAttribute("ending", team.teamSignOutWouldEnd(admin));
        model.addAttribute("account", admin.account());
        model.addAttribute("reasonShownIn", reasonShownIn(admin));
        return "admin/sign-out-team";
    }

    /** The confirmation of what was just done, when {@code done} names one. */
    private void done(String done, CurrentSession admin, Model model) {
        if (done != null && DONE.containsKey(done)) model.addAttribute("done", DONE.get(done).formatted(reasonShownIn(admin)));
    }

    /**
     * After a forced sign-out, names the member (outside review: "The member was signed out everywhere." named nobody):
     * {@code signedOut} is an account id, looked up again in the admin's own team, so a link names no one else and puts
     * no text of its own on the page. One not found leaves the message as {@link #done} said it.
     */
    private void signedOut(String done, String signedOut, CurrentSession admin, Model model) {
        if (!"member-signed-out".equals(done) || signedOut == null || signedOut.isBlank() || signedOut.length() > 64) return;
        try {
            var member = team.member(admin, new AccountId(signedOut));
            String name = member.name().isBlank() ? member.email() : member.name();
            model.addAttribute("done", name + " was signed out everywhere. They will see your reason in " + reasonShownIn(admin) + ".");
        } catch (dev.lanyard.account.AccountProblem.NotFound notInTheTeam) {
            // The generic message stays.
        }
    }

    /**
     * Where a member signed out by an admin reads the reason: their session history, or, while the team keeps the session
     * list from members (PRODUCT.md T5), the history is closed to them too and only their activity log shows it.
     */
    private String reasonShownIn(CurrentSession admin) {
        return members.maySeeSessionListAsMember(admin.account()) ? "their session history"
                : "their activity log (your team has restricted the session list)";
    }

    @PostMapping("/admin/sessions/sign-out-all")
    String signOutTeam(@AuthenticationPrincipal CurrentSession admin, @RequestParam(defaultValue = "") String reason,
                       Model model, HttpServletResponse response) {
        try {
            // A page opened before the team's last other session ended: nothing ends, and the admin is told so.
            if (team.signOutTeam(admin, reason).total() == 0) return "redirect:/admin/sessions?done=team-nothing-to-sign-out";
        } catch (SessionProblem.InvalidInput invalid) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("error", invalid.getMessage());
            FormErrors.field(model, "reason", invalid.getMessage());
            model.addAttribute("reason", reason);
            return confirmTeam(admin, model);
        }
        return "redirect:/admin/sessions?done=team-signed-out";
    }
}
