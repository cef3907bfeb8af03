package dev.lanyard.account;

import java.time.Instant;

/** What happened to accounts; the audit log and metrics listen. */
public sealed interface AccountEvent {
    Instant at();

    record SignedUp(Account account, Instant at) implements AccountEvent {
    }

    /** An admin changed the team's session policy. */
    record PolicyChanged(TeamId team, AccountId by, TeamPolicy before, TeamPolicy after, Instant at) implements AccountEvent {
    }

    /** A sign-in with a wrong email or password; {@code account} is set when the email exists. */
    record SignInFailed(String email, java.util.Optional<Account> account, String address, Instant at)
            implements AccountEvent {
    }
}
