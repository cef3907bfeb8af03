package dev.lanyard.signin;

import java.time.Clock;
import java.util.Optional;

import dev.lanyard.account.Account;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.SignUp;
import dev.lanyard.account.SignUps;
import dev.lanyard.session.AppType;
import dev.lanyard.session.ClientOrigin;
import dev.lanyard.session.ClientOrigins;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.SessionCookie;
import dev.lanyard.session.SessionProblem;
import dev.lanyard.session.SessionSettings;
import dev.lanyard.session.Sessions;
import dev.lanyard.signin.AuthApi.AccountJson;
import dev.lanyard.signin.AuthApi.SignedIn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Sign-up for API and native clients: at once, or by a mailed link confirmed with the sign-up's password or one's own. */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "Authentication")
class SignUpApi {
    private final Accounts accounts;
    private final SignUps signUps;
    private final Sessions sessions;
    private final ClientOrigins origins;
    private final SessionCookie cookie;
    private final SessionSettings settings;
    private final Clock clock;

    SignUpApi(Accounts accounts, SignUps signUps, Sessions sessions, ClientOrigins origins, SessionCookie cookie,
              SessionSettings settings, Clock clock) {
        this.accounts = accounts;
        this.signUps = signUps;
        this.sessions = sessions;
        this.origins = origins;
        this.cookie = cookie;
        this.settings = settings;
        this.clock = clock;
    }

