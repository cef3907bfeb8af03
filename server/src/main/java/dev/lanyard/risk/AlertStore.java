package dev.lanyard.risk;

import java.time.Instant;
import java.util.Optional;

import dev.lanyard.account.AccountId;
import dev.lanyard.session.SessionId;

/** Each member's alert setting and the "This wasn't me" links of the alerts sent. */
interface AlertStore {

    /** "Email me when a new device signs in"; on unless the member turned it off. */
    boolean newDeviceEmails(AccountId account);

    /** Sets it; returns whether it changed. Safe to repeat. */
    boolean setNewDeviceEmails(AccountId account, boolean on);

    /** Keeps a link by the SHA-256 of its token. */
    void addLink(String tokenHash, SessionId session, AccountId account, Instant at, Instant expiresAt);

    /** The link with this token hash, used or not, expired or not. */
    Optional<Link> link(String tokenHash);

    /** Marks the link used if it was not and has not expired; returns 1, or 0 if it was used or expired. Safe to repeat. */
    int use(String tokenHash, Instant at);

    /** Marks the link's "end all my sessions" done if its session was ended through it and it has not expired; returns 1 or 0. */
    int useForAll(String tokenHash, Instant at);

    /** Removes links that expired before {@code before}; returns how many. */
    int removeExpired(Instant before);

    record Link(SessionId session, AccountId account, Instant createdAt, Instant expiresAt, Optional<Instant> usedAt,
                Optional<Instant> allAt) {
        boolean expired(Instant now) {
            return !now.isBefore(expiresAt);
        }
    }
}
