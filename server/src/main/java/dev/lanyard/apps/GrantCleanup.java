package dev.lanyard.apps;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deletes grants that can never be used again, hourly, in batches (the same rule as the session history's
 * purge): an ended grant is kept an hour after its session ended, so whatever reacts to the ending can still
 * read it, and an authorization request nobody finished is kept a day. Its tokens were refused from the
 * moment its session ended; deleting it changes no answer (a replayed refresh token is refused either way).
 * Safe on several nodes at once: each batch deletes by id, and a row deleted twice is deleted once.
 */
@Component
class GrantCleanup {
    static final Duration KEEP_ENDED = Duration.ofHours(1);
    static final Duration KEEP_ABANDONED = Duration.ofDays(1);
    static final int BATCH = 500;
    private static final Logger log = LoggerFactory.getLogger(GrantCleanup.class);

    private final GrantStore grants;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final dev.lanyard.session.Sessions sessions;

    GrantCleanup(GrantStore grants, TransactionTemplate transactions, Clock clock, dev.lanyard.session.Sessions sessions) {
        this.grants = grants;
        this.transactions = transactions;
        this.clock = clock;
        this.sessions = sessions;
    }

    /**
     * Ends, every minute, the sessions of grants whose code expired unexchanged (the app never finished the sign-in, or
     * its exchange failed): the session starts when the code is issued (decision 19), and would otherwise be listed as
     * an active app sign-in for days. Its history says the app never finished signing in. A code is good for
     * {@link LanyardRegisteredClients#CODE_LIFETIME}; the grant must be that much older. Returns how many ended; safe on
     * several nodes at once (ending an ended session changes nothing).
     */
    @Scheduled(fixedDelayString = "PT1M", initialDelayString = "PT1M")
    int endUnredeemed() {
        Instant before = clock.instant().minus(LanyardRegisteredClients.CODE_LIFETIME);
        int total = 0;
        // One batch a minute: more than a batch of abandoned sign-ins in a minute waits for the next run.
        for (GrantStore.SessionOf grant : grants.unredeemed(before, BATCH)) {
            total += sessions.endApp(List.of(new dev.lanyard.session.SessionId(grant.sessionId())),
                    new dev.lanyard.account.AccountId(grant.accountId()), dev.lanyard.session.EndReason.CODE_UNUSED).size();
        }
        if (total > 0) log.info("Ended {} app sign-ins whose code expired unused", total);
        return total;
    }

    /** Returns how many grants were deleted. */
    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT7M")
    int purge() {
        Instant now = clock.instant();
        int total = 0;
        int deleted;
        do {
            deleted = transactions.execute(tx -> grants.purge(now.minus(KEEP_ENDED), now.minus(KEEP_ABANDONED), BATCH));
            total += deleted;
        } while (deleted == BATCH);
        if (total > 0) log.info("Deleted {} ended or abandoned app grants", total);
        return total;
    }
}
