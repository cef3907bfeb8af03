package dev.lanyard.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import dev.lanyard.account.Accounts;
import dev.lanyard.ops.DatabaseKind;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs a sign-out of a whole team ({@link TeamSessions#signOutTeam}) from a record of it made when it starts, a batch per
 * transaction, and finishes one that a crash cut short. Each batch adds what it ended to the record and renews this
 * node's claim on it; the last marks it finished with the admin's audit entry. A record left unfinished (a node killed
 * mid-way: 61 of 300 sessions still worked after a restart, and nothing finished them, an outside review found) is
 * finished at the next start and by the sweep of every node once its claim has run out, and audited once, as finished
 * after a restart.
 */
@Component
class TeamSignOuts {
    private static final Logger log = LoggerFactory.getLogger(TeamSignOuts.class);
    /**
     * How long a sign-out stays its node's after its start or its last batch: far longer than a batch takes, so that
     * one still running is never taken over by another node; short enough that one whose node died is finished within
     * a sweep interval or two.
     */
    static final Duration CLAIM = Duration.ofMinutes(1);

    private final TeamSessionStore store;
    private final SessionBroadcast broadcast;
    private final SessionEnds ends;
    private final Accounts accounts;
    private final SessionSettings settings;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;
    private final DatabaseKind database;
    private final Clock clock;
    /** The second worker of a sign-out on PostgreSQL; a thread only while a sign-out runs. */
    private final ExecutorService helpers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "lanyard-team-sign-out");
        thread.setDaemon(true);
        return thread;
    });

    TeamSignOuts(TeamSessionStore store, SessionBroadcast broadcast, SessionEnds ends, Accounts accounts, SessionSettings settings,
                 ApplicationEventPublisher events, TransactionTemplate transactions, DatabaseKind database, Clock clock) {
        this.store = store;
        this.broadcast = broadcast;
        this.ends = ends;
        this.accounts = accounts;
        this.settings = settings;
        this.events = events;
        this.transactions = transactions;
        this.database = database;
        this.clock = clock;
    }

    /**
     * Checks, with the team locked, that {@code admin} is still its admin (the batches that follow each commit on their
     * own and hold no team lock) and, in the same transaction, records the sign-out as started, claimed by this node.
     * Empty, and nothing recorded, where nothing but {@code kept} is active: a page opened before the team's last other
     * session ended, or a request sent again (an audit entry of "0 sessions" would say the admin acted on the team when
     * nothing happened to it).
     */
    Optional<TeamSignOut> start(CurrentSession admin, Optional<SessionId> kept, String reason) {
        return transactions.execute(tx -> {
            accounts.lockTeamAsAdmin(admin.account());
            Instant now = clock.instant();
            if (store.activeCount(admin.account().team(), kept, now).ending() == 0) return Optional.empty();
            return Optional.of(store.startSignOut(TeamSignOut.asked(admin, kept, reason, now), now.plus(CLAIM)));
        });
    }

    /**
     * Ends the sign-out's sessions but the one kept, adding to {@code ended} those of each batch once it committed, sessions
     * and API keys apart: those signed in at or before its start, when the admin asked for it. A member who signs in while
     * it runs keeps that session, whether this is its first run or one that finishes it after a restart (outside review:
     * the first run also ended sessions signed in while it ran, batch after batch, which a resumed one left alone).
     * Sessions that had expired end first as expired, when they expired, as the sweep would end them, and are not counted
     * ({@link #endExpiredBatches}).
     *
     * <p>On PostgreSQL two batches run at once, each in its own transaction, leaving out the rows the
     * other holds: the database then ends sessions on two cores, which is most of the time of a large
     * team's sign-out (docs/decisions/0037). A last pass, one batch at a time, waits for any row that
     * was held (an activity flush); on SQLite, whose one writer would take the batches one at a time anyway, it is the
     * whole sign-out.
     */
    void endSessions(TeamSignOut signOut, AtomicReference<SignOutCount> ended) {
        Optional<Instant> signedInBy = Optional.of(signOut.startedAt());
        Instant now = clock.instant();
        Session.Ending ending = new Session.Ending(now, EndReason.ADMIN_REVOKED, Optional.of(signOut.admin()),
                Optional.of(signOut.adminSession()), Optional.of(signOut.reason()));
        // Each batch commits and goes out to the other nodes at once; their acknowledgements are
        // waited for once, after the last batch, not one round trip per batch (decision 30).
        List<Runnable> waits = Collections.synchronizedList(new ArrayList<>());
        try {
            endExpiredBatches(signOut, now, waits);
            if (broadcast.clustered()) bothAtOnce(() -> endBatches(signOut, signedInBy, ending, true, waits, ended));
            endBatches(signOut, signedInBy, ending, false, waits, ended);
        } finally {
            List.copyOf(waits).forEach(Runnable::run);
        }
    }

    /**
     * Marks the sign-out finished and records the admin's action in the audit log. Returns how many sessions and API keys
     * it ended, by every run of it; {@code endedHere} if another run finished it (one that took it over when this node's
     * claim ran out during a batch), which recorded it.
     */
    SignOutCount finish(TeamSignOut signOut, SignOutCount endedHere) {
        return close(signOut, true, false).map(TeamSignOut::ended).orElse(endedHere);
    }

    /**
     * Marks a sign-out that failed finished, with the admin's action in the audit log as far as it went: the admin is
     * told, and signs the team out again. If this fails too, the record stays unfinished, and is finished once its claim
     * runs out ({@link #resumeUnfinished}).
     */
    void failed(TeamSignOut signOut) {
        close(signOut, false, false);
    }

    /**
     * Marks the sign-out finished and, if it ended any session, records it in the audit log, in one transaction: at its
     * start, or, {@code resumed}, now, as finished after a restart. Empty if another run finished it first.
     */
    private Optional<TeamSignOut> close(TeamSignOut signOut, boolean complete, boolean resumed) {
        return transactions.execute(tx -> {
            Instant now = clock.instant();
            Optional<TeamSignOut> finished = store.finishSignOut(signOut.id(), now);
            finished.filter(done -> done.ended().total() > 0).ifPresent(done -> events.publishEvent(new AdminSignOut.Team(
                    done.team(), done.admin(), done.adminSession(), done.reason(), done.ended(), complete, resumed,
                    resumed ? now : done.startedAt())));
            return finished;
        });
    }

    /**
     * At start-up, finishes the sign-outs a crash cut short. On SQLite, which serves one node, every claim was given by an
     * earlier run of this node, and is taken at once: any given before now ends before now plus {@link #CLAIM}. On
     * PostgreSQL, only those whose claim ran out: another node may still be running one. Runs after the broadcast knows
     * which database it is ({@link SessionBroadcast#startListening}), as the batches' endings need it. A failure does not
     * stop the start: the sweep tries again.
     */
    @EventListener(ApplicationReadyEvent.class)
    void resumeAtStart() {
        Instant now = clock.instant();
        try {
            resume(database.postgres() ? now : now.plus(CLAIM));
        } catch (RuntimeException e) {
            log.warn("Could not finish at start-up a team sign-out that a restart cut short; the sweep tries again once its claim runs out", e);
        }
    }

    /** Finishes, on any node, the sign-outs whose node stopped before it finished them: those whose claim has run out. */
    @Scheduled(fixedDelayString = "${lanyard.session.sweep-interval:1m}", initialDelayString = "${lanyard.session.sweep-interval:1m}")
    int resumeUnfinished() {
        return resume(clock.instant());
    }

    /**
     * Claims and finishes, one after another, the unfinished sign-outs whose claim ran out by {@code runOutBy}; returns how
     * many it finished. Each ends what it had not ended of the sessions that existed when it started (a member signed in
     * since is left alone), with the same reason and the admin's own sign-in kept, and is audited once, with how many
     * sessions and API keys it ended in all, as finished after a restart. One that fails stays claimed, and is tried again
     * once its claim runs out.
     */
    private int resume(Instant runOutBy) {
        int finished = 0;
        for (Optional<TeamSignOut> claimed = claim(runOutBy); claimed.isPresent(); claimed = claim(runOutBy)) {
            TeamSignOut signOut = claimed.get();
            endSessions(signOut, new AtomicReference<>(SignOutCount.NONE));
            Optional<TeamSignOut> done = close(signOut, true, true);
            if (done.isEmpty()) continue;
            log.info("Finished the sign-out of team {} that a restart cut short; it ended {} in all", signOut.team().value(),
                    done.get().ended().inWords());
            finished++;
        }
        return finished;
    }

    private Optional<TeamSignOut> claim(Instant runOutBy) {
        return store.claimSignOut(runOutBy, clock.instant().plus(CLAIM));
    }

    /** Deletes, hourly, the records of sign-outs finished longer ago than the history retention: the audit log keeps the action. */
    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT5M")
    int purge() {
        return store.purgeSignOuts(clock.instant().minus(settings.historyRetention()));
    }

    private record ExpiredBatch(int found, int ended) {
    }

    /**
     * Ends the team's sessions that had expired by {@code now} but that the sweep had not ended yet as expired, a batch
     * per transaction as the sweep does ({@link SessionEnds#endExpired}), so that the batches of the sign-out that follow
     * revoke only those that had not. Stops, as the sweep does, when a batch comes back short or when a full one ended
     * nothing (all of it in use in this node's memory, or ended meanwhile by a sweep): the sign-out revokes what is left.
     * Each batch renews this node's claim on the sign-out.
     */
    private void endExpiredBatches(TeamSignOut signOut, Instant now, List<Runnable> waits) {
        int size = settings.batch(broadcast.clustered());
        ExpiredBatch batch;
        do {
            batch = transactions.execute(tx -> {
                List<Session> found = store.expired(signOut.team(), signOut.kept(), now, size);
                ExpiredBatch done = new ExpiredBatch(found.size(), ends.endExpired(found, now, waits).size());
                store.signOutProgressed(signOut.id(), SignOutCount.NONE, clock.instant().plus(CLAIM));
                return done;
            });
        } while (batch.found() == size && batch.ended() > 0);
    }

    /**
     * Ends the team's sessions a batch per transaction until a batch comes back short, adding each committed batch's
     * sessions and API keys to {@code ended}. Each batch adds its counts to the sign-out's record and renews this node's
     * claim on it, last in its transaction (after the audit chain's head, which every batch of the team takes in the same
     * order).
     */
    private void endBatches(TeamSignOut signOut, Optional<Instant> signedInBy, Session.Ending ending, boolean skipLocked,
                            List<Runnable> waits, AtomicReference<SignOutCount> ended) {
        int size = settings.batch(broadcast.clustered());
        List<Session> batch;
        do {
            batch = transactions.execute(tx -> {
                List<Session> rows = store.endBatch(signOut.team(), signOut.kept(), signedInBy, ending, size, skipLocked);
                broadcast.endedRows(rows, ending, waits);
                store.signOutProgressed(signOut.id(), SignOutCount.of(rows), clock.instant().plus(CLAIM));
                return rows;
            });
            ended.accumulateAndGet(SignOutCount.of(batch), SignOutCount::plus);
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
}
