package dev.lanyard.session;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.TeamId;

/** A whole team's sessions, as its admins see and end them (PRODUCT.md T2, T4). */
interface TeamSessionStore {

    /**
     * Members of the team whose email starts with {@code prefix}, by email after {@code afterEmail},
     * at most {@code limit}: each with its number of active sessions and its last activity in any
     * session it still has, ended ones included (until the history's retention purges them). Removed
     * members are left out, and the counts leave out sessions that have expired by {@code now} as their
     * rows tell it (the sweep ends them within its interval; until then no request can use them).
     */
    List<MemberCount> members(TeamId team, String prefix, Instant now, int limit, Optional<String> afterEmail);

    /** {@link #members(TeamId, String, Instant, int, Optional)}, with {@code flaggedOnly}: only members with an active flagged session. */
    List<MemberCount> members(TeamId team, String prefix, boolean flaggedOnly, Instant now, int limit, Optional<String> afterEmail);

    /** @param flagged how many of the active sessions the risk assessment flagged (PRODUCT.md V3) */
    record MemberCount(AccountId account, int active, Optional<Instant> lastActive, int flagged) {
        MemberCount(AccountId account, int active, Optional<Instant> lastActive) {
            this(account, active, lastActive, 0);
        }
    }

    /**
     * Active sessions of the whole team, leaving out those expired by {@code now} as {@link #members} does, and whether
     * {@code keep} is one of them, in one statement that reads the index sessions_account_active, not the sessions' rows
     * (outside scale review: two counts that read 18,700 rows each were most of the team sessions page's 0.34 s).
     */
    ActiveCount activeCount(TeamId team, Optional<SessionId> keep, Instant now);

    /**
     * @param all  the team's active sessions and API keys
     * @param kept how many of them are the one kept: 1, or 0 where none is kept or it is not active
     */
    record ActiveCount(int all, int kept) {
        /** What a team sign-out that keeps that one would end now: with the admin's own sign-in kept, every other. */
        int ending() {
            return all - kept;
        }
    }

    /**
     * Up to {@code limit} sessions of the team other than {@code keep} that are still open but past their lifetime or
     * idle timeout at {@code now}, as their rows tell it: those the sweep has yet to end, which a team sign-out ends as
     * expired before it revokes the others ({@link SessionEnds#endExpired}).
     */
    List<Session> expired(TeamId team, Optional<SessionId> keep, Instant now, int limit);

    /**
     * Ends up to {@code limit} active sessions of the team other than {@code keep}; returns the rows
     * it ended as they are now (ended), read by the same statement ({@code RETURNING}), so that the
     * batch's listeners need not read them again. Repeat until it returns fewer than {@code limit};
     * a repeat ends only what is still active.
     *
     * <p>With {@code skipLocked}, on PostgreSQL, the batch leaves out rows another transaction holds
     * (another batch of the same sign-out, an activity flush) instead of waiting for them, so that
     * batches can run at once; a short batch then does not mean that none is left. Without it, it
     * waits for them.
     *
     * <p>With {@code signedInBy}, only sessions signed in at or before it: a team sign-out, in its first run as after a
     * restart, ends those that existed when the admin asked for it, not those signed in since.
     */
    List<Session> endBatch(TeamId team, Optional<SessionId> keep, Optional<Instant> signedInBy, Session.Ending ending, int limit,
                           boolean skipLocked);

    /** Records {@code asked} as started, claimed until {@code claimedUntil}; returns it with its id. */
    TeamSignOut startSignOut(TeamSignOut asked, Instant claimedUntil);

    /**
     * Adds {@code ended}, sessions and API keys, to the sign-out's counts and renews its claim until {@code claimedUntil}, in
     * the transaction of the batch that ended them; returns 1, or 0 if the sign-out is finished. Each call adds: a batch
     * calls it once.
     */
    int signOutProgressed(long id, SignOutCount ended, Instant claimedUntil);

    /**
     * Claims, until {@code claimedUntil}, the oldest unfinished sign-out whose claim ran out by {@code runOutBy}; returns it,
     * or empty if there is none. Two callers, on any nodes, never get the same one while its claim holds, and one whose
     * node renews its claim batch after batch is never taken from it.
     */
    Optional<TeamSignOut> claimSignOut(Instant runOutBy, Instant claimedUntil);

    /**
     * Marks the sign-out finished at {@code at}; returns it as it is now, with how many sessions and API keys every run of
     * it ended, or empty if it was finished already (by another run). Safe to repeat: only the first call finishes it.
     */
    Optional<TeamSignOut> finishSignOut(long id, Instant at);

    /** Deletes the sign-outs finished before {@code cutoff}; returns how many. Safe to repeat. */
    int purgeSignOuts(Instant cutoff);
}
