package dev.lanyard.signals;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

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
    private final ReceiverAddresses addresses;
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
    /** Told when this node committed a signal: polls waiting for one (RFC 8936 long polling, {@link PollWaits}). */
    private final List<Runnable> arrivals = new java.util.concurrent.CopyOnWriteArrayList<>();

    SignalDelivery(SignalOutboxStore outbox, StreamStore streams, Transmitter transmitter, SignalSettings settings,
                   ReceiverAddresses addresses, JsonMapper json, Clock clock) {
        this.addresses = addresses;
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
        arrivals.forEach(Runnable::run);
        drainSoon();
    }

    /** Runs {@code listener} (quickly, on the committing thread) whenever a transaction of this node added signals. */
    void onArrival(Runnable listener) {
        arrivals.add(listener);
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
    record Outcome(boolean accepted, boolean retry, String error) {
        static final Outcome ACCEPTED = new Outcome(true, false, "");
    }

    boolean deliver(SignalOutboxStore.Outgoing signal, String claim) {
        Outcome outcome;
        Optional<Stream> stream = signal.streamId().flatMap(id -> streams.find(id, signal.appId()));
        if (signal.kind() == SignalOutboxStore.Kind.PUSH && stream.isPresent() && stream.get().status() != Stream.Status.DISABLED
                && (stream.get().status() == Stream.Status.PAUSED || !stream.get().config().push())) {
            // Paused since it was claimed (SSF: nothing is transmitted over a paused stream; its events wait), or
            // switched to poll (the row is a poll row now): let the claim go, and neither push nor give up.
            outbox.failed(signal.id(), claim, stream.get().status() == Stream.Status.PAUSED ? "The stream is paused"
                    : "The stream is polled now", clock.instant());
            return false;
        }
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

    /**
     * Sends and reads the answer within twice the push timeout, all of it: the request's own timeout ends at
     * the answer's headers (Java 17), so a receiver that sends them and then trickles its body would hold the
     * node's one delivery thread, and every team's signals behind it. Only the first {@link #ANSWER_LIMIT}
     * bytes of the body are read (enough for an error code). An address Lanyard may not send to is given up
     * without a connection; a host that does not resolve is tried again later.
     */
    Outcome send(HttpRequest request, int... accepted) {
        try {
            // Where the name points now, not where it pointed when the admin gave it (ReceiverAddresses).
            addresses.checkBeforeSending(request.uri());
        } catch (ReceiverAddresses.Refused refused) {
            return new Outcome(false, refused.unresolved(), refused.getMessage());
        }
        CompletableFuture<HttpResponse<String>> exchange =
                http().sendAsync(request, info -> new CappedText(ANSWER_LIMIT));
        Duration deadline = settings.pushTimeout().multipliedBy(2);
        HttpResponse<String> response;
        try {
            response = exchange.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException slow) {
            exchange.cancel(true);
            return new Outcome(false, true, "No whole answer within " + deadline.toSeconds() + " s");
        } catch (ExecutionException e) {
            return new Outcome(false, true, describe(e.getCause() == null ? e : e.getCause()));
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            return new Outcome(false, true, "interrupted");
        }
        int status = response.statusCode();
        for (int ok : accepted) if (status == ok) return Outcome.ACCEPTED;
        String err = receiverError(response.body());
        String error = "HTTP " + status + (err.isEmpty() ? "" : " (" + err + ")");
        return new Outcome(false, worthRetrying(status, err), error);
    }

    /**
     * Whether a refusal may pass: the server's trouble (5xx, 408, 429), an answer that is no answer (another
     * 2xx, a redirect), a receiver being deployed (404) or whose credentials or keys are being rotated (401,
     * 403, and RFC 8935's {@code authentication_failed} and {@code invalid_key}, which name a key "expired,
     * revoked" or one the receiver could not fetch). A SET the receiver finds malformed, or not meant for it
     * ({@code invalid_request}, {@code invalid_issuer}, {@code invalid_audience}, {@code access_denied}, or a
     * 400 without a code), will be refused again: it is given up at once.
     */
    static boolean worthRetrying(int status, String err) {
        if (status >= 500 || status == 408 || status == 429 || status < 400) return true;
        if (status == 401 || status == 403 || status == 404) return true;
        return passes(err);
    }

    /**
     * Whether a receiver's error code (RFC 8935, also a poll's {@code setErrs}, RFC 8936) names a trouble that
     * passes: a key "expired, revoked" or one it could not fetch, which it has once its rotation is done.
     */
    static boolean passes(String err) {
        return err.equals("authentication_failed") || err.equals("invalid_key");
    }

    /** How much of a receiver's answer is read: its error code and description, never more. */
    static final int ANSWER_LIMIT = 4096;

    /** The first {@code max} bytes of a body as text; the rest is not read (the exchange is cancelled there). */
    static final class CappedText implements HttpResponse.BodySubscriber<String> {
        private final int max;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<String> body = new CompletableFuture<>();
        private Flow.Subscription subscription;

        CappedText(int max) {
            this.max = max;
        }

        @Override
        public CompletionStage<String> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                int n = Math.min(buffer.remaining(), max - bytes.size());
                byte[] chunk = new byte[n];
                buffer.get(chunk);
                bytes.write(chunk, 0, n);
            }
            if (bytes.size() < max) {
                subscription.request(1);
                return;
            }
            subscription.cancel();
            onComplete();
        }

        @Override
        public void onError(Throwable failure) {
            body.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toString(StandardCharsets.UTF_8));
        }
    }

    /** The receiver's own error code (RFC 8935 section 2.3), shortened, or ""; never the body as a whole. */
    private String receiverError(String body) {
        try {
            var node = json.readTree(body == null ? "" : body);
            return errorCode(node.path("err").asString(""));
        } catch (RuntimeException notJson) {
            return ""; // nothing of it is kept
        }
    }

    /** A receiver's error code as Lanyard keeps and shows it: shortened, letters, digits, '_' and '-' only. */
    static String errorCode(String err) {
        if (err == null) return "";
        return (err.length() > 40 ? err.substring(0, 40) : err).replaceAll("[^A-Za-z0-9_-]", "");
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