    /** Its fields are checked together, control characters among their rules, so a refusal names every field at fault. */
    @dev.lanyard.ChecksControlCharacters
    record SignUpRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String email, @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String password, @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String name,
                         @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String team) {
    }

    /** A sign-up waiting for its email to be confirmed (decision 61): the same answer whether or not the email has an account. */
    record SignUpRequested(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"confirmation-sent"}) String status,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "Where the mail went (the email as Lanyard keeps it)") String email,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "Until when the mailed link works (24 hours)") java.time.Instant expiresAt) {
    }

    record SignUpConfirmation(@Schema(requiredMode = Schema.RequiredMode.REQUIRED,
            description = "The token at the end of the mailed link, /signup/confirm/{token}") String token,
                              @Schema(requiredMode = Schema.RequiredMode.REQUIRED,
                                      description = "The password the sign-up was made with") String password) {
    }

    /** Its fields are checked together, control characters among their rules, so a refusal names every field at fault. */
    @dev.lanyard.ChecksControlCharacters
    record OwnSignUpConfirmation(@Schema(requiredMode = Schema.RequiredMode.REQUIRED,
            description = "The token at the end of the mailed link, /signup/confirm/{token}") String token,
                                 @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "Your name") String name,
                                 @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "The new team's name") String team,
                                 @Schema(requiredMode = Schema.RequiredMode.REQUIRED,
                                         description = "The new account's password (the sign-up's password rules)") String password) {
    }

    @Operation(operationId = "signUp",
            summary = "Create a team with yourself as its admin. Where Lanyard confirms emails (lanyard.sign-up.confirm-email, on "
            + "when a mail server is configured): 202, a link is mailed, and the account exists once it is confirmed with POST "
            + "/api/v1/signup/confirm (the answer is the same whether or not the email has an account: its owner is mailed "
            + "instead). Otherwise: 201, signed in at once (sets the session cookie). A session the request carries is ended "
            + "when one starts (an API key is not)")
    @ApiResponse(responseCode = "201", description = "Signed up and signed in (emails not confirmed)",
            content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json", schema = @Schema(implementation = SignedIn.class)))
    @ApiResponse(responseCode = "202", description = "A link was mailed to the email; nothing is created until it is used",
            content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json", schema = @Schema(implementation = SignUpRequested.class)))
    @ApiResponse(responseCode = "409", description = "The email is taken (only where emails are not confirmed)")
    @ApiResponse(responseCode = "429", description = "Too many sign-ups from this address (with taken emails, where emails are not "
            + "confirmed), or 3 sign-up mails to this email in the last hour: try again later")
    @PostMapping("/signup")
    ResponseEntity<?> signUp(@RequestBody SignUpRequest body, @AuthenticationPrincipal CurrentSession current,
                             HttpServletRequest request, HttpServletResponse response) {
        ClientOrigin origin = origins.of(request);
        SignUp signUp = new SignUp(body.email(), body.password(), body.name(), body.team(), origin.ip());
        if (signUps.confirmsEmail()) {
            SignUps.Requested requested = signUps.request(signUp);
            return ResponseEntity.accepted().body(new SignUpRequested("confirmation-sent", requested.email(), requested.expiresAt()));
        }
        return signedUp(accounts.signUp(signUp, account -> started(account, origin, current)), request, response);
    }

    @Operation(operationId = "confirmSignUp",
            summary = "Finish a sign-up with the token of its mailed link and the password it was made with (anyone may start "
            + "a sign-up for someone else's address, so the link alone does not finish it): creates the account and its team, "
            + "and signs in (sets the session cookie); a session the request carries is ended (an API key is not)")
    @ApiResponse(responseCode = "201", description = "Signed up and signed in")
    @ApiResponse(responseCode = "400", description = "sign-up-password-mismatch: not the password this sign-up was made with; "
            + "the link still works")
    @ApiResponse(responseCode = "409", description = "The email got an account since the link was mailed")
    @ApiResponse(responseCode = "410", description = "sign-up-link-unusable: the link is unknown, expired (24 hours) or already used")
    @ApiResponse(responseCode = "429", description = "Too many wrong passwords or sign-ups from this address: try again later")
    @PostMapping("/signup/confirm")
    ResponseEntity<SignedIn> confirmSignUp(@RequestBody SignUpConfirmation body, @AuthenticationPrincipal CurrentSession current,
                                           HttpServletRequest request, HttpServletResponse response) {
        if (body.token() == null || body.token().isBlank()) throw new SessionProblem.InvalidInput("token", "token is required.");
        if (body.password() == null || body.password().isEmpty()) throw new SessionProblem.InvalidInput("password", "password is required.");
        ClientOrigin origin = origins.of(request);
        return signedUp(signUps.confirm(body.token(), body.password(), origin.ip(), account -> started(account, origin, current)),
                request, response);
    }

    @Operation(operationId = "confirmOwnSignUp",
            summary = "Finish a sign-up with the token of its mailed link and your own name, team and password instead of the "
            + "sign-up's: for the address's owner when someone else started it, or who forgot its password (the link reached "
            + "the mailbox; the sign-up's password and names are dropped). Creates the account and its team, and signs in "
            + "(sets the session cookie); a session the request carries is ended (an API key is not)")
    @ApiResponse(responseCode = "201", description = "Signed up and signed in")
    @ApiResponse(responseCode = "400", description = "invalid-input: name, team or password break a rule (every one at fault "
            + "is named); the link still works")
    @ApiResponse(responseCode = "409", description = "The email got an account since the link was mailed")
    @ApiResponse(responseCode = "410", description = "sign-up-link-unusable: the link is unknown, expired (24 hours) or already used")
    @PostMapping("/signup/confirm/own")
    ResponseEntity<SignedIn> confirmOwnSignUp(@RequestBody OwnSignUpConfirmation body, @AuthenticationPrincipal CurrentSession current,
                                              HttpServletRequest request, HttpServletResponse response) {
        if (body.token() == null || body.token().isBlank()) throw new SessionProblem.InvalidInput("token", "token is required.");
        ClientOrigin origin = origins.of(request);
        return signedUp(signUps.confirmOwn(body.token(), body.name(), body.team(), body.password(), origin.ip(),
                account -> started(account, origin, current)), request, response);
    }

    /** The newcomer's first session, started in the transaction that creates the account. */
    private AccountStarted started(Account account, ClientOrigin origin, CurrentSession current) {
        return new AccountStarted(account, sessions.signIn(new NewSession(account.id(), origin, AppType.WEB, false),
                Optional.ofNullable(current)));
    }

    private record AccountStarted(Account account, Sessions.Started session) {
    }

    private ResponseEntity<SignedIn> signedUp(AccountStarted started, HttpServletRequest request, HttpServletResponse response) {
        cookie.write(request, response, started.session());
        return ResponseEntity.status(HttpStatus.CREATED).body(new SignedIn(AccountJson.of(started.account()), SignedInJson.of(sessions, settings, clock, started.session()), null));
    }
}
