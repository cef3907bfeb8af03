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
 * @param ending   when, why and by whom; the same for all of them
 * @param sessions the ended sessions, never empty; owners may differ (a team, the sweep)
 */
public record SessionsEnded(Session.Ending ending, List<Session> sessions) {
    public SessionsEnded {
        Objects.requireNonNull(ending);
        sessions = List.copyOf(sessions);
        if (sessions.isEmpty()) throw new IllegalArgumentException("no session ended");
    }

    public Instant at() {
        return ending.at();
    }
}
