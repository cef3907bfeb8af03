package dev.lanyard.signals;

import java.net.http.HttpRequest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import dev.lanyard.apps.ReceiverAddresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * Delivers the outbox's push SETs (RFC 8935) and logout tokens (Back-Channel Logout 1.0), never
 * inside the transaction that wrote them: right after that commit (on a thread of its own), at
 * start-up, and every {@code lanyard.signals.retry-interval}. Nodes claim signals before sending
 * them, so two nodes never send one at once; a signal the receiver accepted is marked delivered under
 * its claim and never claimed again. A failed push is retried with a doubling delay, and given up after
 * {@code max-attempts}, or at once when the receiver refuses the SET itself (a 4xx other than 408/429).
 * Receivers are sent to at the same time and apart from each other: while one is still being sent its signals, the
 * others' are claimed and sent as threads free; teams take turns in a claim ({@link SignalOutboxStore#claim}), counting
 * what they are being sent already, so a receiver that never answers, however many streams point at it, does not hold
 * the others' signals back.
 *
 * <p>Neither the log nor a recorded error ever holds a token or a push authorization header. The exchange with a
 * receiver itself is {@link ReceiverExchange}'s; what a refusal means, {@link ReceiverErrors}'.
 */
@Component
class SignalDelivery {
    private static final Logger log = LoggerFactory.getLogger(SignalDelivery.class);
    /**
     * Signals claimed at once at most, and receivers sent to at once at most (one thread each). Small, because a node
     * killed mid-batch leaves its claimed signals waiting until the claim runs out (pushTimeout × (2 × BATCH + 2): 220 s
     * at the default 10 s); one claiming statement per ten pushes costs little beside the pushes' own updates.
     */
    private static final int BATCH = 10;
    private static final int MAX_CLAIMS_PER_DRAIN = 1_000;
    private static final Object AFTER_COMMIT = new Object();

