package dev.lanyard.signals;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import dev.lanyard.apps.AppClient;
import dev.lanyard.apps.ClientCredentials;
import dev.lanyard.apps.ReceiverAddresses;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Shared Signals streams (SSF 1.0): receivers create, read, change and delete theirs, set their status,
 * ask for a verification event and poll (RFC 8936); admins enable receivers and watch their streams in
 * {@link ReceiverApps}. Every stream operation is on the calling receiver's own streams; another's is not found.
 * The rules of what a receiver sends are {@link StreamInput}'s.
 */
@Service
class Streams implements ClientCredentials {
    static final int MAX_STREAMS = 10;
    static final int MAX_POLL = 100;
    static final int DEFAULT_POLL = 25;
    /** SSF's {@code min_verification_interval}: a receiver asks for a verification event at most this often per stream. */
    static final java.time.Duration MIN_VERIFICATION_INTERVAL = java.time.Duration.ofSeconds(30);

    private final StreamStore store;
    private final SignalOutboxStore outbox;
    private final Transmitter transmitter;
    private final SignalDelivery delivery;
    private final StreamInput input;
    private final JsonMapper json;
    private final Clock clock;
    private final PollWaits waits;
    private final SignalSettings settings;

    Streams(StreamStore store, SignalOutboxStore outbox, Transmitter transmitter, SignalDelivery delivery,
            ReceiverAddresses addresses, JsonMapper json, Clock clock, PollWaits waits, SignalSettings settings) {
        this.waits = waits;
        this.settings = settings;
        this.input = new StreamInput(addresses);
        this.store = store;
        this.outbox = outbox;
        this.transmitter = transmitter;
        this.delivery = delivery;
        this.json = json;
        this.clock = clock;
    }

    /** Receivers may ask for {@code ssf} with client credentials. */
    @Override
    public Set<String> scopes(AppClient app) {
        return store.receiver(app.id()) ? Set.of(Receivers.SCOPE) : Set.of();
    }

    /**
     * What a receiver asks for: any of it may be absent (an update changes only what it names). A blank
     * {@code authorization} (sent as JSON null) removes the push header; an absent one keeps it where it still applies
     * ({@link #update}).
     */
    record Request(Optional<String> description, Optional<Set<String>> eventsRequested, Optional<String> method,
                   Optional<String> endpoint, Optional<String> authorization, Optional<String> format) {
    }

    /** {@code reachedAt}: the issuer as the receiver's request reached Lanyard, which the stream's SETs then name ({@link Transmitter}). */
    @Transactional
    Stream create(AppClient receiver, Request request, Optional<String> reachedAt) {
        if (store.count(receiver.id()) >= MAX_STREAMS) throw new SignalProblem.TooManyStreams(MAX_STREAMS);
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Stream.Config config = input.config(Stream.Config.defaults(), request).reachedAt(reachedAt);
        Stream stream = new Stream(UUID.randomUUID().toString(), receiver.id(), receiver.team(), config,
                StreamInput.authorization(config, request),
                Stream.Status.ENABLED, "", now, now, Optional.empty(), Optional.empty());
        store.insert(stream);
        return stream;
    }

    /**
     * The receiver's stream {@code id}; a request that names none is told so (400), not that no such stream exists (an
     * outside review: a status update without {@code stream_id} answered 404 "No such stream.").
     */
    Stream get(AppClient receiver, String id) {
        if (id == null || id.isBlank()) {
            throw new SignalProblem.InvalidInput("stream_id", "stream_id is missing: name the stream, as its creation answered it.");
        }
        return store.find(id, receiver.id()).orElseThrow(SignalProblem.StreamNotFound::new);
    }

    List<Stream> list(AppClient receiver) {
        return store.list(receiver.id());
    }

