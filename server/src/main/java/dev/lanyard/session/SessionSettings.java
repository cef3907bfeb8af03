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
 * @param sweepBatch       sessions ended per transaction by the sweep
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
        if (sweepBatch <= 0) sweepBatch = 500;
        if (historyRetention == null) historyRetention = Duration.ofDays(90);
    }
}