    private final SignalOutboxStore outbox;
    private final StreamStore streams;
    private final SignalSettings settings;
    private final ReceiverExchange exchange;
    private final Clock clock;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "lanyard-signals");
        thread.setDaemon(true);
        return thread;
    });
    /**
     * Sends receivers their signals at the same time: one thread for each receiver being sent to, {@link #BATCH} at
     * most, ended after a minute unused. A drain claims no more signals than it has threads free, so none waits in the
     * queue.
     */
    private final ThreadPoolExecutor senders = new ThreadPoolExecutor(BATCH, BATCH, 1, TimeUnit.MINUTES,
            new LinkedBlockingQueue<>(), new ThreadFactory() {
                private final AtomicInteger count = new AtomicInteger();

                @Override
                public Thread newThread(Runnable runnable) {
                    Thread thread = new Thread(runnable, "lanyard-signals-send-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }
            });
    private final AtomicBoolean queued = new AtomicBoolean();
    /** Each receiver's signals being sent by this node, by the drains (one at a time): what their claims leave out. */
    private final List<Sending> sending = new ArrayList<>();
    /** Released when a receiver's signals are sent or new ones may be due: a drain waiting for its senders claims again. */
    private final Semaphore wake = new Semaphore(0);
    private final SecureRandom random = new SecureRandom();
    /** Told when this node committed a signal: polls waiting for one (RFC 8936 long polling, {@link PollWaits}). */
    private final List<Runnable> arrivals = new java.util.concurrent.CopyOnWriteArrayList<>();

    SignalDelivery(SignalOutboxStore outbox, StreamStore streams, Transmitter transmitter, SignalSettings settings,
                   ReceiverAddresses addresses, JsonMapper json, Clock clock) {
        this.outbox = outbox;
        this.streams = streams;
        this.settings = settings;
        this.exchange = new ReceiverExchange(transmitter, settings, addresses, json, clock);
        this.clock = clock;
        senders.allowCoreThreadTimeOut(true);
    }

    /** Drains after the current transaction commits (once per transaction), or now when there is none. */
    void afterCommit() {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            arrived();
            return;
        }
        if (TransactionSynchronizationManager.hasResource(AFTER_COMMIT)) return;
        TransactionSynchronizationManager.bindResource(AFTER_COMMIT, Boolean.TRUE);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                TransactionSynchronizationManager.unbindResourceIfPossible(AFTER_COMMIT);
                if (status == STATUS_COMMITTED) arrived();
            }
        });
    }

    private void arrived() {
        arrivals.forEach(Runnable::run);
        drainSoon();
    }

    /** Runs {@code listener} (quickly, on the committing thread) whenever a transaction of this node added signals. */
    void onArrival(Runnable listener) {
        arrivals.add(listener);
    }

    /**
     * Drains on the delivery thread soon; calls while one is already queued add nothing. A drain waiting for its senders
     * claims again.
     */
    void drainSoon() {
        wake.release();
        if (!queued.compareAndSet(false, true)) return;
        sender.execute(() -> {
            queued.set(false);
            try {
                drain();
            } catch (RuntimeException e) {
                log.warn("Could not drain the signal outbox; will try again: {}", e.toString());
            }
        });
    }

    @EventListener(ApplicationReadyEvent.class)
    void drainAtStart() {
        drainSoon();
    }

    @Scheduled(fixedDelayString = "${lanyard.signals.retry-interval:5s}", initialDelayString = "${lanyard.signals.retry-interval:5s}")
    void drainOnSchedule() {
        drainSoon();
    }

    /**
     * Delivers every push and logout signal due now; returns how many were delivered. One drain at a time per node.
     * Receivers are sent to at the same time, each on a thread of {@link #senders}, and apart: as soon as one of them is
     * sent its signals, or new signals are made, the drain claims as many as it has threads free, leaving out the
     * receivers still being sent to, and sends them; it returns once nothing is due and nothing is being sent. One
     * receiver that never answers holds one thread for one push timeout, not the others (an outside review: a team's 30
     * streams at such a receiver held every other team's revocations for 23 minutes, and after that a slow receiver still
     * held the next batch's other receivers for up to three push timeouts).
     * A stream's signals go one after another, in the order they were made (decision 84): none of its later ones is
     * claimed on this node while some are being pushed, and once one of them waits for a retry (or was given up after
     * all of them), the ones after it in its claim are put back untried, and no claim, on any node, takes the stream's
     * signals until that retry is done.
     */
    synchronized int drain() {
        wake.drainPermits();
        int delivered = 0;
        int claims = 0;
        try {
            while (true) {
                delivered += sent();
                int free = BATCH - sending.size();
                if (free > 0 && claims < MAX_CLAIMS_PER_DRAIN && claimAndSend(free)) {
                    claims++;
                    continue;
                }
                if (sending.isEmpty()) return delivered;
                wake.acquire();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return delivered;
        }
    }

    /** One receiver's signals of a claim being sent, and how many of them were delivered once they are. */
    private record Sending(List<SignalOutboxStore.Outgoing> signals, CompletableFuture<Integer> delivered) {
    }

    /**
     * Claims up to {@code limit} signals, none for a receiver being sent to, and starts sending them, each receiver's on a
     * thread of its own; returns whether it claimed any.
     */
    private boolean claimAndSend(int limit) {
        Instant now = clock.instant();
        String claim = HexFormat.of().formatHex(bytes());
        // A claim outlives one receiver's pushes at their timeout.
        Instant until = now.plus(settings.pushTimeout().multipliedBy(2L * BATCH + 2));
        List<Long> ids = sending.stream().flatMap(group -> group.signals().stream()).map(SignalOutboxStore.Outgoing::id).toList();
        List<SignalOutboxStore.Outgoing> due = outbox.claim(claim, now, until, limit, ids);
        long startBy = System.nanoTime() + settings.pushTimeout().toNanos();
        for (List<SignalOutboxStore.Outgoing> signals : byReceiver(due)) {
            CompletableFuture<Integer> delivered = CompletableFuture.supplyAsync(() -> deliverInOrder(signals, claim, startBy), senders);
            sending.add(new Sending(signals, delivered));
            // Once it is done, so that the drain, woken, finds it done.
            delivered.whenComplete((count, failure) -> wake.release());
        }
        return !due.isEmpty();
    }

    /** Takes the receivers whose signals are sent out of {@link #sending}; returns how many of their signals were delivered. */
    private int sent() throws InterruptedException {
        int delivered = 0;
        for (Iterator<Sending> groups = sending.iterator(); groups.hasNext(); ) {
            Sending group = groups.next();
            if (!group.delivered().isDone()) continue;
            groups.remove();
            try {
                delivered += group.delivered().get();
            } catch (ExecutionException e) {
                log.warn("Could not deliver a receiver's signals; their claim runs out and they are tried again: {}",
                        e.getCause() == null ? e.toString() : e.getCause().toString());
            }
        }
        return delivered;
    }

    /**
     * A claim's signals by where they go, each group in the claim's order: a stream's SETs together, and the logout tokens
     * for one back-channel logout URI together.
     */
    private static Collection<List<SignalOutboxStore.Outgoing>> byReceiver(List<SignalOutboxStore.Outgoing> due) {
        Map<String, List<SignalOutboxStore.Outgoing>> groups = new LinkedHashMap<>();
        for (SignalOutboxStore.Outgoing signal : due) {
            String receiver = signal.streamId().map(id -> "stream " + id).orElse(signal.kind().code() + " " + signal.target());
            groups.computeIfAbsent(receiver, key -> new ArrayList<>()).add(signal);
        }
        return groups.values();
    }

    /**
     * Delivers one receiver's signals of a claim one after another; returns how many were delivered. The rest are put back
     * untried once one of a stream's SETs holds its stream, or once the claim is a push timeout old ({@code startBy}, of
     * {@link System#nanoTime}) and at least one was tried: a receiver that answers each signal just within the timeout
     * would otherwise hold a thread, and the signals made for it since, one timeout per signal.
     */
    private int deliverInOrder(List<SignalOutboxStore.Outgoing> signals, String claim, long startBy) {
        int delivered = 0;
        for (int i = 0; i < signals.size(); i++) {
            SignalOutboxStore.Outgoing signal = signals.get(i);
            if (i > 0 && System.nanoTime() - startBy > 0) {
                putBack(signals.subList(i, signals.size()), claim);
                break;
            }
            Result result = deliver(signal, claim);
            if (result == Result.DELIVERED) delivered++;
            if (result.holdsItsStream() && signal.streamId().isPresent()) {
                putBack(signals.subList(i + 1, signals.size()), claim);
                break;
            }
        }
        return delivered;
    }

    private void putBack(List<SignalOutboxStore.Outgoing> untried, String claim) {
        untried.forEach(signal -> outbox.putBack(signal.id(), claim));
    }

    /**
     * What became of a claimed signal: delivered, waiting to be tried again, given up, or given up after all its retries
     * (with what waited behind it as long). The second and the last hold the rest of its stream's batch.
     */
    enum Result {
        DELIVERED, WAITS, GIVEN_UP, GIVEN_UP_AFTER_RETRIES;

        boolean holdsItsStream() {
            return this == WAITS || this == GIVEN_UP_AFTER_RETRIES;
        }
    }

    /** The outcome of one push: accepted, worth retrying, or refused for good. */
    record Outcome(boolean accepted, boolean retry, String error) {
        static final Outcome ACCEPTED = new Outcome(true, false, "");
    }

    Result deliver(SignalOutboxStore.Outgoing signal, String claim) {
        Outcome outcome;
        Optional<Stream> stream = signal.streamId().flatMap(id -> streams.find(id, signal.appId()));
        if (signal.kind() == SignalOutboxStore.Kind.PUSH && stream.isPresent() && stream.get().status() != Stream.Status.DISABLED
                && (stream.get().status() == Stream.Status.PAUSED || !stream.get().config().push())) {
            // Paused since it was claimed (SSF: nothing is transmitted over a paused stream; its events wait), or
            // switched to poll (the row is a poll row now): let the claim go, and neither push nor give up.
            outbox.failed(signal.id(), claim, stream.get().status() == Stream.Status.PAUSED ? "The stream is paused"
                    : "The stream is polled now", clock.instant());
            return Result.WAITS;
        }
        try {
            outcome = switch (signal.kind()) {
                case PUSH -> stream.filter(s -> s.status() != Stream.Status.DISABLED && s.config().push() && s.config().endpoint().isPresent())
                        .map(s -> exchange.push(s, signal))
                        .orElse(new Outcome(false, false, "The stream no longer takes pushes"));
                case LOGOUT -> exchange.logout(signal);
                case POLL -> new Outcome(false, false, "A poll signal is not pushed");
            };
        } catch (RuntimeException e) {
            outcome = new Outcome(false, true, ReceiverErrors.describe(e));
        }
        Instant now = clock.instant();
        if (outcome.accepted()) {
            if (outbox.delivered(signal.id(), claim, now) == 0) {
                log.warn("Delivered signal {} after its claim ran out; another node may deliver it again", signal.jti());
            }
            signal.streamId().ifPresent(id -> streams.delivered(id, now));
            return Result.DELIVERED;
        }
        String error = outcome.error();
        signal.streamId().ifPresent(id -> streams.failed(id, error));
        if (outcome.retry() && signal.attempts() < settings.maxAttempts()) {
            Instant next = now.plus(settings.retryDelay(signal.attempts()));
            outbox.failed(signal.id(), claim, outcome.error(), next);
            log.warn("Could not deliver {} signal {} for app {} (attempt {}); will retry at {}: {}", signal.kind().code(), signal.jti(),
                    signal.appId(), signal.attempts(), next, outcome.error());
            return Result.WAITS;
        }
        outbox.gaveUp(signal.id(), claim, outcome.error(), now);
        log.error("Gave up {} signal {} for app {} after {} attempts: {}", signal.kind().code(), signal.jti(), signal.appId(),
                signal.attempts(), outcome.error());
        if (!outcome.retry() || signal.kind() != SignalOutboxStore.Kind.PUSH || signal.streamId().isEmpty()) return Result.GIVEN_UP;
        // The signals that waited behind this one as long as their own retries would have lasted go with it (those of this
        // batch too), or a receiver that stayed away would cost one push timeout for each of them.
        String streamId = signal.streamId().get();
        int more = outbox.gaveUpWith(streamId, claim, "Given up with an earlier event of the stream: " + error,
                now.minus(settings.retryWindow()), now);
        if (more > 0) log.error("Gave up {} more signals of stream {} for app {} that waited behind it as long", more, streamId, signal.appId());
        return Result.GIVEN_UP_AFTER_RETRIES;
    }

    /** One exchange with a receiver ({@link ReceiverExchange#send}). */
    Outcome send(HttpRequest request, int... accepted) {
        return exchange.send(request, accepted);
    }

    private byte[] bytes() {
        byte[] b = new byte[12];
        random.nextBytes(b);
        return b;
    }

    @PreDestroy
    void stop() {
        sender.shutdownNow();
        senders.shutdownNow();
    }
}
