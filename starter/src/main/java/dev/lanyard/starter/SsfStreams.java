package dev.lanyard.starter;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.lanyard.starter.LanyardEndpoints.LanyardUnavailable;
import dev.lanyard.starter.LanyardProperties.Delivery;

/**
 * The app's Shared Signals stream at Lanyard, through SSF 1.0 stream management at the
 * transmitter's {@code configuration_endpoint} with a client-credentials token. Idempotent: the
 * streams Lanyard already holds for this client are read first ({@code GET}); the app's own one
 * (pushing to this app's endpoint, or described as the starter describes the streams it creates)
 * is reused; an own one with another delivery is changed ({@code PATCH}); else a stream is created
 * ({@code POST}). Streams of the same client that are not the app's own are never touched. The push authorization header is derived from the client secret (an HMAC), so
 * every restart and every node of the app expects the same header without storing anything.
 */
public class SsfStreams {
    public static final String PUSH = "urn:ietf:rfc:8935";
    public static final String POLL = "urn:ietf:rfc:8936";
    private static final Log log = LogFactory.getLog(SsfStreams.class);

    private final LanyardEndpoints endpoints;
    private final ClientCredentials credentials;
    private final LanyardProperties properties;
    private volatile Stream stream;

    SsfStreams(LanyardEndpoints endpoints, ClientCredentials credentials, LanyardProperties properties) {
        this.endpoints = endpoints;
        this.credentials = credentials;
        this.properties = properties;
    }

    /**
     * The stream in use: its id, the audience its SETs carry, (poll) where to poll, whether it was just created (no
     * ending before that was sent to this app over it), and whether it replaced another stream this starter used before
     * (that one gone: endings of the time between were sent to neither).
     */
    public record Stream(String id, Set<String> audiences, Optional<URI> pollEndpoint, boolean created, boolean replaced) {
        /** Whether endings may have been lost before this stream: it was just created, or replaced the one used before. */
        public boolean gap() {
            return created || replaced;
        }
    }

    public Optional<Stream> current() {
        return Optional.ofNullable(stream);
    }

    /** The {@code aud} values a SET to this app may carry: the client id and the stream's {@code aud}. */
    public Set<String> audiences() {
        Set<String> all = new LinkedHashSet<>();
        all.add(properties.clientId());
        Stream s = stream;
        if (s != null) all.addAll(s.audiences());
        return all;
    }

