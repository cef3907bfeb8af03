package dev.lanyard.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.lanyard.testsupport.Nodes;
import dev.lanyard.testsupport.TestPostgres;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two nodes on one PostgreSQL database behind a load balancer that sends each request of a guesser to the next
 * node: the sign-in throttle's budget is the budget of one node (decision 71), and so is the limit of passkey sign-ins
 * an address may start. Before, each node counted only what it saw, and a guesser got the budget once per node.
 *
 * <p>After each attempt the test lets the other node hear of it before it sends the next there, as the round trip
 * of a client over any network does in practice (here both nodes and the client share one machine, and the next
 * request could otherwise overtake the notification by a fraction of a millisecond).
 */
class ThrottleTwoNodesTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** How long a node may take to hear the other before the test goes on regardless (and its assertions say what happened). */
    private static final Duration HEARING = Duration.ofSeconds(3);
    private static final String WRONG = "not the password at all";

    private static ConfigurableApplicationContext nodeA;
    private static ConfigurableApplicationContext nodeB;

    @BeforeAll
    static void startTwoNodes() {
        TestPostgres postgres = TestPostgres.shared();
        String[] shared = Nodes.arguments(postgres, postgres.createDatabase(), "--lanyard.web.trusted-proxies=127.0.0.1,::1");
        nodeA = Nodes.start(shared);
        nodeB = Nodes.start(shared);
    }

    @AfterAll
    static void stopNodes() {
        if (nodeB != null) nodeB.close();
        if (nodeA != null) nodeA.close();
    }

    /** Posts {@code body} as JSON to {@code node}, from the client {@code address} (through the trusted proxy); returns the status. */
    private static int post(ConfigurableApplicationContext node, String path, String address, Map<String, ?> body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(Nodes.url(node) + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("X-Forwarded-For", address)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int login(ConfigurableApplicationContext node, String email, String password, String address) throws Exception {
        return post(node, "/api/v1/login", address, Map.of("email", email, "password", password));
    }

    private static String signUp(String address) throws Exception {
        String email = TestAccounts.uniqueEmail("throttled");
        assertThat(post(nodeA, "/api/v1/signup", address,
                Map.of("email", email, "password", TestAccounts.PASSWORD, "name", "Noor", "team", "Throttled"))).isEqualTo(201);
        return email;
    }

    /** The throttle messages {@code node} has heard from the other node so far. */
    private static double heard(ConfigurableApplicationContext node) {
        return heard(node, "login-throttle");
    }

    /** The messages of {@code name} {@code node} has heard from the other node so far. */
    private static double heard(ConfigurableApplicationContext node, String name) {
        Counter counter = node.getBean(MeterRegistry.class).find("lanyard.node.news.heard").tag("name", name).counter();
        return counter == null ? 0 : counter.count();
    }

    /** Runs {@code attempt} on {@code node}, then gives the other node the time to hear what it told (if anything). */
    private static int onNode(ConfigurableApplicationContext node, ThrowingAttempt attempt) throws Exception {
        return onNode(node, "login-throttle", 401, attempt);
    }

    /** {@link #onNode(ConfigurableApplicationContext, ThrowingAttempt)} for news of {@code name}, told when the answer is {@code told}. */
    private static int onNode(ConfigurableApplicationContext node, String name, int told, ThrowingAttempt attempt) throws Exception {
        ConfigurableApplicationContext other = node == nodeA ? nodeB : nodeA;
        double before = heard(other, name);
        int status = attempt.run(node);
        long deadline = System.nanoTime() + HEARING.toNanos();
        while (heard(other, name) <= before && System.nanoTime() < deadline && status == told) Thread.sleep(5);
        return status;
    }

    /** The login page's CSRF cookie and form token, from {@code node}: any node takes them, since the request carries both. */
    private record LoginForm(String cookie, String token) {
        private static final Pattern CSRF_INPUT = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");

        static LoginForm from(ConfigurableApplicationContext node, String address) throws Exception {
            HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(Nodes.url(node) + "/login"))
                    .timeout(Duration.ofSeconds(30)).header("Accept", "text/html").header("X-Forwarded-For", address).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            String cookie = page.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("XSRF-TOKEN="))
                    .map(c -> c.substring(0, c.indexOf(';') < 0 ? c.length() : c.indexOf(';'))).findFirst().orElseThrow();
            Matcher token = CSRF_INPUT.matcher(page.body());
            assertThat(token.find()).as("the login page carries a CSRF token").isTrue();
            return new LoginForm(cookie, token.group(1));
        }
    }

    /** Starts a passkey sign-in on {@code node} from {@code address}, as the login page's button does; returns the status. */
    private static int startPasskeySignIn(ConfigurableApplicationContext node, LoginForm form, String address) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(Nodes.url(node) + "/login/passkey/options")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .header("Cookie", form.cookie()).header("X-Forwarded-For", address)
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + URLEncoder.encode(form.token(), StandardCharsets.UTF_8)))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private interface ThrowingAttempt {
        int run(ConfigurableApplicationContext node) throws Exception;
    }

    @Test
    void wrongPasswordsSpreadOverTwoNodesMeetTheBudgetOfOneThenBothRefuse() throws Exception {
        String address = "203.0.113.10";
        String email = signUp(address);

        for (int i = 0; i < 5; i++) {
            ConfigurableApplicationContext node = i % 2 == 0 ? nodeA : nodeB;
            assertThat(onNode(node, n -> login(n, email, WRONG, address))).as("free failure %d", i + 1).isEqualTo(401);
        }

        assertThat(login(nodeB, email, WRONG, address)).as("node B, after 2 of its own and 3 of node A's").isEqualTo(429);
        assertThat(login(nodeA, email, WRONG, address)).as("node A").isEqualTo(429);
        assertThat(login(nodeB, email, TestAccounts.PASSWORD, address)).as("the right password waits too").isEqualTo(429);
    }

    /**
     * An address starts at most 30 passkey sign-ins a minute (each keeps a ceremony row), counted on every node: spread
     * over two nodes it gets 30, not 60 (outside review).
     */
    @Test
    void passkeySignInsStartedOnTwoNodesMeetTheLimitOfOneThenBothRefuse() throws Exception {
        String address = "203.0.113.30";
        LoginForm form = LoginForm.from(nodeA, address);

        for (int i = 0; i < 30; i++) {
            ConfigurableApplicationContext node = i % 2 == 0 ? nodeA : nodeB;
            assertThat(onNode(node, "passkey-sign-in-starts", 200, n -> startPasskeySignIn(n, form, address))).as("start %d", i + 1)
                    .isEqualTo(200);
        }

        assertThat(startPasskeySignIn(nodeA, form, address)).as("node A, after 15 of its own and 15 of node B's").isEqualTo(429);
        assertThat(startPasskeySignIn(nodeB, form, address)).as("node B").isEqualTo(429);
        assertThat(startPasskeySignIn(nodeB, form, "203.0.113.31")).as("another address").isEqualTo(200);
    }

    @Test
    void aSignInOnOneNodeForgivesTheOwnersEarlierTyposOnTheOther() throws Exception {
        String address = "203.0.113.20";
        String email = signUp(address);
        for (int i = 0; i < 4; i++) assertThat(onNode(nodeB, n -> login(n, email, WRONG, address))).isEqualTo(401);

        double before = heard(nodeB);
        assertThat(login(nodeA, email, TestAccounts.PASSWORD, address)).as("signed in on node A").isEqualTo(201);
        long deadline = System.nanoTime() + HEARING.toNanos();
        while (heard(nodeB) <= before && System.nanoTime() < deadline) Thread.sleep(5);

        for (int i = 0; i < 5; i++) {
            assertThat(onNode(nodeB, n -> login(n, email, WRONG, address))).as("node B forgave the typos: failure %d is free", i + 1)
                    .isEqualTo(401);
        }
        assertThat(login(nodeB, email, WRONG, address)).isEqualTo(429);
    }
}
