package dev.lanyard.session;

import java.time.Instant;

import dev.lanyard.account.AccountId;

/**
 * What happened to sessions. Published inside the transaction that made the change. Endings are
 * {@link SessionsEnded}, one event for all the sessions of one ending.
 */
public sealed interface SessionEvent {
    SessionId id();

    AccountId owner();

    Instant at();

    /**
     * A session began; {@code session} is the row as it was inserted, and {@code verification} says how the
     * sign-in made it verified, if it is.
     */
    record Started(SessionId id, AccountId owner, Instant at, Session session, Verification verification) implements SessionEvent {
    }

    /** The session was used from another client address (and perhaps another place). */
    record AddressChanged(SessionId id, AccountId owner, String fromIp, String toIp,
                          dev.lanyard.geo.GeoLocation from, dev.lanyard.geo.GeoLocation to, Instant at)
            implements SessionEvent {
    }

    /** A verified session of the same member ({@code from}) approved the sign-in, which is now verified (PRODUCT.md V2). */
    record Approved(SessionId id, AccountId owner, SessionId from, Instant at) implements SessionEvent {
    }

    /**
     * The member passed a second factor in this session after it signed in ({@code how}), which is now verified
     * (PRODUCT.md V2, "a prompt to verify it").
     */
    record Verified(SessionId id, AccountId owner, Verification how, Instant at) implements SessionEvent {
    }

    record Renamed(SessionId id, AccountId owner, String name, Instant at) implements SessionEvent {
    }
}
