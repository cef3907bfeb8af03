package dev.lanyard.factors;

import java.time.Duration;
import java.util.Base64;

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
 *
 * <p>A value that is set and out of range stops the start (Boot's "failed to bind" report names it): a 0 or negative
 * lifetime or failure count would let no member with a second factor sign in.
 */
@ConfigurationProperties("lanyard.factors")
record FactorSettings(String seedKey, Duration challengeTtl, Integer maxCodeFailures) {
    FactorSettings {
        if (seedKey == null) seedKey = "";
        if (challengeTtl == null) challengeTtl = Duration.ofMinutes(5);
        if (maxCodeFailures == null) maxCodeFailures = 5;
        if (!seedKey.isBlank() && key(seedKey) == null)
            throw new IllegalArgumentException("lanyard.factors.seed-key must be base64 of 32 random bytes (openssl rand -base64 32)");
        if (challengeTtl.isZero() || challengeTtl.isNegative())
            throw new IllegalArgumentException("lanyard.factors.challenge-ttl must be longer than 0s (like 5m)");
        if (maxCodeFailures <= 0)
            throw new IllegalArgumentException("lanyard.factors.max-code-failures must be at least 1 (like 5), not " + maxCodeFailures);
    }

    /** The 32 bytes of {@code seedKey}, or {@code null} when it is no base64 of 32 bytes. */
    static byte[] key(String seedKey) {
        try {
            byte[] raw = Base64.getDecoder().decode(seedKey.strip());
            return raw.length == 32 ? raw : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
