package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Pattern;

import dev.lanyard.account.TestAccounts;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Walks every operation of the served OpenAPI document over real HTTP with generated inputs, valid
 * and malformed (wrong types, bodies up to 1 MB, control characters, unicode edge cases, other
 * teams' ids, bad cursors and limits), signed in as an admin by bearer token and by cookie. Every
 * answer must be below 500, name no Java type and carry no stack trace, be problem+json when it is
 * a 4xx and agree with the document; a refused request must leave the caller's team as it was, and
 * no request may change a second team. All findings are reported together, grouped, one example per
 * kind, and so are the requests sent and the statuses answered.
 * Seeded ({@code -Dlanyard.fuzz.seed}) and bounded ({@code -Dlanyard.fuzz.seconds}, default 45).
 * <p>
 * What it sends is what a client could mean: no body on GET or DELETE (HTTP gives it no meaning and
 * the document takes none). Malformed values are sent as they are, an empty query value ({@code limit=})
 * among them, which the server refuses as it does a parameter given twice; the request is held against
 * the document only when the server accepted it, the response always.
 * A body sent to an operation without input is ignored by the server, as the document says
 * ({@code x-lanyard-ignored}), and checked as absent.
 */
@LanyardSpringTest
class ApiFuzzTest {
    private static final Pattern LEAK = Pattern.compile(
            "(?:\\bat [\\w$.]+\\([\\w$]*\\.java:\\d+\\)|Exception\\b|\\bjava\\.[a-z]+\\.|\\btools\\.jackson\\.|\\borg\\.springframework\\.|\\bdev\\.lanyard\\.|\\bjakarta\\.|\\borg\\.apache\\.)");
    private static final List<String> STRINGS = List.of("", " ", "a", "null", "true", "0", "-1", "1e309", "[]", "{}",
            "\u0000", "nul\u0000in", "\u0007bell\u001b[31m", "line\r\nbreak", "\ud83d\ude00\u200d\u2764", "\u202eevil",
            "e\u0301\u0301\u0301", "\ufeffbom", "\uffff", "../../etc/passwd", "%00", "' OR 1=1 --", "<script>x</script>",
            "acc_", "ses_", "9999-12-31T23:59:59Z", "+1000000000-01-01T00:00:00Z", "2026-02-30", "-0", "NaN");
    private static final List<String> CONTENT_TYPES = List.of("application/json", "application/json; charset=utf-8",
            "text/plain", "application/x-www-form-urlencoded", "application/problem+json", "application/xml");

    @LocalServerPort
    int port;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    OpenApiContract contract;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    /** Kind of finding → what exactly (operation, status, message) → one example. */
    private final Map<String, Map<String, String>> findings = new TreeMap<>();
    private final Map<String, Integer> statuses = new TreeMap<>();
    private Random random;
    private Caller caller;
    private Caller other;
    private String stopped;
    private long slowestNanos;
    private String slowest = "";

    /** Someone signed in twice: a cookie and a bearer token. */
    private record Caller(String email, String accountId, String teamId, String cookie, String bearer, String sessionId) {
    }

    private record Sent(String method, String path, String query, String contentType, String body, String auth) {
        String line() {
            return method + " " + path + (query.isEmpty() ? "" : "?" + shorten(query, 120)) + " [" + auth + ", "
                    + contentType + ", " + (body == null ? "no body" : body.length() + " chars: " + shorten(body, 120)) + "]";
        }
    }

    @Test
    void noOperationAnswersWithAServerErrorALeakOrAnUndocumentedShapeAndRefusedRequestsChangeNothing() throws Exception {
        long seed = Long.getLong("lanyard.fuzz.seed", 20260807L);
        Duration budget = Duration.ofSeconds(Long.getLong("lanyard.fuzz.seconds", 45));
        random = new Random(seed);
        caller = signUp("fuzzer");
        other = signUp("bystander");
        String otherBefore = snapshot(other.teamId(), true);

        List<Map.Entry<String, JsonNode>> operations = new ArrayList<>();
        JsonNode doc = json.readTree(contract.document());
        doc.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op ->
                operations.add(Map.entry(op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey(), op.getValue()))));
        assertThat(operations).isNotEmpty();

        long deadline = System.nanoTime() + budget.toNanos(); // a bound on the run, not an assertion
        int sent = 0;
        while (System.nanoTime() < deadline && sent < 20_000 && stopped == null) {
            for (var operation : operations) {
                if (System.nanoTime() >= deadline || stopped != null) break;
                String[] methodAndPath = operation.getKey().split(" ", 2);
                exchange(methodAndPath[0], methodAndPath[1], operation.getValue(), doc);
                sent++;
            }
        }

        String otherAfter = snapshot(other.teamId(), true);
        if (!otherAfter.equals(otherBefore)) found("another team's data changed", "after the run", diff(otherBefore, otherAfter));
        System.out.println("API fuzz: seed " + seed + ", " + sent + " requests over " + operations.size()
                + " operations in " + budget.toSeconds() + " s; statuses " + statuses
                + "; slowest " + Duration.ofNanos(slowestNanos).toMillis() + " ms: " + slowest
                + (stopped == null ? "" : "; stopped early: " + stopped));
        String report = report();
        System.out.println(report);
        if (!findings.isEmpty()) throw new AssertionError(report);
    }

    private void found(String kind, String what, String example) {
        findings.computeIfAbsent(kind, k -> new TreeMap<>()).putIfAbsent(what, example);
    }

    /** Every finding, by kind, each with one example; nothing left out. */
    private String report() {
        if (findings.isEmpty()) return "API fuzz: no findings";
        StringBuilder out = new StringBuilder("API fuzz: " + findings.values().stream().mapToInt(Map::size).sum()
                + " findings (one example each):");
        findings.forEach((kind, whats) -> {
            out.append("\n\n").append(kind).append(" (").append(whats.size()).append("):");
            whats.forEach((what, example) -> out.append("\n  - ").append(what).append("\n      ").append(example));
        });
        return out.toString();
    }

    private void exchange(String method, String template, JsonNode operation, JsonNode doc) throws Exception {
        boolean bearer = random.nextBoolean();
        Map<String, String> query = new LinkedHashMap<>();
        String path = template;
        for (JsonNode parameter : operation.path("parameters")) {
            String name = parameter.path("name").asString();
            if (parameter.path("in").asString().equals("path")) {
                path = path.replace("{" + name + "}", URLEncoder.encode(pathValue(), StandardCharsets.UTF_8).replace("+", "%20"));
            } else if (random.nextInt(3) > 0) {
                String value = value(parameter.path("schema"), doc, 0);
                query.put(name, value); // "name=" too: refused, as the document has no allowEmptyValue
            }
        }
        if (random.nextInt(10) == 0) query.put("unexpected", pick(STRINGS.subList(1, STRINGS.size())));
        String body = null;
        String contentType = "application/json";
        if (operation.has("requestBody")) { // POST, PUT and PATCH; never GET or DELETE
            JsonNode schema = operation.path("requestBody").path("content").path("application/json").path("schema");
            body = body(schema, doc);
            if (random.nextInt(8) == 0) contentType = pick(CONTENT_TYPES);
        }
        String queryString = query.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).reduce((a, b) -> a + "&" + b).orElse("");
        Sent sent = new Sent(method, path, queryString, contentType, body, bearer ? "bearer" : "cookie");

        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path
                        + (queryString.isEmpty() ? "" : "?" + queryString)))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) request.header("Content-Type", contentType);
        if (bearer) request.header("Authorization", "Bearer " + caller.bearer());
        else request.header("Cookie", ApiClient.COOKIE + "=" + caller.cookie());

        String before = snapshot(caller.teamId(), false);
        HttpRequest built = request.build();
        long started = System.nanoTime();
        HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
        long took = System.nanoTime() - started;
        if (took > slowestNanos) {
            slowestNanos = took;
            slowest = shorten(sent.line(), 200);
        }
        int status = response.statusCode();
        statuses.merge(status / 100 + "xx " + status, 1, Integer::sum);
        String where = method + " " + template;
        String contentTypeBack = response.headers().firstValue("Content-Type").orElse("");
        String answered = where + " → " + status;
        boolean problem = contentTypeBack.startsWith("application/problem+json");
        if (status >= 500) found("server error", answered, report(sent, response));
        if (LEAK.matcher(response.body()).find())
            found("body names a Java type or has a stack trace", answered, report(sent, response));
        if (status >= 400 && status < 500 && !problem)
            found("4xx that is not application/problem+json", answered + " " + contentTypeBack.split(";", 2)[0], report(sent, response));
        for (String mismatch : contract.mismatches(OpenApiContract.exchange(built, body, response))) {
            // A 4xx that is not problem+json is reported above; its content type is the same finding.
            if (status >= 400 && !problem && mismatch.contains("validation.response.contentType.notAllowed")) continue;
            // "GET /api/… → 200: response: key: message\n    body: …" → "response: key: message", quoted values elided
            String kind = mismatch.replaceFirst("(?s)^.*? → \\d{3}: ", "").replaceAll("(?s)\\s+body:.*", "")
                    .replaceAll("\"[^\"]*\"", "…").replaceAll("'[^']*'", "…");
            found("disagrees with the OpenAPI document", answered + ": " + shorten(kind, 240), report(sent, response));
        }
        if (status >= 400) {
            String after = snapshot(caller.teamId(), false);
            if (!after.equals(before)) found("refused but changed data", answered,
                    report(sent, response) + "\n      " + diff(before, after));
        }
        if (status == 401) { // a valid request may have ended our own session (logout, scope=all, team sign-out)
            try {
                caller = signInAgain(caller);
            } catch (AssertionError e) {
                stopped = "could not sign in again: " + e.getMessage();
            }
        }
    }

    private static String report(Sent sent, HttpResponse<String> response) {
        return sent.line() + "\n      → " + response.statusCode() + " "
                + response.headers().firstValue("Content-Type").orElse("(no type)") + " " + shorten(response.body(), 300);
    }

    /** An id for a path: our own, another team's, or malformed. */
    private String pathValue() {
        return switch (random.nextInt(6)) {
            case 0 -> caller.sessionId();
            case 1 -> caller.accountId();
            case 2 -> other.sessionId();
            case 3 -> other.accountId();
            // Never empty: an empty segment addresses another path (".../members/"), not a malformed id.
            case 4 -> pick(STRINGS.subList(1, STRINGS.size()));
            default -> "x".repeat(1 + random.nextInt(2000));
        };
    }

    /** A value for a query parameter of {@code schema}: usually fitting, sometimes not. */
    private String value(JsonNode schema, JsonNode doc, int depth) {
        String type = resolve(schema, doc).path("type").asString();
        if (random.nextInt(3) == 0) return pick(STRINGS);
        return switch (type) {
            case "integer" -> pick(List.of("1", "50", "100", "101", "0", "-1", "2147483648", "99999999999999999999", "1.5"));
            case "boolean" -> pick(List.of("true", "false", "yes", "1"));
            default -> pick(List.of("all", "verified", "unverified", "inactive", "others", "team", "own",
                    "session.revoked", "2026-01-31", "2026-01-31T09:00:00Z", caller.email(), other.email(), other.accountId(),
                    "x".repeat(random.nextInt(4096))));
        };
    }

    /** A request body: valid for {@code schema}, or broken in one of many ways. */
    private String body(JsonNode schema, JsonNode doc) {
        return switch (random.nextInt(10)) {
            case 0 -> "{\"unterminated\": ";
            case 1 -> "[1, 2, 3]";
            case 2 -> "x".repeat(1 + random.nextInt(1_000_000));
            case 3 -> "{\"a\":".repeat(600) + "1" + "}".repeat(600);
            case 4 -> "";
            case 5 -> "null";
            default -> json.writeValueAsString(object(resolve(schema, doc), doc));
        };
    }

    private Map<String, Object> object(JsonNode schema, JsonNode doc) {
        Map<String, Object> body = new LinkedHashMap<>();
        schema.path("properties").properties().forEach(p -> {
            if (random.nextInt(6) == 0) return; // leave it out
            JsonNode property = resolve(p.getValue(), doc);
            body.put(p.getKey(), switch (random.nextInt(5)) {
                case 0 -> null;
                case 1 -> pick(List.<Object>of(42, -1, 3.5, true, List.of(), Map.of(), "x".repeat(random.nextInt(300_000))));
                default -> fitting(property);
            });
        });
        if (random.nextInt(6) == 0) body.put("extra", pick(STRINGS));
        return body;
    }

    private Object fitting(JsonNode property) {
        JsonNode allowed = property.path("enum");
        if (allowed.isArray() && !allowed.isEmpty()) return allowed.get(random.nextInt(allowed.size())).asString();
        if ("date-time".equals(property.path("format").asString())) {
            return random.nextBoolean() ? pick(List.<Object>of("2099-01-01T00:00:00Z", "2030-06-01T12:00:00+02:00"))
                    : pick(List.<Object>of("2001-01-01T00:00:00Z", "+300000000-01-01T00:00:00Z", 1798761600000L, "1798761600", "2027-01-01"));
        }
        return switch (property.path("type").asString()) {
            case "integer" -> pick(List.<Object>of(1, 7, 30, 0, -5, Integer.MAX_VALUE, Long.MAX_VALUE));
            case "boolean" -> random.nextBoolean();
            // A list of fitting items (scopes, redirect URIs, ids), sometimes with a null or an empty string among them.
            case "array" -> {
                List<Object> items = new java.util.ArrayList<>();
                for (int i = 1 + random.nextInt(3); i > 0; i--) {
                    items.add(random.nextInt(4) > 0 ? pick(List.of("openid", "sessions:read", "sessions:write",
                            "https://app.example/callback")) : fitting(property.path("items")));
                }
                if (random.nextInt(4) == 0) items.add(random.nextBoolean() ? null : "");
                yield items;
            }
            default -> pick(List.<Object>of(TestAccounts.uniqueEmail("fuzz"), TestAccounts.PASSWORD, "Fuzzy", "1d", "never",
                    "member", "admin", "bearer", "cookie", "web", "api", "a reason", "openid", "sessions:read", "sessions:write",
                    "https://app.example/callback", pick(STRINGS)));
        };
    }

    private static JsonNode resolve(JsonNode schema, JsonNode doc) {
        String ref = schema.path("$ref").asString();
        if (ref.isEmpty()) return schema;
        return doc.path("components").path("schemas").path(ref.substring(ref.lastIndexOf('/') + 1));
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static String shorten(String s, int max) {
        String flat = s.replaceAll("\\p{Cntrl}", "·");
        return flat.length() > max ? flat.substring(0, max) + "…(" + s.length() + " chars)" : flat;
    }

    /** What the team holds (everything but activity counters, which any accepted request moves). */
    private String snapshot(String team, boolean withAudit) {
        StringBuilder out = new StringBuilder();
        out.append(jdbc.sql("SELECT * FROM teams WHERE id = :t").param("t", team).query().listOfRows()).append('\n');
        out.append(jdbc.sql("SELECT id, email, name, role, removed_at FROM accounts WHERE team_id = :t ORDER BY id")
                .param("t", team).query().listOfRows()).append('\n');
        out.append(jdbc.sql("""
                SELECT s.id, s.name, s.alerts, s.ended_at FROM sessions s JOIN accounts a ON a.id = s.account_id
                WHERE a.team_id = :t ORDER BY s.id""").param("t", team).query().listOfRows()).append('\n');
        out.append(jdbc.sql("SELECT * FROM invitations WHERE team_id = :t ORDER BY id").param("t", team).query().listOfRows());
        if (withAudit) out.append('\n').append(jdbc.sql("SELECT seq, action, hash FROM audit_entries WHERE team_id = :t ORDER BY seq")
                .param("t", team).query().listOfRows());
        return out.toString();
    }

    private static String diff(String before, String after) {
        return "before: " + shorten(before, 400) + "\n      after:  " + shorten(after, 400);
    }

    private Caller signUp(String who) throws Exception {
        var newcomer = TestAccounts.newcomer(who);
        HttpResponse<String> signedUp = post("/api/v1/signup", Map.of("email", newcomer.email(), "password", newcomer.password(),
                "name", newcomer.name(), "team", newcomer.team()));
        assertThat(signedUp.statusCode()).as(signedUp.body()).isEqualTo(201);
        String cookie = signedUp.headers().allValues("Set-Cookie").stream().filter(h -> h.startsWith(ApiClient.COOKIE + "="))
                .map(h -> h.substring(ApiClient.COOKIE.length() + 1).split(";", 2)[0]).findFirst().orElseThrow();
        JsonNode account = json.readTree(signedUp.body()).path("account");
        String accountId = account.path("id").asString();
        String teamId = jdbc.sql("SELECT team_id FROM accounts WHERE id = :id").param("id", accountId).query(String.class).single();
        return signInAgain(new Caller(newcomer.email(), accountId, teamId, cookie, null,
                json.readTree(signedUp.body()).path("session").path("id").asString()));
    }

    /** New cookie and bearer sessions for the same person. */
    private Caller signInAgain(Caller who) throws Exception {
        HttpResponse<String> cookieLogin = post("/api/v1/login", Map.of("email", who.email(), "password", TestAccounts.PASSWORD));
        HttpResponse<String> bearerLogin = post("/api/v1/login", Map.of("email", who.email(), "password", TestAccounts.PASSWORD,
                "tokenType", "bearer"));
        assertThat(cookieLogin.statusCode()).as(cookieLogin.body()).isEqualTo(201);
        assertThat(bearerLogin.statusCode()).as(bearerLogin.body()).isEqualTo(201);
        String cookie = cookieLogin.headers().allValues("Set-Cookie").stream().filter(h -> h.startsWith(ApiClient.COOKIE + "="))
                .map(h -> h.substring(ApiClient.COOKIE.length() + 1).split(";", 2)[0]).findFirst().orElseThrow();
        JsonNode body = json.readTree(bearerLogin.body());
        return new Caller(who.email(), who.accountId(), who.teamId(), cookie, body.path("token").asString(),
                body.path("session").path("id").asString());
    }

    private HttpResponse<String> post(String path, Object body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").header("X-Forwarded-For", ApiClient.newAddress())
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
    }
}