    /**
     * Changes what the request names ({@code replace}: and resets what it leaves out, except the push header while the
     * stream stays push to the same endpoint: Lanyard never shows it back, so a stream read and put back would lose it).
     * {@code reachedAt}, as for {@link #create}; empty keeps the stream's.
     */
    @Transactional
    Stream update(AppClient receiver, String id, Request request, boolean replace, Optional<String> reachedAt) {
        Stream stream = get(receiver, id);
        Stream.Config base = replace ? Stream.Config.defaults() : stream.config();
        Stream.Config config = input.config(base, request).reachedAt(reachedAt.or(() -> stream.config().issuer()));
        Stream changed = stream.with(config, StreamInput.authorization(stream, config, request),
                clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        store.update(changed);
        if (config.push() != stream.config().push()) {
            outbox.redeliver(stream.id(), config.push() ? SignalOutboxStore.Kind.PUSH : SignalOutboxStore.Kind.POLL);
            if (config.push()) delivery.afterCommit();
        }
        return changed;
    }

    /** Deletes the receiver's stream {@code id} and drops what waited for it; returns the stream as it was. */
    @Transactional
    Stream delete(AppClient receiver, String id) {
        Stream stream = get(receiver, id);
        outbox.drop(stream.id(), clock.instant());
        store.delete(stream.id(), receiver.id());
        return stream;
    }

    /**
     * Sets the stream's status: enabled (delivered), paused (kept, delivered when enabled again) or
     * disabled (neither kept nor delivered: what waits is dropped).
     */
    @Transactional
    Stream status(AppClient receiver, String id, String status, String reason) {
        Stream stream = get(receiver, id);
        Stream.Status to = Stream.Status.of(status == null ? "" : status.strip().toLowerCase(Locale.ROOT))
                .orElseThrow(() -> new SignalProblem.InvalidInput("status", "status is enabled, paused or disabled."));
        String why = StreamInput.text(reason, "reason", 200);
        store.status(stream.id(), receiver.id(), to, why, clock.instant());
        if (to == Stream.Status.DISABLED) outbox.drop(stream.id(), clock.instant());
        if (to == Stream.Status.ENABLED) delivery.afterCommit();
        return get(receiver, id);
    }

    /** Queues the SSF verification event for the stream, echoing {@code state}; at most one per {@link #MIN_VERIFICATION_INTERVAL}. */
    @Transactional
    void verify(AppClient receiver, String id, Optional<String> state) {
        Stream stream = get(receiver, id);
        if (stream.status() == Stream.Status.DISABLED) throw new SignalProblem.InvalidInput("stream_id", "The stream is disabled.");
        String clean = StreamInput.text(state.orElse(""), "state", 500);
        Instant now = clock.instant();
        if (!store.verificationRequested(stream.id(), receiver.id(), now.minus(MIN_VERIFICATION_INTERVAL), now)) {
            throw new SignalProblem.TooManyVerifications(MIN_VERIFICATION_INTERVAL.toSeconds());
        }
        String jti = UUID.randomUUID().toString();
        queue(stream, jti, SecurityEvents.verification(transmitter.issuer(stream), receiver.clientId(), jti, stream.id(),
                clean.isEmpty() ? Optional.empty() : Optional.of(clean), now));
    }

    /** Queues an SSF event about the stream, delivered as its other SETs are (pushed, or polled), once the transaction commits. */
    void queue(Stream stream, String jti, Map<String, Object> claims) {
        outbox.add(List.of(new SignalOutboxStore.NewSignal(stream.config().push() ? SignalOutboxStore.Kind.PUSH : SignalOutboxStore.Kind.POLL,
                Optional.of(stream.id()), stream.appId(), "", jti, json.writeValueAsString(claims))), clock.instant());
        delivery.afterCommit();
    }

    /** What a poll returns: SETs by jti, and whether more wait. */
    record Polled(Map<String, String> sets, boolean moreAvailable) {
    }

    /**
     * RFC 8936: acknowledges {@code acks}, and records {@code errors} (jti → the receiver's error code) with the
     * receiver's code, which the stream's status then shows its admin ({@link #refused}); then answers up to {@code maxEvents} unacknowledged SETs, and never more than {@link #MAX_POLL} (RFC 8936
     * §2.4 makes maxEvents a ceiling, not a demand). When none is pending and the poll did not ask to
     * {@code returnImmediately}, the answer comes once one is queued or {@code lanyard.signals.poll-wait} has passed,
     * without holding the calling thread ({@link PollWaits}, decision 58). A SET stays pending, and is returned again,
     * until it is acknowledged or refused for good. A refused request throws here, before any waiting.
     */
    CompletableFuture<Polled> poll(AppClient receiver, String id, Collection<String> acks, Map<String, String> errors,
                                   Optional<Integer> maxEvents, boolean returnImmediately) {
        Stream stream = get(receiver, id);
        if (stream.config().push()) throw new SignalProblem.InvalidInput("stream_id", "The stream is delivered by push, not poll.");
        int max = Math.min(maxEvents.orElse(DEFAULT_POLL), MAX_POLL);
        if (max < 0) throw new SignalProblem.InvalidInput("maxEvents", "maxEvents is 0 or more.");
        List<String> acknowledged = new ArrayList<>(acks);
        if (acknowledged.size() + errors.size() > 1000) throw new SignalProblem.InvalidInput("ack", "Acknowledge at most 1000 SETs at once.");
        if (!acknowledged.isEmpty() && outbox.acknowledge(stream.id(), acknowledged, clock.instant()) > 0) {
            store.delivered(stream.id(), clock.instant());
        }
        errors.forEach((jti, err) -> refused(stream, jti, ReceiverErrors.errorCode(err)));
        if (stream.status() != Stream.Status.ENABLED) return CompletableFuture.completedFuture(new Polled(Map.of(), false));
        // An acknowledgement-only poll (maxEvents 0) still says whether SETs wait (RFC 8936 §2.2, moreAvailable).
        if (max == 0) return CompletableFuture.completedFuture(new Polled(Map.of(), outbox.more(stream.id(), 0, clock.instant())));
        Polled now = pending(stream.id(), max);
        if (!now.sets().isEmpty() || returnImmediately) return CompletableFuture.completedFuture(now);
        return waits.await(stream.id(), () -> pending(stream.id(), max));
    }

    /**
     * A SET the receiver refused in {@code setErrs}: given up, unless its code is one a push is retried for
     * ({@link ReceiverErrors#passes}: a receiver rotating or fetching its keys). Such a SET is handed out again by a
     * poll after push's retry delay (doubling from {@code first-retry}), and given up after {@code max-attempts}
     * refusals, as a push is: without the delay, a receiver polling again at once would spend them all in a second.
     */
    private void refused(Stream stream, String jti, String code) {
        String error = "Refused by the receiver" + (code.isEmpty() ? "" : " (" + code + ")");
        Instant now = clock.instant();
        Optional<Integer> attempts = outbox.attempts(stream.id(), jti).map(n -> n + 1);
        if (attempts.isEmpty()) return;
        boolean changed = ReceiverErrors.passes(code) && attempts.get() < settings.maxAttempts()
                ? outbox.refusedForNow(stream.id(), jti, error, now.plus(settings.retryDelay(attempts.get()))) > 0
                : outbox.refused(stream.id(), jti, error, now) > 0;
        if (changed) store.failed(stream.id(), error);
    }

    /** Up to {@code max} of the stream's unacknowledged SETs due now, signed now, and whether more wait. */
    private Polled pending(String streamId, int max) {
        Instant now = clock.instant();
        List<SignalOutboxStore.Outgoing> pending = outbox.pending(streamId, max, now);
        Map<String, String> sets = new LinkedHashMap<>();
        for (SignalOutboxStore.Outgoing signal : pending) {
            sets.put(signal.jti(), transmitter.set(json.readValue(signal.claims(),
                    new tools.jackson.core.type.TypeReference<LinkedHashMap<String, Object>>() { })));
        }
        return new Polled(sets, outbox.more(streamId, pending.size(), now));
    }
}
