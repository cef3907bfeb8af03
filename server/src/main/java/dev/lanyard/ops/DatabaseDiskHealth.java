package dev.lanyard.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health component {@code databaseDisk}: DOWN for a minute after a write failed because the database's disk is full
 * ({@link DatabaseFull}), so that {@code /actuator/health} says why nothing can be stored where it stayed UP (outside
 * review: the database answers its check, which only reads). Readiness leaves it out: a node that cannot store still
 * serves what it can read, and every node shares the one database, so taking them out would stop those reads too.
 */
@Component("databaseDiskHealthIndicator")
public class DatabaseDiskHealth implements HealthIndicator {
    /** How long a full disk is reported after the last write it failed: any request or flush that writes meanwhile renews it. */
    static final Duration REPORTED_FOR = Duration.ofMinutes(1);

    private final Clock clock;
    private volatile Instant lastFull = Instant.MIN;

    public DatabaseDiskHealth(Clock clock) {
        this.clock = clock;
    }

    /** A write just failed because the database's disk is full. */
    public void full() {
        lastFull = clock.instant();
    }

    @Override
    public Health health() {
        Instant last = lastFull;
        if (last.plus(REPORTED_FOR).isBefore(clock.instant())) return Health.up().build();
        return Health.down().withDetail("reason", "the database's disk is full: nothing can be stored until there is room on it")
                .withDetail("lastFailedWrite", last.toString()).build();
    }
}
