package dev.lanyard.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Lanyard as a Shared Signals transmitter, end to end: an admin enables an app, the app gets its own
 * token (client credentials, scope ssf), creates streams, and receives SETs that verify against the
 * JWKS, by push to a real HTTP receiver and by poll with acknowledgements.
 */
@LanyardSpringTest
class SharedSignalsTest {
    private static final Duration ARRIVAL = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    MutableClock clock;
    @Autowired
    SignalDelivery delivery;
    @Autowired
    SignalSettings settings;
    @Autowired
    SignalOutboxStore outbox;
    @Autowired
    dev.lanyard.session.Sessions sessions;

    private ApiClient api;
    private Member admin;
    private TestReceiver receiver;

    @BeforeEach
    void team() throws Exception {
        api = new ApiClient(mvc, json);
        admin = api.signUp("admin");
        receiver = new TestReceiver();
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    /** A confidential app of the admin's team, enabled as a receiver: its id, client id and secret. */
    record Receiver(String appId, String clientId, String secret) {
    }

    Receiver receiverApp(String name) throws Exception {
        MvcResult registered = mvc.perform(post("/api/v1/admin/apps").cookie(admin.cookie()).with(admin.from())
                .contentType(MediaType.APPLICATION_JSON)
                .content(json.writeValueAsString(Map.of("name", name, "redirectUris", List.of("http://127.0.0.1:9/callback"),
                        "type", "confidential", "scopes", List.of("openid"))))).andReturn();
        assertThat(registered.getResponse().getStatus()).isEqualTo(201);
        JsonNode app = api.read(registered);
        Receiver r = new Receiver(app.path("app").path("id").asString(), app.path("app").path("clientId").asString(),
                app.path("clientSecret").asString());
        MvcResult enabled = mvc.perform(put("/api/v1/admin/apps/" + r.appId() + "/signals").cookie(admin.cookie()).with(admin.from())
                .contentType(MediaType.APPLICATION_JSON).content("{\"enabled\":true}")).andReturn();
        assertThat(enabled.getResponse().getStatus()).as(enabled.getResponse().getContentAsString()).isEqualTo(200);
        assertThat(api.read(enabled).path("enabled").asBoolean()).isTrue();
        return r;
    }

    /** The app's own access token: client credentials with the scope ssf, over real HTTP. */
    String token(Receiver r) throws Exception {
        String basic = Base64.getEncoder().encodeToString((r.clientId() + ":" + r.secret()).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/oauth2/token"))
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=ssf")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body()).path("access_token").asString();
    }

    MvcResult ssf(MockHttpServletRequestBuilder request, String token, Object body) throws Exception {
        request.header(HttpHeaders.AUTHORIZATION, "Bearer " + token);
        if (body != null) request.contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(body));
        MvcResult result = mvc.perform(request).andReturn();
        // A poll is answered asynchronously (decision 58), even when it is answered at once.
        return result.getRequest().isAsyncStarted() ? mvc.perform(asyncDispatch(result)).andReturn() : result;
    }

    String pushStream(String token, List<String> events) throws Exception {
        MvcResult created = ssf(post("/api/v1/ssf/streams"), token, Map.of(
                "delivery", Map.of("method", Stream.PUSH, "endpoint_url", receiver.url("/ssf"), "authorization_header", "Bearer receiver-secret"),
                "events_requested", events, "description", "push"));
        assertThat(created.getResponse().getStatus()).as(created.getResponse().getContentAsString()).isEqualTo(201);
        JsonNode stream = api.read(created);
        assertThat(stream.path("delivery").path("method").asString()).isEqualTo(Stream.PUSH);
        return stream.path("stream_id").asString();
    }

    /** Verifies the SET's signature against the served JWKS and its typ; returns its claims. */
    Map<String, Object> verified(String jwt, String type) throws Exception {
        SignedJWT set = SignedJWT.parse(jwt);
        assertThat(set.getHeader().getType()).isEqualTo(new JOSEObjectType(type));
        HttpResponse<String> jwks = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/oauth2/jwks")).build(),
                HttpResponse.BodyHandlers.ofString());
        RSAKey key = (RSAKey) JWKSet.parse(jwks.body()).getKeyByKeyId(set.getHeader().getKeyID());
        assertThat(key).as("the SET names a key of the JWKS").isNotNull();
        assertThat(set.verify(new RSASSAVerifier(key))).isTrue();
        return set.getJWTClaimsSet().toJSONObject();
    }

    String issuer() throws Exception {
        MvcResult config = mvc.perform(get("/.well-known/ssf-configuration")).andReturn();
        assertThat(config.getResponse().getStatus()).isEqualTo(200);
        return api.read(config).path("issuer").asString();
    }

    @Test
    void configurationNamesTheEndpointsAndBothDeliveryMethods() throws Exception {
        JsonNode config = api.read(mvc.perform(get("/.well-known/ssf-configuration")).andReturn());
        String issuer = config.path("issuer").asString();
        assertThat(config.path("spec_version").asString()).isEqualTo("1_0");
        assertThat(config.path("jwks_uri").asString()).isEqualTo(issuer + "/oauth2/jwks");
        assertThat(config.path("configuration_endpoint").asString()).isEqualTo(issuer + "/api/v1/ssf/streams");
        assertThat(config.path("status_endpoint").asString()).isEqualTo(issuer + "/api/v1/ssf/status");
        assertThat(config.path("verification_endpoint").asString()).isEqualTo(issuer + "/api/v1/ssf/verify");
        assertThat(config.path("delivery_methods_supported").values()).extracting(JsonNode::asString)
                .containsExactlyInAnyOrder(Stream.PUSH, Stream.POLL);
        MvcResult health = mvc.perform(get("/actuator/health/signalOutbox")).andReturn();
        assertThat(api.read(health).path("status").asString()).isEqualTo("UP");
    }

