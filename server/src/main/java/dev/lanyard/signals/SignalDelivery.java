package dev.lanyard.signals;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Delivers the outbox's push SETs (RFC 8935) and logout tokens (Back-Channel Logout 1.0), never
 * inside the transaction that wrote them: right after that commit (on a thread of its own), at
 * start-up, and every {@code lanyard.signals.retry-interval}. Nodes claim signals before sending
 * them, so two nodes never send one at once; a signal the receiver accepted is marked delivered under
 * its claim and never claimed again. A failed push is retried with a doubling delay, and given up after
 * {@code max-attempts}, or at once when the receiver refuses the SET itself (a 4xx other than 408/429).
 *
 * <p>Neither the log nor a recorded error ever holds a token or a push authorization header.
 */
@Component
class SignalDelivery {
    private static final Logger log = LoggerFactory.getLogger(SignalDelivery.class);
    /**
     * Signals claimed at once. Small, because a node killed mid-batch leaves its claimed signals
     * waiting until the claim runs out (pushTimeout × (2 × BATCH + 2): 220 s at the default 10 s);
     * one claiming statement per ten pushes costs little beside the pushes' own updates.
     */
    private static final int BATCH = 10;
    private static final int MAX_BATCHES_PER_DRAIN = 1_000;
    private static final Object AFTER_COMMIT = new Object();

