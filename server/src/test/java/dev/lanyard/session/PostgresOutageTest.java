package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import dev.lanyard.Lanyard;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.testsupport.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * PostgreSQL stops under load (issue 8): Lanyard refuses what it can no longer verify (503, never
 * an ended session), says so in health, and recovers by itself when the database is back, with
 * every acknowledged write and every counted request still there. The database is a server of
 * this test's own, crashed and restarted inside it.
 */
class PostgresOutageTest {
    /** How long the test waits for Lanyard to notice a change before calling it lost. */
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static TestPostgres postgres;
    private static ConfigurableApplicationContext node;
    private static String base;
    /** Requests answered 200 for {@link #counted}: each one counts as a request of its session. */
    private static final AtomicLong served = new AtomicLong();
    /**
     * Requests answered 503 for {@link #counted}. One of them may have passed its session check
     * (and so counted as activity) just before the database failed under it, e.g. when reading the
     * session for the reply on a pool connection the restart had broken.
     */
    private static final AtomicLong refused = new AtomicLong();
    private static volatile String counted = "";

    @BeforeAll
    static void start() {
        postgres = TestPostgres.startOwn();
        String database = postgres.createDatabase();
        node = new SpringApplicationBuilder(Lanyard.class).run(
                "--spring.datasource.url=" + postgres.jdbcUrl(database),
                "--spring.datasource.username=" + postgres.user(),
                "--spring.datasource.password=" + postgres.password(),
                "--spring.datasource.hikari.connection-timeout=2000",
                "--lanyard.session.flush-interval=1h",
                "--server.address=127.0.0.1",
                "--server.port=0",
                "--spring.jmx.enabled=false");
        base = "http://127.0.0.1:" + node.getEnvironment().getProperty("local.server.port");
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    private record Reply(int status, String contentType, JsonNode body) {
    }

    private static Reply send(String method, String path, String token, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .header("Content-Type", "application/json");
        if (token != null) request.header("Authorization", "Bearer " + token);
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200 && counted.equals(token)) served.incrementAndGet();
        if (response.statusCode() == 503 && counted.equals(token)) refused.incrementAndGet();
        JsonNode json = response.body().isEmpty() || !response.body().startsWith("{")
                ? tools.jackson.databind.node.NullNode.getInstance() : JSON.readTree(response.body());
        return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), json);
    }

    private static Reply until(String path, String token, Predicate<Reply> passes) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        Reply reply;
        do {
            reply = send("GET", path, token, null);
            if (passes.test(reply)) return reply;
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("never passed: GET " + path + "; last " + reply);
    }

    private static JsonNode login(String email) throws Exception {
        Reply login = send("POST", "/api/v1/login", null, Map.of("email", email, "password", TestAccounts.PASSWORD, "tokenType", "bearer"));
        assertThat(login.status()).isEqualTo(201);
        return login.body();
    }

    private static long requestsInDatabase(String sessionId) {
        return node.getBean(JdbcClient.class).sql("SELECT requests FROM sessions WHERE id = :id").param("id", sessionId)
                .query(Long.class).single();
    }

    @Test
    void databaseOutageFailsClosedReportsDownAndRecoversWithoutLosingAcknowledgedWrites() throws Exception {
        String email = TestAccounts.uniqueEmail("outage");
        assertThat(send("POST", "/api/v1/signup", null,
                Map.of("email", email, "password", TestAccounts.PASSWORD, "name", "Otto", "team", "Outage")).status()).isEqualTo(201);
        JsonNode phone = login(email);
        JsonNode laptop = login(email);
        String phoneToken = phone.path("token").asString();
        String laptopToken = laptop.path("token").asString();
        String laptopId = laptop.path("session").path("id").asString();
        assertThat(send("GET", "/api/v1/sessions/current", phoneToken, null).status()).as("phone cached").isEqualTo(200);
        // Acknowledged writes before the outage: a revocation and a rename.
        assertThat(send("DELETE", "/api/v1/sessions/" + phone.path("session").path("id").asString(), laptopToken, null).status()).isEqualTo(204);
        assertThat(send("PATCH", "/api/v1/sessions/" + laptopId, laptopToken, Map.of("name", "Desk", "alerts", true)).status()).isEqualTo(200);
        ActivityRecorder activity = node.getBean(ActivityRecorder.class);
        activity.flush();
        long before = requestsInDatabase(laptopId);
        counted = laptopToken;

        // Load: the laptop (valid) and the revoked phone, until the test ends it; bounded by count too.
        AtomicBoolean loading = new AtomicBoolean(true);
        List<String> violations = new CopyOnWriteArrayList<>();
        Thread load = new Thread(() -> {
            for (int i = 0; i < 5_000 && loading.get(); i++) {
                try {
                    Reply l = send("GET", "/api/v1/sessions/current", laptopToken, null);
                    if (l.status() != 200 && l.status() != 503) violations.add("laptop " + l);
                    Reply p = send("GET", "/api/v1/sessions/current", phoneToken, null);
                    if (p.status() != 401 && p.status() != 503) violations.add("revoked phone " + p);
                } catch (Exception e) {
                    violations.add(e.toString());
                }
            }
        }, "outage-load");
        load.start();
        try {
            until("/api/v1/sessions/current", laptopToken, r -> r.status() == 200);

            postgres.crash();

            Reply refused = until("/api/v1/sessions/current", laptopToken, r -> r.status() == 503);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.body().path("type").asString()).isEqualTo("urn:lanyard:problem:database-unavailable");
            Reply health = until("/actuator/health", null, r -> r.status() == 503);
            assertThat(health.body().path("status").asString()).as(health.toString()).isEqualTo("DOWN");
            assertThat(health.body().path("components").path("db").path("status").asString()).isEqualTo("DOWN");
            until("/actuator/health", null, r -> r.body().path("components").path("sessionBroadcast").path("status").asString().equals("DOWN"));
            assertThat(until("/actuator/health/readiness", null, r -> r.status() == 503).status())
                    .as("the node leaves its load balancer while it cannot reach the database").isEqualTo(503);
            assertThat(send("GET", "/actuator/health/liveness", null, null).status()).as("but is not restarted for it").isEqualTo(200);
            assertThat(send("GET", "/api/v1/sessions/current", laptopToken, null).status()).as("still refused").isEqualTo(503);
            assertThat(send("GET", "/settings/sessions", null, null).status()).as("a page without a session still renders or redirects")
                    .isNotEqualTo(500);
            assertThat(activity.flush()).as("the flush fails and keeps its counts").isZero();
            assertThat(activity.pending(new SessionId(laptopId))).isPresent();

            postgres.restart();

            until("/api/v1/sessions/current", laptopToken, r -> r.status() == 200);
            until("/actuator/health", null, r -> r.status() == 200
                    && r.body().path("components").path("sessionBroadcast").path("status").asString().equals("UP"));
            until("/actuator/health/readiness", null, r -> r.status() == 200);
        } finally {
            loading.set(false);
            load.join();
        }

        assertThat(violations).isEmpty();
        Reply phoneAfter = send("GET", "/api/v1/sessions/current", phoneToken, null);
        assertThat(phoneAfter.status()).isEqualTo(401);
        assertThat(phoneAfter.body().path("type").asString()).isEqualTo("urn:lanyard:problem:session-ended");
        Reply laptopAfter = send("GET", "/api/v1/sessions/current", laptopToken, null);
        assertThat(laptopAfter.body().path("name").asString()).as("the rename survived").isEqualTo("Desk");
        activity.flush();
        assertThat(requestsInDatabase(laptopId)).as("every served request counted, none lost to the outage, none counted twice")
                .isBetween(before + served.get(), before + served.get() + refused.get());
    }
}
