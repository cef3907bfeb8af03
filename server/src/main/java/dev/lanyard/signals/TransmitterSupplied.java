package dev.lanyard.signals;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * SSF 1.0 §8.1.1.3 and §8.1.1.4: a receiver may send a stream's Transmitter-Supplied properties in an update or a
 * replacement (it read the stream, edited the JSON and sent it back), and each "MUST match the expected value";
 * one that does not is a 400 naming it. Absent or null, a property is not checked. Lanyard's own API ignores
 * the read-only properties sent back instead ({@link dev.lanyard.IgnoresReadOnlyOf}); here the specification
 * decides. A new stream has no id, no events delivered and no poll address yet: a request that creates one
 * may not name them.
 */
record TransmitterSupplied(String issuer, String audience, long minVerificationInterval, Function<Stream, String> pollUrl) {
    static final String ECHO = "Transmitter-Supplied: may be sent back as read; any other value is refused (400).";

    /**
     * Checks {@code body} against the stream as it is ({@code before}; empty when creating one). {@code replace}: a
     * PUT, whose delivery method is poll unless it names another (what it leaves out is reset).
     */
    void check(SsfApi.StreamRequest body, Optional<Stream> before, boolean replace) {
        if (before.isEmpty() && body.streamId() != null) throw notYet("stream_id");
        same("iss", body.iss() == null || body.iss().equals(issuer));
        same("aud", body.aud() == null || audiences(body.aud()).equals(Optional.of(Set.of(audience))));
        same("events_supported", body.eventsSupported() == null || body.eventsSupported().equals(SecurityEvents.SUPPORTED));
        if (body.eventsDelivered() != null) {
            if (before.isEmpty()) throw notYet("events_delivered");
            same("events_delivered", body.eventsDelivered().equals(before.get().eventsDelivered()));
        }
        same("min_verification_interval", body.minVerificationInterval() == null || body.minVerificationInterval() == minVerificationInterval);
        same("inactivity_timeout", body.inactivityTimeout() == null);
        // A poll stream's endpoint_url is where the transmitter is polled: its own, not the receiver's.
        String endpoint = body.delivery() == null ? null : body.delivery().endpointUrl();
        String method = body.delivery() != null && body.delivery().method() != null ? body.delivery().method().strip()
                : before.filter(s -> !replace).map(s -> s.config().method()).orElse(Stream.POLL);
        if (endpoint != null && method.equals(Stream.POLL)) {
            if (before.isEmpty()) throw notYet("delivery.endpoint_url");
            same("delivery.endpoint_url", endpoint.equals(pollUrl.apply(before.get())));
        }
    }

    /** {@code aud} as a set, from a string or an array of strings; empty for anything else. */
    private static Optional<Set<String>> audiences(Object aud) {
        if (aud instanceof String one) return Optional.of(Set.of(one));
        if (aud instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return Optional.of(((Collection<?>) list).stream().map(String.class::cast).collect(Collectors.toSet()));
        }
        return Optional.empty();
    }

    private static void same(String field, boolean matches) {
        if (!matches) throw new SignalProblem.InvalidInput(field, "'" + field + "' is set by the transmitter and does not match this "
                + "stream's: send it back as read, or leave it out.");
    }

    private static SignalProblem.InvalidInput notYet(String field) {
        return new SignalProblem.InvalidInput(field, "'" + field + "' is set by the transmitter: leave it out when creating a stream.");
    }
}
