package dev.lanyard.admin;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.Invitation;
import dev.lanyard.account.InvitationStatus;
import dev.lanyard.account.Members;
import dev.lanyard.account.TeamPolicy;
import dev.lanyard.geo.ClientAddresses;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.TeamSessions;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Team members and invitations in the API, for admins. */
@RestController
@RequestMapping("/api/v1/admin")
@Tag(name = "Team admin")
class MembersApi {
    private final Members members;
    private final ClientAddresses addresses;
    private final Clock clock;

    MembersApi(Members members, ClientAddresses addresses, Clock clock) {
        this.addresses = addresses;
        this.members = members;
        this.clock = clock;
    }

    record MemberJson(String id, String email, String name, @Schema(allowableValues = {"admin", "member"}) String role,
                      Instant createdAt) {
        static MemberJson of(Account a) {
            return new MemberJson(a.id().value(), a.email(), a.name(), a.role().name().toLowerCase(java.util.Locale.ROOT), a.createdAt());
        }
    }

    record InvitationJson(String id, String email, @Schema(allowableValues = {"admin", "member"}) String role,
                          @Schema(allowableValues = {"pending", "accepted", "cancelled", "expired"}) String status,
                          Instant createdAt, Instant expiresAt,
                          @Schema(requiredMode = Schema.RequiredMode.REQUIRED,
                                  allowableValues = {"outbox", "queued", "retrying", "sent", "undelivered"},
                                  description = "How far the mail with the current link got: kept in the development outbox "
                                          + "(no SMTP server), queued, retrying after a failed attempt, sent, or undelivered "
                                          + "(given up after its last attempt: resend it once the mail server works)")
                          String mail) {
    }

    record NewInvitation(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String email,
                         @Schema(nullable = true, allowableValues = {"admin", "member"}, description = "absent or null: member")
                         String role) {
    }

