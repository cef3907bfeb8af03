package dev.lanyard.geo;

import java.time.Duration;
import java.time.Instant;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How long client addresses are kept in full ({@code lanyard.privacy.*}, PRODUCT.md D6,
 * docs/decisions/0049). Once older, an address is reduced to its network ({@link ClientAddresses#network}):
 * in a session unused for that long, in its timeline, in the audit log; and an address the risk
 * assessment remembers is forgotten. Each module that keeps addresses reduces its own, hourly.
 *
 * @param ipRetention how long an address is kept in full after it was last seen; at least a day
 */
@ConfigurationProperties("lanyard.privacy")
public record PrivacySettings(Duration ipRetention) {
    public static final Duration DEFAULT_IP_RETENTION = Duration.ofDays(90);

    public PrivacySettings {
        if (ipRetention == null) ipRetention = DEFAULT_IP_RETENTION;
        // Shorter, an address in use would be reduced between two requests of one session, and every
        // return would count as a new address.
        if (ipRetention.compareTo(Duration.ofDays(1)) < 0)
            throw new IllegalArgumentException("lanyard.privacy.ip-retention must be at least a day (1d)");
    }

    /** Addresses last seen before this are kept only as their network. */
    public Instant reduceBefore(Instant now) {
        return now.minus(ipRetention);
    }
}
