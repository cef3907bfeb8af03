package dev.lanyard.session;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Approving or denying a new sign-in from a verified session (PRODUCT.md V2). */
@RestController
@RequestMapping("/api/v1/sessions")
@Tag(name = "Sessions")
class ApprovalApi {
    private final Approvals approvals;
    private final dev.lanyard.account.Members members;

    ApprovalApi(Approvals approvals, dev.lanyard.account.Members members) {
        this.approvals = approvals;
        this.members = members;
    }

    /** What to decide by, said on both operations: the name is the one thing the sign-in itself can set. */
    private static final String DECIDE_BY = "Decide by the session's device, location, address, time and flags "
            + "(GET /api/v1/sessions/{id}), not by its name: any signed-in session, the unverified one too, can name itself.";

    @Operation(operationId = "approveSession",
            summary = "Approve one of your unverified sign-ins from a verified session: it becomes verified. "
            + "Approving a verified session changes nothing", description = DECIDE_BY)
    @ApiResponse(responseCode = "204", description = "Approved (or verified already)")
    @ApiResponse(responseCode = "403", description = "session-not-verified: the request is not made with a verified session "
            + "(an unverified session or an API key); or the session list is restricted")
    @ApiResponse(responseCode = "404", description = "No such active session of yours. One that has expired (past its "
            + "lifetime or idle timeout, whether the server has ended it yet or not) is not approved")
    @ApiResponse(responseCode = "409", description = "session-not-pending: an API key or an app's grant, which are never approved")
    @PostMapping("/{id}/approve")
    ResponseEntity<Void> approve(@AuthenticationPrincipal CurrentSession current, @PathVariable String id) {
        requireList(current);
        // One that had expired, swept or not: no session to approve.
        if (!approvals.approve(new SessionId(id), current)) throw new SessionProblem.NotFound();
        return ResponseEntity.noContent().build();
    }

    @Operation(operationId = "denySession",
            summary = "Deny one of your unverified sign-ins from a verified session: it is signed out, and its history "
            + "says \"Sign-in denied from a verified device\". Denying it again changes nothing", description = DECIDE_BY)
    @ApiResponse(responseCode = "204", description = "Denied and signed out (or denied already, or it had expired). One past "
            + "its lifetime or idle timeout ends, or stays, expired, when it expired, not denied, whether the server had "
            + "ended it yet or not")
    @ApiResponse(responseCode = "403", description = "session-not-verified: the request is not made with a verified session "
            + "(an unverified session or an API key); or the session list is restricted")
    @ApiResponse(responseCode = "404", description = "No such session of yours, or it ended otherwise than by expiring or "
            + "being denied")
    @ApiResponse(responseCode = "409", description = "session-not-pending: the session is verified (sign it out instead), "
            + "an API key or an app's grant")
    @PostMapping("/{id}/deny")
    ResponseEntity<Void> deny(@AuthenticationPrincipal CurrentSession current, @PathVariable String id) {
        requireList(current);
        approvals.deny(new SessionId(id), current);
        return ResponseEntity.noContent().build();
    }

    private void requireList(CurrentSession current) {
        if (!members.maySeeSessionList(current.account())) throw new SessionProblem.Restricted();
    }
}
