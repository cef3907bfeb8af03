package dev.lanyard.ops;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.springframework.boot.health.contributor.Health;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * How the mail and signal outboxes' health components read the database. UNKNOWN when it cannot be read: the db
 * component says DOWN, and these must not turn {@code /actuator/health} into an error. Once a read failed, neither
 * tries again for {@link #UNREADABLE}: each try waits out the pool's connection timeout (5 s) after the db
 * component already did, so a health request during an outage took 10 s, longer than a load balancer waits
 * (outside QA). The first request of an outage, and one every 15 s, still takes that long.
 */
@Component
public class OutboxHealthReads {
    static final long UNREADABLE = TimeUnit.SECONDS.toNanos(15);

    /** When the outboxes may try the database again ({@link System#nanoTime()}); 0 when the last read worked. */
    private final AtomicLong unreadableUntil = new AtomicLong();

    /** The health {@code read} gives, or UNKNOWN when the database cannot be read, or could not be lately. */
    public Health health(Supplier<Health> read) {
        long until = unreadableUntil.get();
        if (until != 0 && System.nanoTime() - until < 0) return unreadable();
        try {
            Health health = read.get();
            unreadableUntil.set(0);
            return health;
        } catch (DataAccessException unreachable) {
            unreadableUntil.set(System.nanoTime() + UNREADABLE);
            return unreadable();
        }
    }

    private static Health unreadable() {
        return Health.unknown().withDetail("reason", "the database cannot be read").build();
    }
}