    /** A member as the list shows them may be sent back with the role edited: the rest is read-only and ignored. */
    @dev.lanyard.IgnoresReadOnlyOf(MemberJson.class)
    record RoleChange(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"admin", "member"}) String role) {
    }

    record Permissions(Boolean membersSeeSessions) {
    }

    /** A member's own session limit: null for the team's, 0 for none, 1-100. */
    record MemberSessionLimit(@Schema(nullable = true, minimum = "0", maximum = "" + TeamPolicy.MAX_SESSION_LIMIT,
            description = "How many sessions the member may have signed in at once, "
            + "replacing the team's limit for them: 0 for none, 1-100; null for the team's") Integer sessionLimit) {
    }

    /** A new own limit for a member; a request schema of its own, so that the limit may be left out (the team's). */
    @dev.lanyard.IgnoresReadOnlyOf(MemberSessionLimit.class)
    record SessionLimitChange(@Schema(nullable = true, requiredMode = Schema.RequiredMode.NOT_REQUIRED, minimum = "0",
            maximum = "" + TeamPolicy.MAX_SESSION_LIMIT,
            description = "How many sessions the member may have signed in at once, replacing the team's limit for them: "
                    + "0 for none, 1-100; null or left out for the team's") Integer sessionLimit) {
    }

    record MemberList(List<MemberJson> items, @Schema(nullable = true) String nextCursor) {
    }

    @Operation(operationId = "listMembers",
            summary = "Members of your team, by email; filter by email prefix; pages of `limit` (1-100) with an opaque cursor")
    @GetMapping("/members")
    MemberList list(@AuthenticationPrincipal CurrentSession admin, @RequestParam(defaultValue = "") String member,
                    @RequestParam(defaultValue = "50") int limit, @RequestParam(required = false) String cursor) {
        if (limit < 1 || limit > 100)
            throw new dev.lanyard.session.SessionProblem.InvalidInput("limit", "limit must be between 1 and 100.");
        Optional<String> after = dev.lanyard.session.Cursors.decodeEmail(cursor);
        List<dev.lanyard.account.Account> page = members.list(admin.account(), member, limit + 1, after);
        boolean more = page.size() > limit;
        List<dev.lanyard.account.Account> shown = more ? page.subList(0, limit) : page;
        return new MemberList(shown.stream().map(MemberJson::of).toList(),
                more ? dev.lanyard.session.Cursors.encode(shown.get(limit - 1).email()) : null);
    }

    @Operation(operationId = "changeMemberRole", summary = "Change a member's role (the team keeps at least one admin)")
    @ApiResponse(responseCode = "200", description = "The member with the new role")
    @ApiResponse(responseCode = "409", description = "The team would lose its last admin")
    @PatchMapping("/members/{id}")
    MemberJson changeRole(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id, @RequestBody RoleChange body) {
        TeamSessions.requireAdmin(admin);
        if (body.role() == null) throw new AccountProblem.InvalidInput("role", "role is required: admin or member.");
        members.changeRole(admin.account(), new AccountId(id), MemberPages.role(body.role()));
        return MemberJson.of(members.member(admin.account(), new AccountId(id)));
    }

    @Operation(operationId = "getMemberSessionLimit", summary = "A member's own session limit (null: the team's applies)")
    @GetMapping("/members/{id}/session-limit")
    MemberSessionLimit sessionLimit(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id) {
        TeamSessions.requireAdmin(admin);
        return new MemberSessionLimit(members.rules(admin.account(), new AccountId(id)).sessionLimit().orElse(null));
    }

    @Operation(operationId = "setMemberSessionLimit",
            summary = "Give a member a session limit of their own (0: none), or the team's again (null); applies from their next sign-in")
    @PutMapping("/members/{id}/session-limit")
    MemberSessionLimit changeSessionLimit(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id,
                                          @RequestBody SessionLimitChange body) {
        TeamSessions.requireAdmin(admin);
        members.changeSessionLimit(admin.account(), new AccountId(id), Optional.ofNullable(body.sessionLimit()));
        return new MemberSessionLimit(members.rules(admin.account(), new AccountId(id)).sessionLimit().orElse(null));
    }

    /** A high-security account: "Remember me" not allowed for the member (PRODUCT.md L3). */
    record MemberRememberMe(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "true: \"Remember me\" is not allowed "
            + "for the member, whatever the team allows (a high-security account)") Boolean forbidden) {
    }

    @Operation(operationId = "getMemberRememberMe",
            summary = "Whether \"Remember me\" is forbidden for a member (a high-security account)")
    @GetMapping("/members/{id}/remember-me")
    MemberRememberMe rememberMe(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id) {
        TeamSessions.requireAdmin(admin);
        return new MemberRememberMe(members.rules(admin.account(), new AccountId(id)).rememberMeForbidden());
    }

    @Operation(operationId = "setMemberRememberMe",
            summary = "Forbid \"Remember me\" for a member, or allow it as the team does; their open sessions get the lifetime that "
            + "follows from their next request")
    @PutMapping("/members/{id}/remember-me")
    MemberRememberMe changeRememberMe(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id,
                                      @RequestBody MemberRememberMe body) {
        TeamSessions.requireAdmin(admin);
        if (body.forbidden() == null) throw new AccountProblem.InvalidInput("forbidden", "forbidden is required: true or false.");
        members.forbidRememberMe(admin.account(), new AccountId(id), body.forbidden());
        return new MemberRememberMe(members.rules(admin.account(), new AccountId(id)).rememberMeForbidden());
    }

    @Operation(operationId = "removeMember", summary = "Remove a member: all of their sessions end")
    @ApiResponse(responseCode = "204", description = "Removed")
    @ApiResponse(responseCode = "409", description = "The team would lose its last admin")
    @DeleteMapping("/members/{id}")
    ResponseEntity<Void> remove(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id) {
        members.remove(admin.account(), new AccountId(id));
        return ResponseEntity.noContent().build();
    }

    @Operation(operationId = "listInvitations",
            summary = "Invitations of your team, newest first, a page at a time (pages of `limit`, 1-100, 100 by default), all of "
            + "them or those of one status. The Link header names the next page")
    @ApiResponse(responseCode = "200", description = "A page of invitations, as an array; when there are more, the Link header "
            + "names the next page (rel=\"next\")",
            headers = @Header(name = "Link", description = NextPageLink.DESCRIPTION, schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "400", description = "A status, limit or cursor this list does not know")
    @GetMapping("/invitations")
    ResponseEntity<List<InvitationJson>> invitations(@AuthenticationPrincipal CurrentSession admin,
                                                     @Parameter(description = "Only the invitations of this status: pending (not "
                                                             + "answered yet, and not expired), accepted, cancelled or expired, "
                                                             + "as the invitations' status says it. Left out: all of them",
                                                             schema = @Schema(type = "string",
                                                                     allowableValues = {"pending", "accepted", "cancelled", "expired"}))
                                                     @RequestParam(required = false) String status,
                                                     @RequestParam(defaultValue = "100") int limit,
                                                     @RequestParam(required = false) String cursor, HttpServletRequest request) {
        TeamSessions.requireAdmin(admin);
        Set<InvitationStatus> statuses = status == null ? EnumSet.allOf(InvitationStatus.class) : EnumSet.of(status(status));
        if (limit < 1 || limit > 100)
            throw new dev.lanyard.session.SessionProblem.InvalidInput("limit", "limit must be between 1 and 100.");
        Members.InvitationPage page = members.invitations(admin.account(), statuses, limit, MemberPages.position(cursor));
        Map<String, String> kept = status == null ? Map.of() : Map.of("status", status(status).code());
        return NextPageLink.ok(request, kept, limit, page.next().map(MemberPages::cursor))
                .body(page.items().stream().map(this::json).toList());
    }

    private static InvitationStatus status(String value) {
        for (InvitationStatus status : InvitationStatus.values()) {
            if (status.code().equals(value)) return status;
        }
        throw new dev.lanyard.session.SessionProblem.InvalidInput("status",
                "status must be one of pending, accepted, cancelled, expired.");
    }

    @Operation(operationId = "createInvitation", summary = "Invite someone by email; they get a single-use link valid for 7 days")
    @ApiResponse(responseCode = "201", description = "Invited: the mail is on its way")
    @ApiResponse(responseCode = "429", description = "Too many invitations of people who already have an account from this address, "
            + "or the team sent lanyard.mail.invitations-per-day invitation mails in the last 24 hours: Retry-After says when to try again")
    @PostMapping("/invitations")
    ResponseEntity<InvitationJson> invite(@AuthenticationPrincipal CurrentSession admin, @RequestBody NewInvitation body,
                                          HttpServletRequest request) {
        TeamSessions.requireAdmin(admin);
        Invitation invitation = members.invite(admin.account(), body.email(),
                body.role() == null ? dev.lanyard.account.Role.MEMBER : MemberPages.role(body.role()),
                addresses.resolve(request).getHostAddress());
        return ResponseEntity.status(HttpStatus.CREATED).body(json(invitation));
    }

    @Operation(operationId = "resendInvitation", summary = "Send an invitation again with a new link")
    @ApiResponse(responseCode = "200", description = "Sent again")
    @ApiResponse(responseCode = "410", description = "The invitation was accepted or cancelled")
    @ApiResponse(responseCode = "429", description = "The team sent lanyard.mail.invitations-per-day invitation mails in the last 24 hours: "
            + "Retry-After says when to try again")
    @PostMapping("/invitations/{id}/resend")
    InvitationJson resend(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id) {
        return json(members.resend(admin.account(), id));
    }

    @Operation(operationId = "cancelInvitation", summary = "Cancel an invitation")
    @ApiResponse(responseCode = "204", description = "Cancelled (or already cancelled)")
    @ApiResponse(responseCode = "410", description = "The invitation was accepted (the detail says whether the person is still a member)")
    @DeleteMapping("/invitations/{id}")
    ResponseEntity<Void> cancel(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id) {
        members.cancel(admin.account(), id);
        return ResponseEntity.noContent().build();
    }

    @Operation(operationId = "setTeamPermissions",
            summary = "Whether members may view their session list (they always see their current session)")
    @PutMapping("/permissions")
    Permissions permissions(@AuthenticationPrincipal CurrentSession admin, @RequestBody Permissions body) {
        TeamSessions.requireAdmin(admin);
        if (body.membersSeeSessions() == null)
            throw new AccountProblem.InvalidInput("membersSeeSessions", "membersSeeSessions is required.");
        members.allowSessionList(admin.account(), body.membersSeeSessions());
        return new Permissions(members.maySeeSessionListAsMember(admin.account()));
    }

    private InvitationJson json(Invitation i) {
        return new InvitationJson(i.id(), i.email(), i.role().name().toLowerCase(java.util.Locale.ROOT),
                i.status(clock.instant()).code(),
                i.createdAt(), i.expiresAt(), i.mail().json());
    }
}
