package dev.lanyard.account;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Password resets (decision 67): one row per request asked for by email, and per link the server's operator made, with
 * the hash of its link's token.
 */
interface PasswordResetStore {

    /**
     * A request. {@code account} and {@code tokenHash} are empty when no account has the email: the row then only
     * counts the request towards the email's mails per hour.
     */
    record Request(String id, String email, Optional<AccountId> account, Optional<String> tokenHash, Instant createdAt,
                   Instant expiresAt, PasswordResets.Origin origin) {
    }

    /** Makes this transaction wait for any other request for {@code email} until its end (PostgreSQL; SQLite writes one at a time). */
    void lockEmail(String email);

    void insert(Request request);

    /** When {@code email} was asked for by email since {@code since}, oldest first; links the operator made are not counted. */
    List<Instant> askedSince(String email, Instant since);

    /** The request whose link's token hashes to {@code tokenHash}, if it is not used and has not expired at {@code now}. */
    Optional<Request> usable(String tokenHash, Instant now);

    /** Who made the link whose token hashes to {@code tokenHash}, used or expired too, while its row is kept. */
    Optional<PasswordResets.Origin> origin(String tokenHash);

    /** Marks every unused link of {@code account} used at {@code at}; returns how many. */
    int useAll(AccountId account, Instant at);

    /** Marks the request used, if it was not; returns 1 if this call did. */
    int markUsed(String id, Instant at);

    int deleteExpiredBefore(Instant before);
}
