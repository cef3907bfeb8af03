package dev.lanyard.session;

import java.time.Instant;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.TeamId;

/**
 * An admin ended sessions of others with a reason (PRODUCT.md T3, T4). Published once per action,
 * in its transaction, besides the {@link SessionsEnded} of each batch of sessions it ended.
 */
public sealed interface AdminSignOut {
    TeamId team();

    AccountId admin();

    SessionId adminSession();

    String reason();

    int ended();

    Instant at();

    /** Every session of one member ended. */
    record Member(TeamId team, AccountId admin, SessionId adminSession, AccountId member, String reason, int ended,
                  Instant at) implements AdminSignOut {
    }

    /**
     * Every session of the team ended, but the admin's own current one; or, {@code complete} false, the sign-out
     * failed after {@code ended} of them (their batches committed) and the others stayed active. {@code resumed}: a
     * restart cut it short, and it was finished after it ({@code at}), {@code ended} counting the sessions of both runs.
     */
    record Team(TeamId team, AccountId admin, SessionId adminSession, String reason, int ended, boolean complete, boolean resumed,
                Instant at) implements AdminSignOut {
    }
}
