package dev.lanyard.session;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Sessions that just ended alike: one session signed out, a member's sessions, a batch of a team
 * sign-out or of the expiry sweep. Published once per ending, inside its transaction, with the rows
 * as they are now (ended), so that what listens (the audit log, the signals outbox)
 * writes a batch in a few statements and reads nothing per session. Every way a session ends comes
 * through here, once per session.
 *
 * @param ending   why and by whom, and when the ending was done (what the audit log records it at); the same for all
 *                 of them
 * @param sessions the ended sessions, never empty; owners may differ (a team, the sweep)
 */
public record SessionsEnded(Session.Ending ending, List<Session> sessions) {
    public SessionsEnded {
        Objects.requireNonNull(ending);
        sessions = List.copyOf(sessions);
        if (sessions.isEmpty()) throw new IllegalArgumentException("no session ended");
    }

    /** When the ending was done: the sign-out, the revocation, or the sweep or check that ended expired sessions. */
    public Instant at() {
        return ending.at();
    }

    /**
     * When {@code session}, one of these, ended, as its row says: {@link #at()}, but for an expired one the moment it
     * expired ({@link Session#endedIfExpired}), up to a sweep interval earlier, which is what it reads as everywhere.
     */
    public Instant endedAt(Session session) {
        return session.ending().map(Session.Ending::at).orElse(ending.at());
    }
}
