package dev.lanyard.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Lanyard as its users run it: the server's packaged jar ({@code server/target/lanyard-*.jar}, not the
 * {@code .original}) in its own JVM on 127.0.0.1, with a fresh SQLite file in a temporary directory,
 * and a JSON client for its API. Its output goes to {@code lanyard.log} in that directory; the tail is
 * printed when it does not start.
 */
final class LanyardProcess implements AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Path dir;
    private final Process process;
    final int port;
    final String base;

    private LanyardProcess(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
        this.base = "http://127.0.0.1:" + port;
    }

    /** An API reply: status and body (JSON or empty). */
    record Reply(int status, String body) {
        JsonNode json() {
            return body.isEmpty() ? JSON.createObjectNode() : JSON.readTree(body);
        }
    }

    static LanyardProcess start() throws IOException {
        Path jar = jar();
        Path dir = Files.createTempDirectory("lanyard-e2e");
        int port = freePort();
        String base = "http://127.0.0.1:" + port;
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-jar", jar.toString(),
                "--server.address=127.0.0.1", "--server.port=" + port,
                "--spring.datasource.url=jdbc:sqlite:" + dir.resolve("lanyard.db")
                        + "?journal_mode=WAL&busy_timeout=10000&foreign_keys=true&synchronous=NORMAL&transaction_mode=IMMEDIATE",
                "--lanyard.mail.base-url=" + base, "--lanyard.signals.issuer=" + base,
                "--lanyard.geo.directory=" + System.getProperty("lanyard.e2e.geo-directory", "data/geo"),
                // Fast retries and a sweep every second: the test waits for deliveries and expiries, not for defaults.
                "--lanyard.signals.retry-interval=500ms", "--lanyard.signals.first-retry=500ms",
                "--lanyard.signals.max-retry-delay=2s", "--lanyard.signals.poll-wait=1s",
                "--lanyard.session.sweep-interval=1s", "--lanyard.session.flush-interval=1s",
                "--spring.jmx.enabled=false",
                // Structured logs, as an operator who ships them turns them on (README, "Logs"): the test reads them back.
                "--logging.structured.format.console=ecs"));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("lanyard.log").toFile()).start();
        LanyardProcess lanyard = new LanyardProcess(dir, process, port);
        lanyard.awaitReady();
        return lanyard;
    }

    private static Path jar() throws IOException {
        Path target = Paths.get(System.getProperty("lanyard.e2e.server-target", "../server/target"));
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches("lanyard-.*\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("No packaged Lanyard in " + target.toAbsolutePath()
                            + ": run `mvn verify` from the repository's root (scripts/test.sh), which packages the server first."));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalStateException("No " + target.toAbsolutePath() + ": package the server first (`mvn verify` at the root).", e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Waits (bounded: 5 minutes on a busy machine) until the readiness probe answers UP. */
    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new IllegalStateException("Lanyard exited with " + process.exitValue() + ":\n" + logTail());
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health/readiness"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) return;
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(250);
        }
        throw new IllegalStateException("Lanyard did not become ready within 5 minutes:\n" + logTail());
    }

    /** Every line Lanyard has written so far. */
    List<String> logLines() throws IOException {
        return Files.readAllLines(dir.resolve("lanyard.log"));
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("lanyard.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    Reply send(String method, String path, String bearer, Object body) throws Exception {
        String json = body == null ? null : JSON.writeValueAsString(body);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(2))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json").header("Accept", "application/json");
        if (bearer != null) request.header("Authorization", "Bearer " + bearer);
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body());
    }

    /** The call's JSON body; fails with Lanyard's answer when the status is not {@code expected}. */
    JsonNode expect(int expected, String method, String path, String bearer, Object body) throws Exception {
        Reply reply = send(method, path, bearer, body);
        if (reply.status() != expected)
            throw new AssertionError(method + " " + path + ": expected " + expected + ", got " + reply.status() + ": " + reply.body());
        return reply.json();
    }

    /** A bearer token of a new API sign-in. */
    String login(String email, String password) throws Exception {
        return expect(201, "POST", "/api/v1/login", null,
                java.util.Map.of("email", email, "password", password, "tokenType", "bearer")).path("token").asString();
    }

    /**
     * The newest mail to {@code recipient}: with no SMTP server configured (as here), Lanyard keeps its
     * mail in the development outbox (the {@code outbox} table, shown on /admin/outbox).
     */
    Optional<String> mailTo(String recipient) throws SQLException {
        try (Connection db = database();
             PreparedStatement q = db.prepareStatement("SELECT body FROM outbox WHERE recipient = ? ORDER BY id DESC LIMIT 1")) {
            q.setString(1, recipient);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /**
     * Moves a session's end of lifetime into the past, as the team policy's lifetime running out does:
     * the policy's shortest lifetime is a day, and the server runs on the real clock.
     */
    void ageOut(String sessionId) throws SQLException {
        try (Connection db = database();
             PreparedStatement u = db.prepareStatement("UPDATE sessions SET expires_at = ? WHERE id = ? AND ended_at IS NULL")) {
            u.setLong(1, System.currentTimeMillis() - 1_000);
            u.setString(2, sessionId);
            if (u.executeUpdate() != 1) throw new AssertionError("no active session " + sessionId + " to age out");
        }
    }

    private Connection database() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("lanyard.db") + "?busy_timeout=10000");
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the process and deletes its directory (database and log). */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }
}
