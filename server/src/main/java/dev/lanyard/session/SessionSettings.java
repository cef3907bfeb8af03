package dev.lanyard.session;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.modulith.NamedInterface;

/**
 * Session mechanics ({@code lanyard.session.*}). Lifetimes are not here: they are each team's
 * policy ({@link dev.lanyard.account.TeamPolicy}).
 *
 * @param cookieName       cookie name, an RFC 6265 token; {@code __Host-} is put in front of it on HTTPS
 * @param flushInterval    how often recorded activity is written to the database
 * @param activeWindow     activity within this window shows as "Active now"
 * @param cacheSize        sessions held in the validation cache
 * @param cacheRefresh     a cached session is read again after this long, so activity recorded on other nodes shows
 * @param sweepInterval    how often expired sessions are ended in the background
 * @param sweepBatch       sessions ended (or purged) per transaction by the sweep, the purge and a team sign-out;
 *                         0 (the default): {@value #SQLITE_BATCH} on SQLite, {@value #POSTGRES_BATCH} on PostgreSQL
 *                         (see {@link #batch(boolean)})
 * @param historyRetention ended sessions are kept this long, then purged
 *
 * <p>Unset, each has its default; a value that is set and out of range stops the start (Boot's "failed to bind"
 * report names it). Numbers are boxed so that an unset one ({@code null}) differs from a 0 that was set.
 */
@ConfigurationProperties("lanyard.session")
@NamedInterface("views")
public record SessionSettings(String cookieName, Duration flushInterval, Duration activeWindow, Long cacheSize,
                       Duration cacheRefresh, Duration sweepInterval, Integer sweepBatch, Duration historyRetention) {
    public SessionSettings {
        if (cookieName == null || cookieName.isBlank()) cookieName = "lanyard_session";
        if (flushInterval == null) flushInterval = Duration.ofSeconds(5);
        if (activeWindow == null) activeWindow = Duration.ofMinutes(5);
        if (cacheSize == null) cacheSize = 100_000L;
        if (cacheRefresh == null) cacheRefresh = Duration.ofMinutes(1);
        if (sweepInterval == null) sweepInterval = Duration.ofMinutes(1);
        if (sweepBatch == null) sweepBatch = 0;
        if (historyRetention == null) historyRetention = Duration.ofDays(90);
        requireCookieName(cookieName);
        // @Scheduled reads the two intervals too: a 0 or negative one would stop the start much later, unexplained.
        requirePositive("flush-interval", flushInterval, "5s");
        requirePositive("sweep-interval", sweepInterval, "1m");
        requirePositive("cache-refresh", cacheRefresh, "1m");
        // Negative, the purge's cut-off would lie in the future and every ended session would go at once.
        requirePositive("history-retention", historyRetention, "90d");
        if (activeWindow.isNegative())
            throw new IllegalArgumentException("lanyard.session.active-window must be 0s or more (like 5m)");
        if (cacheSize <= 0) throw new IllegalArgumentException("lanyard.session.cache-size must be at least 1 (like 100000), not " + cacheSize);
        if (sweepBatch < 0)
            throw new IllegalArgumentException("lanyard.session.sweep-batch must be 0 (the database's own) or more, not " + sweepBatch);
    }

    private static void requirePositive(String name, Duration value, String example) {
        if (value.isZero() || value.isNegative())
            throw new IllegalArgumentException("lanyard.session." + name + " must be longer than 0s (like " + example + ")");
    }

    /**
     * An RFC 6265 cookie-name (an RFC 2616 token: visible ASCII but separators), without the {@code __Host-} or
     * {@code __Secure-} prefix, which Lanyard puts in front on HTTPS itself and which a browser refuses on a cookie
     * that is not Secure. Otherwise every cookie sign-in would fail after its session was stored.
     */
    private static void requireCookieName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            // Not "a cookie name token: …": the log's redaction takes what follows "token: " for a secret (outside review).
            if (c <= 0x20 || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0)
                throw new IllegalArgumentException("lanyard.session.cookie-name must be a cookie name made of letters, digits and "
                        + "!#$%&'*+-.^_`|~ only, with no spaces or ()<>@,;:\\\"/[]?={} (like lanyard_session)");
        }
        if (name.regionMatches(true, 0, "__Host-", 0, 7) || name.regionMatches(true, 0, "__Secure-", 0, 9))
            throw new IllegalArgumentException("lanyard.session.cookie-name must not start with __Host- or __Secure-: "
                    + "Lanyard puts __Host- in front of it on HTTPS");
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
