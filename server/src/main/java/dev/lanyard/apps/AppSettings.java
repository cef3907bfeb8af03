package dev.lanyard.apps;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the authorization server's keys ({@code lanyard.apps.*}). A value that is set and out of range stops
 * the start (Boot's "failed to bind" report names it).
 *
 * @param signingKeyLifetime the signing key is replaced when older than this (90 days when not set); longer than
 *                           {@link SigningKeys#RETIRED_PUBLISHED}, which a replaced key stays published for
 * @param signingKeyCheck    how often each node checks whether the key is due (1 hour when not set)
 */
@ConfigurationProperties("lanyard.apps")
record AppSettings(Duration signingKeyLifetime, Duration signingKeyCheck) {
    AppSettings {
        if (signingKeyLifetime == null) signingKeyLifetime = SigningKeys.DEFAULT_LIFETIME;
        if (signingKeyCheck == null) signingKeyCheck = Duration.ofHours(1);
        if (signingKeyLifetime.compareTo(SigningKeys.RETIRED_PUBLISHED) <= 0)
            throw new IllegalArgumentException("lanyard.apps.signing-key-lifetime must be longer than 2h, the time a replaced key "
                    + "stays published (like 90d)");
        // @Scheduled reads it too: 0 or negative, it would stop the start later, unexplained.
        if (signingKeyCheck.isZero() || signingKeyCheck.isNegative())
            throw new IllegalArgumentException("lanyard.apps.signing-key-check must be longer than 0s (like 1h)");
    }
}
