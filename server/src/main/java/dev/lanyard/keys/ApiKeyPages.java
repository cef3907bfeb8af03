package dev.lanyard.keys;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import dev.lanyard.FieldErrors;
import dev.lanyard.FormErrors;
import dev.lanyard.InputErrors;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.Role;
import dev.lanyard.account.Throttled;
import dev.lanyard.geo.ClientAddresses;
import dev.lanyard.handover.SecretHandover;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.EndReason;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.SessionView;
import dev.lanyard.session.TeamSessions;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The API keys pages: list and create, the secret shown once, details with the last day's usage, revoke
 * after a confirmation. Creating answers with a redirect to the page that shows the secret
 * ({@link SecretHandover}), so a reload neither creates a second key nor shows the secret again.
 */
@Controller
class ApiKeyPages {
    static final DateTimeFormatter EXACT = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    static final Map<String, Duration> EXPIRIES = Map.of("7", Duration.ofDays(7), "30", Duration.ofDays(30),
            "90", Duration.ofDays(90), "365", Duration.ofDays(365));
    /** What a new key's form offers ticked and chosen: reading the sessions, for 30 days. */
    static final List<String> DEFAULT_SCOPES = List.of(KeyScope.SESSIONS_READ.code());
    static final String DEFAULT_EXPIRY = "30";
    /** The form's fields as it labels them, for a message that names one as the API does ({@code 'name' cannot …}). */
    private static final Map<String, String> LABELS = Map.of("name", "The name");
    /**
     * The form's fields in the order the page shows them. The expiry is checked here before the service checks the others,
     * so its refusal comes first; the summary says them in the page's order all the same (outside review).
     */
    private static final List<String> FIELDS = List.of("name", "scopes", "expires", "expiresAt", "password");
    static final Map<String, String> DONE = Map.of("revoked", "The API key was revoked. Requests made with it are refused from now on.");

    private final ApiKeys keys;
    private final TeamSessions team;
    private final SecretHandover handover;
    private final Clock clock;
    private final ClientAddresses addresses;

    ApiKeyPages(ApiKeys keys, TeamSessions team, SecretHandover handover, Clock clock, ClientAddresses addresses) {
        this.addresses = addresses;
        this.keys = keys;
        this.team = team;
        this.handover = handover;
        this.clock = clock;
    }

    /**
     * A key as the pages show it, every value phrased for a person. Its owner sees the address it was last used from in
     * full ({@code fullIp}); anyone else (an admin) sees it masked, as the API and the member's page show it to them.
     */
    record KeyView(ApiKeys.Listed listed, String created, String expires, String lastUsed, SessionView.Ago lastUsedAgo, String lastUsedWhere,
                   String scopes) {
        static KeyView of(ApiKeys.Listed l, java.time.Instant now, boolean fullIp) {
            var s = l.session();
            String ip = fullIp ? ClientAddresses.shown(s.ip()) : ClientAddresses.mask(s.ip());
            String where = l.used() ? (ip.isEmpty() ? "" : ip + " · ") + s.location().label() : "";
            return new KeyView(l, EXACT.format(l.key().createdAt()), l.key().expiresAt().map(EXACT::format).orElse("Never"),
                    l.used() ? EXACT.format(s.lastActiveAt()) : "Never used",
                    l.used() ? SessionView.ago(s.lastActiveAt(), now) : new SessionView.Ago("Never used"), where,
                    String.join(", ", l.key().scopes().stream().map(KeyScope::code).sorted().toList()));
        }

        public String id() {
            return listed.key().id().value();
        }

        /** The times behind {@link #created()}, {@link #expires()} and {@link #lastUsed()}, for the page's {@code <time>}s; null for none. */
        public java.time.Instant createdAt() {
            return listed.key().createdAt();
        }

        public java.time.Instant expiresAt() {
            return listed.key().expiresAt().orElse(null);
        }

        public java.time.Instant lastUsedAt() {
            return listed.used() ? listed.session().lastActiveAt() : null;
        }

        /**
         * "Active", or how the key ended as its owner reads it: "Expired", "Revoked by you", "Revoked by an admin of your
         * team" (an admin revoking their own key, or the whole team's, revoked it themselves), else "Revoked".
         */
        public String state() {
            return listed.session().ending().map(e -> switch (e.reason()) {
                case LIFETIME_EXPIRED, IDLE_EXPIRED -> "Expired";
                default -> e.by().filter(listed.key().owner()::equals).isPresent() ? "Revoked by you"
                        : e.reason() == EndReason.ADMIN_REVOKED ? "Revoked by an admin of your team" : "Revoked";
            }).orElse("Active");
        }

        /** When the key ended, revoked or expired, for the page's {@code <time>}; null while it is active. */
        public java.time.Instant endedAt() {
            return listed.session().ending().map(dev.lanyard.session.Session.Ending::at).orElse(null);
        }

        /** {@link #endedAt()} as the page's other times read ("3 Dec 2026, 14:05 UTC"); empty while it is active. */
        public String ended() {
            return listed.session().ending().map(e -> EXACT.format(e.at())).orElse("");
        }

        /** Each scope with what it allows ("sessions:read — Read your sessions"), in the order of the codes. */
        public List<String> scopeLabels() {
            return listed.key().scopes().stream().sorted(java.util.Comparator.comparing(KeyScope::code))
                    .map(s -> s.code() + " — " + s.label()).toList();
        }
    }

