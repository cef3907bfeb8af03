package dev.lanyard.signals;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Shared Signals and back-channel logout settings ({@code lanyard.signals.*}).
 *
 * @param issuer        the {@code iss} of every SET and of the SSF configuration, set only where receivers know Lanyard
 *                      by another address than apps do; unset, the OpenID Connect issuer ({@link Transmitter})
 * @param retryInterval how often the outbox looks for signals due again (each is also tried right after its commit)
 * @param firstRetry    the wait after the first failed push; it doubles with each failure
 * @param maxRetryDelay the longest wait between two pushes of one signal
 * @param maxAttempts   pushes before a signal is given up
 * @param pushTimeout   how long one push may take (connecting and the receiver's answer)
 * @param pollWait      how long a poll without {@code returnImmediately} waits for a signal (RFC 8936 long polling)
 * @param maxWaitingPolls polls this node lets wait at once (one per stream at most); past it a poll is answered at
 *                      once, as with {@code returnImmediately}. 0 (the default): {@link #defaultMaxWaitingPolls(long)}
 *
 * <p>Unset, each has its default; a value that is set and out of range stops the start (Boot's "failed to bind"
 * report names it). The counts are boxed so that an unset one ({@code null}) differs from a 0 that was set.
 */
@ConfigurationProperties("lanyard.signals")
record SignalSettings(URI issuer, Duration retryInterval, Duration firstRetry, Duration maxRetryDelay, Integer maxAttempts,
                      Duration pushTimeout, Duration pollWait, Integer maxWaitingPolls) {
    SignalSettings {
        if (issuer != null) dev.lanyard.ops.InvalidSetting.requireWebAddress("lanyard.signals.issuer", issuer.toString());
        if (retryInterval == null) retryInterval = Duration.ofSeconds(5);
        if (firstRetry == null) firstRetry = Duration.ofSeconds(2);
        if (maxRetryDelay == null) maxRetryDelay = Duration.ofHours(1);
        if (maxAttempts == null) maxAttempts = 20;
        if (pushTimeout == null) pushTimeout = Duration.ofSeconds(10);
        if (pollWait == null) pollWait = Duration.ofSeconds(20);
        // @Scheduled reads retry-interval too: 0 or negative, it would stop the start later, unexplained.
        requirePositive("retry-interval", retryInterval, "5s");
        requirePositive("first-retry", firstRetry, "2s");
        requirePositive("max-retry-delay", maxRetryDelay, "1h");
        requirePositive("push-timeout", pushTimeout, "10s");
        if (pollWait.isNegative()) throw new IllegalArgumentException("lanyard.signals.poll-wait must be 0s or more (like 20s)");
        if (maxAttempts <= 0) throw new IllegalArgumentException("lanyard.signals.max-attempts must be at least 1 (like 20), not " + maxAttempts);
        if (maxWaitingPolls != null && maxWaitingPolls < 0)
            throw new IllegalArgumentException("lanyard.signals.max-waiting-polls must be 0 (a share of the heap) or more, not " + maxWaitingPolls);
        if (maxWaitingPolls == null || maxWaitingPolls == 0) maxWaitingPolls = defaultMaxWaitingPolls(Runtime.getRuntime().maxMemory());
    }

    private static void requirePositive(String name, Duration value, String example) {
        if (value.isZero() || value.isNegative())
            throw new IllegalArgumentException("lanyard.signals." + name + " must be longer than 0s (like " + example + ")");
    }

    /**
     * What one waiting poll holds on the heap, rounded up: the container's asynchronous request with its buffers and
     * socket, as a live page's stream does (108 KB measured, decision 56).
     */
    static final long POLL_BYTES = 128 * 1024;
    /** A quarter of Tomcat's default connection limit (8,192): the live pages' streams may take half. */
    static final int MOST_WAITING_POLLS = 2048;

    /**
     * A twentieth of {@code maxHeap} at {@link #POLL_BYTES} a poll, at most {@link #MOST_WAITING_POLLS}: 101 under
     * run.sh's options (whose 256 MiB heap the JVM reports as 253 MiB).
     */
    static int defaultMaxWaitingPolls(long maxHeap) {
        return (int) Math.max(1, Math.min(MOST_WAITING_POLLS, maxHeap / 20 / POLL_BYTES));
    }

    /** How long a signal's retries last from its first push to its last: the waits after each failed push but the last. */
    Duration retryWindow() {
        Duration window = Duration.ZERO;
        for (int attempts = 1; attempts < maxAttempts; attempts++) window = window.plus(retryDelay(attempts));
        return window;
    }

    /** How long to wait after {@code attempts} failed pushes: doubling from {@link #firstRetry}, at most {@link #maxRetryDelay}. */
    Duration retryDelay(int attempts) {
        Duration delay = firstRetry;
        for (int i = 1; i < attempts && delay.compareTo(maxRetryDelay) < 0; i++) delay = delay.multipliedBy(2);
        return delay.compareTo(maxRetryDelay) > 0 ? maxRetryDelay : delay;
    }
}
