package dev.lanyard.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.RequestOptions;
import dev.lanyard.example.RelyingApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 11, end to end: Lanyard's packaged jar in its own process, the example relying app (on
 * lanyard-spring-boot-starter) in this JVM, and a member who signs in to the app through Lanyard in
 * Chromium. For Shared Signals push and for poll, each way Lanyard ends that member's session (the
 * member revokes it, an admin forces the member out with a reason, its lifetime runs out and the
 * sweep ends it) makes the app refuse the browser's next request, and the app's own session is gone.
 *
 * <p>One Lanyard for the class; one app per delivery mode, each its own Lanyard client with Shared
 * Signals enabled. The push app also has a back-channel logout URI (as a real deployment would); the
 * poll app has none, so its refusals can only come from the SETs it polls.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RelyingAppSignOutTest {
    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    private static final String PASSWORD = "correct horse battery staple";
    private static final String MEMBER = "mira@example.com";
    /** A generous bound for a signal to reach the app; the test moves on as soon as it has. */
    private static final long SIGNAL_BOUND_MS = TimeUnit.SECONDS.toMillis(90);

    private LanyardProcess lanyard;
    private Playwright playwright;
    private Browser browser;
    private String admin;
    private String memberId;
    private String invitationLink;

    @BeforeAll
    void start() throws Exception {
        if (!Files.isExecutable(CHROMIUM))
            fail("The end-to-end test needs Chromium at " + CHROMIUM + ": apt-get install chromium (scripts/test.sh does as root).");
        lanyard = LanyardProcess.start();
        lanyard.expect(201, "POST", "/api/v1/signup", null,
                Map.of("email", "ada@example.com", "password", PASSWORD, "name", "Ada Admin", "team", "Example Team"));
        admin = lanyard.login("ada@example.com", PASSWORD);

        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(CHROMIUM)
                .setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--disable-quic", "--no-first-run")));

        // The member joins the admin's team from the invitation link (read from Lanyard's mail outbox).
        lanyard.expect(201, "POST", "/api/v1/admin/invitations", admin, Map.of("email", MEMBER));
        String mail = lanyard.mailTo(MEMBER).orElseThrow(() -> new AssertionError("no invitation mail to " + MEMBER));
        Matcher link = Pattern.compile(Pattern.quote(lanyard.base) + "/invite/[A-Za-z0-9_\\-]+").matcher(mail);
        assertTrue(link.find(), "invitation link in: " + mail);
        invitationLink = link.group();
        try (BrowserContext context = newContext()) {
            Page page = context.newPage();
            page.navigate(link.group());
            page.fill("input[name=name]", "Mira Member");
            page.fill("input[name=password]", PASSWORD);
            page.click("button:has-text('Join and sign in')");
            page.waitForURL(url -> !url.contains("/invite/"));
        }
        for (JsonNode m : lanyard.expect(200, "GET", "/api/v1/admin/members?limit=100", admin, null).path("items"))
            if (MEMBER.equals(m.path("email").asString())) memberId = m.path("id").asString();
        assertTrue(memberId != null, "the member joined the team");
    }

    @AfterAll
    void stop() {
        if (browser != null) browser.close();
        if (playwright != null) playwright.close();
        if (lanyard != null) lanyard.close();
    }

    /**
     * PRODUCT.md D3, structured logs: with Spring Boot's ECS format every line is one JSON object naming the service, and
     * none holds a secret this run handled (the password, a bearer token, an invitation link's token).
     */
    @Test
    void theLogIsOneJsonObjectPerLineAndHoldsNoSecret() throws Exception {
        List<String> lines = lanyard.logLines();
        assertTrue(lines.size() > 10, "Lanyard logged its start: " + lines.size() + " lines");
        JsonMapper json = JsonMapper.builder().build();
        for (String line : lines) {
            JsonNode entry = json.readTree(line);
            assertTrue(entry.isObject() && entry.has("@timestamp") && entry.path("log").has("level") && entry.has("message"),
                    "an ECS entry: " + line);
            assertEquals("lanyard", entry.path("service").path("name").asString(), line);
        }
        String log = String.join("\n", lines);
        String inviteToken = invitationLink.substring(invitationLink.lastIndexOf('/') + 1);
        for (String secret : List.of(PASSWORD, admin, inviteToken)) {
            assertFalse(log.contains(secret), "a secret of the run is in the log");
        }
    }

    @Test
    void everyEndingOfTheLanyardSessionEndsTheAppSession_withPushDelivery() throws Exception {
        everyEndingEndsTheAppSession("push", true);
    }

    @Test
    void everyEndingOfTheLanyardSessionEndsTheAppSession_withPollDelivery() throws Exception {
        everyEndingEndsTheAppSession("poll", false);
    }

    private void everyEndingEndsTheAppSession(String delivery, boolean backchannelLogout) throws Exception {
        int appPort = LanyardProcess.freePort();
        String app = "http://127.0.0.1:" + appPort;
        Map<String, Object> registration = new java.util.HashMap<>(Map.of("name", "Example app (" + delivery + ")", "type", "confidential",
                "redirectUris", List.of(app + "/login/oauth2/code/lanyard"), "scopes", List.of("openid", "profile", "email")));
        if (backchannelLogout) registration.put("backchannelLogoutUri", app + "/lanyard/backchannel-logout");
        JsonNode registered = lanyard.expect(201, "POST", "/api/v1/admin/apps", admin, registration);
        String appId = registered.path("app").path("id").asString();
        lanyard.expect(200, "PUT", "/api/v1/admin/apps/" + appId + "/signals", admin, Map.of("enabled", true));

        try (ConfigurableApplicationContext relyingApp = new SpringApplicationBuilder(RelyingApp.class).run(
                "--server.port=" + appPort, "--server.address=127.0.0.1", "--spring.jmx.enabled=false",
                "--lanyard.url=" + lanyard.base,
                "--lanyard.client-id=" + registered.path("app").path("clientId").asString(),
                "--lanyard.client-secret=" + registered.path("clientSecret").asString(),
                "--lanyard.signals.delivery=" + delivery, "--lanyard.signals.poll-interval=500ms")) {
            awaitStream(appId, delivery);
            List<String> failures = new ArrayList<>();

            // 1. The member revokes the app's session in Lanyard.
            try (BrowserContext browser = newContext()) {
                String sid = signInToApp(browser, app);
                String member = lanyard.login(MEMBER, PASSWORD);
                lanyard.expect(204, "DELETE", "/api/v1/sessions/" + sid, member, null);
                check(failures, "member revoked", browser, app);
            }
            // 2. An admin forces the member out, with a reason.
            try (BrowserContext browser = newContext()) {
                signInToApp(browser, app);
                JsonNode ended = lanyard.expect(200, "POST", "/api/v1/admin/members/" + memberId + "/sign-out", admin,
                        Map.of("reason", "Laptop reported stolen"));
                assertTrue(ended.path("ended").asInt() >= 1, "the force-out ended sessions: " + ended);
                check(failures, "admin forced out", browser, app);
            }
            // 3. The session's lifetime runs out; the sweep ends it.
            try (BrowserContext browser = newContext()) {
                String sid = signInToApp(browser, app);
                lanyard.ageOut(sid);
                check(failures, "expired", browser, app);
            }
            // 4. The member signs out of the app: its session ends at Lanyard too (RP-initiated logout), and the
            // browser is not signed straight back in.
            try (BrowserContext browser = newContext()) {
                String sid = signInToApp(browser, app);
                Page page = browser.newPage();
                page.navigate(app + "/");
                page.click("button:has-text('Sign out of this app')");
                page.waitForURL(url -> url.startsWith(lanyard.base + "/login"));
                JsonNode active = lanyard.expect(200, "GET", "/api/v1/sessions", lanyard.login(MEMBER, PASSWORD), null);
                if (active.toString().contains(sid)) failures.add("signed out of the app: its session " + sid + " is still active in Lanyard");
                if (get(browser, app).status() != 302) failures.add("signed out of the app: the app still serves the browser");
            }
            assertEquals(List.of(), failures, delivery + ": the app kept serving a session Lanyard ended\nLanyard's log:\n" + lanyard.logTail());
            assertStreamDelivered(appId, delivery);
        }
    }

    /**
     * Decision 83: the app runs as two instances, each polling a stream of its own ({@code lanyard.signals.instance}).
     * An API client holds the member's access token for the app and calls both; once the member's Lanyard session is
     * revoked, both instances refuse the token. On one shared stream, each poll took the other's place and only the
     * instance whose poll was waiting heard of the ending: the other kept accepting the token.
     */
    @Test
    void bothInstancesOfAnAppRefuseATokenOfARevokedSession() throws Exception {
        int[] ports = {LanyardProcess.freePort(), LanyardProcess.freePort()};
        String callback = "http://127.0.0.1:" + LanyardProcess.freePort() + "/callback";
        JsonNode registered = lanyard.expect(201, "POST", "/api/v1/admin/apps", admin, Map.of("name", "Two instances", "type", "confidential",
                "redirectUris", List.of(callback), "scopes", List.of("openid", "profile", "email")));
        String appId = registered.path("app").path("id").asString();
        String clientId = registered.path("app").path("clientId").asString();
        String secret = registered.path("clientSecret").asString();
        lanyard.expect(200, "PUT", "/api/v1/admin/apps/" + appId + "/signals", admin, Map.of("enabled", true));

        List<ConfigurableApplicationContext> instances = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                instances.add(new SpringApplicationBuilder(RelyingApp.class).run("--server.port=" + ports[i], "--server.address=127.0.0.1",
                        "--spring.jmx.enabled=false", "--lanyard.url=" + lanyard.base, "--lanyard.client-id=" + clientId,
                        "--lanyard.client-secret=" + secret, "--lanyard.signals.delivery=poll", "--lanyard.signals.poll-interval=500ms",
                        "--lanyard.signals.instance=app-" + i));
                // One after the other, as a rolling deployment starts them: the second finds the first's stream there.
                awaitStreams(appId, "poll", i + 1);
            }
            String accessToken = accessToken(clientId, secret, callback);
            String sid = null;
            for (int port : ports) {
                java.net.http.HttpResponse<String> whoami = whoami(port, accessToken);
                assertEquals(200, whoami.statusCode(), "instance on " + port + " takes the token: " + whoami.body());
                sid = JsonMapper.builder().build().readTree(whoami.body()).path("sid").asString();
            }

            lanyard.expect(204, "DELETE", "/api/v1/sessions/" + sid, lanyard.login(MEMBER, PASSWORD), null);

            List<String> failures = new ArrayList<>();
            for (int port : ports) {
                long deadline = System.currentTimeMillis() + SIGNAL_BOUND_MS;
                int status = whoami(port, accessToken).statusCode();
                while (status == 200 && System.currentTimeMillis() < deadline) {
                    LanyardProcess.sleep(100);
                    status = whoami(port, accessToken).statusCode();
                }
                if (status != 401) failures.add("the instance on " + port + " answered " + status + " to the revoked session's token");
            }
            assertEquals(List.of(), failures, "each instance hears of the ending\nLanyard's log:\n" + lanyard.logTail());
        } finally {
            instances.forEach(ConfigurableApplicationContext::close);
        }
    }

    /** The app's API with a bearer token. */
    private static java.net.http.HttpResponse<String> whoami(int port, String token) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + "/api/whoami")).header("Authorization", "Bearer " + token).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The member's access token for the app, as an API client of the app gets one: the authorization code flow with PKCE
     * in Chromium (sign-in and consent at Lanyard), the code taken at the client's redirect address and exchanged.
     */
    private String accessToken(String clientId, String secret, String callback) throws Exception {
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        java.util.Base64.Encoder url = java.util.Base64.getUrlEncoder().withoutPadding();
        String verifier = url.encodeToString(random);
        String challenge = url.encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                .digest(verifier.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        String authorize = lanyard.base + "/oauth2/authorize?response_type=code&client_id=" + clientId + "&redirect_uri="
                + java.net.URLEncoder.encode(callback, java.nio.charset.StandardCharsets.UTF_8) + "&scope=openid&state=e2e"
                + "&code_challenge=" + challenge + "&code_challenge_method=S256";
        String[] redirected = new String[1];
        try (BrowserContext context = newContext()) {
            context.route(callback + "**", route -> {
                redirected[0] = route.request().url();
                route.fulfill(new com.microsoft.playwright.Route.FulfillOptions().setStatus(200).setBody("ok"));
            });
            Page page = context.newPage();
            page.navigate(authorize);
            page.waitForURL(u -> u.startsWith(lanyard.base + "/login"));
            page.fill("input[name=email]", MEMBER);
            page.fill("input[name=password]", PASSWORD);
            page.click("button:has-text('Log in')");
            page.waitForURL(u -> u.startsWith(callback) || u.contains("/oauth2/consent"));
            if (!page.url().startsWith(callback)) {
                page.click("#allow");
                page.waitForURL(u -> u.startsWith(callback));
            }
        }
        Matcher code = Pattern.compile("[?&]code=([^&]+)").matcher(String.valueOf(redirected[0]));
        assertTrue(code.find(), "a code at the redirect: " + redirected[0]);
        String basic = java.util.Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        java.net.http.HttpResponse<String> token = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(lanyard.base + "/oauth2/token")).header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&code=" + code.group(1)
                        + "&redirect_uri=" + java.net.URLEncoder.encode(callback, java.nio.charset.StandardCharsets.UTF_8)
                        + "&code_verifier=" + verifier)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, token.statusCode(), token.body());
        return JsonMapper.builder().build().readTree(token.body()).path("access_token").asString();
    }

    /**
     * Lanyard's own account of the stream (what admins see) agrees: SETs went through it (pushed and
     * answered 202, or polled and acknowledged), nothing is waiting, failing or given up.
     */
    private void assertStreamDelivered(String appId, String delivery) throws Exception {
        long deadline = System.currentTimeMillis() + SIGNAL_BOUND_MS;
        JsonNode stream = stream(appId, delivery);
        while ((stream.path("queued").asLong() > 0 || stream.path("lastDeliveryAt").isNull()) && System.currentTimeMillis() < deadline) {
            LanyardProcess.sleep(200);
            stream = stream(appId, delivery);
        }
        assertFalse(stream.path("lastDeliveryAt").isNull(), delivery + ": Lanyard delivered over the stream: " + stream);
        assertEquals(0, stream.path("queued").asLong(), delivery + ": nothing left waiting: " + stream);
        assertEquals(0, stream.path("failing").asLong(), delivery + ": no failing delivery: " + stream);
        assertEquals(0, stream.path("gaveUp").asLong(), delivery + ": nothing given up: " + stream);
        assertTrue(stream.path("lastError").isNull(), delivery + ": no delivery error: " + stream);
    }

    private JsonNode stream(String appId, String delivery) throws Exception {
        String method = "push".equals(delivery) ? "urn:ietf:rfc:8935" : "urn:ietf:rfc:8936";
        for (JsonNode stream : lanyard.expect(200, "GET", "/api/v1/admin/apps/" + appId + "/signals", admin, null).path("streams"))
            if (method.equals(stream.path("method").asString())) return stream;
        throw new AssertionError("no " + method + " stream for app " + appId);
    }

    /** Waits (bounded) until the app has created its stream with Lanyard, so that no ending happens before it listens. */
    private void awaitStream(String appId, String delivery) throws Exception {
        awaitStreams(appId, delivery, 1);
    }

    /** Waits (bounded) until the app has {@code count} enabled streams of {@code delivery} with Lanyard (one per instance). */
    private void awaitStreams(String appId, String delivery, int count) throws Exception {
        String method = "push".equals(delivery) ? "urn:ietf:rfc:8935" : "urn:ietf:rfc:8936";
        long deadline = System.currentTimeMillis() + SIGNAL_BOUND_MS;
        while (System.currentTimeMillis() < deadline) {
            int enabled = 0;
            for (JsonNode stream : lanyard.expect(200, "GET", "/api/v1/admin/apps/" + appId + "/signals", admin, null).path("streams"))
                if (method.equals(stream.path("method").asString()) && "enabled".equals(stream.path("status").asString())) enabled++;
            if (enabled >= count) return;
            LanyardProcess.sleep(200);
        }
        fail("the " + delivery + " app created fewer than " + count + " enabled " + method + " streams with Lanyard\n" + lanyard.logTail());
    }

    /**
     * The member opens the app, is sent to Lanyard's login page, signs in, allows the app on the
     * consent page (the first time), and lands on the app's page; returns the Lanyard session id
     * (the ID token's {@code sid}) the app shows.
     */
    private String signInToApp(BrowserContext context, String app) {
        Page page = context.newPage();
        page.navigate(app + "/");
        page.waitForURL(url -> url.startsWith(lanyard.base + "/login"));
        page.fill("input[name=email]", MEMBER);
        page.fill("input[name=password]", PASSWORD);
        page.click("button:has-text('Log in')");
        page.waitForSelector("#sid, #allow");
        if (page.isVisible("#allow")) {
            page.click("#allow");
            page.waitForSelector("#sid");
        }
        String sid = page.textContent("#sid").strip();
        assertFalse(sid.isEmpty() || "null".equals(sid), "the app shows the Lanyard session");
        assertEquals(200, get(context, app).status(), "signed in to the app");
        page.close();
        return sid;
    }

    /**
     * After an ending: polls (bounded) until the app refuses the browser's request with 401, then
     * checks that the app's session is gone: the request after that is sent to sign in again.
     */
    private void check(List<String> failures, String how, BrowserContext context, String app) {
        long deadline = System.currentTimeMillis() + SIGNAL_BOUND_MS;
        int status = get(context, app).status();
        while (status == 200 && System.currentTimeMillis() < deadline) {
            LanyardProcess.sleep(100);
            status = get(context, app).status();
        }
        if (status != 401) {
            failures.add(how + ": the app answered " + status + " instead of refusing with 401");
            return;
        }
        APIResponse after = get(context, app);
        if (after.status() != 302 || !after.headers().getOrDefault("location", "").contains("/oauth2/authorization/lanyard"))
            failures.add(how + ": after the refusal the app answered " + after.status() + " " + after.headers().get("location")
                    + " instead of sending the browser to sign in again");
    }

    /** The app's home page with the browser's cookies, redirects not followed. */
    private static APIResponse get(BrowserContext context, String app) {
        return context.request().get(app + "/", RequestOptions.create().setMaxRedirects(0)
                .setHeader("Accept", "text/html"));
    }

    private BrowserContext newContext() {
        BrowserContext context = browser.newContext(new Browser.NewContextOptions().setLocale("en-GB"));
        context.setDefaultTimeout(60_000);
        return context;
    }
}
