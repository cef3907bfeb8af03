package dev.lanyard.starter;

import java.net.URI;
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
 * reached, never failing the app's start-up — and then, for poll delivery, polls every
 * {@code lanyard.signals.poll-interval}; for push delivery, looks for the stream at Lanyard every
 * {@code lanyard.signals.check-interval} and sets it up again if it is gone (nothing would be pushed).
 */
class SignalsLifecycle implements ApplicationListener<WebServerInitializedEvent>, DisposableBean {
    private static final Log log = LogFactory.getLog(SignalsLifecycle.class);
    private final LanyardProperties properties;
    private final SsfStreams streams;
    private final SsfPoller poller;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lanyard-signals");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean started;

    SignalsLifecycle(LanyardProperties properties, SsfStreams streams, SsfPoller poller) {
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
            if (properties.signals().delivery() == Delivery.POLL) {
                URI endpoint = stream.pollEndpoint().orElseThrow();
                long every = properties.signals().pollInterval().toMillis();
                executor.scheduleWithFixedDelay(() -> pollQuietly(endpoint, pushUrl), 0, every, TimeUnit.MILLISECONDS);
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

    private void pollQuietly(URI endpoint, URI pushUrl) {
        try {
            poller.poll(endpoint);
            if (failedPolls.getAndSet(0) > 0) log.info("Polling Lanyard for Shared Signals works again");
        } catch (SsfPoller.StreamGone gone) {
            // Polling a stream that is gone would fail forever: set one up again, and poll that.
            log.warn("Lanyard's Shared Signals stream is gone (" + gone.getMessage() + "); setting one up again");
            setUp(pushUrl, Duration.ofSeconds(1));
            throw gone; // ends this stream's polling: a task of a fixed-delay schedule that throws is not run again
        } catch (RuntimeException e) {
            // Once per outage, not every poll-interval while Lanyard is down.
            if (failedPolls.getAndIncrement() == 0)
                log.warn("Polling Lanyard for Shared Signals failed: " + e.getMessage() + " (until a poll succeeds, later failures are logged at debug level)");
            else log.debug("Polling Lanyard for Shared Signals failed again: " + e.getMessage());
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
                    + "since then may still be accepted here until they expire. Setting a stream up again.");
            setUp(pushUrl, Duration.ofSeconds(1));
            throw new IllegalStateException("stream " + streamId + " is gone"); // ends this schedule; setUp made a new one
        }
    }

    @Override
    public void destroy() {
        executor.shutdownNow();
    }
}
