package dev.lanyard.signals;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.lanyard.apps.ReceiverAddresses;
import dev.lanyard.signals.SignalDelivery.Outcome;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * One signal's exchange with its receiver, for {@link SignalDelivery}: a push SET (RFC 8935) or a logout token
 * (Back-Channel Logout 1.0) sent, and the answer read within its deadline into an {@link Outcome}.
 */
class ReceiverExchange {
    /** How much of a receiver's answer is read: its error code and description, never more. */
    static final int ANSWER_LIMIT = 4096;

    private final Transmitter transmitter;
    private final SignalSettings settings;
    private final ReceiverAddresses addresses;
    private final JsonMapper json;
    private final Clock clock;
    /** Built at the first push, not at start-up: building one loads java.net.http and the TLS defaults (bench/RESULTS.md, decision 0033). */
    private volatile HttpClient http;

    ReceiverExchange(Transmitter transmitter, SignalSettings settings, ReceiverAddresses addresses, JsonMapper json, Clock clock) {
        this.transmitter = transmitter;
        this.settings = settings;
        this.addresses = addresses;
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

    /**
     * RFC 8935: the SET as the body, 202 Accepted when the receiver took it, 400 with an error when it refuses it. A
     * receiver that answers 200 or 204 took it too: sending it again would only deliver it twice (it was retried
     * {@code max-attempts} times), as for logout tokens below.
     */
    Outcome push(Stream stream, SignalOutboxStore.Outgoing signal) {
        String set = transmitter.set(claims(signal));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stream.config().endpoint().get()))
                .timeout(settings.pushTimeout())
                .header("Content-Type", "application/secevent+jwt")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(set));
        stream.pushAuthorization().ifPresent(a -> request.header("Authorization", a));
        return send(request.build(), 200, 202, 204);
    }

    /**
     * Back-Channel Logout 1.0: the logout token as the form parameter {@code logout_token}. The spec's §2.8 asks for 200
     * when the app logged out and notes that some frameworks answer 204 instead; 202 is taken too: the app took the token
     * and logs out on its own time, and trying again would only send it a token it has (an outside review: a receiver
     * answering 202 was retried {@code max-attempts} times).
     */
    Outcome logout(SignalOutboxStore.Outgoing signal) {
        String token = transmitter.logout(claims(signal), clock.instant());
        HttpRequest request = HttpRequest.newBuilder(URI.create(signal.target()))
                .timeout(settings.pushTimeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cache-Control", "no-cache")
                .POST(HttpRequest.BodyPublishers.ofString("logout_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
                .build();
        return send(request, 200, 202, 204);
    }

    /**
     * Sends and reads the answer within twice the push timeout, all of it: the request's own timeout ends at
     * the answer's headers (Java 17), so a receiver that sends them and then trickles its body would hold its
     * delivery thread, and the batch waiting for it. Only the first {@link #ANSWER_LIMIT}
     * bytes of the body are read (enough for an error code). An address that can never be sent to is given up
     * without a connection; a host name that does not resolve to a public address, whether it does not resolve or
     * resolves inward (one answer for both: {@link ReceiverAddresses}), is tried again later, also without one.
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
            return new Outcome(false, true, ReceiverErrors.describe(e.getCause() == null ? e : e.getCause()));
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            return new Outcome(false, true, "interrupted");
        }
        int status = response.statusCode();
        for (int ok : accepted) if (status == ok) return Outcome.ACCEPTED;
        String err = ReceiverErrors.receiverError(json, response.body());
        String error = "HTTP " + status + (err.isEmpty() ? "" : " (" + err + ")");
        return new Outcome(false, ReceiverErrors.worthRetrying(status, err), error);
    }

    private Map<String, Object> claims(SignalOutboxStore.Outgoing signal) {
        return json.readValue(signal.claims(), new TypeReference<LinkedHashMap<String, Object>>() { });
    }
}
