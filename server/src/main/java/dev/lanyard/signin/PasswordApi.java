package dev.lanyard.signin;

import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.Accounts;
import dev.lanyard.session.ClientOrigins;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.Sessions;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Changing one's password over the API (PRODUCT.md V4). An API key can never do it. */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "Authentication")
class PasswordApi {
    private final Accounts accounts;
    private final Sessions sessions;
    private final ClientOrigins origins;
    private final java.time.Clock clock;

    PasswordApi(Accounts accounts, Sessions sessions, ClientOrigins origins, java.time.Clock clock) {
        this.clock = clock;
        this.accounts = accounts;
        this.sessions = sessions;
        this.origins = origins;
    }

    record PasswordRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String currentPassword,
                           @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "At least 12 characters, at most 1024, not the current one") String newPassword,
                           @Schema(nullable = true, description = "End every other sign-in session (API keys stay); absent or null: true") Boolean signOutOthers) {
    }

    @Operation(operationId = "changePassword",
            summary = "Change your password; the current one is required. By default every other sign-in session is "
            + "signed out (its history says \"Password changed\"); API keys are never ended. A notification email is sent. "
            + "A wrong current password counts towards the sign-in throttle. Not for API keys.")
    @ApiResponse(responseCode = "204", description = "Changed")
    @ApiResponse(responseCode = "400", description = "wrong-password (field currentPassword), or invalid-input (a missing "
            + "currentPassword or newPassword, a newPassword that breaks the rules). Every field at fault at once: a wrong current password "
            + "is said with the new one's broken rules, each in errors; whether the new one differs from the current one is said "
            + "only once the current one is right")
    @ApiResponse(responseCode = "403", description = "The request is made with an API key, or from another origin")
    @ApiResponse(responseCode = "429", description = "Too many wrong passwords lately; see Retry-After")
    @PostMapping("/password")
    ResponseEntity<Void> change(@AuthenticationPrincipal CurrentSession current, @RequestBody PasswordRequest body,
                                HttpServletRequest request) {
        if (current.apiKey()) throw new AccountProblem.NotWithApiKey("An API key cannot change a password. Sign in to change it.");
        boolean signOutOthers = body.signOutOthers() == null || body.signOutOthers();
        accounts.changePassword(current.account().id(), PasswordChanges.request(current, sessions, clock, origins.of(request),
                body.currentPassword(), body.newPassword(), signOutOthers));
        return ResponseEntity.noContent().build();
    }
}
