package dev.lanyard.account;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Sign-ups waiting for their email to be confirmed (decision 61). */
interface SignUpStore {

    /**
     * A sign-up as it was asked for. {@code tokenHash}, {@code team} and what follows are empty for an email that
     * already had an account: the row only counts the mail its owner was sent instead.
     */
    record Waiting(String id, String email, Optional<String> tokenHash, Optional<TeamId> team, String teamName, String name,
                   String passwordHash, Instant createdAt, Instant expiresAt) {
    }

    void insert(Waiting signUp);

    /** Makes another transaction that locks the same email wait until this one ends. */
    void lockEmail(String email);

    /** When each sign-up mail to {@code email} since {@code since} was asked for, oldest first. */
    List<Instant> mailedSince(String email, Instant since);

    /** The sign-up whose link has this token hash, if it is not used and not expired at {@code now}. */
    Optional<Waiting> usable(String tokenHash, Instant now);

    /** Marks the sign-up used; returns 1, or 0 if it already was (two uses at once: one wins). */
    int markUsed(String id, Instant at);

    /** Deletes sign-ups that expired before {@code before}; returns how many. */
    int deleteExpiredBefore(Instant before);
}
