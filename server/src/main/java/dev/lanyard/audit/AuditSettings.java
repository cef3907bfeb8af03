package dev.lanyard.audit;

import java.time.Duration;
import java.util.Optional;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the audit log ({@code lanyard.audit.*}).
 *
 * @param retention entries older than this are removed, oldest first, the chain still verifiable from
 *                  where it then starts (PRODUCT.md D6, docs/decisions/0049); unset, entries are kept
 */
@ConfigurationProperties("lanyard.audit")
record AuditSettings(Duration retention) {
    /** An audit trail shorter than this would lose what an investigation of last month needs. */
    static final Duration MIN_RETENTION = Duration.ofDays(30);

    AuditSettings {
        if (retention != null && retention.compareTo(MIN_RETENTION) < 0)
            throw new IllegalArgumentException("lanyard.audit.retention must be at least 30 days (30d), or unset to keep every entry");
    }

    Optional<Duration> kept() {
        return Optional.ofNullable(retention);
    }
}
