package dev.lanyard.ops;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Operators' access.
 *
 * @param metricsToken the bearer token that {@code /actuator/prometheus} requires; unset (the
 *                     default), nobody can read the metrics over HTTP. At least 32 characters
 */
@ConfigurationProperties("lanyard.ops")
record OpsSettings(String metricsToken) {
    static final int MIN_TOKEN_LENGTH = 32;

    OpsSettings {
        if (metricsToken != null && metricsToken.isBlank()) metricsToken = null;
        if (metricsToken != null && metricsToken.length() < MIN_TOKEN_LENGTH) {
            throw new IllegalArgumentException("lanyard.ops.metrics-token must be at least " + MIN_TOKEN_LENGTH
                    + " characters (for example: openssl rand -hex 32)");
        }
    }
}
