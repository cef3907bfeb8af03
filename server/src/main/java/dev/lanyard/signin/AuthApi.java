package dev.lanyard.signin;


import dev.lanyard.account.Account;
import dev.lanyard.account.Accounts;
import dev.lanyard.factors.FactorProblem;
import dev.lanyard.factors.SecondFactors;
import dev.lanyard.factors.SecondSteps;
import dev.lanyard.session.AppType;
import dev.lanyard.session.ClientOrigin;
import dev.lanyard.session.ClientOrigins;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.SessionCookie;
import dev.lanyard.session.SessionJson;
import dev.lanyard.session.SessionProblem;
import dev.lanyard.session.SessionSettings;
import dev.lanyard.session.Sessions;
import dev.lanyard.session.Verification;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Login and logout for API and native clients; sign-up is {@link SignUpApi}. */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "Authentication")
class AuthApi {
    private final Accounts accounts;
    private final Sessions sessions;
    private final ClientOrigins origins;
    private final SessionCookie cookie;
    private final SessionSettings settings;
    private final Clock clock;
    private final SecondFactors factors;
    private final SecondSteps steps;

    AuthApi(Accounts accounts, Sessions sessions, ClientOrigins origins, SessionCookie cookie,
            SessionSettings settings, Clock clock, SecondFactors factors, SecondSteps steps) {
        this.factors = factors;
        this.steps = steps;
        this.accounts = accounts;
        this.sessions = sessions;
        this.origins = origins;
        this.cookie = cookie;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * @param tokenType "bearer" to receive the token in the body instead of a cookie
     * @param appType   web, admin (a team admin's admin tool), mobile, sync or api; defaults to web for cookies and api for
     *                  bearer tokens
     * @param zone      the client's time zone for the member's mails ({@link Accounts#noteTimeZone}), as the sign-in forms send it
     */
    record LoginRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String email, @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String password, Boolean rememberMe,
                        @Schema(allowableValues = {"bearer", "cookie"}) String tokenType,
                        @Schema(allowableValues = {"web", "admin", "mobile", "sync", "api"},
                                description = "Which kind of client signs in; absent: web for cookies, api for bearer tokens. "
                                        + "admin (an admin tool) only for a team admin: a member's sign-in that names it is refused (400)")
                        String appType,
                        @Schema(description = ZONE) String zone) {
    }

    /** What {@code zone} does, in both requests' docs: the sign-in forms' hidden field, as {@link Accounts#noteTimeZone} keeps it. */
    private static final String ZONE = "The client's time zone region, such as \"Asia/Tokyo\", for the times in the member's "
            + "mails; kept once the sign-in is complete (with a second factor, send it with POST /api/v1/login/second-factor). "
            + "A region this server knows is kept; one named as a region but unknown to it (newer than its time zone data) "
            + "forgets the kept one, so mails say UTC; anything else (an offset, other text) or nothing keeps the one kept. "
            + "Its value never fails the sign-in (a control character aside, as in any field); a value that is not a string is 400";

    record AccountJson(String id, String email, String name, String team,
                       @Schema(allowableValues = {"admin", "member"}) String role) {
        static AccountJson of(Account a) {
            return new AccountJson(a.id().value(), a.email(), a.name(), a.team().value(), a.role().name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    record SignedIn(AccountJson account, SessionJson session,
                    @Schema(nullable = true, description = "The bearer token, when asked for with tokenType=bearer") String token) {
    }

    /** The password was right and the member has a second factor: no session yet. */
    record SecondFactorNeeded(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"totp", "recovery-code"}, description = "Which "
                    + "factor to send: \"totp\", a 6-digit code of the member's authenticator app or one of their recovery codes "
                    + "(also when they have passkeys, which need a browser); \"recovery-code\", one of the recovery codes of a "
                    + "member whose only other second factor is a passkey. A member with passkeys and neither an app nor unused "
                    + "recovery codes gets 403 second-factor-needs-browser from POST /api/v1/login instead") String secondFactor,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "Send it back with the code to /api/v1/login/second-factor") String challenge,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "When the challenge dies (5 minutes)") java.time.Instant expiresAt) {
    }

    /**
     * @param code the 6-digit code of the authenticator app, or a recovery code
     * @param zone as in {@link LoginRequest}: the step that completes the sign-in says it, as the second step's form does
     */
    record SecondFactorRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String challenge,
                               @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String code,
                               @Schema(description = ZONE) String zone) {
    }

    @Operation(operationId = "logIn",
            summary = "Sign in; with tokenType=bearer the token comes in the body, otherwise as a cookie; a session the request "
            + "carries is ended (an API key is not)")
    @ApiResponse(responseCode = "201", description = "Signed in: a new session",
            content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json", schema = @Schema(implementation = SignedIn.class)))
    @ApiResponse(responseCode = "200", description = "The password is right and the member has a second factor: no session yet; "
            + "complete the sign-in with POST /api/v1/login/second-factor",
            content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json", schema = @Schema(implementation = SecondFactorNeeded.class)))
    @ApiResponse(responseCode = "403", description = "second-factor-needs-browser: the password is right but the member's only second "
            + "factor is a passkey, which needs a browser, and they have no unused recovery code; no session starts. Sign in on "
            + "/login, or set up an authenticator app")
    @ApiResponse(responseCode = "401", description = "invalid-credentials: the email or password is incorrect (the same answer "
            + "whether or not the email has an account); password-changed: the password was right but was changed before the "
            + "session started: log in again with the new one")
    @ApiResponse(responseCode = "409", description = "session-limit-reached: the member already has as many sessions as they may have "
            + "at once (the team's limit, or one an admin gave them alone) and the team refuses new sign-ins at the limit (a team "
            + "that ends the oldest session instead answers 201)")
    @PostMapping("/login")
    ResponseEntity<?> login(@RequestBody LoginRequest body, @AuthenticationPrincipal CurrentSession current,
                                   HttpServletRequest request, HttpServletResponse response) {
        boolean bearer = body.tokenType() != null && body.tokenType().equalsIgnoreCase("bearer");
        if (body.tokenType() != null && !bearer && !body.tokenType().equalsIgnoreCase("cookie"))
            throw new SessionProblem.InvalidInput("tokenType", "tokenType must be \"bearer\" or \"cookie\".");
        AppType appType = body.appType() == null ? (bearer ? AppType.API : AppType.WEB)
                : AppType.parse(body.appType()).filter(t -> t != AppType.OAUTH)
                .orElseThrow(() -> new SessionProblem.InvalidInput("appType", "appType must be one of web, admin, mobile, sync, api."));
        if (body.email() == null || body.email().isBlank()) throw new SessionProblem.InvalidInput("email", "email is required.");
        if (body.password() == null || body.password().isEmpty()) throw new SessionProblem.InvalidInput("password", "password is required.");
        ClientOrigin origin = origins.of(request);
        Accounts.PasswordChecked checked = accounts.authenticateForSignIn(body.email(), body.password(), origin.ip());
        Account account = checked.account();
        // An admin tool (PRODUCT.md S2's "Admin" sessions) says so; only a team admin's sign-in may: a member's would
        // show as an admin's on their sessions page and the team's.
        if (appType == AppType.ADMIN && account.role() != dev.lanyard.account.Role.ADMIN)
            throw new SessionProblem.InvalidInput("appType", "appType admin is for team admins' sign-ins; use web, mobile, sync or api.");
        SecondFactors.Methods second = factors.methods(account.id());
        if (second.any()) {
            // A passkey needs a browser (WebAuthn): a member with nothing else, not even a recovery code, cannot finish here,
            // and gets no session. One with recovery codes sends one of them, as the page's second step takes it.
            if (!second.totp() && !second.recoveryCodes()) throw new FactorProblem.PasskeyNeedsBrowser();
            sessions.requireRoom(account.id(), origin.ip());
            SecondSteps.Challenge challenge = steps.challenge(account, new SecondSteps.SignInRequest(
                    Boolean.TRUE.equals(body.rememberMe()), appType.name(), bearer, "", checked.stamp()));
            return ResponseEntity.ok(new SecondFactorNeeded(second.totp() ? "totp" : "recovery-code", challenge.id(),
                    challenge.expiresAt()));
        }
        Sessions.Started started = sessions.signIn(new NewSession(account.id(), origin, appType, Boolean.TRUE.equals(body.rememberMe()))
                .withPassword(checked.stamp()).forBearer(bearer), Optional.ofNullable(current));
        accounts.signedIn(account, origin.ip());
        accounts.noteTimeZone(account.id(), body.zone(), started.session().id().value());
        if (!bearer) cookie.write(request, response, started);
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(new SignedIn(AccountJson.of(account), json(started), bearer ? started.token() : null));
    }

    @Operation(operationId = "logInWithSecondFactor",
            summary = "Complete a sign-in that needs a second factor, with the challenge POST /api/v1/login gave and a code "
            + "(or a recovery code; only a recovery code when it asked for \"recovery-code\"); answers as a login does, with a "
            + "verified session. After 5 wrong codes the challenge is dead.")
    @ApiResponse(responseCode = "201", description = "Signed in: a new, verified session")
    @ApiResponse(responseCode = "400", description = "Wrong code")
    @ApiResponse(responseCode = "401", description = "challenge-unusable: the challenge expired, was used, or failed too often "
            + "(its detail then says \"Too many failed attempts\"): log in again; password-changed: the password POST /api/v1/login checked was changed since: log in again with the "
            + "new one (the code was not checked, nor used up)")
    @ApiResponse(responseCode = "429", description = "Too many wrong passwords or codes: try again later")
    @ApiResponse(responseCode = "409", description = "session-limit-reached: another sign-in took the member's last place "
            + "meanwhile (the code was not checked, nor used up)")
    @PostMapping("/login/second-factor")
    ResponseEntity<SignedIn> secondFactor(@RequestBody SecondFactorRequest body, @AuthenticationPrincipal CurrentSession current,
                                          HttpServletRequest request, HttpServletResponse response) {
        if (body.challenge() == null || body.challenge().isBlank()) throw new SessionProblem.InvalidInput("challenge", "challenge is required.");
        if (body.code() == null || body.code().isBlank()) throw new SessionProblem.InvalidInput("code", "code is required.");
        ClientOrigin origin = origins.of(request);
        // The code is used up in the session's transaction: only with the session it starts (SecondSteps.verify).
        SecondStep done = steps.verify(body.challenge(), body.code(), origin.ip(), passed -> {
            SecondSteps.SignInRequest asked = passed.request();
            AppType appType = AppType.parse(asked.appType()).orElse(asked.bearer() ? AppType.API : AppType.WEB);
            return new SecondStep(passed, sessions.signIn(asked.withPassword(new NewSession(passed.account().id(), origin, appType,
                    asked.rememberMe(), passed.recoveryCodesLeft().isPresent() ? Verification.PASSWORD_AND_RECOVERY_CODE
                    : Verification.PASSWORD_AND_CODE)).forBearer(asked.bearer()), Optional.ofNullable(current)));
        });
        SecondSteps.Passed passed = done.passed();
        SecondSteps.SignInRequest asked = passed.request();
        Sessions.Started started = done.session();
        accounts.noteTimeZone(passed.account().id(), body.zone(), started.session().id().value());
        if (!asked.bearer()) cookie.write(request, response, started);
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(new SignedIn(AccountJson.of(passed.account()), json(started), asked.bearer() ? started.token() : null));
    }

    /** A second step passed and the session it started. */
    private record SecondStep(SecondSteps.Passed passed, Sessions.Started session) {
    }

    @Operation(operationId = "logOut", summary = "End the current session")
    @ApiResponse(responseCode = "204", description = "Signed out")
    @PostMapping("/logout")
    ResponseEntity<Void> logout(@AuthenticationPrincipal CurrentSession current, HttpServletRequest request,
                                HttpServletResponse response) {
        sessions.logout(current);
        cookie.clear(request, response);
        return ResponseEntity.noContent().build();
    }

    private SessionJson json(Sessions.Started started) {
        return SignedInJson.of(sessions, settings, clock, started);
    }

}
