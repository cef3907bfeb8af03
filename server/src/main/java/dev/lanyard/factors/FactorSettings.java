package dev.lanyard.factors;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of second factors ({@code lanyard.factors.*}).
 *
 * @param seedKey        base64 of 32 random bytes: the AES-256-GCM key TOTP seeds are encrypted with at rest.
 *                       Empty: seeds are stored as they are (a warning at start-up). Keep it out of the
 *                       database and its backups (environment, secret store); without it, enrolled authenticator
 *                       apps cannot be checked and members sign in with a recovery code, which does not depend
 *                       on it ({@link RecoveryCodes}).
 * @param challengeTtl   how long the second step of a sign-in may take
 * @param maxCodeFailures wrong codes after which a sign-in's challenge is dead
 */
@ConfigurationProperties("lanyard.factors")
record FactorSettings(String seedKey, Duration challengeTtl, Integer maxCodeFailures) {
    FactorSettings {
        if (seedKey == null) seedKey = "";
        if (challengeTtl == null) challengeTtl = Duration.ofMinutes(5);
        if (maxCodeFailures == null) maxCodeFailures = 5;
    }
}
