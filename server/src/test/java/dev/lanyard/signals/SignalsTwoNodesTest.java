package dev.lanyard.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jwt.SignedJWT;
import dev.lanyard.Lanyard;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.testsupport.Nodes;
import dev.lanyard.testsupport.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two Lanyard nodes on one PostgreSQL database, both draining the signal outbox every few
 * milliseconds while a burst of endings lands in it: every SET reaches the receiver exactly once.
 * A poll waiting on one node is answered with a SET the other queued.
 */
class SignalsTwoNodesTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final int ENDINGS = 40;

    private static ConfigurableApplicationContext nodeA;
    private static ConfigurableApplicationContext nodeB;
    private static String a;
    private static String b;

    @BeforeAll
    static void startTwoNodes() {
        TestPostgres postgres = TestPostgres.shared();
        String database = postgres.createDatabase();
        // Both nodes look for due signals all the time, so they compete for every one.
        String[] shared = Nodes.arguments(postgres, database, "--lanyard.signals.retry-interval=20ms");
        nodeA = Nodes.start(shared);
        nodeB = Nodes.start(shared);
        a = Nodes.url(nodeA);
        b = Nodes.url(nodeB);
    }

    @AfterAll
    static void stopNodes() {
        if (nodeB != null) nodeB.close();
        if (nodeA != null) nodeA.close();
    }

    private record Reply(int status, JsonNode body) {
    }

    private static Reply send(String node, String method, String path, String bearer, Object body) throws IOException, InterruptedException {
        String json = body == null ? null : JSON.writeValueAsString(body);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node + path)).timeout(Duration.ofSeconds(30))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json");
        if (bearer != null) request.header("Authorization", "Bearer " + bearer);
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body().isEmpty() ? null : JSON.readTree(response.body()));
    }

    /** Signs up on node A a new admin of a new team; their email. */
    private static String signUp(String email, String name, String team) throws Exception {
        String unique = TestAccounts.uniqueEmail(email);
        assertThat(send(a, "POST", "/api/v1/signup", null, Map.of("email", unique, "password", TestAccounts.PASSWORD, "name", name,
                "team", team)).status()).isEqualTo(201);
        return unique;
    }

    private static String login(String node, String email) throws Exception {
        Reply login = send(node, "POST", "/api/v1/login", null, Map.of("email", email, "password", TestAccounts.PASSWORD, "tokenType", "bearer"));
        assertThat(login.status()).as("login").isEqualTo(201);
        return login.body().path("token").asString();
    }

    @Test
    void twoNodesDrainingOneOutboxDeliverEverySetExactlyOnce() throws Exception {
        String email = signUp("signals", "Noor", "Signals");
        String admin = login(a, email);
        Receiver siem = receiver(admin, "SIEM");
        String receiverToken = receiverToken(b, siem);

        try (TestReceiver receiver = new TestReceiver()) {
            Reply stream = send(b, "POST", "/api/v1/ssf/streams", receiverToken, Map.of(
                    "delivery", Map.of("method", Stream.PUSH, "endpoint_url", receiver.url("/ssf")),
                    "events_requested", List.of(SecurityEvents.SESSION_REVOKED)));
            assertThat(stream.status()).isEqualTo(201);
            for (int i = 0; i < ENDINGS; i++) login(i % 2 == 0 ? a : b, email);

            Reply ended = send(a, "DELETE", "/api/v1/sessions?scope=others", admin, null);
            assertThat(ended.status()).isEqualTo(200);
            int endings = ended.body().path("ended").asInt();
            assertThat(endings).as("the sign-ups session and every login but the admin's").isEqualTo(ENDINGS + 1);

            List<String> jtis = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (jtis.size() < endings && System.nanoTime() < deadline) {
                TestReceiver.Arrival arrival = receiver.next(Duration.ofSeconds(1));
                if (arrival != null) jtis.add(SignedJWT.parse(arrival.body()).getJWTClaimsSet().getJWTID());
            }
            JdbcClient jdbc = nodeA.getBean(JdbcClient.class);
            long deadlineRows = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (jdbc.sql("SELECT COUNT(*) FROM signal_outbox WHERE delivered_at IS NULL AND given_up_at IS NULL").query(Long.class).single() > 0
                    && System.nanoTime() < deadlineRows) {
                Thread.sleep(20);
            }
            // Both nodes keep draining every 20 ms; whatever either could still send again has had time to arrive.
            Thread.sleep(500);
            receiver.drained().forEach(extra -> jtis.add(parse(extra.body())));
            Set<String> distinct = new HashSet<>(jtis);
            assertThat(jtis).as("every ending once, none twice").hasSize(endings);
            assertThat(distinct).hasSize(endings);
            assertThat(jdbc.sql("SELECT COUNT(*) FROM signal_outbox WHERE delivered_at IS NOT NULL AND attempts = 1").query(Long.class).single())
                    .isEqualTo((long) endings);
        }
    }

    /** A SET queued on one node answers a poll waiting on the other: the waiting node finds it in the database. */
    @Test
    void aPollWaitingOnOneNodeIsAnsweredWithASetQueuedOnTheOther() throws Exception {
        String email = signUp("polls", "Ines", "Polls");
        String admin = login(a, email);
        String receiverToken = receiverToken(a, receiver(admin, "Poller"));
        Reply stream = send(a, "POST", "/api/v1/ssf/streams", receiverToken, Map.of("delivery", Map.of("method", Stream.POLL)));
        assertThat(stream.status()).isEqualTo(201);
        String streamId = stream.body().path("stream_id").asString();

        PollWaits waitingOnB = nodeB.getBean(PollWaits.class);
        int before = waitingOnB.waiting();
        java.util.concurrent.CompletableFuture<HttpResponse<String>> poll = HTTP.sendAsync(HttpRequest.newBuilder(
                        URI.create(b + "/api/v1/ssf/poll/" + streamId)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + receiverToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (waitingOnB.waiting() == before && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(waitingOnB.waiting()).as("the poll waits on node B").isEqualTo(before + 1);

        assertThat(send(a, "POST", "/api/v1/ssf/verify", receiverToken, Map.of("stream_id", streamId, "state", "from A")).status())
                .isEqualTo(204);

        HttpResponse<String> answer = poll.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode sets = JSON.readTree(answer.body()).path("sets");
        assertThat(sets.size()).as(answer.body()).isEqualTo(1);
        assertThat(SignedJWT.parse(sets.path(sets.propertyNames().iterator().next()).asString()).getJWTClaimsSet()
                .getJSONObjectClaim("events")).isEqualTo(Map.of(SecurityEvents.VERIFICATION, Map.of("state", "from A")));
    }

    /** A confidential app of the admin's team with Shared Signals enabled: its ids and its client secret basic header. */
    private record Receiver(String appId, String clientId, String basic) {
    }

    private static Receiver receiver(String admin, String name) throws Exception {
        Reply app = send(a, "POST", "/api/v1/admin/apps", admin, Map.of("name", name, "redirectUris", List.of("http://127.0.0.1:9/cb"),
                "type", "confidential", "scopes", List.of("openid")));
        assertThat(app.status()).isEqualTo(201);
        String appId = app.body().path("app").path("id").asString();
        assertThat(send(a, "PUT", "/api/v1/admin/apps/" + appId + "/signals", admin, Map.of("enabled", true)).status()).isEqualTo(200);
        String clientId = app.body().path("app").path("clientId").asString();
        return new Receiver(appId, clientId, "Basic " + Base64.getEncoder().encodeToString((clientId + ":"
                + app.body().path("clientSecret").asString()).getBytes(StandardCharsets.UTF_8)));
    }

    /** {@code POST path} on {@code node} with client secret basic and a form. */
    private static HttpResponse<String> form(String node, String path, String basic, String form) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(node + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", basic).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A receiver token issued by {@code node} (which keeps it in memory from then on). */
    private static String receiverToken(String node, Receiver receiver) throws Exception {
        HttpResponse<String> token = form(node, "/oauth2/token", receiver.basic(), "grant_type=client_credentials&scope=ssf");
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        return JSON.readTree(token.body()).path("access_token").asString();
    }

    /** Whether {@code node} calls the token active to {@code caller}, or the status when the caller is refused. */
    private static String introspected(String node, String callerBasic, String token) throws Exception {
        HttpResponse<String> answer = form(node, "/oauth2/introspect", callerBasic, "token=" + token);
        return answer.statusCode() != 200 ? "status " + answer.statusCode() : "active " + JSON.readTree(answer.body()).path("active").asBoolean();
    }

    /**
     * A receiver's token has no Lanyard session: node B, which issued it and keeps it in memory, refuses it on the
     * very next request once node A revoked it (decision 26), at the SSF API and at introspection, with no waiting.
     */
    @Test
    void aReceiverTokenRevokedOnOneNodeIsRefusedOnTheOtherAtOnce() throws Exception {
        String email = signUp("revoked", "Rosa", "Revoked");
        Receiver receiver = receiver(login(a, email), "Audit");
        String token = receiverToken(b, receiver);
        assertThat(send(b, "GET", "/api/v1/ssf/streams", token, null).status()).isEqualTo(200);
        assertThat(introspected(b, receiver.basic(), token)).isEqualTo("active true");

        HttpResponse<String> revoked = form(a, "/oauth2/revoke", receiver.basic(), "token=" + token + "&token_type_hint=access_token");
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);

        assertThat(send(b, "GET", "/api/v1/ssf/streams", token, null).status()).as("the SSF API on node B").isEqualTo(401);
        assertThat(introspected(b, receiver.basic(), token)).as("introspection on node B").isEqualTo("active false");
        assertThat(introspected(a, receiver.basic(), token)).isEqualTo("active false");
        String another = receiverToken(b, receiver);
        assertThat(send(b, "GET", "/api/v1/ssf/streams", another, null).status()).as("a new token works").isEqualTo(200);
    }

    /**
     * Signals disabled on node A end the receiver's tokens on every node at once: node B, which issued one, calls it
     * inactive and refuses it at the SSF API on its next request, and issues no new one.
     */
    @Test
    void signalsDisabledOnOneNodeEndTheReceiversTokensOnTheOtherAtOnce() throws Exception {
        String email = signUp("disabled", "Sami", "Disabled");
        String admin = login(a, email);
        Receiver receiver = receiver(admin, "Gateway");
        String token = receiverToken(b, receiver);
        assertThat(introspected(b, receiver.basic(), token)).isEqualTo("active true");

        assertThat(send(a, "PUT", "/api/v1/admin/apps/" + receiver.appId() + "/signals", admin, Map.of("enabled", false)).status())
                .isEqualTo(200);

        assertThat(introspected(b, receiver.basic(), token)).as("introspection on node B").isEqualTo("active false");
        assertThat(introspected(a, receiver.basic(), token)).isEqualTo("active false");
        assertThat(send(b, "GET", "/api/v1/ssf/streams", token, null).status()).isEqualTo(401);
        assertThat(form(b, "/oauth2/token", receiver.basic(), "grant_type=client_credentials&scope=ssf").statusCode())
                .as("node B issues no new receiver token").isEqualTo(400);
    }

    /**
     * An app deleted on node A: node B calls its receiver token inactive to another app of the team, no longer
     * authenticates the deleted app, and refuses the token at the SSF API, all on the very next request.
     */
    @Test
    void aReceiverDeletedOnOneNodeIsRefusedOnTheOtherAtOnce() throws Exception {
        String email = signUp("deleted", "Tove", "Deleted");
        String admin = login(a, email);
        Receiver receiver = receiver(admin, "Old SIEM");
        Receiver colleague = receiver(admin, "New SIEM");
        String token = receiverToken(b, receiver);
        assertThat(introspected(b, colleague.basic(), token)).isEqualTo("active true");
        assertThat(introspected(b, receiver.basic(), token)).isEqualTo("active true");

        assertThat(send(a, "DELETE", "/api/v1/admin/apps/" + receiver.appId(), admin, null).status()).isEqualTo(204);

        assertThat(introspected(b, colleague.basic(), token)).as("introspection on node B").isEqualTo("active false");
        assertThat(introspected(b, receiver.basic(), token)).as("the deleted app on node B").isEqualTo("status 401");
        assertThat(send(b, "GET", "/api/v1/ssf/streams", token, null).status()).isEqualTo(401);
        assertThat(form(b, "/oauth2/token", receiver.basic(), "grant_type=client_credentials&scope=ssf").statusCode())
                .as("node B issues the deleted app no token").isEqualTo(401);
    }

    private static String parse(String jwt) {
        try {
            return SignedJWT.parse(jwt).getJWTClaimsSet().getJWTID();
        } catch (java.text.ParseException e) {
            throw new AssertionError(e);
        }
    }
}
