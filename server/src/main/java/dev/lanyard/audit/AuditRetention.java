package dev.lanyard.audit;

import java.time.Clock;

import dev.lanyard.geo.PrivacySettings;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The audit log's two retentions (PRODUCT.md D6, docs/decisions/0049): hourly, the addresses of entries
 * older than {@code lanyard.privacy.ip-retention} are reduced to their networks; daily (and a few
 * minutes after each start), entries older than {@code lanyard.audit.retention}, if it is set, are
 * removed. Each removal is itself an entry, so it runs daily: a team's log gains at most one a day.
 */
@Component
class AuditRetention {
    private static final Logger log = LoggerFactory.getLogger(AuditRetention.class);

    private final AuditLog audit;
    private final AuditSettings settings;
    private final PrivacySettings privacy;
    private final Clock clock;

    AuditRetention(AuditLog audit, AuditSettings settings, PrivacySettings privacy, Clock clock) {
        this.audit = audit;
        this.privacy = privacy;
        this.settings = settings;
        this.clock = clock;
    }

    /** Returns how many entries were removed. */
    @Scheduled(fixedDelayString = "P1D", initialDelayString = "PT11M")
    long removeOld() {
        if (settings.kept().isEmpty()) return 0;
        long removed = audit.removeOlderThan(settings.kept().get(), clock.instant());
        if (removed > 0) log.info("Removed {} audit entries older than {} (lanyard.audit.retention)", removed, settings.kept().get());
        return removed;
    }

    /** Returns how many entries' addresses were reduced. */
    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT9M")
    long reduceAddresses() {
        long reduced = audit.reduceAddresses(privacy.reduceBefore(clock.instant()));
        if (reduced > 0) log.info("Reduced the addresses of {} audit entries older than {} to their networks", reduced, privacy.ipRetention());
        return reduced;
    }
}
