package dev.lanyard.starter;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;

import dev.lanyard.starter.LanyardProperties.Delivery;

/**
 * Once the app's web server is up (its port known): sets up the Shared Signals stream on a
 * background thread — retried with backoff (1 s doubling to 1 min) while Lanyard can't be
 * reached, never failing the app's start-up — and then, for poll delivery, long-polls (RFC 8936:
 * Lanyard answers as soon as a SET is queued, or empty after its poll wait), pausing
 * {@code lanyard.signals.poll-interval} after a failed poll and after an empty answer that came at
 * once (a Lanyard that does not wait is not polled in a tight loop); for push delivery, looks for
 * the stream at Lanyard every {@code lanyard.signals.check-interval} and sets it up again if it is
 * gone (nothing would be pushed). A stream that had to be created (none of the app's own at Lanyard,
 * or its own was deleted), or another of the app's own used instead of the one that is gone (say one
 * made again by hand), carried no ending from before: every login that began before it is taken
 * as ended ({@link EndedSessions#everyLoginEndedBefore}).
 */
class SignalsLifecycle implements ApplicationListener<WebServerInitializedEvent>, DisposableBean {
    private static final Log log = LogFactory.getLog(SignalsLifecycle.class);
    private final LanyardProperties properties;
    private final SsfStreams streams;
    private final SsfPoller poller;
    private final EndedSessions ended;
    private final Clock clock;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lanyard-signals");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean started;

    SignalsLifecycle(LanyardProperties properties, SsfStreams streams, SsfPoller poller, EndedSessions ended, Clock clock) {
        this.ended = ended;
        this.clock = clock;
        this.properties = properties;
        this.streams = streams;
        this.poller = poller;
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        if (started || properties.signals().delivery() == Delivery.NONE) return;
        if ("management".equals(event.getApplicationContext().getServerNamespace())) return;
        started = true;
        URI pushUrl = properties.signals().receiver()
                .orElse(URI.create("http://127.0.0.1:" + event.getWebServer().getPort() + properties.signals().pushPath()));
        unreachableReceiver(properties, pushUrl).ifPresent(log::warn);
        executor.execute(() -> setUp(pushUrl, Duration.ofSeconds(1)));
    }

    /**
     * A warning when Lanyard would push to this machine's loopback address from another machine: without
     * {@code lanyard.signals.receiver-url}, the push address is this app's loopback one, which Lanyard accepts
     * (it may run beside the app) but reaches only if it does.
     */
    static Optional<String> unreachableReceiver(LanyardProperties properties, URI pushUrl) {
        if (properties.signals().delivery() != Delivery.PUSH || properties.signals().receiver().isPresent()) return Optional.empty();
        String lanyardHost = String.valueOf(properties.url().getHost());
        if (lanyardHost.equals("localhost") || lanyardHost.startsWith("127.") || lanyardHost.equals("[::1]")) return Optional.empty();
        return Optional.of("lanyard.signals.receiver-url is not set, so Lanyard at " + properties.url() + " is asked to push to "
                + pushUrl + ", this machine's loopback address, which it reaches only if it runs here. Set lanyard.signals.receiver-url "
                + "to this app's address as Lanyard reaches it, or lanyard.signals.delivery=poll.");
    }

    /** Polls failed in a row; the first of an outage is a warning, the rest are debug lines. */
    private final java.util.concurrent.atomic.AtomicInteger failedPolls = new java.util.concurrent.atomic.AtomicInteger();

    private void setUp(URI pushUrl, Duration backoff) {
        try {
            SsfStreams.Stream stream = streams.ensure(pushUrl);
            if (stream.created()) {
                ended.everyLoginEndedBefore(clock.instant(), "Lanyard held no Shared Signals stream of this app's (first start, or "
                        + "its stream was deleted at Lanyard), so a new one was created (" + stream.id() + ")");
            } else if (stream.replaced()) {
                ended.everyLoginEndedBefore(clock.instant(), "The Shared Signals stream this app used is gone at Lanyard, and "
                        + "another of this app's (" + stream.id() + ") is used instead");
            }
            if (properties.signals().delivery() == Delivery.POLL) {
                URI endpoint = stream.pollEndpoint().orElseThrow();
                executor.execute(() -> pollQuietly(endpoint, pushUrl));
            } else {
                long every = properties.signals().checkInterval().toMillis();
                executor.scheduleWithFixedDelay(() -> checkQuietly(stream.id(), pushUrl), every, every, TimeUnit.MILLISECONDS);
            }
        } catch (RuntimeException e) {
            log.warn("Lanyard Shared Signals stream not set up yet (" + e.getMessage() + "); trying again in " + backoff.toSeconds() + " s");
            Duration next = backoff.multipliedBy(2).compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : backoff.multipliedBy(2);
            executor.schedule(() -> setUp(pushUrl, next), backoff.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** One long poll, then the next: at once after SETs, after the poll interval when it failed or came back empty at once. */
    private void pollQuietly(URI endpoint, URI pushUrl) {
        long every = properties.signals().pollInterval().toMillis();
        long started = System.nanoTime();
        long pause;
        try {
            int processed = poller.poll(endpoint);
            if (failedPolls.getAndSet(0) > 0) log.info("Polling Lanyard for Shared Signals works again");
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            pause = processed > 0 ? 0 : Math.max(0, every - took);
        } catch (SsfPoller.StreamGone gone) {
            // Polling a stream that is gone would fail forever: set one up again, and poll that.
            log.warn("Lanyard's Shared Signals stream is gone (" + gone.getMessage() + "); setting one up again");
            setUp(pushUrl, Duration.ofSeconds(1));
            return; // setUp polls the new stream, or tries again later
        } catch (RuntimeException e) {
            // Once per outage, not every poll-interval while Lanyard is down.
            if (failedPolls.getAndIncrement() == 0)
                log.warn("Polling Lanyard for Shared Signals failed: " + e.getMessage() + " (until a poll succeeds, later failures are logged at debug level)");
            else log.debug("Polling Lanyard for Shared Signals failed again: " + e.getMessage());
            pause = every;
        }
        if (executor.isShutdown()) return;
        try {
            executor.schedule(() -> pollQuietly(endpoint, pushUrl), pause, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // the app is stopping
        }
    }

    private void checkQuietly(String streamId, URI pushUrl) {
        boolean gone;
        try {
            gone = !streams.exists(streamId);
        } catch (RuntimeException e) {
            log.warn("Could not look for Lanyard's Shared Signals stream " + streamId + ": " + e.getMessage());
            return;
        }
        if (gone) {
            // Lanyard pushes nothing over a stream it no longer has: sessions ended since then were not told to this app.
            log.error("Lanyard's Shared Signals stream " + streamId + " is gone (deleted at Lanyard): Lanyard sessions that ended "
                    + "since then were not told to this app. Setting a stream up again.");
            setUp(pushUrl, Duration.ofSeconds(1));
            throw new IllegalStateException("stream " + streamId + " is gone"); // ends this schedule; setUp made a new one
        }
    }

    @Override
    public void destroy() {
        executor.shutdownNow();
    }
}
