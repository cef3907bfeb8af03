package dev.lanyard.factors;

import dev.lanyard.geo.ClientAddresses;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.SessionProblem;
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

/** Verifying the session a request is made with by a second factor passed now (PRODUCT.md V2); the page is {@link SessionVerificationPages}. */
@RestController
@RequestMapping("/api/v1/sessions/current")
@Tag(name = "Sessions")
class SessionVerificationApi {
    private final SecondSteps steps;
    private final ClientAddresses addresses;

    SessionVerificationApi(SecondSteps steps, ClientAddresses addresses) {
        this.steps = steps;
        this.addresses = addresses;
    }

    record SessionVerificationRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED,
            description = "A code from the member's authenticator app, or one of their recovery codes") String code) {
    }

    @Operation(operationId = "verifyCurrentSession",
            summary = "Verify the session this request is made with, by a code from your authenticator app or a recovery code: "
            + "it becomes verified as if it had signed in with it (its timeline and the audit log say so). A session verified "
            + "already changes nothing and its code is not checked. Passkeys verify a session on the page "
            + "(/settings/sessions/verify).")
    @ApiResponse(responseCode = "204", description = "Verified (or verified already)")
    @ApiResponse(responseCode = "400", description = "Wrong code, a code used already, or no code")
    @ApiResponse(responseCode = "409", description = "session-not-pending: the request is made with an API key, which no second "
            + "factor verifies")
    @ApiResponse(responseCode = "429", description = "Too many wrong passwords or codes: try again later")
    @PostMapping("/verify")
    ResponseEntity<Void> verify(@AuthenticationPrincipal CurrentSession current, @RequestBody SessionVerificationRequest body,
                                HttpServletRequest request) {
        if (current.apiKey()) throw new SessionProblem.NotPending("Only sign-ins are verified. API keys and apps are not.");
        if (body.code() == null || body.code().isBlank()) throw new SessionProblem.InvalidInput("code", "code is required.");
        steps.verifySession(current.account(), current.id(), body.code(), addresses.resolve(request).getHostAddress());
        return ResponseEntity.noContent().build();
    }
}
