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

    /** How many sessions and how many API keys it ended. */
    SignOutCount ended();

    Instant at();

    /** Every session and API key of one member ended. */
    record Member(TeamId team, AccountId admin, SessionId adminSession, AccountId member, String reason, SignOutCount ended,
                  Instant at) implements AdminSignOut {
    }

    /**
     * Every session of the team ended, but the admin's own current one; or, {@code complete} false, the sign-out
     * failed after {@code ended} of them (their batches committed) and the others stayed active. {@code resumed}: a
     * restart cut it short, and it was finished after it ({@code at}), {@code ended} counting the sessions and keys of
     * both runs.
     */
    record Team(TeamId team, AccountId admin, SessionId adminSession, String reason, SignOutCount ended, boolean complete,
                boolean resumed, Instant at) implements AdminSignOut {
    }
}
