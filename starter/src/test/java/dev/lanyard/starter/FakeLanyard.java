package dev.lanyard.starter;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Lanyard as the starter sees it, on 127.0.0.1: discovery, JWKS, the token endpoint (client
 * credentials), the SSF configuration, stream management and a poll endpoint. It records what it
 * was sent and signs SETs, logout tokens and access tokens with a test RSA key.
 */
final class FakeLanyard implements AutoCloseable {
    static final String CLIENT_ID = "relying-app";
    static final String CLIENT_SECRET = "a-client-secret-of-the-relying-app";
    static final String KEY_ID = "lanyard-key-1";

    final HttpServer server;
    final String issuer;
    final RSAKey key;
    /** Same key id, another key: what an attacker without Lanyard's key can sign. */
    final RSAKey otherKey;
    final List<Map<String, Object>> streams = new CopyOnWriteArrayList<>();
    final List<String> streamRequests = new CopyOnWriteArrayList<>();
    /** Answers a GET with stream_id with an array of the stream, as Lanyards before SSF 1.0's single object did. */
    volatile boolean oneStreamInAnArray;
    final List<String> tokenRequests = new CopyOnWriteArrayList<>();
    final List<Map<String, Object>> polls = new CopyOnWriteArrayList<>();
    final java.util.concurrent.atomic.AtomicInteger jwksFetches = new java.util.concurrent.atomic.AtomicInteger();
    /** How long a poll that does not ask to returnImmediately waits for a SET, as Lanyard's lanyard.signals.poll-wait. */
    volatile java.time.Duration pollWait = java.time.Duration.ofSeconds(20);
    /** The most streams Lanyard holds for one client: a POST past it is answered 409, as Lanyard's too-many-streams. */
    volatile int maxStreams = 10;
    /** Refuse the client-credentials grant (400), as Lanyard does while the app's Shared Signals are off. */
    volatile boolean refuseClientCredentials;
    /** SETs waiting for the next poll, by jti; removed when acknowledged. */
    final Map<String, String> pending = Collections.synchronizedMap(new LinkedHashMap<>());

