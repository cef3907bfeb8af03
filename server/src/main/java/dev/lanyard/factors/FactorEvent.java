package dev.lanyard.factors;

import java.time.Instant;
import java.util.Optional;

import java.util.List;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountId;
import dev.lanyard.session.SessionId;

/** What happened to members' second factors; the audit log listens. */
public sealed interface FactorEvent {
    Account account();

    Instant at();

    /** The member confirmed an authenticator app from {@code session} at {@code address}: two-factor authentication is on. */
    record Enabled(Account account, SessionId session, String address, Instant at) implements FactorEvent {
    }

    /** The member turned two-factor authentication off (with their password and a code) from {@code session} at {@code address}. */
    record Disabled(Account account, SessionId session, String address, Instant at) implements FactorEvent {
    }

    /**
     * The member replaced their recovery codes (or made their first) from {@code session} at {@code address}; the old ones
     * no longer work.
     *
     * @param app the member has an authenticator app and confirmed with a code too; without one (passkeys alone), the
     *            password was enough
     */
    record RecoveryCodesRegenerated(Account account, SessionId session, String address, Instant at, boolean app) implements FactorEvent {
    }

    /**
     * A recovery code was used up to sign in, or to verify the session {@code verifying} in place; {@code remaining} are
     * left.
     */
    record RecoveryCodeUsed(Account account, int remaining, String address, Instant at, Optional<SessionId> verifying)
            implements FactorEvent {
        public RecoveryCodeUsed(Account account, int remaining, String address, Instant at) {
            this(account, remaining, address, at, Optional.empty());
        }
    }

    /**
     * A wrong code at the second step of a sign-in (the password was right), or while the signed-in session
     * {@code verifying} was being verified in place.
     *
     * @param passkey the failed answer was a passkey's assertion, not a code
     */
    record SecondFactorFailed(Account account, String address, Instant at, boolean passkey, Optional<SessionId> verifying)
            implements FactorEvent {
        public SecondFactorFailed(Account account, String address, Instant at, boolean passkey) {
            this(account, address, at, passkey, Optional.empty());
        }
    }

    /**
     * An admin of the member's team removed the member's second factors (docs/decisions/0066), with a reason: their
     * authenticator app (confirmed or waiting), their recovery codes and their passkeys.
     *
     * @param app           an authenticator app was removed (confirmed; a set-up still waiting is removed without saying)
     * @param recoveryCodes unused recovery codes removed
     * @param passkeys      the names of the passkeys removed
     */
    record ResetByAdmin(Account account, AccountId admin, SessionId adminSession, String reason, boolean app,
                        int recoveryCodes, List<String> passkeys, Instant at) implements FactorEvent {
        public ResetByAdmin {
            passkeys = List.copyOf(passkeys);
        }

        /** What was removed, in words: "the authenticator app, 10 recovery codes and the passkey “Phone”". */
        public String removed() {
            return removed(name -> "\u201c" + name + "\u201d");
        }

        /** {@link #removed()} with each passkey's name as {@code quoted} puts it (the audit log isolates a right-to-left one). */
        public String removed(java.util.function.UnaryOperator<String> quoted) {
            List<String> parts = new java.util.ArrayList<>();
            if (app) parts.add("the authenticator app");
            if (recoveryCodes > 0) parts.add(recoveryCodes == 1 ? "1 recovery code" : recoveryCodes + " recovery codes");
            if (!passkeys.isEmpty()) parts.add((passkeys.size() == 1 ? "the passkey " : "the passkeys ")
                    + String.join(", ", passkeys.stream().map(quoted).toList()));
            if (parts.isEmpty()) return "nothing";
            if (parts.size() == 1) return parts.get(0);
            return String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.get(parts.size() - 1);
        }
    }
}
