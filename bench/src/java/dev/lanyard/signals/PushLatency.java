package dev.lanyard.signals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import dev.lanyard.Lanyard;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * bench/signals.sh: the time from Lanyard's answer to a revoke (DELETE /api/v1/sessions/{id}) to the
 * arrival of the session-revoked SET at a push receiver on loopback, many times. One Lanyard on SQLite
 * in a temporary directory, in this JVM; the receiver is a plain HTTP server on 127.0.0.1.
 * Prints p50, p99 and max in milliseconds (a push that arrives before the revoke's answer counts 0),
 * and the same from the revoke's request, for comparison with the revoke call itself.
 */
public final class PushLatency {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Path dir = Files.createTempDirectory("lanyard-signals-bench");
        ConfigurableApplicationContext lanyard = new SpringApplicationBuilder(Lanyard.class).run(
                "--spring.datasource.url=jdbc:sqlite:" + dir.resolve("lanyard.db")
                        + "?journal_mode=WAL&busy_timeout=10000&foreign_keys=true&synchronous=NORMAL&transaction_mode=IMMEDIATE",
                "--server.address=127.0.0.1", "--server.port=0", "--spring.jmx.enabled=false",
                "--logging.level.root=WARN", "--spring.main.banner-mode=off");
        String base = "http://127.0.0.1:" + lanyard.getEnvironment().getProperty("local.server.port");
        try (TestReceiver receiver = new TestReceiver()) {
            String email = "bench-" + System.nanoTime() + "@example.com";
            String password = "correct horse battery staple";
            // The first request waits for the user agent parser to load (a minute on a busy machine).
            check(send(base, "POST", "/api/v1/signup", null, Map.of("email", email, "password", password, "name", "Bench", "team", "Bench"),
                    Duration.ofMinutes(5)), 201);
            String admin = login(base, email, password);
            JsonNode app = check(send(base, "POST", "/api/v1/admin/apps", admin, Map.of("name", "Receiver",
                    "redirectUris", List.of("http://127.0.0.1:9/cb"), "type", "confidential", "scopes", List.of("openid"))), 201);
            check(send(base, "PUT", "/api/v1/admin/apps/" + app.path("app").path("id").asString() + "/signals", admin, Map.of("enabled", true)), 200);
            String basic = Base64.getEncoder().encodeToString((app.path("app").path("clientId").asString() + ":"
                    + app.path("clientSecret").asString()).getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> token = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
                    .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=ssf")).build(), HttpResponse.BodyHandlers.ofString());
            String receiverToken = JSON.readTree(token.body()).path("access_token").asString();
            check(send(base, "POST", "/api/v1/ssf/streams", receiverToken, Map.of(
                    "delivery", Map.of("method", Stream.PUSH, "endpoint_url", receiver.url("/ssf")),
                    "events_requested", List.of(SecurityEvents.SESSION_REVOKED))), 201);

            double[] fromAnswer = new double[trials];
            double[] fromRequest = new double[trials];
            double[] revokeCall = new double[trials];
            for (int i = 0; i < trials; i++) {
                JsonNode session = check(send(base, "POST", "/api/v1/login", null,
                        Map.of("email", email, "password", password, "tokenType", "bearer")), 201);
                String id = session.path("session").path("id").asString();
                receiver.drained();
                long sent = System.nanoTime();
                check(send(base, "DELETE", "/api/v1/sessions/" + id, admin, null), 204);
                long answered = System.nanoTime();
                TestReceiver.Arrival arrival = receiver.next(Duration.ofSeconds(30));
                if (arrival == null) throw new IllegalStateException("trial " + i + ": no push within 30 s");
                fromAnswer[i] = Math.max(0, arrival.nanos() - answered) / 1e6;
                fromRequest[i] = (arrival.nanos() - sent) / 1e6;
                revokeCall[i] = (answered - sent) / 1e6;
            }
            System.out.printf("signals.sh: %d trials, push on loopback, SQLite%n", trials);
            print("revoke answered -> SET arrived", fromAnswer);
            print("revoke sent     -> SET arrived", fromRequest);
            print("revoke call itself (baseline)", revokeCall);
            double p99 = percentile(fromAnswer, 0.99);
            System.out.printf("goal p99 < 100 ms from the answer: %s%n", p99 < 100 ? "met" : "NOT met");
        } finally {
            lanyard.close();
        }
    }

    private static void print(String what, double[] values) {
        System.out.printf("%-34s p50 %7.2f ms   p99 %7.2f ms   max %7.2f ms%n", what, percentile(values, 0.5), percentile(values, 0.99),
                Arrays.stream(values).max().orElse(0));
    }

    private static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static String login(String base, String email, String password) throws Exception {
        return check(send(base, "POST", "/api/v1/login", null, Map.of("email", email, "password", password, "tokenType", "bearer")), 201)
                .path("token").asString();
    }

    private record Reply(int status, String body) {
    }

    private static JsonNode check(Reply reply, int status) {
        if (reply.status() != status) throw new IllegalStateException("expected " + status + ", got " + reply.status() + ": " + reply.body());
        return reply.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(reply.body());
    }

    private static Reply send(String base, String method, String path, String bearer, Object body) throws Exception {
        return send(base, method, path, bearer, body, Duration.ofSeconds(30));
    }

    private static Reply send(String base, String method, String path, String bearer, Object body, Duration timeout) throws Exception {
        String json = body == null ? null : JSON.writeValueAsString(body);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json");
        if (bearer != null) request.header("Authorization", "Bearer " + bearer);
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body());
    }
}