    @GetMapping("/settings/api-keys")
    String list(@AuthenticationPrincipal CurrentSession current, @RequestParam(required = false) String cursor,
                @RequestParam(required = false) String done, Model model) {
        page(current, cursor, model);
        model.addAttribute("chosenScopes", DEFAULT_SCOPES);
        model.addAttribute("chosenExpiry", DEFAULT_EXPIRY);
        if (done != null && DONE.containsKey(done)) model.addAttribute("done", DONE.get(done));
        return "keys/list";
    }

    /** Every field's error at once, the name's control characters among them (the filter lets the name's through). */
    @PostMapping("/settings/api-keys")
    @dev.lanyard.ChecksControlCharacters({"name"})
    String create(@AuthenticationPrincipal CurrentSession current, @RequestParam(defaultValue = "") String name,
                  @RequestParam(required = false) List<String> scopes, @RequestParam(defaultValue = "") String expires,
                  @RequestParam(defaultValue = "") String password,
                  Model model, HttpServletRequest request, HttpServletResponse response) {
        Optional<Duration> lifetime = Optional.ofNullable(EXPIRIES.get(expires));
        // The expiry offered is this form's own field: refused with the others' errors, all at once.
        InputErrors<KeyProblem.InvalidInput> errors = new InputErrors<>(KeyProblem.InvalidInput.class);
        errors.check(() -> {
            if (!expires.isEmpty() && lifetime.isEmpty()) throw new KeyProblem.InvalidInput("expires", "Choose one of the offered expiries.");
        });
        try {
            // Post/Redirect/Get: the secret waits, sealed, for the one page that shows it; never in the URL. Kept in the
            // key's own transaction: a key whose secret could not be kept is not made either.
            var created = keys.create(current, new ApiKeys.NewApiKey(name, scopes == null ? List.of() : scopes,
                    lifetime.map(d -> clock.instant().plus(d))), password, addresses.resolve(request).getHostAddress(), errors,
                    made -> handover.hold(current.id(), made.key().id().value(), made.secret(), request, response));
            return "redirect:/settings/api-keys/" + created.key().id().value() + "/created";
        } catch (KeyProblem.InvalidInput | KeyProblem.Forbidden | KeyProblem.WrongPassword | AccountProblem.TooManyAttempts refused) {
            if (refused instanceof AccountProblem.TooManyAttempts tooMany) Throttled.status(response, tooMany, HttpStatus.TOO_MANY_REQUESTS);
            else response.setStatus(refused instanceof KeyProblem.Forbidden ? HttpStatus.FORBIDDEN.value() : HttpStatus.BAD_REQUEST.value());
            page(current, null, model);
            FormErrors.add(model, asTheFormSaysIt(refused), LABELS);
            model.addAttribute("proposedName", FormErrors.kept(name));
            // The form comes back as it was sent: the scopes ticked, the expiry chosen (one not offered: the default).
            model.addAttribute("chosenScopes", scopes == null ? List.of() : scopes);
            model.addAttribute("chosenExpiry", expires.isEmpty() || lifetime.isPresent() ? expires : DEFAULT_EXPIRY);
            return "keys/list";
        }
    }

    /**
     * A refused create as its form says it: each field at fault in the order of the page's fields ({@link #FIELDS}), or the
     * one field a refusal of another kind is about.
     */
    private static FieldErrors asTheFormSaysIt(RuntimeException refused) {
        if (refused instanceof KeyProblem.InvalidInput invalid) {
            List<FieldErrors.FieldError> inOrder = invalid.fieldErrors().stream()
                    .sorted(java.util.Comparator.comparingInt(e -> FIELDS.contains(e.field()) ? FIELDS.indexOf(e.field()) : FIELDS.size()))
                    .toList();
            return () -> inOrder;
        }
        String field = refused instanceof KeyProblem.Forbidden ? "scopes" : "password";
        String message = refused instanceof KeyProblem.WrongPassword ? "That password is not right." : refused.getMessage();
        return () -> List.of(new FieldErrors.FieldError(field, message));
    }

