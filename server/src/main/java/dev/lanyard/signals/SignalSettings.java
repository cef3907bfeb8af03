package dev.lanyard.signals;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Shared Signals and back-channel logout settings ({@code lanyard.signals.*}).
 *
 * @param issuer        the {@code iss} of every SET and of the SSF configuration: the address receivers know
 *                      Lanyard by (default {@code lanyard.mail.base-url}, else http://localhost:8080)
 * @param retryInterval how often the outbox looks for signals due again (each is also tried right after its commit)
 * @param firstRetry    the wait after the first failed push; it doubles with each failure
 * @param maxRetryDelay the longest wait between two pushes of one signal
 * @param maxAttempts   pushes before a signal is given up
 * @param pushTimeout   how long one push may take (connecting and the receiver's answer)
 * @param pollWait      how long a poll without {@code returnImmediately} waits for a signal (RFC 8936 long polling)
 */
@ConfigurationProperties("lanyard.signals")
record SignalSettings(URI issuer, Duration retryInterval, Duration firstRetry, Duration maxRetryDelay, int maxAttempts,
                      Duration pushTimeout, Duration pollWait) {
    SignalSettings {
        if (retryInterval == null) retryInterval = Duration.ofSeconds(5);
        if (firstRetry == null) firstRetry = Duration.ofSeconds(2);
        if (maxRetryDelay == null) maxRetryDelay = Duration.ofHours(1);
        if (maxAttempts <= 0) maxAttempts = 20;
        if (pushTimeout == null) pushTimeout = Duration.ofSeconds(10);
        if (pollWait == null) pollWait = Duration.ofSeconds(20);
    }

    /** How long to wait after {@code attempts} failed pushes: doubling from {@link #firstRetry}, at most {@link #maxRetryDelay}. */
    Duration retryDelay(int attempts) {
        Duration delay = firstRetry;
        for (int i = 1; i < attempts && delay.compareTo(maxRetryDelay) < 0; i++) delay = delay.multipliedBy(2);
        return delay.compareTo(maxRetryDelay) > 0 ? maxRetryDelay : delay;
    }
}
