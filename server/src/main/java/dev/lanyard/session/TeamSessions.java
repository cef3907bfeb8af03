package dev.lanyard.session;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountEvent;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.Role;
import dev.lanyard.account.TeamId;
import jakarta.annotation.PreDestroy;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Team admins' view of and power over their team's sessions (PRODUCT.md T2–T4). Every method
 * checks that the caller is an admin (else 403) and that the member is in the caller's team (else
 * "not found", exactly like an unknown id).
 */
@Service
public class TeamSessions {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TeamSessions.class);
    static final int MAX_REASON = 500;

    private final SessionStore store;
    private final SessionReads reads;
    private final TeamSessionStore teamStore;
    private final SessionBroadcast broadcast;
    private final SessionEnds ends;
    private final Accounts accounts;
    private final SessionSettings settings;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;
    private final Clock clock;
    /** The second worker of a team sign-out on PostgreSQL; a thread only while a sign-out runs. */
    private final ExecutorService helpers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "lanyard-team-sign-out");
        thread.setDaemon(true);
        return thread;
    });

    TeamSessions(SessionStore store, SessionReads reads, TeamSessionStore teamStore, SessionBroadcast broadcast, SessionEnds ends,
                 Accounts accounts, SessionSettings settings, ApplicationEventPublisher events,
                 TransactionTemplate transactions, Clock clock) {
        this.store = store;
        this.reads = reads;
        this.teamStore = teamStore;
        this.broadcast = broadcast;
        this.ends = ends;
        this.accounts = accounts;
        this.settings = settings;
        this.events = events;
        this.transactions = transactions;
        this.clock = clock;
    }

    /**
     * A member with their number of active sessions and their last activity, in any session, ended ones
     * included (PRODUCT.md T2): a member signed out a minute ago was active a minute ago.
     */
    public record MemberSessions(Account member, int active, Optional<Instant> lastActive, int flagged) {
    }

    /** One page of the team overview, the {@link Cursors cursor} of the next page and the team's total of active sessions. */
    public record Overview(List<MemberSessions> members, Optional<String> nextCursor, int totalActive) {
    }

    /** @param cursor the {@link Overview#nextCursor()} of the previous page; a value that is not one is refused */
    public Overview overview(CurrentSession admin, String emailPrefix, int limit, Optional<String> cursor) {
        return overview(admin, emailPrefix, false, limit, cursor);
    }

    /** {@link #overview(CurrentSession, String, int, Optional)}; {@code flaggedOnly}: only members with a flagged active session. */
    public Overview overview(CurrentSession admin, String emailPrefix, boolean flaggedOnly, int limit, Optional<String> cursor) {
        requireAdmin(admin);
        Optional<String> afterEmail = cursor.flatMap(Cursors::decodeEmail);
        int size = Math.max(1, Math.min(limit, Sessions.MAX_PAGE));
        String prefix = emailPrefix == null ? "" : emailPrefix.strip().toLowerCase(java.util.Locale.ROOT);
        Instant now = clock.instant();
        List<TeamSessionStore.MemberCount> rows = teamStore.members(admin.account().team(), prefix, flaggedOnly, now, size + 1, afterEmail);
        // One statement for the page's accounts, not one per row; a member removed meanwhile is left out.
        java.util.Map<AccountId, Account> found = accounts.find(rows.stream().limit(size).map(TeamSessionStore.MemberCount::account).toList());
        List<MemberSessions> members = rows.stream().limit(size).filter(r -> found.containsKey(r.account()))
                .map(r -> new MemberSessions(found.get(r.account()), r.active(), r.lastActive(), r.flagged())).toList();
        Optional<String> next = rows.size() > size && !members.isEmpty()
                ? Optional.of(Cursors.encode(members.get(members.size() - 1).member().email())) : Optional.empty();
        return new Overview(members, next, teamStore.activeCount(admin.account().team(), Optional.empty(), now));
    }

    /**
     * How many active sessions and API keys a sign-out of the team by {@code admin} would end now: all of the team's but the
     * admin's own sign-in ({@link #signOutTeam}). None, and the sign-out is not offered.
     */
    public int teamSignOutWouldEnd(CurrentSession admin) {
        requireAdmin(admin);
        return teamStore.activeCount(admin.account().team(), kept(admin), clock.instant());
    }

    /** The session a team sign-out leaves: the admin's own sign-in; an API key making the request ends with the team's other keys. */
    private static Optional<SessionId> kept(CurrentSession admin) {
        return admin.apiKey() ? Optional.empty() : Optional.of(admin.id());
    }

    /**
     * A page of the member's active sessions and API keys with every detail, in the order of the member's own list
     * (most recently active first, keys never used last); the {@link Sessions.Page#nextCursor} reads the next page.
     */
    public Sessions.Page<Session> of(CurrentSession admin, AccountId memberId, int limit, Optional<String> cursor) {
        return reads.active(member(admin, memberId).id(), Optional.empty(), ListFilter.ALL, limit, cursor);
    }

    /**
     * {@link #of} without the member's API keys, which the member's page lists apart ({@code keys.ApiKeys}), so that many
     * sessions never push them off it (outside review: a member with 502 sessions showed 100 and "No active API keys").
     */
    public Sessions.Page<Session> withoutKeysOf(CurrentSession admin, AccountId memberId, int limit, Optional<String> cursor) {
        return reads.activeWithoutKeys(member(admin, memberId).id(), limit, cursor);
    }

    /**
     * How many active sessions (API keys left out) and API keys the member has, and how many of each a
     * {@link #forceSignOut} by {@code admin} would end now: all of them, but the session the admin uses on their own
     * page. Counted as the lists read them, whatever their number; sessions expired but not yet swept are not counted,
     * as a force sign-out does not count them.
     */
    public record MemberCounts(int sessions, int keys, int endingSessions, int endingKeys) {
        /** Whether a force sign-out would end nothing. */
        public boolean nothingToEnd() {
            return endingSessions == 0 && endingKeys == 0;
        }
    }

    /** {@link MemberCounts} of a member of the admin's team. */
    public MemberCounts counts(CurrentSession admin, AccountId memberId) {
        Account member = member(admin, memberId);
        Instant now = clock.instant();
        Instant inactiveBefore = now.minus(ListFilter.INACTIVE_AFTER);
        ListFilter.Counts all = store.count(member.id(), now, inactiveBefore, Optional.empty());
        ListFilter.Counts ending = member.id().equals(admin.account().id())
                ? store.count(member.id(), now, inactiveBefore, Optional.of(admin.id())) : all;
        return new MemberCounts(all.all() - all.apiKeys(), all.apiKeys(), ending.all() - ending.apiKeys(), ending.apiKeys());
    }

    public Account member(CurrentSession admin, AccountId memberId) {
        requireAdmin(admin);
        return accounts.find(memberId).filter(m -> m.team().equals(admin.account().team()))
                .orElseThrow(AccountProblem.NotFound::new);
    }

    /**
     * Ends every session and API key of a member, with a required reason the member will see. Returns how many ended.
     * Safe to repeat: where nothing was active, nothing ends and nothing is recorded (an audit entry of "0 sessions"
     * would say an admin acted on the member when nothing happened to them). Sessions that had expired but that the
     * sweep had not ended yet end as expired, when they expired, and are not counted ({@link SessionEnds#endAll}).
     */
    public int forceSignOut(CurrentSession admin, AccountId memberId, String reason) {
        Account member = member(admin, memberId);
        String why = checkedReason(reason);
        return transactions.execute(tx -> {
            accounts.lockTeamAsAdmin(admin.account());
            Instant now = clock.instant();
            Session.Ending ending = new Session.Ending(now, EndReason.ADMIN_REVOKED, Optional.of(admin.account().id()),
                    Optional.of(admin.id()), Optional.of(why));
            Optional<SessionId> keep = member.id().equals(admin.account().id()) ? Optional.of(admin.id()) : Optional.empty();
            List<SessionId> ended = ends.endAll(member.id(), keep, ending);
            if (ended.isEmpty()) return 0;
            events.publishEvent(new AdminSignOut.Member(admin.account().team(), admin.account().id(), admin.id(),
                    member.id(), why, ended.size(), now));
            return ended.size();
        });
    }

    /**
     * Ends every session of the team but the admin's current one (an API key making the request ends too), in batches, with a reason. Returns how many ended.
     * Safe to repeat: where nothing but the admin's own sign-in is active, nothing ends and nothing is recorded, as for a
     * member's {@link #forceSignOut} (sessions expired but not yet swept are left to the sweep, which ends them as expired).
     * Where it signs the team out, sessions that had expired end first as expired, when they expired, as the sweep would
     * end them, and are not counted ({@link #endExpiredBatches}).
     *
     * <p>On PostgreSQL two batches run at once, each in its own transaction, leaving out the rows the
     * other holds: the database then ends sessions on two cores, which is most of the time of a large
     * team's sign-out (docs/decisions/0037). A last pass, one batch at a time, waits for any row that
     * was held (an activity flush) and ends sessions that started meanwhile; on SQLite, whose one
     * writer would take the batches one at a time anyway, it is the whole sign-out.
     */
    public int signOutTeam(CurrentSession admin, String reason) {
        requireAdmin(admin);
        String why = checkedReason(reason);
        // Still an admin, read again: the batches below each commit on their own and hold no team lock.
        transactions.executeWithoutResult(tx -> accounts.lockTeamAsAdmin(admin.account()));
        TeamId team = admin.account().team();
        Instant now = clock.instant();
        Session.Ending ending = new Session.Ending(now, EndReason.ADMIN_REVOKED, Optional.of(admin.account().id()),
                Optional.of(admin.id()), Optional.of(why));
        // The admin's own sign-in stays, to see what happened; an API key making the request is one of the team's keys,
        // every one of which this revokes (a leaked admin key is what a sign-out of everyone is often for).
        Optional<SessionId> keep = kept(admin);
        // A page opened before the team's last other session ended, or a request sent again: an audit entry of
        // "0 sessions" would say the admin acted on the team when nothing happened to it.
        if (teamStore.activeCount(team, keep, now) == 0) return 0;
        // Each batch commits and goes out to the other nodes at once; their acknowledgements are
        // waited for once, after the last batch, not one round trip per batch (decision 30).
        List<Runnable> waits = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger ended = new AtomicInteger();
        try {
            endExpiredBatches(team, keep, now, waits);
            if (broadcast.clustered()) bothAtOnce(() -> endBatches(team, keep, ending, true, waits, ended));
            endBatches(team, keep, ending, false, waits, ended);
        } catch (RuntimeException e) {
            // The batches that committed stay ended; the admin is told how many, not that nothing changed.
            if (ended.get() == 0) throw e;
            log.warn("The sign-out of team {} failed after {} sessions ended: {}", team.value(), ended.get(), e.toString());
            // The admin's action is in the log as what it did, if the database takes it now; the ended sessions
            // have their own entries either way.
            try {
                recordTeamSignOut(admin, why, ended.get(), false, now);
            } catch (RuntimeException alsoFailed) {
                e.addSuppressed(alsoFailed);
                log.warn("Could not record the incomplete sign-out of team {}: {}", team.value(), alsoFailed.toString());
            }
            throw new SessionProblem.PartlySignedOut(ended.get(), e);
        } finally {
            List.copyOf(waits).forEach(Runnable::run);
        }
        int count = ended.get();
        // Ended meanwhile by their members, an expiry or another admin: nothing was done here either.
        if (count > 0) recordTeamSignOut(admin, why, count, true, now);
        return count;
    }

    private void recordTeamSignOut(CurrentSession admin, String why, int count, boolean complete, Instant now) {
        transactions.executeWithoutResult(tx -> events.publishEvent(new AdminSignOut.Team(admin.account().team(),
                admin.account().id(), admin.id(), why, count, complete, now)));
    }

    private record ExpiredBatch(int found, int ended) {
    }

    /**
     * Ends the team's sessions that had expired by {@code now} but that the sweep had not ended yet as expired, a batch
     * per transaction as the sweep does ({@link SessionEnds#endExpired}), so that the batches of the sign-out that follow
     * revoke only those that had not. Stops, as the sweep does, when a batch comes back short or when a full one ended
     * nothing (all of it in use in this node's memory, or ended meanwhile by a sweep): the sign-out revokes what is left.
     */
    private void endExpiredBatches(TeamId team, Optional<SessionId> keep, Instant now, List<Runnable> waits) {
        int size = settings.batch(broadcast.clustered());
        ExpiredBatch batch;
        do {
            batch = transactions.execute(tx -> {
                List<Session> found = teamStore.expired(team, keep, now, size);
                return new ExpiredBatch(found.size(), ends.endExpired(found, now, waits).size());
            });
        } while (batch.found() == size && batch.ended() > 0);
    }

    /** Ends the team's sessions a batch per transaction until a batch comes back short, counting each committed batch in {@code ended}. */
    private void endBatches(TeamId team, Optional<SessionId> keep, Session.Ending ending, boolean skipLocked, List<Runnable> waits,
                            AtomicInteger ended) {
        int size = settings.batch(broadcast.clustered());
        List<Session> batch;
        do {
            batch = transactions.execute(tx -> {
                List<Session> rows = teamStore.endBatch(team, keep, ending, size, skipLocked);
                broadcast.endedRows(rows, ending, waits);
                return rows;
            });
            ended.addAndGet(batch.size());
        } while (batch.size() == size);
    }

    /** Runs {@code work} on this thread and on a helper at once; returns once both are done, throwing what either threw. */
    private void bothAtOnce(Runnable work) {
        CompletableFuture<Void> other = CompletableFuture.runAsync(work, helpers);
        try {
            work.run();
        } catch (RuntimeException | Error e) {
            try {
                join(other);
            } catch (RuntimeException | Error also) {
                e.addSuppressed(also);
            }
            throw e;
        }
        join(other);
    }

    /**
     * Waits for the helper, without giving up on an interrupt: its batches commit on their own, so
     * the count and the waits are whole only once it is done ({@link CompletableFuture#join}).
     */
    private static void join(CompletableFuture<Void> helper) {
        try {
            helper.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error error) throw error;
            throw e;
        }
    }

    @PreDestroy
    void stopHelpers() {
        helpers.shutdown();
    }

    /**
     * A removed member's sessions and API keys end with the removal, in its transaction; those that had expired end as
     * expired ({@link SessionEnds#endAll}).
     */
    @EventListener
    void memberRemoved(AccountEvent.MemberRemoved removed) {
        ends.endAll(removed.member(), Optional.empty(), new Session.Ending(removed.at(), EndReason.REMOVED,
                Optional.of(removed.by()), CurrentSession.actingFor(removed.by()), Optional.empty()));
    }

    /** A role change takes effect on the member's next request, on every node. */
    @EventListener
    void roleChanged(AccountEvent.RoleChanged changed) {
        broadcast.teamChanged(changed.team());
    }

    /**
     * An admin's reason, stripped, as a force sign-out takes it: required, at most {@link #MAX_REASON} characters, none a
     * control or direction character; else {@link SessionProblem.InvalidInput} naming {@code reason}.
     */
    public static String checkedReason(String reason) {
        String why = dev.lanyard.FreeText.strip(reason);
        if (why.isEmpty()) throw new SessionProblem.InvalidInput("reason", "Give a reason. Whoever is signed out is shown it, and it is recorded in the audit log.");
        if (dev.lanyard.FreeText.length(why) > MAX_REASON) throw new SessionProblem.InvalidInput("reason", "Use a reason of at most " + MAX_REASON + " characters.");
        dev.lanyard.FreeText.refusal(why, true).ifPresent(what -> {
            throw new SessionProblem.InvalidInput("reason", "The reason cannot contain " + what + ".");
        });
        return why;
    }

    /** Throws {@link AccountProblem.Forbidden} unless the caller is an admin; checked before any input. */
    public static void requireAdmin(CurrentSession admin) {
        if (admin.account().role() != Role.ADMIN) throw new AccountProblem.Forbidden();
    }
}