    /** The issuer a document names when {@code host} is the request's Host (sent over a raw socket: java.net.http sets its own). */
    private String issuerAt(String path, String host) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            java.util.regex.Matcher issuer = java.util.regex.Pattern.compile("\"issuer\":\"([^\"]+)\"").matcher(response);
            assertThat(issuer.find()).as(path + " at " + host + ": " + response).isTrue();
            return issuer.group(1);
        }
    }

    /**
     * Without a configured issuer, discovery names the address each request reached Lanyard at, and the SSF configuration
     * and its SETs named lanyard.mail.base-url (here http://localhost:8080): a receiver reaching Lanyard at 127.0.0.1 was
     * told of two issuers for one server (outside review). Reached the same way, both now name one; a stream's SETs name
     * the issuer its receiver configured it at, whatever request, or none, made the change they tell of.
     */
    @Test
    void theSsfIssuerIsDiscoverysForEachWayLanyardIsReachedAndAStreamsSetsNameTheOneItWasConfiguredAt() throws Exception {
        for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port)) {
            assertThat(issuerAt("/.well-known/ssf-configuration", host)).as(host)
                    .isEqualTo(issuerAt("/.well-known/openid-configuration", host)).isEqualTo("http://" + host);
        }
        String loopback = "http://127.0.0.1:" + port;
        Receiver r = receiverApp("Loopback");
        String token = token(r);
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(loopback + "/api/v1/ssf/streams"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(Map.of("delivery", Map.of("method", Stream.POLL),
                        "events_requested", List.of(SecurityEvents.SESSION_REVOKED))))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode stream = json.readTree(created.body());
        assertThat(stream.path("iss").asString()).isEqualTo(loopback);
        String pollUrl = stream.path("delivery").path("endpoint_url").asString();
        assertThat(pollUrl).startsWith(loopback + "/api/v1/ssf/poll/");

        Member phone = api.logIn(admin);
        Member tablet = api.logIn(admin);
        // One ended through a request that reached Lanyard at another address (MockMvc's Host is localhost), one with no request.
        assertThat(mvc.perform(delete("/api/v1/sessions/" + phone.sessionId()).cookie(admin.cookie()).with(admin.from())).andReturn()
                .getResponse().getStatus()).isEqualTo(204);
        assertThat(sessions.endReported(new dev.lanyard.session.SessionId(tablet.sessionId()), new dev.lanyard.account.AccountId(admin.accountId())))
                .isTrue();

        HttpResponse<String> polled = HTTP.send(HttpRequest.newBuilder(URI.create(pollUrl)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"returnImmediately\":true}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(polled.statusCode()).as(polled.body()).isEqualTo(200);
        JsonNode sets = json.readTree(polled.body()).path("sets");
        assertThat(sets.size()).isEqualTo(2);
        for (JsonNode set : sets.values()) {
            Map<String, Object> claims = verified(set.asString(), "secevent+jwt");
            assertThat(claims.get("iss")).isEqualTo(loopback);
            @SuppressWarnings("unchecked") Map<String, Object> subject = (Map<String, Object>) claims.get("sub_id");
            assertThat(subject.get("user")).isEqualTo(Map.of("format", "iss_sub", "iss", loopback, "sub", admin.accountId()));
        }
    }

    @Test
    void revokedSessionIsPushedAsSignedSessionRevokedSet() throws Exception {
        Receiver r = receiverApp("Push");
        String token = token(r);
        String streamId = pushStream(token, List.of(SecurityEvents.SESSION_REVOKED));
        Member phone = api.logIn(admin);

        MvcResult revoked = mvc.perform(delete("/api/v1/sessions/" + phone.sessionId()).cookie(admin.cookie()).with(admin.from())).andReturn();
        assertThat(revoked.getResponse().getStatus()).isEqualTo(204);

        TestReceiver.Arrival pushed = receiver.next(ARRIVAL);
        assertThat(pushed).as("a push arrived").isNotNull();
        assertThat(pushed.header("Content-Type")).isEqualTo("application/secevent+jwt");
        assertThat(pushed.header("Authorization")).isEqualTo("Bearer receiver-secret");
        Map<String, Object> claims = verified(pushed.body(), "secevent+jwt");
        assertThat(claims.get("iss")).isEqualTo(issuer());
        assertThat(claims.get("aud")).isEqualTo(r.clientId());
        assertThat(claims).containsKeys("jti", "iat", "txn");
        @SuppressWarnings("unchecked") Map<String, Object> subject = (Map<String, Object>) claims.get("sub_id");
        assertThat(subject.get("format")).isEqualTo("complex");
        assertThat(subject.get("session")).isEqualTo(Map.of("format", "opaque", "id", phone.sessionId()));
        assertThat(subject.get("user")).isEqualTo(Map.of("format", "iss_sub", "iss", issuer(), "sub", admin.accountId()));
        @SuppressWarnings("unchecked") Map<String, Object> events = (Map<String, Object>) claims.get("events");
        @SuppressWarnings("unchecked") Map<String, Object> event = (Map<String, Object>) events.get(SecurityEvents.SESSION_REVOKED);
        assertThat(event.get("initiating_entity")).isEqualTo("user");
        assertThat(event).containsKeys("event_timestamp", "reason_admin", "reason_user");

        JsonNode watched = api.read(mvc.perform(get("/api/v1/admin/apps/" + r.appId() + "/signals").cookie(admin.cookie())
                .with(admin.from())).andReturn());
        JsonNode stream = watched.path("streams").get(0);
        assertThat(stream.path("id").asString()).isEqualTo(streamId);
        assertThat(stream.path("status").asString()).isEqualTo("enabled");
        awaitQueued(r, 0);
    }

    private void awaitQueued(Receiver r, long queued) throws Exception {
        for (int i = 0; i < 200; i++) {
            JsonNode watched = api.read(mvc.perform(get("/api/v1/admin/apps/" + r.appId() + "/signals").cookie(admin.cookie())
                    .with(admin.from())).andReturn());
            if (watched.path("streams").get(0).path("queued").asLong() == queued
                    && !watched.path("streams").get(0).path("lastDeliveryAt").isNull()) return;
            Thread.sleep(50);
        }
        throw new AssertionError("the stream's queue did not reach " + queued);
    }

    @Test
    void failedPushIsRetriedAfterItsBackoffAndNeverSentAgainOnceAccepted() throws Exception {
        Receiver r = receiverApp("Backoff");
        String streamId = pushStream(token(r), List.of(SecurityEvents.SESSION_REVOKED));
        receiver.answer(503);
        Member phone = api.logIn(admin);
        mvc.perform(delete("/api/v1/sessions/" + phone.sessionId()).cookie(admin.cookie()).with(admin.from())).andReturn();

        TestReceiver.Arrival first = receiver.next(ARRIVAL);
        assertThat(first).isNotNull();
        String jti = SignedJWT.parse(first.body()).getJWTClaimsSet().getJWTID();
        awaitRow(jti, "last_error IS NOT NULL AND claim IS NULL");
        assertThat(delivery.drain()).as("not due before its backoff").isZero();
        assertThat(receiver.drained()).isEmpty();

        clock.advance(settings.retryDelay(1));
        assertThat(delivery.drain()).isEqualTo(1);
        List<TestReceiver.Arrival> again = receiver.drained();
        assertThat(again).hasSize(1);
        assertThat(SignedJWT.parse(again.get(0).body()).getJWTClaimsSet().getJWTID()).isEqualTo(jti);

        clock.advance(Duration.ofHours(2));
        assertThat(delivery.drain()).as("an accepted SET is never pushed again").isZero();
        assertThat(receiver.drained()).isEmpty();
        assertThat(jdbc.sql("SELECT attempts FROM signal_outbox WHERE jti = :jti AND delivered_at IS NOT NULL")
                .param("jti", jti).query(Integer.class).single()).isEqualTo(2);
        assertThat(streamId).isNotEmpty();
    }

    /** RFC 8935 asks for 202; a receiver that answers 200 took the SET as well and is not sent it again (nor one answering 204). */
    @Test
    void aPushAnsweredWithAnotherSuccessIsDeliveredNotRetried() throws Exception {
        Receiver r = receiverApp("Answers 200");
        pushStream(token(r), List.of(SecurityEvents.SESSION_REVOKED));
        receiver.answer(200);
        Member phone = api.logIn(admin);
        mvc.perform(delete("/api/v1/sessions/" + phone.sessionId()).cookie(admin.cookie()).with(admin.from())).andReturn();

        TestReceiver.Arrival first = receiver.next(ARRIVAL);
        assertThat(first).isNotNull();
        String jti = SignedJWT.parse(first.body()).getJWTClaimsSet().getJWTID();
        awaitRow(jti, "delivered_at IS NOT NULL AND last_error IS NULL");

        clock.advance(Duration.ofHours(2));
        assertThat(delivery.drain()).as("delivered once").isZero();
        assertThat(receiver.drained()).isEmpty();
    }

    /** A stream paused after its SET was claimed for a push: nothing is sent over it (SSF), and the SET waits, not given up. */
    @Test
    void aSetClaimedBeforeItsStreamWasPausedIsNotPushedAndWaitsForTheStream() throws Exception {
        Receiver r = receiverApp("Paused");
        String token = token(r);
        String streamId = pushStream(token, List.of(SecurityEvents.SESSION_REVOKED));
        receiver.answer(503);
        Member phone = api.logIn(admin);
        mvc.perform(delete("/api/v1/sessions/" + phone.sessionId()).cookie(admin.cookie()).with(admin.from())).andReturn();
        String jti = SignedJWT.parse(receiver.next(ARRIVAL).body()).getJWTClaimsSet().getJWTID();
        awaitRow(jti, "last_error IS NOT NULL AND claim IS NULL");

        synchronized (delivery) { // no drain of this node's runs meanwhile
            clock.advance(settings.retryDelay(1));
            List<SignalOutboxStore.Outgoing> claimed = outbox.claim("test-claim", clock.instant(), clock.instant().plusSeconds(60), 100)
                    .stream().filter(o -> o.jti().equals(jti)).toList();
            assertThat(claimed).hasSize(1);
            assertThat(ssf(post("/api/v1/ssf/status"), token, Map.of("stream_id", streamId, "status", "paused"))
                    .getResponse().getStatus()).isEqualTo(200);

            assertThat(delivery.deliver(claimed.get(0), "test-claim")).isEqualTo(SignalDelivery.Result.WAITS);
        }

        assertThat(receiver.drained()).as("nothing pushed over a paused stream").isEmpty();
        awaitRow(jti, "claim IS NULL AND given_up_at IS NULL AND delivered_at IS NULL");
        assertThat(ssf(post("/api/v1/ssf/status"), token, Map.of("stream_id", streamId, "status", "enabled"))
                .getResponse().getStatus()).isEqualTo(200);
        clock.advance(settings.retryDelay(2));
        delivery.drain();
        awaitRow(jti, "delivered_at IS NOT NULL");
        List<String> pushed = new java.util.ArrayList<>();
        for (TestReceiver.Arrival a : receiver.drained()) pushed.add(SignedJWT.parse(a.body()).getJWTClaimsSet().getJWTID());
        assertThat(pushed).containsExactly(jti);
    }

    /**
     * SSF 1.0: events a paused stream held go out in the order they were made. A SET waiting for its retry when the stream
     * was paused is pushed before one made while it was paused, though that one was due first (decision 84).
     */
    @Test
    void setsHeldByAPausedStreamArePushedInTheOrderTheyWereMade() throws Exception {
        Receiver r = receiverApp("In order");
        String token = token(r);
        String streamId = pushStream(token, List.of(SecurityEvents.SESSION_REVOKED));
        receiver.answer(503);
        Member phone = api.logIn(admin);
        mvc.perform(delete("/api/v1/sessions/" + phone.sessionId()).cookie(admin.cookie()).with(admin.from())).andReturn();
        String first = SignedJWT.parse(receiver.next(ARRIVAL).body()).getJWTClaimsSet().getJWTID();
        awaitRow(first, "last_error IS NOT NULL AND claim IS NULL");

        assertThat(ssf(post("/api/v1/ssf/status"), token, Map.of("stream_id", streamId, "status", "paused"))
                .getResponse().getStatus()).isEqualTo(200);
        Member tablet = api.logIn(admin);
        mvc.perform(delete("/api/v1/sessions/" + tablet.sessionId()).cookie(admin.cookie()).with(admin.from())).andReturn();
        receiver.answer(202);
        assertThat(ssf(post("/api/v1/ssf/status"), token, Map.of("stream_id", streamId, "status", "enabled"))
                .getResponse().getStatus()).isEqualTo(200);
        assertThat(delivery.drain()).as("the later SET waits for the earlier one's retry").isZero();
        assertThat(receiver.drained()).isEmpty();

        clock.advance(settings.retryDelay(1));
        assertThat(delivery.drain()).isEqualTo(2);
        List<String> pushed = new java.util.ArrayList<>();
        for (TestReceiver.Arrival a : receiver.drained()) pushed.add(SignedJWT.parse(a.body()).getJWTClaimsSet().getJWTID());
        assertThat(pushed).hasSize(2).first().isEqualTo(first);
    }

    /** A receiver that stays away: what waited behind the SET given up for it, as long as its retries lasted, is given up with it. */
    @Test
    void setsThatWaitedBehindOneGivenUpAsLongAreGivenUpWithIt() throws Exception {
        Receiver r = receiverApp("Away");
        String streamId = pushStream(token(r), List.of(SecurityEvents.SESSION_REVOKED));
        receiver.status.set(503);
        try {
            awayForTheWholeRetryWindow(streamId);
        } finally {
            receiver.status.set(202);
        }
    }

    private void awayForTheWholeRetryWindow(String streamId) throws Exception {
        Member phone = api.logIn(admin);
        mvc.perform(delete("/api/v1/sessions/" + phone.sessionId()).cookie(admin.cookie()).with(admin.from())).andReturn();
        String first = SignedJWT.parse(receiver.next(ARRIVAL).body()).getJWTClaimsSet().getJWTID();
        awaitRow(first, "last_error IS NOT NULL AND claim IS NULL");
        Member tablet = api.logIn(admin);
        mvc.perform(delete("/api/v1/sessions/" + tablet.sessionId()).cookie(admin.cookie()).with(admin.from())).andReturn();
        assertThat(delivery.drain()).isZero();
        assertThat(receiver.drained()).as("the second waits behind the first").isEmpty();

        synchronized (delivery) {
            for (int attempt = 1; attempt < settings.maxAttempts(); attempt++) {
                clock.advance(settings.retryDelay(attempt));
                delivery.drain();
            }
        }
        assertThat(receiver.drained()).as("only the first was tried").hasSize(settings.maxAttempts() - 1)
                .allSatisfy(a -> assertThat(SignedJWT.parse(a.body()).getJWTClaimsSet().getJWTID()).isEqualTo(first));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM signal_outbox WHERE stream_id = :s AND given_up_at IS NOT NULL")
                .param("s", streamId).query(Long.class).single()).as("both given up").isEqualTo(2);
        assertThat(jdbc.sql("SELECT last_error FROM signal_outbox WHERE stream_id = :s AND jti <> :jti").param("s", streamId)
                .param("jti", first).query(String.class).single()).startsWith("Given up with an earlier event of the stream");
    }

    private void awaitRow(String jti, String condition) throws InterruptedException {
        for (int i = 0; i < 400; i++) {
            if (jdbc.sql("SELECT COUNT(*) FROM signal_outbox WHERE jti = :jti AND " + condition).param("jti", jti)
                    .query(Long.class).single() == 1) return;
            Thread.sleep(50);
        }
        throw new AssertionError("signal " + jti + " never reached " + condition);
    }

    @Test
    void pollReturnsPendingSetsUntilTheyAreAcknowledged() throws Exception {
        Receiver r = receiverApp("Poll");
        String token = token(r);
        MvcResult created = ssf(post("/api/v1/ssf/streams"), token, Map.of("delivery", Map.of("method", Stream.POLL),
                "events_requested", List.of(SecurityEvents.CREDENTIAL_CHANGE), "format", "email"));
        assertThat(created.getResponse().getStatus()).isEqualTo(201);
        JsonNode stream = api.read(created);
        String streamId = stream.path("stream_id").asString();
        assertThat(stream.path("delivery").path("endpoint_url").asString()).endsWith("/api/v1/ssf/poll/" + streamId);

        MvcResult key = mvc.perform(post("/api/v1/api-keys").cookie(admin.cookie()).with(admin.from()).contentType(MediaType.APPLICATION_JSON)
                .content(json.writeValueAsString(Map.of("name", "CI", "scopes", List.of("sessions:read"), "password", TestAccounts.PASSWORD)))).andReturn();
        assertThat(key.getResponse().getStatus()).isEqualTo(201);

        JsonNode none = api.read(ssf(post("/api/v1/ssf/poll/" + streamId), token, Map.of("returnImmediately", true, "maxEvents", 0)));
        assertThat(none.path("sets").size()).isZero();
        assertThat(none.path("moreAvailable").asBoolean()).as("maxEvents 0 still says a SET waits").isTrue();

        JsonNode polled = api.read(ssf(post("/api/v1/ssf/poll/" + streamId), token, Map.of("returnImmediately", true, "maxEvents", 10)));
        assertThat(polled.path("sets").size()).isEqualTo(1);
        String jti = polled.path("sets").propertyNames().iterator().next();
        Map<String, Object> claims = verified(polled.path("sets").path(jti).asString(), "secevent+jwt");
        assertThat(claims.get("jti")).isEqualTo(jti);
        assertThat(claims.get("sub_id")).isEqualTo(Map.of("format", "email", "email", admin.email()));
        @SuppressWarnings("unchecked") Map<String, Object> event = (Map<String, Object>) ((Map<String, Object>) claims.get("events"))
                .get(SecurityEvents.CREDENTIAL_CHANGE);
        assertThat(event.get("change_type")).isEqualTo("create");
        assertThat(event.get("credential_type")).isEqualTo("api-key");

        JsonNode unacknowledged = api.read(ssf(post("/api/v1/ssf/poll/" + streamId), token, Map.of("returnImmediately", true)));
        assertThat(unacknowledged.path("sets").has(jti)).as("returned again until acknowledged").isTrue();

        JsonNode acked = api.read(ssf(post("/api/v1/ssf/poll/" + streamId), token, Map.of("returnImmediately", true, "ack", List.of(jti),
                "maxEvents", 0)));
        assertThat(acked.path("sets").size()).isZero();
        assertThat(acked.path("moreAvailable").asBoolean()).isFalse();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM signal_outbox WHERE jti = :jti AND delivered_at IS NOT NULL").param("jti", jti)
                .query(Long.class).single()).isEqualTo(1);

        // A SET the receiver refuses (setErrs) is given up with its code, and its admin sees that on the stream.
        mvc.perform(post("/api/v1/api-keys").cookie(admin.cookie()).with(admin.from()).contentType(MediaType.APPLICATION_JSON)
                .content(json.writeValueAsString(Map.of("name", "CD", "scopes", List.of("sessions:read"), "password", TestAccounts.PASSWORD)))).andReturn();
        String refused = api.read(ssf(post("/api/v1/ssf/poll/" + streamId), token, Map.of("returnImmediately", true)))
                .path("sets").propertyNames().iterator().next();
        JsonNode after = api.read(ssf(post("/api/v1/ssf/poll/" + streamId), token, Map.of("returnImmediately", true,
                "setErrs", Map.of(refused, Map.of("err", "invalid_audience", "description", "not for us")))));
        assertThat(after.path("sets").has(refused)).as("not returned again").isFalse();
        assertThat(jdbc.sql("SELECT last_error FROM signal_outbox WHERE jti = :jti AND given_up_at IS NOT NULL AND delivered_at IS NULL")
                .param("jti", refused).query(String.class).single()).isEqualTo("Refused by the receiver (invalid_audience)");
        JsonNode status = api.read(mvc.perform(get("/api/v1/admin/apps/" + r.appId() + "/signals").cookie(admin.cookie()).with(admin.from())).andReturn());
        assertThat(status.toString()).contains("Refused by the receiver (invalid_audience)");
    }

    /**
     * In a poll's setErrs, the codes push retries ({@code invalid_key}, {@code authentication_failed}: a receiver rotating
     * its keys) leave the SET to a later poll, after push's retry delay, until {@code max-attempts} refusals.
     */
    @Test
    void aSetPolledAndRefusedWithInvalidKeyIsPolledAgainAfterTheRetryDelay() throws Exception {
        Receiver r = receiverApp("Rotating");
        String token = token(r);
        MvcResult created = ssf(post("/api/v1/ssf/streams"), token, Map.of("delivery", Map.of("method", Stream.POLL),
                "events_requested", List.of(SecurityEvents.CREDENTIAL_CHANGE)));
        String streamId = api.read(created).path("stream_id").asString();
        mvc.perform(post("/api/v1/api-keys").cookie(admin.cookie()).with(admin.from()).contentType(MediaType.APPLICATION_JSON)
                .content(json.writeValueAsString(Map.of("name", "CI", "scopes", List.of("sessions:read"), "password", TestAccounts.PASSWORD)))).andReturn();
        String jti = api.read(ssf(post("/api/v1/ssf/poll/" + streamId), token, Map.of("returnImmediately", true)))
                .path("sets").propertyNames().iterator().next();

        JsonNode refused = api.read(ssf(post("/api/v1/ssf/poll/" + streamId), token, Map.of("returnImmediately", true,
                "setErrs", Map.of(jti, Map.of("err", "invalid_key", "description", "rotating")))));
        assertThat(refused.path("sets").has(jti)).as("not at once: a receiver polling again would spend its attempts").isFalse();
        JsonNode status = api.read(mvc.perform(get("/api/v1/admin/apps/" + r.appId() + "/signals").cookie(admin.cookie()).with(admin.from())).andReturn());
        assertThat(status.path("streams").get(0).path("gaveUp").asLong()).isZero();
        assertThat(status.path("streams").get(0).path("failing").asLong()).isEqualTo(1);
        assertThat(status.toString()).contains("Refused by the receiver (invalid_key)");

        clock.advance(settings.retryDelay(1));
        JsonNode again = api.read(ssf(post("/api/v1/ssf/poll/" + streamId), token, Map.of("returnImmediately", true)));
        assertThat(again.path("sets").has(jti)).as("handed out again once the retry delay passed").isTrue();

        jdbc.sql("UPDATE signal_outbox SET attempts = :n WHERE jti = :jti").param("n", settings.maxAttempts() - 1).param("jti", jti).update();
        ssf(post("/api/v1/ssf/poll/" + streamId), token, Map.of("returnImmediately", true,
                "setErrs", Map.of(jti, Map.of("err", "authentication_failed", "description", "still rotating"))));
        clock.advance(Duration.ofDays(1));
        assertThat(api.read(ssf(post("/api/v1/ssf/poll/" + streamId), token, Map.of("returnImmediately", true))).path("sets").has(jti))
                .as("given up after max-attempts refusals").isFalse();
        assertThat(jdbc.sql("SELECT last_error FROM signal_outbox WHERE jti = :jti AND given_up_at IS NOT NULL").param("jti", jti)
                .query(String.class).single()).isEqualTo("Refused by the receiver (authentication_failed)");
    }

    @Test
    void passwordChangeIsPolledAsCredentialChange() throws Exception {
        Receiver r = receiverApp("Password watcher");
        String token = token(r);
        MvcResult created = ssf(post("/api/v1/ssf/streams"), token, Map.of("delivery", Map.of("method", Stream.POLL),
                "events_requested", List.of(SecurityEvents.CREDENTIAL_CHANGE)));
        assertThat(created.getResponse().getStatus()).isEqualTo(201);
        String streamId = api.read(created).path("stream_id").asString();

        MvcResult changed = mvc.perform(post("/api/v1/password").cookie(admin.cookie()).with(admin.from())
                .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(Map.of(
                        "currentPassword", dev.lanyard.account.TestAccounts.PASSWORD, "newPassword", "a brand new passphrase 2026", "signOutOthers", false))))
                .andReturn();
        assertThat(changed.getResponse().getStatus()).as(changed.getResponse().getContentAsString()).isEqualTo(204);

        JsonNode none = api.read(ssf(post("/api/v1/ssf/poll/" + streamId), token, Map.of("returnImmediately", true, "maxEvents", 0)));
        assertThat(none.path("sets").size()).isZero();
        assertThat(none.path("moreAvailable").asBoolean()).as("maxEvents 0 still says a SET waits").isTrue();

        JsonNode polled = api.read(ssf(post("/api/v1/ssf/poll/" + streamId), token, Map.of("returnImmediately", true, "maxEvents", 10)));
        assertThat(polled.path("sets").size()).isEqualTo(1);
        String jti = polled.path("sets").propertyNames().iterator().next();
        Map<String, Object> claims = verified(polled.path("sets").path(jti).asString(), "secevent+jwt");
        @SuppressWarnings("unchecked") Map<String, Object> event = (Map<String, Object>) ((Map<String, Object>) claims.get("events"))
                .get(SecurityEvents.CREDENTIAL_CHANGE);
        assertThat(event.get("credential_type")).isEqualTo("password");
        assertThat(event.get("change_type")).isEqualTo("update");
    }

    /**
     * An expired session's session-revoked says when it expired, as its answer and its history say, not when the check
     * (or the sweep) that found it ended it, later; the SET itself is issued then.
     */
    @Test
    void anExpiredSessionsSetSaysWhenItExpiredAndIsIssuedWhenItWasEnded() throws Exception {
        Receiver r = receiverApp("Expiry watcher");
        MvcResult created = ssf(post("/api/v1/ssf/streams"), token(r), Map.of("delivery", Map.of("method", Stream.POLL),
                "events_requested", List.of(SecurityEvents.SESSION_REVOKED)));
        assertThat(created.getResponse().getStatus()).isEqualTo(201);
        String streamId = api.read(created).path("stream_id").asString();
        Member phone = api.logIn(admin);
        long expired = jdbc.sql("SELECT expires_at FROM sessions WHERE id = :id").param("id", phone.sessionId()).query(Long.class).single();
        clock.advance(Duration.ofDays(8));

        assertThat(sessions.check(phone.token(), java.util.Optional.empty())).isInstanceOf(dev.lanyard.session.Sessions.Check.Ended.class);

        JsonNode polled = api.read(ssf(post("/api/v1/ssf/poll/" + streamId), token(r), Map.of("returnImmediately", true)));
        assertThat(polled.path("sets").size()).isEqualTo(1);
        String jti = polled.path("sets").propertyNames().iterator().next();
        Map<String, Object> claims = verified(polled.path("sets").path(jti).asString(), "secevent+jwt");
        @SuppressWarnings("unchecked") Map<String, Object> event = (Map<String, Object>) ((Map<String, Object>) claims.get("events"))
                .get(SecurityEvents.SESSION_REVOKED);
        assertThat(((Number) event.get("event_timestamp")).longValue()).as("when it expired").isEqualTo(expired / 1000);
        assertThat(((Number) claims.get("iat")).longValue()).as("issued when it was ended").isEqualTo(clock.instant().getEpochSecond());
        assertThat(event.get("reason_admin")).isEqualTo(Map.of("en", "Reached its maximum lifetime"));
    }

    @Test
    void verificationEventEchoesTheReceiversState() throws Exception {
        Receiver r = receiverApp("Verify");
        String token = token(r);
        String streamId = pushStream(token, List.of(SecurityEvents.SESSION_REVOKED));
        MvcResult verify = ssf(post("/api/v1/ssf/verify"), token, Map.of("stream_id", streamId, "state", "abc123"));
        assertThat(verify.getResponse().getStatus()).isEqualTo(204);
        TestReceiver.Arrival pushed = receiver.next(ARRIVAL);
        assertThat(pushed).isNotNull();
        Map<String, Object> claims = verified(pushed.body(), "secevent+jwt");
        assertThat(claims.get("events")).isEqualTo(Map.of(SecurityEvents.VERIFICATION, Map.of("state", "abc123")));
        assertThat(claims.get("sub_id")).isEqualTo(Map.of("format", "opaque", "id", streamId));
    }

    @Test
    void aReceiverAsksForAVerificationEventAtMostOnceInTheStreamsInterval() throws Exception {
        Receiver r = receiverApp("Verify often");
        String token = token(r);
        String streamId = pushStream(token, List.of(SecurityEvents.SESSION_REVOKED));
        JsonNode stream = api.read(ssf(get("/api/v1/ssf/streams").param("stream_id", streamId), token, null));
        assertThat(stream.path("min_verification_interval").asLong()).isEqualTo(30);

        assertThat(ssf(post("/api/v1/ssf/verify"), token, Map.of("stream_id", streamId, "state", "1")).getResponse().getStatus()).isEqualTo(204);
        clock.advance(Duration.ofSeconds(29));
        MvcResult again = ssf(post("/api/v1/ssf/verify"), token, Map.of("stream_id", streamId, "state", "2"));
        assertThat(again.getResponse().getStatus()).isEqualTo(429);
        assertThat(again.getResponse().getHeader(HttpHeaders.RETRY_AFTER)).isEqualTo("30");
        assertThat(again.getResponse().getContentAsString()).contains("too-many-verifications");
        clock.advance(Duration.ofSeconds(1));
        assertThat(ssf(post("/api/v1/ssf/verify"), token, Map.of("stream_id", streamId, "state", "3")).getResponse().getStatus()).isEqualTo(204);

        List<String> states = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            TestReceiver.Arrival pushed = receiver.next(ARRIVAL);
            assertThat(pushed).isNotNull();
            @SuppressWarnings("unchecked") Map<String, Object> event = (Map<String, Object>) ((Map<String, Object>) verified(pushed.body(),
                    "secevent+jwt").get("events")).get(SecurityEvents.VERIFICATION);
            states.add((String) event.get("state"));
        }
        assertThat(states).containsExactlyInAnyOrder("1", "3");
    }

    @Test
    void streamIsReadChangedPausedAndDeletedOnlyByItsReceiver() throws Exception {
        Receiver r = receiverApp("Manage");
        String token = token(r);
        String streamId = pushStream(token, List.of(SecurityEvents.SESSION_REVOKED, "urn:example:unknown"));
        JsonNode read = api.read(ssf(get("/api/v1/ssf/streams").param("stream_id", streamId), token, null));
        assertThat(read.path("events_delivered").values()).extracting(JsonNode::asString).containsExactly(SecurityEvents.SESSION_REVOKED);
        assertThat(read.path("delivery").has("authorization_header")).isFalse();

        JsonNode changed = api.read(ssf(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch("/api/v1/ssf/streams"), token,
                Map.of("stream_id", streamId, "description", "renamed")));
        assertThat(changed.path("description").asString()).isEqualTo("renamed");
        assertThat(changed.path("delivery").path("endpoint_url").asString()).isEqualTo(receiver.url("/ssf"));

        JsonNode paused = api.read(ssf(post("/api/v1/ssf/status"), token, Map.of("stream_id", streamId, "status", "paused", "reason", "maintenance")));
        assertThat(paused.path("status").asString()).isEqualTo("paused");

        Receiver other = receiverApp("Other");
        MvcResult foreign = ssf(get("/api/v1/ssf/status").param("stream_id", streamId), token(other), null);
        assertThat(foreign.getResponse().getStatus()).isEqualTo(404);

        MvcResult member = ssf(get("/api/v1/ssf/streams"), admin.token(), null);
        assertThat(member.getResponse().getStatus()).as("a member's session token is no receiver's").isEqualTo(401);

        // Anyone without a receiver's token is told that first, not what a request must hold (outside QA).
        assertThat(mvc.perform(get("/api/v1/ssf/status")).andReturn().getResponse().getStatus()).isEqualTo(401);
        assertThat(mvc.perform(post("/api/v1/ssf/streams").contentType(MediaType.APPLICATION_JSON).content("{broken"))
                .andReturn().getResponse().getStatus()).isEqualTo(401);
        assertThat(ssf(get("/api/v1/ssf/status"), admin.token(), null).getResponse().getStatus()).isEqualTo(401);
        // A request without stream_id names what is missing, where a body's said "No such stream." (outside review) and a
        // query's said "Required parameter 'stream_id' is not present." with no field.
        for (MvcResult missing : List.of(ssf(get("/api/v1/ssf/status"), token, null),
                ssf(delete("/api/v1/ssf/streams"), token, null),
                ssf(post("/api/v1/ssf/status"), token, Map.of("status", "paused")),
                ssf(patch(), token, Map.of("description", "renamed")),
                ssf(put("/api/v1/ssf/streams"), token, Map.of("description", "renamed")),
                ssf(post("/api/v1/ssf/verify"), token, Map.of("state", "x")),
                ssf(post("/api/v1/ssf/status"), token, Map.of("stream_id", " ", "status", "paused")))) {
            assertThat(refused(missing, "stream_id").path("detail").asString())
                    .isEqualTo("stream_id is missing: name the stream, as its creation answered it.");
        }
        assertThat(api.read(ssf(get("/api/v1/ssf/status").param("stream_id", streamId), token, null)).path("status").asString())
                .as("nothing changed").isEqualTo("paused");

        assertThat(ssf(delete("/api/v1/ssf/streams").param("stream_id", streamId), token, null).getResponse().getStatus()).isEqualTo(204);
        assertThat(ssf(get("/api/v1/ssf/streams").param("stream_id", streamId), token, null).getResponse().getStatus()).isEqualTo(404);
    }

    private static MockHttpServletRequestBuilder patch() {
        return org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch("/api/v1/ssf/streams");
    }

    private JsonNode refused(MvcResult result, String field) throws Exception {
        String body = result.getResponse().getContentAsString();
        assertThat(result.getResponse().getStatus()).as(body).isEqualTo(400);
        assertThat(result.getResponse().getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        JsonNode problem = json.readTree(body);
        assertThat(problem.path("field").asString()).as(body).isEqualTo(field);
        return problem;
    }

    /**
     * SSF 1.0 §8.1.1.3 and §8.1.1.4: a receiver may read a stream, edit the JSON and send it back whole; the
     * Transmitter-Supplied properties in it (iss, aud, events_supported, events_delivered, min_verification_interval,
     * a poll stream's endpoint_url) must match what Lanyard holds, and one that does not is a 400 that changes nothing.
     */
    @Test
    void aStreamAsReadMayBeSentBackEditedAndItsTransmitterSuppliedPropertiesMustMatch() throws Exception {
        Receiver r = receiverApp("Echo");
        String token = token(r);
        MvcResult created = ssf(post("/api/v1/ssf/streams"), token, Map.of("events_requested", List.of(SecurityEvents.SESSION_REVOKED)));
        assertThat(created.getResponse().getStatus()).as(created.getResponse().getContentAsString()).isEqualTo(201);
        ObjectNode read = (ObjectNode) api.read(created);
        assertThat(read.path("delivery").path("method").asString()).isEqualTo(Stream.POLL);

        ObjectNode edited = read.deepCopy().put("description", "echoed");
        edited.putNull("inactivity_timeout");
        MvcResult patched = ssf(patch(), token, edited);
        assertThat(patched.getResponse().getStatus()).as(patched.getResponse().getContentAsString()).isEqualTo(200);
        assertThat(api.read(patched).path("description").asString()).isEqualTo("echoed");
        ObjectNode replaced = read.deepCopy().put("description", "replaced");
        replaced.putArray("aud").add(r.clientId());
        MvcResult put = ssf(put("/api/v1/ssf/streams"), token, replaced);
        assertThat(put.getResponse().getStatus()).as(put.getResponse().getContentAsString()).isEqualTo(200);
        JsonNode before = api.read(put);

        List<ObjectNode> wrong = List.of(read.deepCopy().put("iss", "https://elsewhere.example"),
                read.deepCopy().put("aud", "another-client"),
                (ObjectNode) read.deepCopy().set("events_supported", json.readTree("[\"" + SecurityEvents.SESSION_REVOKED + "\"]")),
                (ObjectNode) read.deepCopy().set("events_delivered", json.readTree("[]")),
                read.deepCopy().put("min_verification_interval", 1),
                read.deepCopy().put("inactivity_timeout", 3600));
        String[] fields = {"iss", "aud", "events_supported", "events_delivered", "min_verification_interval", "inactivity_timeout"};
        for (int i = 0; i < fields.length; i++) {
            assertThat(refused(ssf(patch(), token, wrong.get(i).put("description", "changed")), fields[i]).path("detail").asString())
                    .isEqualTo("'" + fields[i] + "' is set by the transmitter and does not match this stream's: send it back as read, "
                            + "or leave it out.");
            refused(ssf(put("/api/v1/ssf/streams"), token, wrong.get(i)), fields[i]);
        }
        ObjectNode elsewhere = read.deepCopy();
        ((ObjectNode) elsewhere.path("delivery")).put("endpoint_url", "https://receiver.example.com/poll");
        refused(ssf(patch(), token, elsewhere), "delivery.endpoint_url");
        MvcResult after = ssf(get("/api/v1/ssf/streams").param("stream_id", read.path("stream_id").asString()), token, null);
        assertThat(api.read(after)).as("nothing refused changed the stream").isEqualTo(before);
    }

    /** A new stream has no id, no events delivered and no poll address yet: a create request naming them is refused. */
    @Test
    void aRequestCreatingAStreamMayNotNameWhatOnlyTheTransmitterGivesIt() throws Exception {
        Receiver r = receiverApp("Creator");
        String token = token(r);
        refused(ssf(post("/api/v1/ssf/streams"), token, Map.of("stream_id", "mine")), "stream_id");
        refused(ssf(post("/api/v1/ssf/streams"), token, Map.of("events_delivered", List.of(SecurityEvents.SESSION_REVOKED))),
                "events_delivered");
        refused(ssf(post("/api/v1/ssf/streams"), token, Map.of("delivery", Map.of("method", Stream.POLL,
                "endpoint_url", "https://receiver.example.com/poll"))), "delivery.endpoint_url");
        refused(ssf(post("/api/v1/ssf/streams"), token, Map.of("iss", "https://elsewhere.example")), "iss");
        assertThat(ssf(get("/api/v1/ssf/streams"), token, null).getResponse().getContentAsString()).as("no stream made").isEqualTo("[]");
        MvcResult matching = ssf(post("/api/v1/ssf/streams"), token, Map.of("iss", issuer(), "aud", r.clientId()));
        assertThat(matching.getResponse().getStatus()).as(matching.getResponse().getContentAsString()).isEqualTo(201);
    }

    /**
     * A key no SSF or RFC 8936 request defines is refused, named by its path (an older draft's delivery.url would have
     * made a poll stream of a push request), and nothing is made or changed.
     */
    @Test
    void aKeyTheReceiversRequestDoesNotDefineIsRefusedNamingItsPath() throws Exception {
        Receiver r = receiverApp("Drafts");
        String token = token(r);
        JsonNode problem = refused(ssf(post("/api/v1/ssf/streams"), token, Map.of("delivery", Map.of("method", Stream.PUSH,
                "url", receiver.url("/ssf")))), "delivery.url");
        assertThat(problem.path("detail").asString()).isEqualTo("'delivery.url' is not a field of this request. The fields of 'delivery' "
                + "are: authorization_header, endpoint_url, method.");
        assertThat(ssf(get("/api/v1/ssf/streams"), token, null).getResponse().getContentAsString()).as("no stream made").isEqualTo("[]");
        String streamId = api.read(ssf(post("/api/v1/ssf/streams"), token, Map.of())).path("stream_id").asString();
        refused(ssf(post("/api/v1/ssf/status"), token, Map.of("stream_id", streamId, "status", "disabled", "subject",
                Map.of("format", "email", "email", "ada@example.com"))), "subject");
        assertThat(api.read(ssf(get("/api/v1/ssf/status").param("stream_id", streamId), token, null)).path("status").asString())
                .isEqualTo("enabled");
        refused(ssf(post("/api/v1/ssf/verify"), token, Map.of("stream_id", streamId, "stat", "x")), "stat");
        refused(ssf(post("/api/v1/ssf/poll/" + streamId), token, Map.of("maxEvent", 5, "returnImmediately", true)), "maxEvent");
        refused(ssf(post("/api/v1/ssf/poll/" + streamId), token, Map.of("returnImmediately", true,
                "setErrs", Map.of("jti-1", Map.of("err", "invalid_key", "desc", "x")))), "setErrs.jti-1.desc");
        MvcResult admins = mvc.perform(get("/api/v1/admin/apps/" + r.appId() + "/signals").cookie(admin.cookie()).with(admin.from())).andReturn();
        ObjectNode signals = (ObjectNode) api.read(admins);
        MvcResult back = mvc.perform(put("/api/v1/admin/apps/" + r.appId() + "/signals").cookie(admin.cookie()).with(admin.from())
                .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(signals))).andReturn();
        assertThat(back.getResponse().getStatus()).as("the admins' view sent back as read").isEqualTo(200);
        assertThat(api.read(back).path("streams")).hasSize(1);
    }

    /** Revoked (RFC 7009), the receiver's token is refused as introspection calls it inactive, though its signature and expiry still pass. */
    @Test
    void aRevokedReceiverTokenIsRefused() throws Exception {
        Receiver r = receiverApp("Revoked");
        String token = token(r);
        assertThat(ssf(get("/api/v1/ssf/streams"), token, null).getResponse().getStatus()).isEqualTo(200);
        String basic = Base64.getEncoder().encodeToString((r.clientId() + ":" + r.secret()).getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> revoked = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/oauth2/revoke"))
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + token + "&token_type_hint=access_token")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        HttpResponse<String> introspected = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/oauth2/introspect"))
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + token)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(json.readTree(introspected.body()).path("active").asBoolean()).isFalse();

        assertThat(ssf(get("/api/v1/ssf/streams"), token, null).getResponse().getStatus()).isEqualTo(401);
        assertThat(ssf(post("/api/v1/ssf/streams"), token, Map.of("delivery", Map.of("method", Stream.POLL))).getResponse().getStatus())
                .isEqualTo(401);
        assertThat(ssf(get("/api/v1/ssf/streams"), token(r), null).getResponse().getStatus()).as("a new token works").isEqualTo(200);
    }

    /**
     * Outside review: a push endpoint whose host did not resolve was told so, and accepted over https, where one the
     * server's network knows was refused as internal. Both get one answer now, on a new stream and a changed one.
     */
    @Test
    void aPushEndpointWhoseHostDoesNotResolveIsRefusedAsAnInternalNameIs() throws Exception {
        String token = token(receiverApp("Resolving"));
        MvcResult created = ssf(post("/api/v1/ssf/streams"), token, Map.of("delivery", Map.of("method", Stream.PUSH,
                "endpoint_url", receiver.url("/ssf"))));
        assertThat(created.getResponse().getStatus()).isEqualTo(201);
        String streamId = api.read(created).path("stream_id").asString();
        for (String endpoint : new String[] {"https://nosuchhost-xyz.invalid/ssf", "http://nosuchhost-xyz.invalid/ssf"}) {
            Map<String, Object> delivery = Map.of("method", Stream.PUSH, "endpoint_url", endpoint);
            for (MvcResult refused : List.of(ssf(post("/api/v1/ssf/streams"), token, Map.of("delivery", delivery)),
                    ssf(patch(), token, Map.of("stream_id", streamId, "delivery", delivery)))) {
                assertThat(refused(refused, "delivery.endpoint_url").path("detail").asString()).as(endpoint)
                        .isEqualTo("The host nosuchhost-xyz.invalid does not resolve to a public internet address. Lanyard sends to "
                                + "other networks only where its operator lists them in lanyard.signals.private-networks.");
            }
        }
        assertThat(refused(ssf(post("/api/v1/ssf/streams"), token, Map.of("delivery", Map.of("method", Stream.PUSH,
                "endpoint_url", "https://0x7f000001:18251/"))), "delivery.endpoint_url").path("detail").asString())
                .startsWith("delivery.endpoint_url must name its host by a DNS name or an IP address written the usual way");
    }

    @Test
    void aPushEndpointInsideTheServersNetworkIsRefusedWithTheReason() throws Exception {
        String token = token(receiverApp("Metadata"));
        for (String endpoint : new String[] {"https://169.254.169.254/latest/meta-data", "http://10.0.0.5/ssf", "https://[fd00::1]/ssf",
                "http://receiver.example.com/ssf"}) {
            MvcResult refused = ssf(post("/api/v1/ssf/streams"), token, Map.of("delivery", Map.of("method", Stream.PUSH, "endpoint_url", endpoint)));
            assertThat(refused.getResponse().getStatus()).as(endpoint).isEqualTo(400);
            assertThat(refused.getResponse().getContentType()).startsWith("application/problem+json");
            assertThat(refused.getResponse().getContentAsString()).as(endpoint).contains("delivery.endpoint_url")
                    .containsAnyOf("outside the public internet", "does not resolve to a public internet address");
        }
        // The scheme's refusal states the rule, where it said "must be an https URL" though http to loopback is taken (outside review).
        for (String endpoint : new String[] {"ftp://receiver.example.com/ssf", "receiver.example.com/ssf", "https:receiver"}) {
            MvcResult refused = ssf(post("/api/v1/ssf/streams"), token, Map.of("delivery", Map.of("method", Stream.PUSH, "endpoint_url", endpoint)));
            assertThat(refused(refused, "delivery.endpoint_url").path("detail").asString()).as(endpoint)
                    .endsWith("delivery.endpoint_url must be an https URL, or an http URL to a network listed in lanyard.signals.private-networks "
                            + "(this machine's loopback counts as listed while Lanyard itself is reachable on loopback only).");
        }
        assertThat(refused(ssf(post("/api/v1/ssf/streams"), token, Map.of("delivery", Map.of("method", Stream.PUSH,
                "endpoint_url", "ftp://receiver.example.com/ssf"))), "delivery.endpoint_url").path("detail").asString())
                .startsWith("The scheme ftp is not one Lanyard pushes to: ");
        assertThat(ssf(get("/api/v1/ssf/streams"), token, null).getResponse().getContentAsString()).as("no stream made").isEqualTo("[]");
        assertThat(ssf(post("/api/v1/ssf/streams"), token, Map.of("delivery", Map.of("method", Stream.PUSH, "endpoint_url", receiver.url("/ssf"))))
                .getResponse().getStatus()).as("http to loopback, listed here as on a developer's machine").isEqualTo(201);
    }

    @Test
    void appThatIsNoReceiverGetsNoSsfToken() throws Exception {
        Receiver r = receiverApp("Disabled");
        MvcResult disabled = mvc.perform(put("/api/v1/admin/apps/" + r.appId() + "/signals").cookie(admin.cookie()).with(admin.from())
                .contentType(MediaType.APPLICATION_JSON).content("{\"enabled\":false}")).andReturn();
        assertThat(api.read(disabled).path("enabled").asBoolean()).isFalse();
        String basic = Base64.getEncoder().encodeToString((r.clientId() + ":" + r.secret()).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/oauth2/token"))
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=ssf")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = json.readTree(response.body());
        assertThat(error.path("error").asString()).isEqualTo("unauthorized_client");
        assertThat(error.path("error_description").asString()).as("said why, where it was the bare code (outside review)")
                .contains("Shared Signals are off for this app").contains("a team admin turns them on on the app's page");
    }

    /** A client credentials token is the app's own, for Shared Signals: a member's scope, or none, was issued (outside re-check AQ). */
    @Test
    void clientCredentialsGiveOnlyTheAppsOwnScope() throws Exception {
        Receiver r = receiverApp("Scopes");
        String basic = Base64.getEncoder().encodeToString((r.clientId() + ":" + r.secret()).getBytes(StandardCharsets.UTF_8));
        for (String body : new String[] {"grant_type=client_credentials&scope=openid", "grant_type=client_credentials&scope=offline_access",
                "grant_type=client_credentials&scope=ssf%20openid", "grant_type=client_credentials"}) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/oauth2/token"))
                    .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            JsonNode error = json.readTree(response.body());
            assertThat(error.path("error").asString()).as(body).isEqualTo("invalid_scope");
            assertThat(error.path("error_description").asString()).contains("ask for scope=ssf");
        }
        String token = token(r);
        assertThat(token).as("scope=ssf still works").isNotBlank();
        // RFC 9068 §2.2: the app it was issued to, and its scope as a string, which the SSF API reads (outside review).
        var claims = com.nimbusds.jwt.SignedJWT.parse(token).getJWTClaimsSet();
        assertThat(claims.getClaim("client_id")).isEqualTo(r.clientId());
        assertThat(claims.getClaim("scope")).isEqualTo("ssf");
        assertThat(ssf(get("/api/v1/ssf/streams"), token, null).getResponse().getStatus()).isEqualTo(200);
    }

    /** The SSF API tells a token the switch ended why it is refused; a token refused for another reason is told the general rule. */
    @Test
    void aTokenOfAnAppWhoseSignalsWereSwitchedOffIsToldSo() throws Exception {
        Receiver r = receiverApp("Switched off");
        String token = token(r);
        switchSignals(r, false);

        MvcResult refused = ssf(get("/api/v1/ssf/streams"), token, null);
        assertThat(refused.getResponse().getStatus()).isEqualTo(401);
        assertThat(refused.getResponse().getHeader(HttpHeaders.WWW_AUTHENTICATE)).startsWith("Bearer");
        assertThat(json.readTree(refused.getResponse().getContentAsString()).path("detail").asString())
                .isEqualTo("This access token is no longer valid: Shared Signals were switched off for this app. A team admin turns "
                        + "them on again on the app's page in Lanyard; then take a new token (client credentials, scope ssf).");

        switchSignals(r, true);
        MvcResult ended = ssf(get("/api/v1/ssf/streams"), token, null);
        assertThat(ended.getResponse().getStatus()).as("the old token stays ended").isEqualTo(401);
        assertThat(json.readTree(ended.getResponse().getContentAsString()).path("detail").asString())
                .as("signals are on: the server cannot tell this token from one revoked").startsWith("Send an access token");
        assertThat(ssf(get("/api/v1/ssf/streams"), token(r), null).getResponse().getStatus()).isEqualTo(200);
    }

    @Test
    void anotherTeamsAdminFindsNoSuchAppAndChangesNothing() throws Exception {
        Receiver r = receiverApp("Ours");
        Member stranger = api.signUp("stranger");
        MvcResult read = mvc.perform(get("/api/v1/admin/apps/" + r.appId() + "/signals").cookie(stranger.cookie()).with(stranger.from())).andReturn();
        assertThat(read.getResponse().getStatus()).isEqualTo(404);
        MvcResult change = mvc.perform(put("/api/v1/admin/apps/" + r.appId() + "/signals").cookie(stranger.cookie()).with(stranger.from())
                .contentType(MediaType.APPLICATION_JSON).content("{\"enabled\":false}")).andReturn();
        assertThat(change.getResponse().getStatus()).isEqualTo(404);
        MvcResult page = mvc.perform(post("/admin/apps/" + r.appId() + "/signals").cookie(stranger.cookie()).with(stranger.from())
                .with(org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf())
                .param("enabled", "false")).andReturn();
        assertThat(page.getResponse().getStatus()).isEqualTo(404);
        assertThat(api.read(mvc.perform(get("/api/v1/admin/apps/" + r.appId() + "/signals").cookie(admin.cookie()).with(admin.from()))
                .andReturn()).path("enabled").asBoolean()).isTrue();
    }

    @Test
    void adminPageShowsTheStreamsDelivery() throws Exception {
        Receiver r = receiverApp("Page");
        pushStream(token(r), List.of(SecurityEvents.SESSION_REVOKED));
        MvcResult page = mvc.perform(get("/admin/apps/" + r.appId() + "/signals").cookie(admin.cookie()).with(admin.from())).andReturn();
        assertThat(page.getResponse().getStatus()).isEqualTo(200);
        assertThat(page.getResponse().getContentAsString()).contains("This app receives Shared Signals.").contains("push to " + receiver.url("/ssf"));
    }

    /**
     * Decision 83: an admin deletes the stream of an app instance that is gone, from the app's Signals page (after a
     * confirmation that names it) or the API. Its receiver finds it gone, it is audited, and another team's admin finds
     * no such stream.
     */
    @Test
    void anAdminDeletesAStreamThroughTheConfirmationPageOrTheApi() throws Exception {
        Receiver r = receiverApp("Fleet");
        String token = token(r);
        String gone = pushStream(token, List.of(SecurityEvents.SESSION_REVOKED));
        String other = pushStream(token, List.of(SecurityEvents.SESSION_REVOKED));

        String signals = mvc.perform(get("/admin/apps/" + r.appId() + "/signals").cookie(admin.cookie()).with(admin.from())).andReturn()
                .getResponse().getContentAsString();
        assertThat(signals).contains("/admin/apps/" + r.appId() + "/signals/streams/" + gone + "/delete");
        String confirm = mvc.perform(get("/admin/apps/" + r.appId() + "/signals/streams/" + gone + "/delete").cookie(admin.cookie())
                .with(admin.from())).andReturn().getResponse().getContentAsString();
        assertThat(confirm).contains(gone).contains("push to " + receiver.url("/ssf")).contains("Delete stream");
        Member stranger = api.signUp("stranger");
        MvcResult theirs = mvc.perform(post("/admin/apps/" + r.appId() + "/signals/streams/" + gone + "/delete").cookie(stranger.cookie())
                .with(stranger.from()).with(org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf()))
                .andReturn();
        assertThat(theirs.getResponse().getStatus()).as("another team's admin").isEqualTo(404);

        MvcResult deleted = mvc.perform(post("/admin/apps/" + r.appId() + "/signals/streams/" + gone + "/delete").cookie(admin.cookie())
                .with(admin.from()).with(org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf()))
                .andReturn();
        assertThat(deleted.getResponse().getRedirectedUrl()).isEqualTo("/admin/apps/" + r.appId() + "/signals?done=stream-deleted");
        assertThat(ssf(get("/api/v1/ssf/streams").param("stream_id", gone), token, null).getResponse().getStatus())
                .as("the receiver finds it gone").isEqualTo(404);
        assertThat(ssf(get("/api/v1/ssf/streams").param("stream_id", other), token, null).getResponse().getStatus()).isEqualTo(200);

        MvcResult byApi = mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete(
                "/api/v1/admin/apps/" + r.appId() + "/signals/streams/" + other).cookie(admin.cookie()).with(admin.from())).andReturn();
        assertThat(byApi.getResponse().getStatus()).isEqualTo(204);
        MvcResult again = mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete(
                "/api/v1/admin/apps/" + r.appId() + "/signals/streams/" + other).cookie(admin.cookie()).with(admin.from())).andReturn();
        assertThat(again.getResponse().getStatus()).isEqualTo(404);
        assertThat(again.getResponse().getContentType()).startsWith("application/problem+json");
        assertThat(api.read(mvc.perform(get("/api/v1/admin/apps/" + r.appId() + "/signals").cookie(admin.cookie()).with(admin.from()))
                .andReturn()).path("streams").size()).isZero();

        String log = mvc.perform(get("/api/v1/audit").param("limit", "20").cookie(admin.cookie()).with(admin.from()))
                .andReturn().getResponse().getContentAsString();
        assertThat(log).contains("app.signals-stream-deleted").contains("Deleted the Shared Signals stream " + gone)
                .contains("Deleted the Shared Signals stream " + other);
    }

    /**
     * The page names every cause of what SignalRecorder sends (an outside review: it named session endings, API keys and
     * removed members only), by the event type each cause's SET carries.
     */
    @Test
    void adminPageNamesEveryChangeThatSendsAnEvent() throws Exception {
        Receiver r = receiverApp("Causes");
        String page = mvc.perform(get("/admin/apps/" + r.appId() + "/signals").cookie(admin.cookie()).with(admin.from())).andReturn()
                .getResponse().getContentAsString().replaceAll("\\s+", " ");
        Map<String, List<String>> causes = Map.of(
                SecurityEvents.SESSION_REVOKED, List.of("a session ends"),
                SecurityEvents.ASSURANCE_LEVEL_CHANGE, List.of("a session becomes verified (a second factor, a passkey sign-in or an approval"),
                SecurityEvents.CREDENTIAL_CHANGE, List.of("a password is changed", "an authenticator app is turned on or off",
                        "a passkey is added or removed", "an API key is created, revoked or expires"),
                SecurityEvents.ACCOUNT_DISABLED, List.of("a member is removed"));
        assertThat(causes.keySet()).as("every event type offered has its causes named").isEqualTo(SecurityEvents.SUPPORTED);
        causes.values().forEach(said -> said.forEach(cause -> assertThat(page).contains(cause)));
    }

    /** Turning Shared Signals on says streams came back and were told only when some did (an outside review: it said so for none). */
    @Test
    void thePageSaysStreamsCameBackOnlyWhenSomeDid() throws Exception {
        MvcResult registered = mvc.perform(post("/api/v1/admin/apps").cookie(admin.cookie()).with(admin.from())
                .contentType(MediaType.APPLICATION_JSON)
                .content(json.writeValueAsString(Map.of("name", "First time", "redirectUris", List.of("http://127.0.0.1:9/callback"),
                        "type", "confidential", "scopes", List.of("openid"))))).andReturn();
        JsonNode app = api.read(registered);
        Receiver r = new Receiver(app.path("app").path("id").asString(), app.path("app").path("clientId").asString(),
                app.path("clientSecret").asString());

        assertThat(switchOnPage(r, true)).contains("The app can now receive Shared Signals.").doesNotContain("Each stream");
        pushStream(token(r), List.of(SecurityEvents.SESSION_REVOKED));
        assertThat(switchOnPage(r, false)).contains("The app no longer receives Shared Signals");
        assertThat(switchOnPage(r, true)).contains("The app can now receive Shared Signals. Each stream disabled when they were last "
                + "stopped has its status back and was told that the events in between were not kept.");
        assertThat(receiver.next(ARRIVAL)).as("the stream was told").isNotNull();
    }

    /** The admin's switch on the app's Shared Signals page: the page the redirect lands on. */
    private String switchOnPage(Receiver r, boolean enabled) throws Exception {
        MvcResult posted = mvc.perform(post("/admin/apps/" + r.appId() + "/signals").cookie(admin.cookie()).with(admin.from())
                .with(org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf())
                .param("enabled", Boolean.toString(enabled))).andReturn();
        assertThat(posted.getResponse().getStatus()).as(posted.getResponse().getContentAsString()).isEqualTo(302);
        return mvc.perform(get(posted.getResponse().getRedirectedUrl()).cookie(admin.cookie()).with(admin.from())).andReturn()
                .getResponse().getContentAsString();
    }

    /** The admin's switch of the app's Shared Signals; answers the app's signals as the admin API shows them. */
    private JsonNode switchSignals(Receiver r, boolean enabled) throws Exception {
        MvcResult switched = mvc.perform(put("/api/v1/admin/apps/" + r.appId() + "/signals").cookie(admin.cookie()).with(admin.from())
                .contentType(MediaType.APPLICATION_JSON).content("{\"enabled\":" + enabled + "}")).andReturn();
        assertThat(switched.getResponse().getStatus()).as(switched.getResponse().getContentAsString()).isEqualTo(200);
        return api.read(switched);
    }

    /**
     * SSF 1.0: a receiver learns of a change to its stream's status. An admin's off and on lost the events in between
     * while the stream still said enabled; now off disables the stream, naming why, and on enables it and says the events
     * were not kept.
     */
    @Test
    void turningAnAppsSignalsOffAndOnTellsItsStreamThatTheEventsInBetweenWereNotKept() throws Exception {
        Receiver r = receiverApp("Switched");
        String streamId = pushStream(token(r), List.of(SecurityEvents.SESSION_REVOKED));
        Member gap = api.logIn(admin);

        JsonNode off = switchSignals(r, false).path("streams").get(0);
        assertThat(off.path("status").asString()).isEqualTo("disabled");
        assertThat(off.path("statusReason").asString()).isEqualTo("Shared Signals were turned off for this app by a team admin.");
        String page = mvc.perform(get("/admin/apps/" + r.appId() + "/signals").cookie(admin.cookie()).with(admin.from())).andReturn()
                .getResponse().getContentAsString();
        assertThat(page).contains("This app does not receive Shared Signals.")
                .contains("disabled (Shared Signals were turned off for this app by a team admin.)");
        assertThat(mvc.perform(delete("/api/v1/sessions/" + gap.sessionId()).cookie(admin.cookie()).with(admin.from())).andReturn()
                .getResponse().getStatus()).isEqualTo(204);

        JsonNode on = switchSignals(r, true).path("streams").get(0);
        assertThat(on.path("status").asString()).isEqualTo("enabled");
        assertThat(on.path("statusReason").asString()).isEmpty();
        TestReceiver.Arrival told = receiver.next(ARRIVAL);
        assertThat(told).as("a stream updated event arrived").isNotNull();
        Map<String, Object> claims = verified(told.body(), "secevent+jwt");
        assertThat(claims.get("iss")).isEqualTo(issuer());
        assertThat(claims.get("aud")).isEqualTo(r.clientId());
        assertThat(claims.get("sub_id")).isEqualTo(Map.of("format", "opaque", "id", streamId));
        assertThat(claims.get("events")).isEqualTo(Map.of("https://schemas.openid.net/secevent/ssf/event-type/stream-updated",
                Map.of("status", "enabled", "reason", "Shared Signals were turned back on for this app by a team admin. "
                        + "Events from while they were off were not kept.")));

        Member after = api.logIn(admin);
        mvc.perform(delete("/api/v1/sessions/" + after.sessionId()).cookie(admin.cookie()).with(admin.from())).andReturn();
        TestReceiver.Arrival next = receiver.next(ARRIVAL);
        assertThat(next).isNotNull();
        @SuppressWarnings("unchecked") Map<String, Object> subject = (Map<String, Object>) verified(next.body(), "secevent+jwt").get("sub_id");
        assertThat(subject.get("session")).as("the next SET is the ending after, none of the gap's")
                .isEqualTo(Map.of("format", "opaque", "id", after.sessionId()));
        JsonNode status = api.read(ssf(get("/api/v1/ssf/status").param("stream_id", streamId), token(r), null));
        assertThat(status.path("status").asString()).isEqualTo("enabled");
        assertThat(status.path("reason").asString()).isEmpty();
    }

    /**
     * Only what the admin's switch disabled comes back: a stream its receiver disabled stays disabled, with its reason, and
     * is told nothing. A stream an admin turned off before decision 62 kept its status and comes back told, as any.
     */
    @Test
    void aStreamItsReceiverDisabledOrPausedStaysSoWhenTheAppsSignalsComeBack() throws Exception {
        Receiver r = receiverApp("Own choice");
        String token = token(r);
        String disabled = pushStream(token, List.of(SecurityEvents.SESSION_REVOKED));
        assertThat(ssf(post("/api/v1/ssf/status"), token, Map.of("stream_id", disabled, "status", "disabled", "reason", "not now"))
                .getResponse().getStatus()).isEqualTo(200);
        String older = api.read(ssf(post("/api/v1/ssf/streams"), token, Map.of("delivery", Map.of("method", Stream.POLL))))
                .path("stream_id").asString();
        String paused = api.read(ssf(post("/api/v1/ssf/streams"), token, Map.of("delivery", Map.of("method", Stream.POLL))))
                .path("stream_id").asString();
        assertThat(ssf(post("/api/v1/ssf/status"), token, Map.of("stream_id", paused, "status", "paused"))
                .getResponse().getStatus()).isEqualTo(200);

        switchSignals(r, false);
        jdbc.sql("UPDATE ssf_streams SET status = 'enabled', status_reason = '' WHERE id = :id").param("id", older).update();
        Map<String, JsonNode> streams = new java.util.HashMap<>();
        switchSignals(r, true).path("streams").forEach(s -> streams.put(s.path("id").asString(), s));

        assertThat(streams.get(disabled).path("status").asString()).isEqualTo("disabled");
        assertThat(streams.get(disabled).path("statusReason").asString()).isEqualTo("not now");
        assertThat(streams.get(older).path("status").asString()).isEqualTo("enabled");
        assertThat(streams.get(paused).path("status").asString()).as("its receiver's pause is kept").isEqualTo("paused");
        String again = token(r);
        JsonNode status = api.read(ssf(get("/api/v1/ssf/status").param("stream_id", disabled), again, null));
        assertThat(status.path("status").asString()).isEqualTo("disabled");
        assertThat(status.path("reason").asString()).isEqualTo("not now");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM signal_outbox WHERE stream_id = :id").param("id", disabled).query(Long.class).single())
                .as("nothing queued for it").isZero();
        JsonNode polled = api.read(ssf(post("/api/v1/ssf/poll/" + older), again, Map.of("returnImmediately", true)));
        assertThat(polled.path("sets").size()).isEqualTo(1);
        String jti = polled.path("sets").propertyNames().iterator().next();
        Map<String, Object> claims = verified(polled.path("sets").path(jti).asString(), "secevent+jwt");
        assertThat(claims.get("events").toString()).contains("stream-updated");
    }

    /** SSF 1.0 §8.1.1.2: with a stream_id, the answer is that stream's configuration, not an array of one. */
    @Test
    void aStreamReadByItsIdIsOneObjectAndAllStreamsAnArray() throws Exception {
        Receiver r = receiverApp("Reader");
        String token = token(r);
        String streamId = api.read(ssf(post("/api/v1/ssf/streams"), token, Map.of("description", "one"))).path("stream_id").asString();

        JsonNode one = api.read(ssf(get("/api/v1/ssf/streams").param("stream_id", streamId), token, null));
        assertThat(one.isObject()).as(one.toString()).isTrue();
        assertThat(one.path("stream_id").asString()).isEqualTo(streamId);
        assertThat(one.path("description").asString()).isEqualTo("one");
        JsonNode all = api.read(ssf(get("/api/v1/ssf/streams"), token, null));
        assertThat(all.isArray()).isTrue();
        assertThat(all.get(0)).isEqualTo(one);
    }

    /**
     * Lanyard never shows a push stream's authorization_header: a stream read and PUT back keeps it while it stays push to the
     * same endpoint; a PUT to another endpoint, or with "authorization_header": null, leaves none.
     */
    @Test
    void aPushStreamReadAndPutBackKeepsItsAuthorizationHeaderUntilNullRemovesIt() throws Exception {
        Receiver r = receiverApp("Put back");
        String token = token(r);
        String streamId = pushStream(token, List.of(SecurityEvents.SESSION_REVOKED));
        ObjectNode read = (ObjectNode) api.read(ssf(get("/api/v1/ssf/streams").param("stream_id", streamId), token, null));

        MvcResult putBack = ssf(put("/api/v1/ssf/streams"), token, read.deepCopy().put("description", "put back"));
        assertThat(putBack.getResponse().getStatus()).as(putBack.getResponse().getContentAsString()).isEqualTo(200);
        assertThat(pushAuthorization(streamId)).contains("Bearer receiver-secret");

        ObjectNode elsewhere = read.deepCopy();
        ((ObjectNode) elsewhere.path("delivery")).put("endpoint_url", receiver.url("/elsewhere"));
        assertThat(ssf(put("/api/v1/ssf/streams"), token, elsewhere).getResponse().getStatus()).isEqualTo(200);
        assertThat(pushAuthorization(streamId)).as("not sent to another endpoint").isEmpty();

        assertThat(ssf(patch(), token, Map.of("stream_id", streamId, "delivery", Map.of("authorization_header", "Bearer new")))
                .getResponse().getStatus()).isEqualTo(200);
        assertThat(pushAuthorization(streamId)).contains("Bearer new");
        assertThat(ssf(patch(), token, Map.of("stream_id", streamId, "delivery", Map.of("method", Stream.PUSH,
                "endpoint_url", receiver.url("/a-third-place")))).getResponse().getStatus()).isEqualTo(200);
        assertThat(pushAuthorization(streamId)).as("a PATCH to another endpoint does not take the header along either").isEmpty();
        assertThat(ssf(patch(), token, Map.of("stream_id", streamId, "delivery", Map.of("authorization_header", "Bearer new")))
                .getResponse().getStatus()).isEqualTo(200);
        ObjectNode removed = read.deepCopy();
        ((ObjectNode) removed.path("delivery")).put("endpoint_url", receiver.url("/elsewhere")).putNull("authorization_header");
        MvcResult put = ssf(put("/api/v1/ssf/streams"), token, removed);
        assertThat(put.getResponse().getStatus()).as(put.getResponse().getContentAsString()).isEqualTo(200);
        assertThat(pushAuthorization(streamId)).isEmpty();
    }

    private java.util.Optional<String> pushAuthorization(String streamId) {
        return jdbc.sql("SELECT push_authorization FROM ssf_streams WHERE id = :id").param("id", streamId)
                .query((rs, n) -> java.util.Optional.ofNullable(rs.getString(1))).single();
    }

    /** RFC 8936 §2.4: maxEvents is the most the receiver takes, so more than Lanyard's 100 gets 100; a negative one is refused. */
    @Test
    void aPollAskingForMoreThanAHundredSetsGetsAHundred() throws Exception {
        Receiver r = receiverApp("Greedy");
        String token = token(r);
        String streamId = api.read(ssf(post("/api/v1/ssf/streams"), token, Map.of("delivery", Map.of("method", Stream.POLL))))
                .path("stream_id").asString();
        List<SignalOutboxStore.NewSignal> sets = new java.util.ArrayList<>();
        for (int i = 0; i < 101; i++) {
            String jti = java.util.UUID.randomUUID().toString();
            sets.add(new SignalOutboxStore.NewSignal(SignalOutboxStore.Kind.POLL, java.util.Optional.of(streamId), r.appId(), "", jti,
                    json.writeValueAsString(SecurityEvents.verification(issuer(), r.clientId(), jti, streamId, java.util.Optional.empty(),
                            clock.instant()))));
        }
        outbox.add(sets, clock.instant());

        MvcResult greedy = ssf(post("/api/v1/ssf/poll/" + streamId), token, Map.of("returnImmediately", true, "maxEvents", 1000));
        assertThat(greedy.getResponse().getStatus()).as(greedy.getResponse().getContentAsString()).isEqualTo(200);
        JsonNode polled = api.read(greedy);
        assertThat(polled.path("sets").size()).isEqualTo(100);
        assertThat(polled.path("moreAvailable").asBoolean()).isTrue();
        refused(ssf(post("/api/v1/ssf/poll/" + streamId), token, Map.of("returnImmediately", true, "maxEvents", -1)), "maxEvents");
    }

    /**
     * A stream_id is read once, from the query alone (SSF 1.0 §8.1.1.5): given twice it is a 400 naming it, on every
     * endpoint that takes it, and one sent in a form body is not read. Spring read a DELETE's form into the request's
     * parameters: stream_id=a in the query and stream_id=b in the body were the stream "a,b", a 404, and a form alone
     * deleted its stream (outside review).
     */
    @Test
    void aStreamIdIsReadOnceAndFromTheQueryAlone() throws Exception {
        Receiver r = receiverApp("Once");
        String token = token(r);
        String a = api.read(ssf(post("/api/v1/ssf/streams"), token, Map.of("description", "a"))).path("stream_id").asString();
        String b = api.read(ssf(post("/api/v1/ssf/streams"), token, Map.of("description", "b"))).path("stream_id").asString();

        for (String[] twice : new String[][] {{"GET", "/streams"}, {"GET", "/status"}, {"DELETE", "/streams"}}) {
            HttpResponse<String> refused = overHttp(twice[0], twice[1] + "?stream_id=" + a + "&stream_id=" + b, token, null);
            assertThat(refused.statusCode()).as(twice[1] + ": " + refused.body()).isEqualTo(400);
            assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type)
                    .startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE));
            JsonNode problem = json.readTree(refused.body());
            assertThat(problem.path("field").asString()).isEqualTo("stream_id");
            assertThat(problem.path("detail").asString()).isEqualTo("'stream_id' is given more than once.").doesNotContain(a);
        }
        HttpResponse<String> inTheBodyAlone = overHttp("DELETE", "/streams", token, "stream_id=" + b);
        assertThat(inTheBodyAlone.statusCode()).as(inTheBodyAlone.body()).isEqualTo(400);
        assertThat(json.readTree(inTheBodyAlone.body()).path("detail").asString())
                .isEqualTo("stream_id is missing: name the stream, as its creation answered it.");
        assertThat(ssf(get("/api/v1/ssf/streams"), token, null).getResponse().getContentAsString()).as("nothing deleted")
                .contains(a).contains(b);

        HttpResponse<String> inBoth = overHttp("DELETE", "/streams?stream_id=" + a, token, "stream_id=" + b);
        assertThat(inBoth.statusCode()).as("the query's stream, not one joined with the body's: " + inBoth.body()).isEqualTo(204);
        String left = ssf(get("/api/v1/ssf/streams"), token, null).getResponse().getContentAsString();
        assertThat(left).doesNotContain(a).contains(b);
    }

    /**
     * A receiver's body that cannot be read as sent is 415 problem+json saying why, as on every other operation of the API:
     * a wildcard Content-Type was a 500 with a stack trace in the log (outside review; MockMvc does not fail on it, so over
     * HTTP), and a compressed body or an unknown charset was not looked at. The receiver is authenticated first: a token
     * that is no good is still 401.
     */
    @Test
    void aReceiversBodyThatCannotBeReadAsSentIs415SayingWhy() throws Exception {
        Receiver r = receiverApp("Wildcards");
        String token = token(r);
        String streamId = api.read(ssf(post("/api/v1/ssf/streams"), token, Map.of())).path("stream_id").asString();
        String body = "{\"stream_id\":\"" + streamId + "\"}";
        String[][] operations = {{"POST", "/streams"}, {"PUT", "/streams"}, {"PATCH", "/streams"}, {"POST", "/verify"},
                {"POST", "/status"}, {"POST", "/poll/" + streamId}};
        String[][] sent = {{"*/*", null, "Send the request body as application/json."},
                {"application/*", null, "Send the request body as application/json."},
                {"text/*", null, "Send the request body as application/json."},
                {"application/json; charset=bogus", null, "The charset “bogus” is not supported: send the body as UTF-8"},
                {"application/json", "gzip", "Lanyard does not accept a compressed request body (Content-Encoding: gzip)"}};
        for (String[] operation : operations) {
            for (String[] each : sent) {
                String what = operation[0] + " " + operation[1] + " " + each[0] + " " + each[1];
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/ssf" + operation[1]))
                        .header(HttpHeaders.CONTENT_TYPE, each[0]).method(operation[0], HttpRequest.BodyPublishers.ofString(body));
                if (each[1] != null) request.header(HttpHeaders.CONTENT_ENCODING, each[1]);
                HttpResponse<String> refused = HTTP.send(request.copy().header(HttpHeaders.AUTHORIZATION, "Bearer " + token).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(refused.statusCode()).as(what + ": " + refused.body()).isEqualTo(415);
                assertThat(refused.headers().firstValue(HttpHeaders.CONTENT_TYPE)).as(what).hasValueSatisfying(type -> assertThat(type)
                        .startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE));
                JsonNode problem = json.readTree(refused.body());
                assertThat(problem.path("type").asString()).as(what).isEqualTo("urn:lanyard:problem:unsupported-media-type");
                assertThat(problem.path("detail").asString()).as(what).startsWith(each[2]);
                assertThat(refused.headers().firstValue(HttpHeaders.ACCEPT_ENCODING)).as(what)
                        .isEqualTo(each[1] == null ? java.util.Optional.empty() : java.util.Optional.of("identity"));

                HttpResponse<String> unknown = HTTP.send(request.header(HttpHeaders.AUTHORIZATION, "Bearer not-a-token").build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(unknown.statusCode()).as(what + " without a good token: " + unknown.body()).isEqualTo(401);
            }
        }
        JsonNode stream = api.read(ssf(get("/api/v1/ssf/status").param("stream_id", streamId), token, null));
        assertThat(stream.path("status").asString()).as("nothing changed").isEqualTo("enabled");
        assertThat(ssf(post("/api/v1/ssf/verify"), token, Map.of("stream_id", streamId)).getResponse().getStatus())
                .as("a body sent as it can be read").isEqualTo(204);
    }

    /** A receiver's request to {@code path} under the SSF API over HTTP, with {@code form} as its body when there is one. */
    private HttpResponse<String> overHttp(String method, String path, String token, String form) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/ssf" + path))
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token);
        if (form != null) request.header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_FORM_URLENCODED_VALUE);
        request.method(method, form == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(form));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A receiver's empty or blank body is said to be empty, and JSON that is no object to be none, as on every operation of the API. */
    @Test
    void aReceiversEmptyOrBlankBodyIsSaidToBeEmptyAndOneThatIsNoObjectToBeNone() throws Exception {
        Receiver r = receiverApp("Blank");
        String token = token(r);
        String streamId = api.read(ssf(post("/api/v1/ssf/streams"), token, Map.of())).path("stream_id").asString();
        for (String[] operation : new String[][] {{"POST", "/streams"}, {"PATCH", "/streams"}, {"PUT", "/streams"}, {"POST", "/status"},
                {"POST", "/verify"}, {"POST", "/poll/" + streamId}}) {
            for (String[] sent : new String[][] {{"", "The request body is empty: send a JSON object with the documented fields."},
                    {" \n ", "The request body is empty: send a JSON object with the documented fields."},
                    {"[]", "The request body must be a JSON object with the documented fields."}}) {
                MvcResult refused = ssf(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request(
                        org.springframework.http.HttpMethod.valueOf(operation[0]), "/api/v1/ssf" + operation[1])
                        .contentType(MediaType.APPLICATION_JSON).content(sent[0]), token, null);
                assertThat(refused.getResponse().getStatus()).as(refused.getResponse().getContentAsString()).isEqualTo(400);
                assertThat(api.read(refused).path("detail").asString()).as(refused.getRequest().getRequestURI()).isEqualTo(sent[1]);
            }
        }
    }
}
