package dev.lanyard.factors;

import java.time.Instant;

import dev.lanyard.account.Account;

/** What happened to members' second factors; the audit log listens. */
public sealed interface FactorEvent {
    Account account();

    Instant at();

    /** The member confirmed an authenticator app: two-factor authentication is on. */
    record Enabled(Account account, Instant at) implements FactorEvent {
    }

    /** The member turned two-factor authentication off (with their password and a code). */
    record Disabled(Account account, Instant at) implements FactorEvent {
    }

    /** The member replaced their recovery codes (from {@code address}); the old ones no longer work. */
    record RecoveryCodesRegenerated(Account account, String address, Instant at) implements FactorEvent {
    }

    /** A recovery code was used up to sign in; {@code remaining} are left. */
    record RecoveryCodeUsed(Account account, int remaining, String address, Instant at) implements FactorEvent {
    }

    /** A wrong code at the second step of a sign-in (the password was right). */
    /** @param passkey the failed answer was a passkey's assertion, not a code */
    record SecondFactorFailed(Account account, String address, Instant at, boolean passkey) implements FactorEvent {
    }
}
