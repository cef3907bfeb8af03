package dev.lanyard.session;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.modulith.NamedInterface;

/**
 * Session mechanics ({@code lanyard.session.*}). Lifetimes are not here: they are each team's
 * policy ({@link dev.lanyard.account.TeamPolicy}).
 *
 * @param cookieName       cookie name; {@code __Host-} is put in front of it on HTTPS
 * @param flushInterval    how often recorded activity is written to the database
 * @param activeWindow     activity within this window shows as "Active now"
 * @param cacheSize        sessions held in the validation cache
 * @param cacheRefresh     a cached session is read again after this long, so activity recorded on other nodes shows
 * @param sweepInterval    how often expired sessions are ended in the background
 * @param sweepBatch       sessions ended (or purged) per transaction by the sweep, the purge and a team sign-out;
 *                         0 (the default): {@value #SQLITE_BATCH} on SQLite, {@value #POSTGRES_BATCH} on PostgreSQL
 *                         (see {@link #batch(boolean)})
 * @param historyRetention ended sessions are kept this long, then purged
 */
@ConfigurationProperties("lanyard.session")
@NamedInterface("views")
public record SessionSettings(String cookieName, Duration flushInterval, Duration activeWindow, long cacheSize,
                       Duration cacheRefresh, Duration sweepInterval, int sweepBatch, Duration historyRetention) {
    public SessionSettings {
        if (cookieName == null || cookieName.isBlank()) cookieName = "lanyard_session";
        if (flushInterval == null) flushInterval = Duration.ofSeconds(5);
        if (activeWindow == null) activeWindow = Duration.ofMinutes(5);
        if (cacheSize <= 0) cacheSize = 100_000;
        if (cacheRefresh == null || cacheRefresh.isZero() || cacheRefresh.isNegative()) cacheRefresh = Duration.ofMinutes(1);
        if (sweepInterval == null) sweepInterval = Duration.ofMinutes(1);
        if (sweepBatch < 0) sweepBatch = 0;
        if (historyRetention == null) historyRetention = Duration.ofDays(90);
    }

    /** The batch on SQLite unless {@code sweep-batch} is set: its one writer waits for each batch's whole transaction. */
    public static final int SQLITE_BATCH = 500;
    /**
     * The batch on PostgreSQL unless {@code sweep-batch} is set: it locks only the batch's rows, and
     * each batch costs a durable commit and a fixed number of statements and notifications, so
     * fewer, larger batches end a 10,000-session team sooner (bench/RESULTS.md, decision 32).
     */
    public static final int POSTGRES_BATCH = 2000;

    /** Sessions ended (or purged) per transaction: {@code sweep-batch} when set, else the database's own. */
    public int batch(boolean postgres) {
        if (sweepBatch > 0) return sweepBatch;
        return postgres ? POSTGRES_BATCH : SQLITE_BATCH;
    }
}