    private final SignalOutboxStore outbox;
    private final StreamStore streams;
    private final Transmitter transmitter;
    private final SignalSettings settings;
    private final JsonMapper json;
    private final Clock clock;
    /** Built at the first push, not at start-up: building one loads java.net.http and the TLS defaults (bench/RESULTS.md, decision 0033). */
    private volatile HttpClient http;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "lanyard-signals");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean queued = new AtomicBoolean();
    private final SecureRandom random = new SecureRandom();
    /** Pollers waiting on this node for a signal (RFC 8936 long polling) wait on this. */
    private final Object arrivals = new Object();

    SignalDelivery(SignalOutboxStore outbox, StreamStore streams, Transmitter transmitter, SignalSettings settings,
                   JsonMapper json, Clock clock) {
        this.outbox = outbox;
        this.streams = streams;
        this.transmitter = transmitter;
        this.settings = settings;
        this.json = json;
        this.clock = clock;
    }

    private HttpClient http() {
        HttpClient client = http;
        if (client != null) return client;
        synchronized (this) {
            if (http == null) {
                http = HttpClient.newBuilder().connectTimeout(settings.pushTimeout())
                        // A receiver's endpoint is where it said; a redirect elsewhere is not followed.
                        .followRedirects(HttpClient.Redirect.NEVER).build();
            }
            return http;
        }
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
        synchronized (arrivals) {
            arrivals.notifyAll();
        }
        drainSoon();
    }

    /** Waits until a signal is added on this node or {@code wait} passes, whichever is first. */
    void awaitArrival(Duration wait) throws InterruptedException {
        synchronized (arrivals) {
            arrivals.wait(Math.max(1, wait.toMillis()));
        }
    }

    /** Drains on the delivery thread soon; calls while one is already queued add nothing. */
    void drainSoon() {
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

    /** Delivers every push and logout signal due now, in batches; returns how many were delivered. One drain at a time per node. */
    synchronized int drain() {
        int delivered = 0;
        for (int batch = 0; batch < MAX_BATCHES_PER_DRAIN; batch++) {
            Instant now = clock.instant();
            String claim = HexFormat.of().formatHex(bytes());
            // A claim outlives one batch's pushes at their timeout.
            Instant until = now.plus(settings.pushTimeout().multipliedBy(2L * BATCH + 2));
            List<SignalOutboxStore.Outgoing> due = outbox.claim(claim, now, until, BATCH);
            if (due.isEmpty()) break;
            for (SignalOutboxStore.Outgoing signal : due) {
                if (deliver(signal, claim)) delivered++;
            }
        }
        return delivered;
    }

    /** The outcome of one push: accepted, worth retrying, or refused for good. */
    private record Outcome(boolean accepted, boolean retry, String error) {
        static final Outcome ACCEPTED = new Outcome(true, false, "");
    }

    private boolean deliver(SignalOutboxStore.Outgoing signal, String claim) {
        Outcome outcome;
        Optional<Stream> stream = signal.streamId().flatMap(id -> streams.find(id, signal.appId()));
        try {
            outcome = switch (signal.kind()) {
                case PUSH -> stream.filter(s -> s.status() != Stream.Status.DISABLED && s.config().push() && s.config().endpoint().isPresent())
                        .map(s -> push(s, signal))
                        .orElse(new Outcome(false, false, "The stream no longer takes pushes"));
                case LOGOUT -> logout(signal);
                case POLL -> new Outcome(false, false, "A poll signal is not pushed");
            };
        } catch (RuntimeException e) {
            outcome = new Outcome(false, true, describe(e));
        }
        Instant now = clock.instant();
        if (outcome.accepted()) {
            if (outbox.delivered(signal.id(), claim, now) == 0) {
                log.warn("Delivered signal {} after its claim ran out; another node may deliver it again", signal.jti());
            }
            signal.streamId().ifPresent(id -> streams.delivered(id, now));
            return true;
        }
        String error = outcome.error();
        signal.streamId().ifPresent(id -> streams.failed(id, error));
        if (!outcome.retry() || signal.attempts() >= settings.maxAttempts()) {
            outbox.gaveUp(signal.id(), claim, outcome.error(), now);
            log.error("Gave up {} signal {} for app {} after {} attempts: {}", signal.kind().code(), signal.jti(), signal.appId(),
                    signal.attempts(), outcome.error());
        } else {
            Instant next = now.plus(settings.retryDelay(signal.attempts()));
            outbox.failed(signal.id(), claim, outcome.error(), next);
            log.warn("Could not deliver {} signal {} for app {} (attempt {}); will retry at {}: {}", signal.kind().code(), signal.jti(),
                    signal.appId(), signal.attempts(), next, outcome.error());
        }
        return false;
    }

    /** RFC 8935: the SET as the body, 202 Accepted when the receiver took it, 400 with an error when it refuses it. */
    private Outcome push(Stream stream, SignalOutboxStore.Outgoing signal) {
        String set = transmitter.set(claims(signal));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stream.config().endpoint().get()))
                .timeout(settings.pushTimeout())
                .header("Content-Type", "application/secevent+jwt")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(set));
        stream.pushAuthorization().ifPresent(a -> request.header("Authorization", a));
        return send(request.build(), 202);
    }

    /** Back-Channel Logout 1.0: the logout token as the form parameter {@code logout_token}; 200 or 204 when the app logged out. */
    private Outcome logout(SignalOutboxStore.Outgoing signal) {
        String token = transmitter.logout(claims(signal), clock.instant());
        HttpRequest request = HttpRequest.newBuilder(URI.create(signal.target()))
                .timeout(settings.pushTimeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cache-Control", "no-cache")
                .POST(HttpRequest.BodyPublishers.ofString("logout_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
                .build();
        return send(request, 200, 204);
    }

    private Outcome send(HttpRequest request, int... accepted) {
        HttpResponse<String> response;
        try {
            response = http().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            return new Outcome(false, true, describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, true, "interrupted");
        }
        int status = response.statusCode();
        for (int ok : accepted) if (status == ok) return Outcome.ACCEPTED;
        String error = "HTTP " + status + receiverError(response.body());
        boolean retry = status >= 500 || status == 408 || status == 429 || (status >= 200 && status < 300) || (status >= 300 && status < 400);
        return new Outcome(false, retry, error);
    }

    /** The receiver's own error code (RFC 8935 section 2.3), shortened; never the body as a whole. */
    private String receiverError(String body) {
        try {
            var node = json.readTree(body == null ? "" : body);
            String err = node.path("err").asString("");
            if (!err.isEmpty()) return " (" + (err.length() > 40 ? err.substring(0, 40) : err).replaceAll("[^A-Za-z0-9_-]", "") + ")";
        } catch (RuntimeException notJson) {
            // nothing of it is kept
        }
        return "";
    }

    private Map<String, Object> claims(SignalOutboxStore.Outgoing signal) {
        return json.readValue(signal.claims(), new TypeReference<java.util.LinkedHashMap<String, Object>>() { });
    }

    /** The failure's class and first line: a URI or a host at most, never a token (they go in bodies and headers only). */
    static String describe(Throwable e) {
        String text = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst().orElse(""));
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    private byte[] bytes() {
        byte[] b = new byte[12];
        random.nextBytes(b);
        return b;
    }

    @PreDestroy
    void stop() {
        sender.shutdownNow();
    }
}
