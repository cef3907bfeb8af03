package dev.lanyard.apps;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

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

    GrantCleanup(GrantStore grants, TransactionTemplate transactions, Clock clock) {
        this.grants = grants;
        this.transactions = transactions;
        this.clock = clock;
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
