package dev.lanyard.account;

import java.time.Instant;

/** What happened to accounts; the audit log and metrics listen. */
public sealed interface AccountEvent {
    Instant at();

    record SignedUp(Account account, Instant at) implements AccountEvent {
    }

    /**
     * An admin invited someone by email, or sent a pending invitation again ({@code resent}: with a new link, the earlier one
     * dead). {@code mailed}: its mail was queued for the mail server; without one it was kept in the team's outbox.
     */
    record MemberInvited(TeamId team, AccountId by, String email, Role role, boolean resent, boolean mailed, Instant at)
            implements AccountEvent {
    }

    /**
     * A pending invitation was cancelled: by the admin {@code by} themselves, or, when {@code sender} is present, with its
     * sender's admin role, which {@code by} took (made them a member or removed them).
     */
    record InvitationCancelled(TeamId team, AccountId by, String email, Instant at, java.util.Optional<SenderLeft> sender)
            implements AccountEvent {
        /** An admin's own cancellation. */
        public InvitationCancelled(TeamId team, AccountId by, String email, Instant at) {
            this(team, by, email, at, java.util.Optional.empty());
        }
    }

    /** Why an invitation went with its sender: their email, and whether they were removed (else made a member). */
    record SenderLeft(String email, boolean removed) {
    }

    /** Someone accepted an invitation and now has an account in the team. */
    record MemberJoined(Account account, Instant at) implements AccountEvent {
    }

    /** An admin changed a member's role. */
    record RoleChanged(TeamId team, AccountId by, AccountId member, Role before, Role after, Instant at)
            implements AccountEvent {
    }

    /** An admin removed a member from the team; the member's sessions end with it. */
    record MemberRemoved(TeamId team, AccountId by, AccountId member, String email, Instant at) implements AccountEvent {
    }

    /** An admin changed the team's session policy. */
    record PolicyChanged(TeamId team, AccountId by, TeamPolicy before, TeamPolicy after, Instant at) implements AccountEvent {
    }

    /** A member's own session limit set or cleared (PRODUCT.md L5); empty is the team's. */
    record MemberSessionLimitChanged(TeamId team, AccountId by, AccountId member, java.util.Optional<Integer> before,
                                     java.util.Optional<Integer> after, Instant at) implements AccountEvent {
    }

    /** A member made a high-security account ("Remember me" not allowed) or not (PRODUCT.md L3). */
    record MemberRememberMeChanged(TeamId team, AccountId by, AccountId member, boolean forbidden, Instant at) implements AccountEvent {
    }

    /** An admin allowed or restricted members' view of their session list (PRODUCT.md T5). */
    record SessionListPermissionChanged(TeamId team, AccountId by, boolean membersSeeSessions, Instant at) implements AccountEvent {
    }

    /**
     * The member changed their password from the session {@code fromSession} (a session's public id). With
     * {@code signOutOthers}, their other sign-ins end in the same transaction (the session module listens).
     */
    record PasswordChanged(Account account, String fromSession, boolean signOutOthers, String address, Instant at)
            implements AccountEvent {
    }

    /**
     * A member chose a new password through a reset link (decision 67), mailed or made by the server's operator
     * ({@code origin}), from {@code address}: every sign-in of theirs ends (API keys stay, as with a password change).
     */
    record PasswordReset(Account account, PasswordResets.Origin origin, String address, Instant at) implements AccountEvent {
    }

    /**
     * The server's operator made a password reset link for the account with the {@code reset-link} command (decision 67,
     * addendum), usable until {@code expiresAt}: no session and no address, the operator runs it beside the server.
     */
    record ResetLinkMade(Account account, Instant expiresAt, Instant at) implements AccountEvent {
    }

    /** A sign-in with a wrong email or password; {@code account} is set when the email exists. */
    record SignInFailed(String email, java.util.Optional<Account> account, String address, Instant at)
            implements AccountEvent {
    }

    /**
     * A signed-in member gave a wrong password to confirm {@code purpose} ("add a passkey") from the session
     * {@code fromSession} (a session's public id): their own re-authentication, not someone's failed sign-in
     * (docs/decisions/0066). Counted by the sign-in throttle all the same.
     */
    record ReauthenticationFailed(Account account, String fromSession, String purpose, String address, Instant at)
            implements AccountEvent {
    }
}