    /** The Authorization header Lanyard must send with each push: {@code Bearer} + HMAC-SHA256(client secret, client id). */
    static String pushAuthorization(LanyardProperties properties) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(properties.clientSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal(("lanyard-ssf-push:" + properties.clientId()).getBytes(StandardCharsets.UTF_8));
            return "Bearer " + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The description the starter gives the streams it creates, by which it knows them as its own: one per app, or one per
     * instance of it ({@code lanyard.signals.instance}), so that instances never take each other's stream.
     */
    static String description(LanyardProperties properties) {
        return "lanyard-spring-boot-starter (" + properties.clientId()
                + properties.signals().instanceName().map(name -> ", instance " + name).orElse("") + ")";
    }

    /**
     * Finds, fixes or creates this app's stream; {@code pushUrl} is this app's push endpoint (push delivery only). Only
     * a stream of the app's own is used or changed: one the starter created (its description) or one that pushes to
     * {@code pushUrl}. Other streams of the same client (a SIEM's, say) are left alone.
     */
    public Stream ensure(URI pushUrl) {
        Delivery delivery = properties.signals().delivery();
        if (delivery == Delivery.NONE) throw new IllegalStateException("lanyard.signals.delivery is none");
        URI config = endpoints.ssfEndpoint("configuration_endpoint");
        Map<String, Object> wanted = new LinkedHashMap<>();
        if (delivery == Delivery.PUSH) {
            wanted.put("method", PUSH);
            wanted.put("endpoint_url", pushUrl.toString());
            wanted.put("authorization_header", pushAuthorization(properties));
        } else {
            wanted.put("method", POLL);
        }
        List<Map<String, Object>> existing = list(config);
        String mine = description(properties);
        Map<String, Object> chosen = existing.stream().filter(s -> matches(s, wanted, mine)).findFirst().orElse(null);
        Map<String, Object> own = chosen != null ? null : existing.stream().filter(s -> mine.equals(s.get("description"))).findFirst().orElse(null);
        boolean created = false;
        if (own != null) {
            chosen = change(config, own.get("stream_id"), wanted);
            log.info("Changed this app's Lanyard Shared Signals stream " + chosen.get("stream_id") + " to " + wanted.get("method")
                    + (delivery == Delivery.PUSH ? " to " + pushUrl : ""));
        } else if (chosen != null && delivery == Delivery.PUSH) {
            // Lanyard never shows a push stream's Authorization header back, and it is made from the client secret:
            // set it again at every start, or a rotated secret would have every push refused from then on.
            chosen = change(config, chosen.get("stream_id"), wanted);
            log.info("Using Lanyard Shared Signals stream " + chosen.get("stream_id") + " (push; its Authorization header set again)");
        } else if (chosen == null) {
            Map<String, Object> create = new LinkedHashMap<>();
            create.put("delivery", wanted);
            create.put("events_requested", List.of(SessionSignals.SESSION_REVOKED));
            create.put("description", mine);
            chosen = create(config, create, existing.size());
            created = true;
            log.info("Created Lanyard Shared Signals stream " + chosen.get("stream_id") + " (" + wanted.get("method") + ")"
                    + (existing.isEmpty() ? "" : "; the client's " + existing.size() + " other stream(s) are not this app's and are left alone"));
        } else {
            log.info("Using Lanyard Shared Signals stream " + chosen.get("stream_id") + " (" + wanted.get("method") + ")");
        }
        Stream before = stream;
        Stream s = toStream(chosen, delivery, created, before != null && !before.id().equals(chosen.get("stream_id")));
        if (s.replaced() && !created) log.warn("Lanyard no longer holds Shared Signals stream " + before.id() + " this app used; "
                + "using its stream " + s.id() + " instead");
        stream = s;
        return s;
    }

    private Map<String, Object> create(URI config, Map<String, Object> body, int others) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(config).header("Content-Type", "application/json")
                .method("POST", HttpRequest.BodyPublishers.ofString(LanyardEndpoints.toJson(body))));
        if (response.statusCode() == 409)
            throw new LanyardUnavailable("Lanyard refused a new Shared Signals stream for client " + properties.clientId() + " (409: "
                    + "it holds as many as it allows, " + others + ", none of them this app's). The starter does not take over "
                    + "another receiver's stream: delete one at Lanyard, or give other receivers a client of their own");
        if (response.statusCode() != 200 && response.statusCode() != 201)
            throw new LanyardUnavailable("POST " + config + " answered " + response.statusCode() + ": " + response.body());
        return LanyardEndpoints.parseObject(response.body(), config);
    }

    /** Whether Lanyard still holds the stream {@code id} (an admin may have deleted it, or disabled the app as a receiver). */
    public boolean exists(String id) {
        URI config = endpoints.ssfEndpoint("configuration_endpoint");
        URI one = URI.create(config + (config.getRawQuery() == null ? "?" : "&") + "stream_id="
                + java.net.URLEncoder.encode(id, StandardCharsets.UTF_8));
        return list(one).stream().anyMatch(s -> id.equals(s.get("stream_id")));
    }

    private Map<String, Object> change(URI config, Object streamId, Map<String, Object> delivery) {
        Map<String, Object> patch = new LinkedHashMap<>();
        patch.put("stream_id", streamId);
        patch.put("delivery", delivery);
        patch.put("events_requested", List.of(SessionSignals.SESSION_REVOKED));
        return call("PATCH", config, patch);
    }

    /**
     * The app's own stream as it should be: push to this app's endpoint, or poll and created by the starter. An instance
     * of several ({@code lanyard.signals.instance}) takes only its own, also for push: another instance's stream to the
     * same address would give it no SET of its own.
     */
    private boolean matches(Map<String, Object> stream, Map<String, Object> wanted, String mine) {
        if (!(stream.get("delivery") instanceof Map<?, ?> delivery) || !wanted.get("method").equals(delivery.get("method"))) return false;
        if (POLL.equals(wanted.get("method"))) return mine.equals(stream.get("description"));
        return wanted.get("endpoint_url").equals(delivery.get("endpoint_url"))
                && (properties.signals().instanceName().isEmpty() || mine.equals(stream.get("description")));
    }

    private Stream toStream(Map<String, Object> config, Delivery delivery, boolean created, boolean replaced) {
        if (!(config.get("stream_id") instanceof String id)) throw new LanyardUnavailable("Lanyard's stream configuration has no stream_id");
        Set<String> aud = new LinkedHashSet<>();
        if (config.get("aud") instanceof String a) aud.add(a);
        if (config.get("aud") instanceof List<?> list) list.forEach(a -> aud.add(String.valueOf(a)));
        Optional<URI> poll = Optional.empty();
        if (delivery == Delivery.POLL) {
            if (!(config.get("delivery") instanceof Map<?, ?> d) || !(d.get("endpoint_url") instanceof String url))
                throw new LanyardUnavailable("Lanyard's poll stream has no delivery.endpoint_url");
            poll = Optional.of(URI.create(url));
        }
        return new Stream(id, Set.copyOf(aud), poll, created, replaced);
    }

    /**
     * The streams a GET answered: an array, or with a stream_id the stream itself, an object (SSF 1.0 section 8.1.1.2),
     * which older Lanyards answered as an array of one.
     */
    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> list(URI config) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(config).GET());
        if (response.statusCode() == 404 || response.statusCode() == 204) return List.of();
        if (response.statusCode() != 200) throw new LanyardUnavailable("GET " + config + " answered " + response.statusCode());
        Object body = LanyardEndpoints.JSON.readValue(response.body(), Object.class);
        List<Map<String, Object>> streams = new ArrayList<>();
        if (body instanceof List<?> list) list.stream().filter(Map.class::isInstance).forEach(s -> streams.add((Map<String, Object>) s));
        else if (body instanceof Map<?, ?> one && one.containsKey("stream_id")) streams.add((Map<String, Object>) one);
        return streams;
    }

    private Map<String, Object> call(String method, URI config, Map<String, Object> body) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(config).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(LanyardEndpoints.toJson(body))));
        if (response.statusCode() != 200 && response.statusCode() != 201)
            throw new LanyardUnavailable(method + " " + config + " answered " + response.statusCode() + ": " + response.body());
        return LanyardEndpoints.parseObject(response.body(), config);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        request.timeout(LanyardEndpoints.TIMEOUT).header("Accept", "application/json");
        HttpResponse<String> response = endpoints.send(request.copy().header("Authorization", "Bearer " + credentials.token()).build());
        if (response.statusCode() == 401) {
            credentials.forget();
            response = endpoints.send(request.copy().header("Authorization", "Bearer " + credentials.token()).build());
        }
        return response;
    }
}
