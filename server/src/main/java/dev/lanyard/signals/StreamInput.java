package dev.lanyard.signals;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import dev.lanyard.apps.ReceiverAddresses;

/**
 * The rules of what a receiver sends when creating or changing a stream ({@link Streams#create}, {@link Streams#update}):
 * its description, the events it asks for, its delivery method and push endpoint ({@link ReceiverAddresses}), its push
 * header and its format; and of the free text of a status reason or a verification's state.
 */
final class StreamInput {
    private final ReceiverAddresses addresses;

    StreamInput(ReceiverAddresses addresses) {
        this.addresses = addresses;
    }

    /**
     * {@code base} changed by what the request names.
     *
     * @throws SignalProblem.InvalidInput naming the first field that breaks a rule
     */
    Stream.Config config(Stream.Config base, Streams.Request request) {
        String description = request.description().map(d -> text(d, "description", 200)).orElse(base.description());
        Set<String> events = request.eventsRequested().map(StreamInput::events).orElse(base.eventsRequested());
        String method = request.method().map(String::strip).orElse(base.method());
        if (!method.equals(Stream.PUSH) && !method.equals(Stream.POLL)) {
            throw new SignalProblem.InvalidInput("delivery.method", "delivery.method is " + Stream.PUSH + " (push) or " + Stream.POLL + " (poll).");
        }
        Optional<String> endpoint = method.equals(Stream.PUSH)
                ? request.endpoint().or(() -> base.endpoint()).map(this::endpoint) : Optional.empty();
        if (method.equals(Stream.PUSH) && endpoint.isEmpty()) {
            throw new SignalProblem.InvalidInput("delivery.endpoint_url", "A push stream needs delivery.endpoint_url.");
        }
        String format = request.format().map(f -> f.strip().toLowerCase(Locale.ROOT)).orElse(base.format());
        if (!format.equals("iss_sub") && !format.equals("email")) throw new SignalProblem.InvalidInput("format", "format is iss_sub or email.");
        return new Stream.Config(description, events, method, endpoint, format, base.issuer());
    }

    /** The header a new stream pushes with: the request's, if it pushes. */
    static Optional<String> authorization(Stream.Config config, Streams.Request request) {
        return config.push() ? request.authorization().flatMap(StreamInput::header) : Optional.empty();
    }

    /** The header a changed stream pushes with: the request's, else (left out) the stored one where it still applies. */
    static Optional<String> authorization(Stream stream, Stream.Config config, Streams.Request request) {
        if (!config.push()) return Optional.empty();
        if (request.authorization().isPresent()) return request.authorization().flatMap(StreamInput::header);
        boolean samePush = stream.config().push() && stream.config().endpoint().equals(config.endpoint());
        // Never to another endpoint: the header is the old endpoint's credential, and a receiver token may point the stream anywhere.
        return samePush ? stream.pushAuthorization() : Optional.empty();
    }

    private static Set<String> events(Set<String> requested) {
        if (requested.size() > 50) throw new SignalProblem.InvalidInput("events_requested", "Request at most 50 event types.");
        Set<String> clean = new LinkedHashSet<>();
        for (String e : requested) clean.add(text(e, "events_requested", 300));
        return clean;
    }

    /**
     * The rule an endpoint's scheme is held to, said whole: {@link ReceiverAddresses} takes http where the address is in a
     * listed network, so "must be an https URL" was not the rule (an outside review: {@code ftp://} was told so while
     * http to loopback was accepted).
     */
    static final String ENDPOINT_RULE = "delivery.endpoint_url must be an https URL, or an http URL to a network listed in "
            + "lanyard.signals.private-networks (this machine's loopback counts as listed while Lanyard itself is reachable on loopback only).";

    /** A URL Lanyard may push to (see {@link ReceiverAddresses}). */
    private String endpoint(String value) {
        String clean = text(value, "delivery.endpoint_url", 500);
        String scheme;
        try {
            java.net.URI uri = new java.net.URI(clean);
            scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (uri.getHost() == null && (scheme.equals("https") || scheme.equals("http"))) scheme = "";
        } catch (java.net.URISyntaxException unparsable) {
            scheme = null; // said by ReceiverAddresses: not a valid URL
        }
        if (scheme != null && !scheme.equals("https") && !scheme.equals("http")) {
            throw new SignalProblem.InvalidInput("delivery.endpoint_url", (scheme.isEmpty() ? "" : "The scheme " + scheme
                    + " is not one Lanyard pushes to: ") + ENDPOINT_RULE);
        }
        try {
            addresses.check(clean, "delivery.endpoint_url");
        } catch (ReceiverAddresses.Refused refused) {
            throw new SignalProblem.InvalidInput("delivery.endpoint_url", refused.getMessage());
        }
        return clean;
    }

    /** The push header the receiver gave; none for a blank one. */
    private static Optional<String> header(String value) {
        String clean = value.strip();
        if (clean.isEmpty()) return Optional.empty();
        // Read as a JSON node, it skipped the strict string reading: its rule (C0, DEL, a lone surrogate) is applied here.
        if (clean.length() > 2000 || clean.codePoints().anyMatch(c -> c < 0x20 || c == 0x7f
                || c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE)) {
            throw new SignalProblem.InvalidInput("delivery.authorization_header", "authorization_header must be one line of at most 2000 characters.");
        }
        return Optional.of(clean);
    }

    /** {@code value} stripped ("" for null), or refused for {@code field} as {@link dev.lanyard.FreeText#fieldRefusal} says. */
    static String text(String value, String field, int max) {
        String clean = value == null ? "" : value.strip();
        dev.lanyard.FreeText.fieldRefusal(clean, max).ifPresent(refused -> {
            throw new SignalProblem.InvalidInput(field, refused);
        });
        return clean;
    }
}
