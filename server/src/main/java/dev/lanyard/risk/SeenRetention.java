package dev.lanyard.risk;

import java.time.Clock;
import java.time.Instant;

import dev.lanyard.account.AccountEvent;
import dev.lanyard.geo.PrivacySettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Forgets, hourly, the addresses the risk assessment remembers once they were last seen longer ago
 * than {@code lanyard.privacy.ip-retention} (PRODUCT.md D6). Devices, countries and places (city-level
 * coordinates) are kept: they name no address. All of a member's goes when the member is removed, in the removal's
 * transaction ({@link #memberRemoved}): nothing is assessed for a member who can no longer sign in (outside review).
 */
@Component
class SeenRetention {
    private static final Logger log = LoggerFactory.getLogger(SeenRetention.class);
    /** Addresses forgotten per statement. */
    static final int BATCH = 5_000;

    private final SeenStore seen;
    private final PrivacySettings privacy;
    private final Clock clock;

    SeenRetention(SeenStore seen, PrivacySettings privacy, Clock clock) {
        this.seen = seen;
        this.privacy = privacy;
        this.clock = clock;
    }

    /** Returns how many addresses were forgotten. */
    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT8M")
    int forgetOldAddresses() {
        Instant before = privacy.reduceBefore(clock.instant());
        int forgotten = 0;
        int batch;
        do {
            batch = seen.forgetAddresses(before, BATCH);
            forgotten += batch;
        } while (batch == BATCH);
        if (forgotten > 0) log.info("Forgot {} addresses last seen more than {} ago", forgotten, privacy.ipRetention());
        return forgotten;
    }

    /** Forgets the devices, countries, addresses and places of a removed member. */
    @EventListener
    void memberRemoved(AccountEvent.MemberRemoved removed) {
        seen.forget(removed.member());
    }
}