    static FakeLanyard startOrFail() {
        try {
            return new FakeLanyard();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Discovery documents served. */
    final java.util.concurrent.atomic.AtomicInteger discoveryFetches = new java.util.concurrent.atomic.AtomicInteger();

    FakeLanyard() throws Exception {
        this(0);
    }

    /** On {@code port} (0: any free one), with a new key: a Lanyard started again on the same address. */
    FakeLanyard(int port) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        issuer = "http://127.0.0.1:" + server.getAddress().getPort();
        key = new RSAKeyGenerator(2048).keyID(KEY_ID).generate();
        otherKey = new RSAKeyGenerator(2048).keyID(KEY_ID).generate();
        server.createContext("/.well-known/openid-configuration", e -> {
            discoveryFetches.incrementAndGet();
            json(e, 200, Map.of(
                "issuer", issuer, "authorization_endpoint", issuer + "/oauth2/authorize", "token_endpoint", issuer + "/oauth2/token",
                "jwks_uri", issuer + "/oauth2/jwks", "userinfo_endpoint", issuer + "/userinfo",
                "response_types_supported", List.of("code"), "subject_types_supported", List.of("public"),
                "id_token_signing_alg_values_supported", List.of("RS256"), "backchannel_logout_supported", true,
                "backchannel_logout_session_supported", true));
        });
        server.createContext("/oauth2/jwks", e -> {
            jwksFetches.incrementAndGet();
            send(e, 200, "application/json", new JWKSet(key.toPublicJWK()).toString());
        });
        server.createContext("/oauth2/token", this::token);
        server.createContext("/.well-known/ssf-configuration", e -> json(e, 200, Map.of(
                "spec_version", "1_0", "issuer", issuer, "jwks_uri", issuer + "/oauth2/jwks",
                "delivery_methods_supported", List.of(SsfStreams.PUSH, SsfStreams.POLL),
                "configuration_endpoint", issuer + "/ssf/streams", "status_endpoint", issuer + "/ssf/status",
                "authorization_schemes", List.of(Map.of("spec_urn", "urn:ietf:rfc:6749")))));
        server.createContext("/ssf/streams", this::streams);
        server.createContext("/ssf/poll", this::poll);
        server.createContext("/oauth2/authorize", this::authorize);
        server.createContext("/userinfo", this::userinfo);
        // A long poll waits in its handler: the others must not wait behind it.
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-lanyard");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    private void token(HttpExchange e) throws IOException {
        String body = read(e);
        String expected = "Basic " + Base64.getEncoder().encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
        tokenRequests.add(body);
        if (!expected.equals(e.getRequestHeaders().getFirst("Authorization"))) {
            json(e, 401, Map.of("error", "invalid_client"));
            return;
        }
        Map<String, String> form = form(body);
        if ("authorization_code".equals(form.get("grant_type"))) {
            SignIn signIn = signIns.remove(form.get("code"));
            if (signIn == null || form.get("code_verifier") == null || !signIn.challenge().equals(s256(form.get("code_verifier")))) {
                json(e, 400, Map.of("error", "invalid_grant"));
                return;
            }
            JWTClaimsSet idToken = new JWTClaimsSet.Builder().issuer(issuer).audience(CLIENT_ID).subject(signIn.sub())
                    .issueTime(new Date()).expirationTime(new Date(System.currentTimeMillis() + 300_000))
                    .claim("auth_time", Instant.now().getEpochSecond()).claim("nonce", signIn.nonce()).claim("sid", signIn.sid()).build();
            json(e, 200, Map.of("access_token", "user-token-" + signIn.sub(), "token_type", "Bearer", "expires_in", 300,
                    "scope", "openid", "id_token", sign(idToken, "JWT")));
            return;
        }
        if (!"client_credentials".equals(form.get("grant_type"))) {
            json(e, 400, Map.of("error", "unsupported_grant_type"));
            return;
        }
        if (refuseClientCredentials) { // as Lanyard answers while the app's Shared Signals are off
            json(e, 400, Map.of("error", "invalid_scope"));
            return;
        }
        json(e, 200, Map.of("access_token", "app-token", "token_type", "Bearer", "expires_in", 300, "scope", "ssf"));
    }

    /** A sign-in in progress: who signs in, in which Lanyard session, and what the authorize request carried. */
    record SignIn(String sub, String sid, String nonce, String challenge) {
    }

    private final Map<String, SignIn> signIns = new java.util.concurrent.ConcurrentHashMap<>();
    /** Who the next authorize request signs in, and in which Lanyard session. */
    volatile String nextSub = "member-1";
    volatile String nextSid = "sid-0";

    /** The person is already signed in to Lanyard and has consented: the authorize endpoint answers with a code at once. */
    private void authorize(HttpExchange e) throws IOException {
        Map<String, String> query = form(e.getRequestURI().getRawQuery());
        if (!CLIENT_ID.equals(query.get("client_id")) || !"S256".equals(query.get("code_challenge_method"))) {
            send(e, 400, "text/plain", "bad authorize request");
            return;
        }
        String code = UUID.randomUUID().toString();
        signIns.put(code, new SignIn(nextSub, nextSid, query.get("nonce"), query.get("code_challenge")));
        e.getResponseHeaders().set("Location", query.get("redirect_uri") + "?code=" + code + "&state="
                + java.net.URLEncoder.encode(query.get("state"), StandardCharsets.UTF_8));
        send(e, 302, "text/plain", "");
    }

    private void userinfo(HttpExchange e) throws IOException {
        String authorization = e.getRequestHeaders().getFirst("Authorization");
        if (authorization == null || !authorization.startsWith("Bearer user-token-")) {
            json(e, 401, Map.of("error", "invalid_token"));
            return;
        }
        String sub = authorization.substring("Bearer user-token-".length());
        json(e, 200, Map.of("sub", sub, "name", "Member " + sub, "email", sub + "@example.com"));
    }

    private static String s256(String verifier) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (java.security.NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static Map<String, String> form(String encoded) {
        Map<String, String> values = new LinkedHashMap<>();
        if (encoded == null) return values;
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) values.put(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return values;
    }

    private boolean authorized(HttpExchange e) throws IOException {
        if ("Bearer app-token".equals(e.getRequestHeaders().getFirst("Authorization"))) return true;
        json(e, 401, Map.of("error", "invalid_token"));
        return false;
    }

    @SuppressWarnings("unchecked")
    private void streams(HttpExchange e) throws IOException {
        if (!authorized(e)) return;
        String method = e.getRequestMethod();
        String body = read(e);
        streamRequests.add(method);
        switch (method) {
            case "GET" -> readStreams(e);
            case "POST" -> {
                if (streams.size() >= maxStreams) {
                    json(e, 409, Map.of("title", "A receiver has at most " + maxStreams + " streams: delete one first."));
                    return;
                }
                Map<String, Object> request = LanyardEndpoints.parseObject(body, null);
                Map<String, Object> stream = new java.util.concurrent.ConcurrentHashMap<>(request);
                stream.put("stream_id", UUID.randomUUID().toString());
                stream.put("iss", issuer);
                stream.put("aud", CLIENT_ID);
                Map<String, Object> delivery = new LinkedHashMap<>((Map<String, Object>) request.get("delivery"));
                if (SsfStreams.POLL.equals(delivery.get("method"))) delivery.put("endpoint_url", issuer + "/ssf/poll");
                stream.put("delivery", delivery);
                streams.add(stream);
                Map<String, Object> answer = new LinkedHashMap<>(stream);
                answer.put("delivery", withoutAuthorization(delivery));
                json(e, 201, answer);
            }
            case "PATCH" -> {
                Map<String, Object> request = LanyardEndpoints.parseObject(body, null);
                Map<String, Object> stream = streams.stream().filter(st -> st.get("stream_id").equals(request.get("stream_id"))).findFirst().orElse(null);
                if (stream == null) {
                    json(e, 404, Map.of());
                    return;
                }
                Map<String, Object> delivery = new LinkedHashMap<>((Map<String, Object>) request.get("delivery"));
                if (SsfStreams.POLL.equals(delivery.get("method"))) delivery.put("endpoint_url", issuer + "/ssf/poll");
                stream.put("delivery", delivery);
                if (request.containsKey("events_requested")) stream.put("events_requested", request.get("events_requested"));
                Map<String, Object> answer = new LinkedHashMap<>(stream);
                answer.put("delivery", withoutAuthorization(delivery));
                json(e, 200, answer);
            }
            default -> json(e, 405, Map.of());
        }
    }

    /** SSF 1.0 section 8.1.1.2: with a stream_id, that stream (404 if there is none); without, all of them. */
    @SuppressWarnings("unchecked")
    private void readStreams(HttpExchange e) throws IOException {
        String query = e.getRequestURI().getQuery();
        if (query == null || !query.startsWith("stream_id=")) {
            json(e, 200, List.copyOf(streams));
            return;
        }
        String id = query.substring("stream_id=".length());
        Map<String, Object> stream = streams.stream().filter(s -> id.equals(s.get("stream_id"))).findFirst().orElse(null);
        if (stream == null) {
            json(e, 404, Map.of());
            return;
        }
        Map<String, Object> answer = new LinkedHashMap<>(stream);
        answer.put("delivery", withoutAuthorization((Map<String, Object>) stream.get("delivery")));
        json(e, 200, oneStreamInAnArray ? List.of(answer) : answer);
    }

    private static Map<String, Object> withoutAuthorization(Map<String, Object> delivery) {
        Map<String, Object> copy = new LinkedHashMap<>(delivery);
        copy.remove("authorization_header");
        return copy;
    }

    @SuppressWarnings("unchecked")
    private void poll(HttpExchange e) throws IOException {
        if (!authorized(e)) return;
        if (streams.isEmpty()) { // deleted: as Lanyard answers for a stream it no longer has
            read(e);
            json(e, 404, Map.of());
            return;
        }
        Map<String, Object> request = LanyardEndpoints.parseObject(read(e), null);
        polls.add(request);
        if (request.get("ack") instanceof List<?> acks) acks.forEach(pending::remove);
        if (request.get("setErrs") instanceof Map<?, ?> errs) errs.keySet().forEach(pending::remove);
        int max = ((Number) request.getOrDefault("maxEvents", 10)).intValue();
        Map<String, String> sets = new LinkedHashMap<>();
        synchronized (pending) {
            // RFC 8936 long polling: without returnImmediately, wait until a SET is queued (or the wait has passed).
            long until = System.nanoTime() + pollWait.toNanos();
            while (max > 0 && !Boolean.TRUE.equals(request.get("returnImmediately")) && pending.isEmpty() && !streams.isEmpty()
                    && System.nanoTime() < until) {
                try {
                    pending.wait(50);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            pending.entrySet().stream().limit(max).forEach(s -> sets.put(s.getKey(), s.getValue()));
        }
        json(e, 200, Map.of("sets", sets, "moreAvailable", pending.size() > sets.size()));
    }

    /** Claims of a CAEP session-revoked SET for {@code sid}, addressed to the relying app. */
    JWTClaimsSet.Builder sessionRevoked(String sid, String sub) {
        Map<String, Object> subject = Map.of("format", "complex",
                "user", Map.of("format", "iss_sub", "iss", issuer, "sub", sub),
                "session", Map.of("format", "opaque", "id", sid));
        return new JWTClaimsSet.Builder().issuer(issuer).audience(CLIENT_ID).jwtID(UUID.randomUUID().toString())
                .issueTime(new Date()).claim("sub_id", subject)
                .claim("events", Map.of(SessionSignals.SESSION_REVOKED, Map.of("event_timestamp", Instant.now().getEpochSecond(),
                        "initiating_entity", "user")));
    }

    /** Claims of a back-channel logout token for {@code sid}. */
    JWTClaimsSet.Builder logoutToken(String sid, String sub) {
        return new JWTClaimsSet.Builder().issuer(issuer).audience(CLIENT_ID).jwtID(UUID.randomUUID().toString())
                .issueTime(new Date()).expirationTime(new Date(System.currentTimeMillis() + 120_000)).subject(sub).claim("sid", sid)
                .claim("events", Map.of(LogoutTokens.BACKCHANNEL_LOGOUT, Map.of()));
    }

    String sign(JWTClaimsSet claims, String type) {
        return sign(claims, type, key);
    }

    String sign(JWTClaimsSet claims, String type, RSAKey with) {
        JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(with.getKeyID());
        if (type != null) header.type(new JOSEObjectType(type));
        SignedJWT jwt = new SignedJWT(header.build(), claims);
        try {
            jwt.sign(new RSASSASigner(with));
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
        return jwt.serialize();
    }

    String set(JWTClaimsSet.Builder claims) {
        return sign(claims.build(), "secevent+jwt");
    }

    void queue(String jti, String set) {
        synchronized (pending) {
            pending.put(jti, set);
            pending.notifyAll();
        }
    }

    /** A stream of this client that is not the app's (a SIEM's, say), as Lanyard would list it. */
    Map<String, Object> otherReceiversStream(String method, String endpoint) {
        Map<String, Object> delivery = new LinkedHashMap<>();
        delivery.put("method", method);
        delivery.put("endpoint_url", endpoint);
        if (SsfStreams.PUSH.equals(method)) delivery.put("authorization_header", "Bearer the-siem-s-own");
        Map<String, Object> stream = new java.util.concurrent.ConcurrentHashMap<>(Map.of("stream_id", UUID.randomUUID().toString(),
                "iss", issuer, "aud", CLIENT_ID, "description", "SIEM", "delivery", delivery,
                "events_requested", List.of(SessionSignals.SESSION_REVOKED)));
        streams.add(stream);
        return stream;
    }

    List<String> acknowledged() {
        List<String> all = new ArrayList<>();
        polls.forEach(p -> {
            if (p.get("ack") instanceof List<?> acks) acks.forEach(a -> all.add(String.valueOf(a)));
        });
        return all;
    }

    LanyardProperties properties() {
        return new LanyardProperties(java.net.URI.create(issuer), CLIENT_ID, CLIENT_SECRET, null, null, null, null);
    }

    private static String read(HttpExchange e) throws IOException {
        try (InputStream in = e.getRequestBody()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void json(HttpExchange e, int status, Object body) throws IOException {
        send(e, status, "application/json", LanyardEndpoints.toJson(body));
    }

    private static void send(HttpExchange e, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        e.getResponseHeaders().set("Content-Type", type);
        e.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) e.getResponseBody().write(bytes);
        e.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
