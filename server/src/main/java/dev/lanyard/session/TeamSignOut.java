package dev.lanyard.session;

import java.time.Instant;
import java.util.Optional;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.TeamId;

/**
 * A sign-out of a whole team as it is recorded from its start, so that one cut short by a crash can be finished
 * ({@link TeamSignOuts}).
 *
 * @param id           the record's; 0 before it is recorded
 * @param admin        who asked for it
 * @param adminSession the sign-in or API key they asked from
 * @param kept         the session that stays: the admin's own sign-in, none when an API key asked (it ends with the team's keys)
 * @param reason       the admin's reason, which whoever is signed out is shown
 * @param startedAt    when it was asked for
 * @param ended        how many sessions and API keys its batches have ended so far
 */
record TeamSignOut(long id, TeamId team, AccountId admin, SessionId adminSession, Optional<SessionId> kept, String reason,
                   Instant startedAt, SignOutCount ended) {

    /** The sign-out {@code admin} asks for at {@code at}, before it is recorded. */
    static TeamSignOut asked(CurrentSession admin, Optional<SessionId> kept, String reason, Instant at) {
        return new TeamSignOut(0, admin.account().team(), admin.account().id(), admin.id(), kept, reason, at, SignOutCount.NONE);
    }
}
