package dev.lanyard.starter;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.lanyard.starter.LanyardEndpoints.LanyardUnavailable;
import dev.lanyard.starter.SecurityEventTokens.SetRejected;

/**
 * Poll delivery (RFC 8936): long-polls the stream's poll endpoint for SETs
 * ({@code {"maxEvents", "returnImmediately": false}}: Lanyard answers as soon as one is queued, or
 * empty after its {@code lanyard.signals.poll-wait}, 20 s; the read is bounded by
 * {@link #LONG_POLL_TIMEOUT}), verifies and applies each, and acknowledges
 * them: every SET processed is in the next request's {@code ack}, every SET refused in its
 * {@code setErrs} ({@code {jti: {err, description}}}). While Lanyard says {@code moreAvailable} it
 * asks again at once; when it has nothing more, acknowledgements still pending are sent at once
 * in an acknowledgement-only request ({@code maxEvents: 0}), so a restart does not bring them
 * back. Acknowledgements are only dropped once Lanyard answered 200 to the request carrying them.
 */
public class SsfPoller {
    private static final Log log = LogFactory.getLog(SsfPoller.class);
    private static final int MAX_ROUNDS = 100;
    /** How long a long poll may take to be answered: Lanyard's poll wait (20 s by default) and then some. */
    static final java.time.Duration LONG_POLL_TIMEOUT = java.time.Duration.ofSeconds(45);

    private final LanyardEndpoints endpoints;
    private final ClientCredentials credentials;
    private final SecurityEventTokens tokens;
    private final SessionSignals signals;
    private final int maxEvents;
    private final List<String> acks = new ArrayList<>();
    private final Map<String, Map<String, String>> errors = new LinkedHashMap<>();

    SsfPoller(LanyardEndpoints endpoints, ClientCredentials credentials, SecurityEventTokens tokens, SessionSignals signals, int maxEvents) {
        this.endpoints = endpoints;
        this.credentials = credentials;
        this.tokens = tokens;
        this.signals = signals;
        this.maxEvents = maxEvents;
    }

    /**
     * Polls until Lanyard has nothing more (bounded), acknowledging as it goes; returns how many SETs were processed
     * (acknowledged or refused; not those left for later because Lanyard's keys could not be fetched).
     */
    public synchronized int poll(URI endpoint) {
        int processed = 0;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Map<String, Object> answer = request(endpoint, maxEvents, round == 0);
            Map<String, Object> sets = answer.get("sets") instanceof Map<?, ?> m ? cast(m) : Map.of();
            for (Map.Entry<String, Object> set : sets.entrySet()) {
                try {
                    SecurityEventTokens.VerifiedSet verified = tokens.verify(set.getValue() instanceof String s ? s : null);
                    signals.apply(verified);
                    acks.add(set.getKey());
                    processed++;
                } catch (SetRejected e) {
                    log.warn("Refused SET " + set.getKey() + " from Lanyard's poll endpoint: " + e.err() + ": " + e.getMessage());
                    errors.put(set.getKey(), Map.of("err", e.err(), "description", e.getMessage()));
                    processed++;
                } catch (SecurityEventTokens.KeysUnavailable e) {
                    // Neither acknowledged nor refused: Lanyard hands it over again at the next poll.
                    log.warn("Could not check SET " + set.getKey() + " now; it is taken again at the next poll: " + e.getMessage());
                }
            }
            if (!Boolean.TRUE.equals(answer.get("moreAvailable"))) break;
        }
        if (!acks.isEmpty() || !errors.isEmpty()) request(endpoint, 0, false);
        return processed;
    }

    /** {@code wait}: a long poll (only the first of a round: after {@code moreAvailable} the SETs are there already). */
    private Map<String, Object> request(URI endpoint, int max, boolean wait) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (!acks.isEmpty()) body.put("ack", List.copyOf(acks));
        if (!errors.isEmpty()) body.put("setErrs", Map.copyOf(errors));
        body.put("maxEvents", max);
        body.put("returnImmediately", !wait);
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(wait ? LONG_POLL_TIMEOUT : LanyardEndpoints.TIMEOUT)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(LanyardEndpoints.toJson(body)));
        HttpResponse<String> response = endpoints.send(request.copy().header("Authorization", "Bearer " + credentials.token()).build());
        if (response.statusCode() == 401) {
            credentials.forget();
            response = endpoints.send(request.copy().header("Authorization", "Bearer " + credentials.token()).build());
        }
        if (response.statusCode() == 404) throw new StreamGone("POST " + endpoint + " answered 404: the stream is gone");
        if (response.statusCode() != 200) throw new LanyardUnavailable("POST " + endpoint + " answered " + response.statusCode());
        acks.clear();
        errors.clear();
        return LanyardEndpoints.parseObject(response.body(), endpoint);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    /** Lanyard no longer has the stream (deleted by an admin or the app's registration): it has to be set up again. */
    public static class StreamGone extends LanyardUnavailable {
        StreamGone(String message) {
            super(message);
        }
    }
}