    /**
     * The page after creating a key: its secret the first time this browser session opens it, within a few
     * minutes; after that (a reload, another tab) the key without its secret, and what to do if it was lost.
     */
    @GetMapping("/settings/api-keys/{id}/created")
    String created(@AuthenticationPrincipal CurrentSession current, @PathVariable String id, Model model,
                   HttpServletRequest request, HttpServletResponse response) {
        ApiKeys.Listed listed = keys.get(current.account().id(), new SessionId(id));
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        model.addAttribute("account", current.account());
        model.addAttribute("k", KeyView.of(listed, clock.instant(), true));
        handover.take(current.id(), listed.key().id().value(), request, response).ifPresent(secret -> model.addAttribute("secret", secret));
        return "keys/created";
    }

    @GetMapping("/settings/api-keys/{id}")
    String details(@AuthenticationPrincipal CurrentSession current, @PathVariable String id, Model model) {
        ApiKeys.Listed listed = keys.get(current.account().id(), new SessionId(id));
        List<ApiKeys.HourCount> hours = keys.lastDay(listed.key());
        model.addAttribute("account", current.account());
        model.addAttribute("k", KeyView.of(listed, clock.instant(), true));
        model.addAttribute("chart", UsageChart.of(hours));
        model.addAttribute("hours", hours.stream().map(h -> Map.of("hour", UsageChart.hour(h.hour()), "at", h.hour().toString(), "requests", h.requests())).toList());
        return "keys/details";
    }

    /** The confirmation before revoking one of the member's own keys; an ended key's page instead. */
    @GetMapping("/settings/api-keys/{id}/revoke")
    String confirmRevoke(@AuthenticationPrincipal CurrentSession current, @PathVariable String id, Model model) {
        ApiKeys.Listed listed = keys.get(current.account().id(), new SessionId(id));
        if (!listed.active()) return "redirect:/settings/api-keys/" + listed.key().id().value();
        model.addAttribute("account", current.account());
        model.addAttribute("k", KeyView.of(listed, clock.instant(), true));
        return "keys/revoke";
    }

    @PostMapping("/settings/api-keys/{id}/revoke")
    String revoke(@AuthenticationPrincipal CurrentSession current, @PathVariable String id) {
        keys.revoke(current, new SessionId(id));
        return "redirect:/settings/api-keys?done=revoked";
    }

    /**
     * An admin's confirmation before revoking a member's key (linked from the member's sessions
     * page). A plain member: 403; another team's member or key: 404.
     */
    @GetMapping("/admin/members/{member}/api-keys/{id}/revoke")
    String confirmRevokeOf(@AuthenticationPrincipal CurrentSession admin, @PathVariable String member,
                           @PathVariable String id, Model model) {
        ApiKeys.Listed listed = keys.getOf(admin, new AccountId(member), new SessionId(id));
        if (!listed.active()) return "redirect:/admin/members/" + listed.key().owner().value() + "/sessions";
        model.addAttribute("account", admin.account());
        model.addAttribute("member", team.member(admin, listed.key().owner()));
        model.addAttribute("k", KeyView.of(listed, clock.instant(), listed.key().owner().equals(admin.account().id())));
        return "keys/admin-revoke";
    }

    @PostMapping("/admin/members/{member}/api-keys/{id}/revoke")
    String revokeOf(@AuthenticationPrincipal CurrentSession admin, @PathVariable String member, @PathVariable String id) {
        AccountId owner = new AccountId(member);
        keys.revokeOf(admin, owner, new SessionId(id));
        return "redirect:/admin/members/" + owner.value() + "/sessions?done=key-revoked";
    }

    private void page(CurrentSession current, String cursor, Model model) {
        var page = keys.list(current.account().id(), ApiKeys.MAX_PAGE, Optional.ofNullable(cursor));
        model.addAttribute("account", current.account());
        model.addAttribute("keys", page.items().stream().map(l -> KeyView.of(l, clock.instant(), true)).toList());
        model.addAttribute("nextCursor", page.nextCursor().orElse(null));
        model.addAttribute("admin", current.account().role() == Role.ADMIN);
    }
}
