package dev.lanyard.session;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import dev.lanyard.account.AccountEvent;
import dev.lanyard.account.TeamPolicy;
import dev.lanyard.geo.PrivacySettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Session lifetimes over time (PRODUCT.md L1–L4): applies a team's new policy to its open
 * sessions, ends expired sessions in the background in bounded batches, and purges history past
 * its retention. Checks never wait for the sweep: {@link Sessions#check} tests expiry itself.
 */
@Component
class SessionLifetimes {
    private static final Logger log = LoggerFactory.getLogger(SessionLifetimes.class);

    private final SessionStore store;
    private final dev.lanyard.account.Accounts accounts;
    private final ActivityRecorder activity;
    private final SessionBroadcast broadcast;
    private final SessionSettings settings;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final PrivacySettings privacy;
    private final dev.lanyard.account.Mailer mailer;

    SessionLifetimes(SessionStore store, dev.lanyard.account.Accounts accounts, ActivityRecorder activity, SessionBroadcast broadcast,
                     SessionSettings settings, TransactionTemplate transactions, Clock clock, PrivacySettings privacy,
                     dev.lanyard.account.Mailer mailer) {
        this.privacy = privacy;
        this.mailer = mailer;
        this.store = store;
        this.accounts = accounts;
        this.activity = activity;
        this.broadcast = broadcast;
        this.settings = settings;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** In the policy change's transaction: open sessions get the new lifetimes from their next request on. */
    @EventListener
    void policyChanged(AccountEvent.PolicyChanged change) {
        TeamPolicy p = change.after();
        store.applyPolicy(change.team(), p.idleTimeout(), p.lifetime(true), p.lifetime(false), clock.instant());
        broadcast.teamChanged(change.team());
    }

    /**
     * In the change's transaction: a member made a high-security account, or no longer, has their open
     * sessions' lifetimes follow from their next request on every node, as for a team policy change:
     * the team's lifetimes, which the store's statement cuts to the shorter one for a high-security member.
     */
    @EventListener
    void rememberMeChanged(AccountEvent.MemberRememberMeChanged change) {
        TeamPolicy p = accounts.policy(change.team());
        store.applyPolicy(change.member(), p.idleTimeout(), p.lifetime(true), p.lifetime(false), clock.instant());
        broadcast.teamChanged(change.team());
    }

    /** Ends expired sessions, a bounded batch per transaction, until none is left. Returns how many. */
    @Scheduled(fixedDelayString = "${lanyard.session.sweep-interval:1m}", initialDelayString = "${lanyard.session.sweep-interval:1m}")
    int sweep() {
        int total = 0;
        int size = settings.batch(broadcast.clustered());
        Batch batch;
        // The other nodes' acknowledgements are waited for once, after the last batch (decision 30).
        List<Runnable> waits = new java.util.ArrayList<>();
        try {
            do {
                Instant now = clock.instant();
                batch = transactions.execute(tx -> endExpired(now, size, waits));
                total += batch.ended();
                // Stop when a full batch ended nothing: all of it was busy in memory, and the rest waits for the next sweep.
            } while (batch.found() == size && batch.ended() > 0);
        } finally {
            waits.forEach(Runnable::run);
        }
        if (total > 0) log.info("Ended {} expired sessions", total);
        return total;
    }

    private record Batch(int found, int ended) {
    }

    private Batch endExpired(Instant now, int size, List<Runnable> waits) {
        List<SessionStore.Expired> expired = store.expired(now, size);
        // One UPDATE and one broadcast per reason for the whole batch, not one of each per session.
        java.util.Map<EndReason, java.util.Map<SessionId, dev.lanyard.account.AccountId>> byReason = new java.util.EnumMap<>(EndReason.class);
        for (SessionStore.Expired e : expired) {
            // Activity not yet flushed can show that a session is busy, not idle. Reading it here
            // instead of flushing keeps writes to one per session per flush interval.
            if (e.reason() == EndReason.IDLE_EXPIRED && busyInMemory(e.id(), now)) continue;
            byReason.computeIfAbsent(e.reason(), r -> new java.util.LinkedHashMap<>()).put(e.id(), e.owner());
        }
        // Each row records when it expired, as the lists showed it before (Session.endedIfExpired).
        return new Batch(expired.size(), SessionEnds.endAsExpired(store, broadcast, byReason, now, waits).size());
    }

    private boolean busyInMemory(SessionId id, Instant now) {
        return activity.pending(id).flatMap(p -> store.findAnyOwner(id)
                        .map(s -> p.lastActiveAt().plus(s.idleTimeout()).isAfter(now)))
                .orElse(false);
    }

    /** Deletes ended sessions older than the history retention, in batches. Returns how many. */
    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT5M")
    int purge() {
        Instant cutoff = clock.instant().minus(settings.historyRetention());
        int total = 0;
        int size = settings.batch(broadcast.clustered());
        int deleted;
        do {
            deleted = transactions.execute(tx -> store.purgeEnded(cutoff, size));
            total += deleted;
        } while (deleted == size);
        if (total > 0) log.info("Purged {} sessions that ended before {}", total, cutoff);
        return total;
    }

    /**
     * Deletes, hourly, the mails kept longer than the history retention, in batches: those of the development outbox, whole
     * bodies and links, and the SMTP outbox's sent or given up, whose recipients and subjects would otherwise stay forever
     * (outside review). Returns how many.
     */
    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT5M")
    int purgeMail() {
        Instant cutoff = clock.instant().minus(settings.historyRetention());
        int total = mailer.forgetMailBefore(cutoff, settings.batch(broadcast.clustered()));
        if (total > 0) log.info("Purged {} mails kept from before {}", total, cutoff);
        return total;
    }

    /**
     * Reduces to their networks the addresses of sessions unused for {@code lanyard.privacy.ip-retention}
     * and of timeline entries that old (PRODUCT.md D6), hourly, in batches. A session used again later
     * records its address anew (its timeline then says it was used from a new address).
     */
    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT6M")
    int reduceAddresses() {
        Instant before = privacy.reduceBefore(clock.instant());
        int size = settings.batch(broadcast.clustered());
        int total = 0;
        int changed;
        do {
            changed = transactions.execute(tx -> store.reduceAddresses(before, size));
            total += changed;
        } while (changed == size);
        if (total > 0) log.info("Reduced the addresses of up to {} sessions and timeline entries last seen before {} to their networks", total, before);
        return total;
    }

}
