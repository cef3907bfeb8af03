package dev.lanyard.risk;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the risk assessment and sign-in alerts ({@code lanyard.risk.*}).
 *
 * @param maxTravelKmh   a move between two countries faster than this is impossible travel
 * @param minTravelKm    moves shorter than this never count as impossible travel: city-level
 *                       geolocation of one address can be off by this much (decision 0024)
 * @param oldSessionAfter a session still in use this long after its sign-in is flagged as very old
 * @param alertLinkLifetime how long the "This wasn't me" link of an alert works
 */
@ConfigurationProperties("lanyard.risk")
record RiskSettings(Double maxTravelKmh, Double minTravelKm, Duration oldSessionAfter, Duration alertLinkLifetime) {
    RiskSettings {
        if (maxTravelKmh == null) maxTravelKmh = 1000.0;
        if (minTravelKm == null) minTravelKm = 500.0;
        if (oldSessionAfter == null) oldSessionAfter = Duration.ofDays(180);
        if (alertLinkLifetime == null) alertLinkLifetime = Duration.ofHours(24);
        // NaN passed "<= 0" and made every move impossible travel (outside review AJ); Infinity never flagged any.
        if (!Double.isFinite(maxTravelKmh) || maxTravelKmh <= 0)
            throw new IllegalArgumentException("lanyard.risk.max-travel-kmh must be a positive number (like 1000), not " + maxTravelKmh);
        if (!Double.isFinite(minTravelKm) || minTravelKm < 0)
            throw new IllegalArgumentException("lanyard.risk.min-travel-km must be 0 or a positive number (like 500), not " + minTravelKm);
        if (oldSessionAfter.isNegative() || oldSessionAfter.isZero())
            throw new IllegalArgumentException("lanyard.risk.old-session-after must be positive");
        if (alertLinkLifetime.isNegative() || alertLinkLifetime.isZero())
            throw new IllegalArgumentException("lanyard.risk.alert-link-lifetime must be positive");
    }

    static RiskSettings defaults() {
        return new RiskSettings(null, null, null, null);
    }
}
