package dev.lanyard.session;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The open pages' live streams ({@code lanyard.live.*}, docs/decisions/0056-live-streams-capped.md).
 *
 * @param perSession  streams one session may hold open (tabs of one browser); a new one closes the oldest
 * @param perAccount  streams one account may hold open over all its sessions; a new one closes the oldest
 * @param maxStreams  streams this node holds open at most; past it a new page is answered 503 and goes
 *                    without live updates. 0 (the default): {@link #defaultMaxStreams(long)} of the heap
 * @param heartbeat   how often every stream hears a comment: a stream whose page went away fails the
 *                    write and is released within two heartbeats
 * @param timeout     a stream is closed after this long (the page's EventSource opens a new one)
 * @param backoff     how long a page whose stream was closed to make room, or refused, waits before
 *                    asking again (the stream's {@code retry:} field and the refusal's Retry-After)
 *
 * <p>Unset, each has its default; a value that is set and out of range stops the start (Boot's "failed to bind"
 * report names it). The counts are boxed so that an unset one ({@code null}) differs from a 0 that was set.
 */
@ConfigurationProperties("lanyard.live")
record LiveSettings(Integer perSession, Integer perAccount, Integer maxStreams, Duration heartbeat, Duration timeout, Duration backoff) {
    LiveSettings {
        if (perSession == null) perSession = 3;
        if (perAccount == null) perAccount = 20;
        if (heartbeat == null) heartbeat = Duration.ofSeconds(15);
        if (timeout == null) timeout = Duration.ofMinutes(30);
        if (backoff == null) backoff = Duration.ofMinutes(5);
        if (perSession <= 0) throw new IllegalArgumentException("lanyard.live.per-session must be at least 1 (like 3), not " + perSession);
        if (perAccount <= 0) throw new IllegalArgumentException("lanyard.live.per-account must be at least 1 (like 20), not " + perAccount);
        if (perAccount < perSession) throw new IllegalArgumentException("lanyard.live.per-account must be at least per-session");
        if (maxStreams != null && maxStreams < 0)
            throw new IllegalArgumentException("lanyard.live.max-streams must be 0 (a tenth of the heap) or more, not " + maxStreams);
        if (maxStreams == null || maxStreams == 0) maxStreams = defaultMaxStreams(Runtime.getRuntime().maxMemory());
        if (heartbeat.isZero() || heartbeat.isNegative()) throw new IllegalArgumentException("lanyard.live.heartbeat must be longer than 0s (like 15s)");
        if (timeout.isZero() || timeout.isNegative()) throw new IllegalArgumentException("lanyard.live.timeout must be longer than 0s (like 30m)");
        if (backoff.isNegative()) throw new IllegalArgumentException("lanyard.live.backoff must be 0s or more (like 5m)");
    }

    /**
     * What one open stream holds on the heap, rounded up: Tomcat's processor, request and response with their
     * buffers, the socket's buffers and the emitter; 108 KB measured (decision 56).
     */
    static final long STREAM_BYTES = 128 * 1024;
    /** Half of Tomcat's default connection limit (8,192): pages and the API keep the other half. */
    static final int MOST_STREAMS = 4096;

    /** A tenth of {@code maxHeap} at {@link #STREAM_BYTES} a stream, at most {@link #MOST_STREAMS}: 200 under run.sh's 256 MiB. */
    static int defaultMaxStreams(long maxHeap) {
        return (int) Math.max(1, Math.min(MOST_STREAMS, maxHeap / 10 / STREAM_BYTES));
    }
}
