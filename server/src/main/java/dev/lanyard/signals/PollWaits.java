package dev.lanyard.signals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Polls that wait for a SET (RFC 8936 long polling, decision 58), held without a thread: a waiting
 * poll is a future the container's asynchronous request answers when it completes. One thread of
 * this node looks, in one statement for all of them, which waiting streams have a SET: every
 * {@link #CHECK}, which is how a SET queued by another node is found, and right after a commit on
 * this node queued one. A waiting poll is answered when its stream has one, or when
 * {@code lanyard.signals.poll-wait} has passed, with what is pending then.
 *
 * <p>At most one poll waits per stream: a newer one ends the older with an empty answer (the receiver
 * asked again, so the older request is one it gave up on). At most
 * {@code lanyard.signals.max-waiting-polls} wait on the node: past that a poll is answered at once,
 * as if it had asked to {@code returnImmediately}, which RFC 8936 leaves to the transmitter.
 */
@Component
class PollWaits implements SmartLifecycle {
    /** How often the waiting streams are looked at in the database (SETs another node queued). */
    static final Duration CHECK = Duration.ofMillis(500);
    /** Streams per statement of the look (an IN list). */
    private static final int CHUNK = 500;
    private static final Streams.Polled NOTHING = new Streams.Polled(Map.of(), false);
    private static final Logger log = LoggerFactory.getLogger(PollWaits.class);

    private final SignalOutboxStore outbox;
    private final SignalSettings settings;
    private final java.time.Clock clock;
    private final Map<String, Waiting> byStream = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile ScheduledExecutorService checker;
    private volatile boolean running;

    PollWaits(SignalOutboxStore outbox, SignalSettings settings, SignalDelivery delivery, java.time.Clock clock) {
        this.outbox = outbox;
        this.clock = clock;
        this.settings = settings;
        delivery.onArrival(this::wake);
    }

    /** A poll waiting for its stream: what it answers with, and until when it waits ({@link System#nanoTime()}). */
    private record Waiting(String streamId, Supplier<Streams.Polled> answer, long deadline, CompletableFuture<Streams.Polled> future) {
    }

    /**
     * The answer to a poll of {@code streamId} that found nothing pending: completed with {@code answer} once the
     * stream has a SET or the poll's wait has passed; completed at once, empty, when the node already holds as many
     * waiting polls as it may (or is stopping). Ends the stream's older waiting poll, if any, with an empty answer.
     */
    CompletableFuture<Streams.Polled> await(String streamId, Supplier<Streams.Polled> answer) {
        Waiting fresh = new Waiting(streamId, answer, System.nanoTime() + settings.pollWait().toNanos(), new CompletableFuture<>());
        Waiting[] replaced = new Waiting[1];
        Waiting admitted = byStream.compute(streamId, (id, current) -> {
            if (current != null) {
                replaced[0] = current;
                if (running) return fresh;
                // Stopping: stop() may have passed this stream already, so nothing would answer a poll left here.
                waiting.decrementAndGet();
                return null;
            }
            if (!running) return null;
            if (waiting.incrementAndGet() > settings.maxWaitingPolls()) {
                waiting.decrementAndGet();
                return null;
            }
            return fresh;
        });
        if (replaced[0] != null) {
            replaced[0].future().complete(NOTHING);
            tookOver(streamId);
        }
        if (admitted == null) return CompletableFuture.completedFuture(NOTHING);
        wake(); // a SET committed between the caller's look and now is found at once
        return fresh.future();
    }

    /**
     * Takeovers of one stream's waiting poll: counted since {@code since} (nanoTime), when the stream was last warned of
     * (nanoTime), and when its polls last took each other's place often enough to warn of ({@code shared}, null for never).
     */
    private record Takeovers(long since, int count, long warned, java.time.Instant shared) {
    }

    /** Waiting polls taken over by a newer poll of the same stream, by stream ({@link #tookOver}). */
    private final Map<String, Takeovers> takeovers = new ConcurrentHashMap<>();
    /** A stream's waiting poll taken over this many times within {@link #TAKEOVER_WINDOW} is warned of. */
    static final int TAKEOVERS_WARNED = 3;
    static final Duration TAKEOVER_WINDOW = Duration.ofMinutes(1);
    /** A stream is warned of at most this often. */
    static final Duration TAKEOVER_WARNED_EVERY = Duration.ofHours(1);

    /**
     * When this node last saw polls of {@code streamId} take each other's place as several receivers' do ({@link #tookOver}),
     * within the last hour; empty otherwise. Other nodes keep their own.
     */
    java.util.Optional<java.time.Instant> sharedAt(String streamId) {
        return java.util.Optional.ofNullable(takeovers.get(streamId)).map(Takeovers::shared)
                .filter(seen -> !seen.isBefore(clock.instant().minus(TAKEOVER_WARNED_EVERY)));
    }

    /**
     * A newer poll of {@code streamId} ended its waiting one. Once, after a receiver gave up on a poll (its connection
     * dropped), that is normal; several times a minute, two receivers take turns on one stream, and each gets only the
     * SETs that come while its own poll waits (the others are acknowledged by the other receiver), or a receiver gives
     * up on its polls before Lanyard answers them. Logged as a warning, at most once an hour per stream.
     */
    private void tookOver(String streamId) {
        long now = System.nanoTime();
        java.time.Instant at = clock.instant();
        boolean[] warn = new boolean[1];
        takeovers.compute(streamId, (id, old) -> {
            boolean fresh = old == null || now - old.since() > TAKEOVER_WINDOW.toNanos();
            int count = fresh ? 1 : old.count() + 1;
            long warned = old == null ? now - TAKEOVER_WARNED_EVERY.toNanos() : old.warned();
            java.time.Instant shared = old == null ? null : old.shared();
            if (count >= TAKEOVERS_WARNED) {
                shared = at;
                warn[0] = now - warned >= TAKEOVER_WARNED_EVERY.toNanos();
                if (warn[0]) warned = now;
            }
            return new Takeovers(fresh ? now : old.since(), count, warned, shared);
        });
        takeovers.values().removeIf(t -> now - t.since() > TAKEOVER_WARNED_EVERY.toNanos() && now - t.warned() > TAKEOVER_WARNED_EVERY.toNanos());
        if (warn[0]) {
            log.warn("Shared Signals stream {}: its waiting poll was ended by a newer poll of the same stream {} times within {} s. "
                    + "Either more than one receiver polls this stream, and each gets only part of its events (give each receiver, "
                    + "or each instance of an app, a stream of its own: lanyard-spring-boot-starter's lanyard.signals.instance), or a "
                    + "receiver gives up on its polls before Lanyard answers them (after lanyard.signals.poll-wait, {} s) and asks again.",
                    streamId, TAKEOVERS_WARNED, TAKEOVER_WINDOW.toSeconds(), settings.pollWait().toSeconds());
        }
    }

    /** Polls waiting on this node now. */
    int waiting() {
        return waiting.get();
    }

    /** Looks at the waiting streams soon, on the checker's thread; calls while one is already queued add nothing. */
    void wake() {
        ScheduledExecutorService thread = checker;
        if (thread == null || byStream.isEmpty() || !queued.compareAndSet(false, true)) return;
        try {
            thread.execute(() -> {
                queued.set(false);
                checkQuietly();
            });
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            queued.set(false);
        }
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            log.warn("Could not look for signals of waiting polls; will look again: {}", e.toString());
        }
    }

    /** Answers every waiting poll whose stream has a SET or whose wait has passed. One statement per {@link #CHUNK} streams. */
    void check() {
        if (byStream.isEmpty()) return;
        List<Waiting> all = List.copyOf(byStream.values());
        Set<String> ready = new HashSet<>();
        try {
            List<String> ids = all.stream().map(Waiting::streamId).toList();
            java.time.Instant due = clock.instant();
            for (int from = 0; from < ids.size(); from += CHUNK) {
                ready.addAll(outbox.withPending(ids.subList(from, Math.min(ids.size(), from + CHUNK)), due));
            }
        } catch (RuntimeException e) {
            // The database is out of reach: polls whose wait is over are answered empty, the others wait on.
            log.warn("Could not look for signals of waiting polls: {}", e.toString());
            ready.clear();
        }
        long now = System.nanoTime();
        for (Waiting w : all) {
            boolean has = ready.contains(w.streamId());
            if (!has && now - w.deadline() < 0) continue;
            if (!release(w)) continue; // replaced meanwhile: the newer poll answered it
            if (!has) {
                w.future().complete(NOTHING);
                continue;
            }
            try {
                w.future().complete(w.answer().get());
            } catch (RuntimeException e) {
                w.future().completeExceptionally(e);
            }
        }
    }

    private boolean release(Waiting w) {
        if (!byStream.remove(w.streamId(), w)) return false;
        waiting.decrementAndGet();
        return true;
    }

    @Override
    public void start() {
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "lanyard-polls");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::checkQuietly, CHECK.toMillis(), CHECK.toMillis(), TimeUnit.MILLISECONDS);
        checker = thread;
        running = true;
    }

    /**
     * Answers every waiting poll, empty, and takes no more: stopped before the web server's graceful shutdown
     * (a later phase stops first), which would otherwise wait for each until its poll-wait passed.
     */
    @Override
    public void stop() {
        running = false;
        ScheduledExecutorService thread = checker;
        checker = null;
        if (thread != null) thread.shutdownNow();
        for (Waiting w : new ArrayList<>(byStream.values())) {
            if (release(w)) w.future().complete(NOTHING);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
