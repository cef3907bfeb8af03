package dev.lanyard.privacy;

import java.time.Instant;
import java.util.Objects;

import dev.lanyard.account.Account;
import dev.lanyard.session.SessionId;

/** What the privacy module tells the others (the audit log records it). */
public sealed interface PrivacyEvent {

    /** A member downloaded a copy of their data, from the session {@code from}. */
    record DataExported(Account account, SessionId from, Instant at) implements PrivacyEvent {
        public DataExported {
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(at, "at");
        }
    }
}
