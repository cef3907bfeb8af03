package dev.lanyard.session;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Session lifetimes and mechanics ({@code lanyard.session.*}).
 *
 * @param cookieName     cookie name; {@code __Host-} is put in front of it on HTTPS
 * @param idleTimeout    a session with no activity for this long ends (zero: never)
 * @param lifetime       absolute lifetime of a session without "Remember me"
 * @param rememberedLifetime absolute lifetime of a remembered session
 * @param flushInterval  how often recorded activity is written to the database
 * @param activeWindow   activity within this window shows as "Active now"
 * @param cacheSize      sessions held in the validation cache
 */
@ConfigurationProperties("lanyard.session")
record SessionSettings(String cookieName, Duration idleTimeout, Duration lifetime, Duration rememberedLifetime,
                       Duration flushInterval, Duration activeWindow, long cacheSize) {
    SessionSettings {
        if (cookieName == null || cookieName.isBlank()) cookieName = "lanyard_session";
        if (idleTimeout == null) idleTimeout = Duration.ofDays(7);
        if (lifetime == null) lifetime = Duration.ofDays(7);
        if (rememberedLifetime == null) rememberedLifetime = Duration.ofDays(30);
        if (flushInterval == null) flushInterval = Duration.ofSeconds(5);
        if (activeWindow == null) activeWindow = Duration.ofMinutes(5);
        if (cacheSize <= 0) cacheSize = 100_000;
    }
}
