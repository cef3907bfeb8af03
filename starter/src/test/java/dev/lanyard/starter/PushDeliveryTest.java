package dev.lanyard.starter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.oidcLogin;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import com.nimbusds.jwt.JWTClaimsSet;

import dev.lanyard.starter.testapp.TestApp;

/**
 * The starter in a running app with push delivery, against a fake Lanyard: the stream set up at
 * start-up, the push endpoint answering as RFC 8935 says, back-channel logout, and the filter
 * refusing logins and access tokens of ended sessions.
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureMockMvc
class PushDeliveryTest {
    static final FakeLanyard lanyard = FakeLanyard.startOrFail();
    final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;
    @Autowired
    MockMvc mvc;
    @Autowired
    EndedSessions ended;
    @Autowired
    SsfStreams streams;

    @DynamicPropertySource
    static void lanyard(DynamicPropertyRegistry registry) {
        registry.add("lanyard.url", () -> lanyard.issuer);
        registry.add("lanyard.client-id", () -> FakeLanyard.CLIENT_ID);
        registry.add("lanyard.client-secret", () -> FakeLanyard.CLIENT_SECRET);
        registry.add("lanyard.signals.check-interval", () -> "200ms");
    }

    @AfterAll
    static void stop() {
        lanyard.close();
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within 60 s");
            Thread.sleep(20);
        }
    }

    /**
     * The stream the app created at start-up ended every login from before it (none): tests sign in after that, in a later
     * second (a token's iat is in seconds, and a login in the gap's own second is taken as ended).
     */
    @BeforeEach
    void streamSetUp() throws InterruptedException {
        await(() -> streams.current().isPresent() && ended.endedBefore().isPresent());
        awaitASecondAfter(ended.endedBefore().orElseThrow());
    }

    static void awaitASecondAfter(Instant gap) throws InterruptedException {
        await(() -> Instant.now().getEpochSecond() > gap.getEpochSecond());
    }

    String pushUrl() {
        return "http://127.0.0.1:" + port + "/lanyard/ssf/events";
    }

    @SuppressWarnings("unchecked")
    String streamAuthorization() throws InterruptedException {
        await(() -> !lanyard.streams.isEmpty());
        return (String) ((Map<String, Object>) lanyard.streams.get(0).get("delivery")).get("authorization_header");
    }

    HttpResponse<String> push(String authorization, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(pushUrl()))
                .header("Content-Type", "application/secevent+jwt").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) request.header("Authorization", authorization);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void streamIsCreatedAtStartUpForPushAndReusedAfterwards() throws Exception {
        await(() -> streams.current().isPresent());

        assertThat(lanyard.streams).hasSize(1);
        Map<String, Object> delivery = (Map<String, Object>) lanyard.streams.get(0).get("delivery");
        assertThat(delivery).containsEntry("method", "urn:ietf:rfc:8935").containsEntry("endpoint_url", pushUrl());
        assertThat((String) delivery.get("authorization_header")).startsWith("Bearer ").hasSizeGreaterThan(40);
        assertThat(lanyard.streams.get(0).get("events_requested")).asList().containsExactly(SessionSignals.SESSION_REVOKED);
        assertThat(lanyard.tokenRequests.stream().filter(body -> body.contains("grant_type=client_credentials")))
                .isNotEmpty().allMatch(body -> body.contains("scope=ssf"));

        long created = lanyard.streamRequests.stream().filter("POST"::equals).count();
        streams.ensure(URI.create(pushUrl()));

        assertThat(lanyard.streams).hasSize(1);
        assertThat(lanyard.streamRequests.stream().filter("POST"::equals)).as("reused, not created again").hasSize((int) created);
    }

    /** A push stream deleted in Lanyard (by an admin, say) is noticed within lanyard.signals.check-interval and set up again. */
    @Test
    void aPushStreamThatIsGoneIsSetUpAgain() throws Exception {
        await(() -> streams.current().isPresent() && !lanyard.streams.isEmpty());
        Object before = lanyard.streams.get(0).get("stream_id");
        Instant gapBefore = ended.endedBefore().orElseThrow();
        lanyard.nextSub = "member-gone";
        lanyard.nextSid = UUID.randomUUID().toString();
        Browser browser = new Browser();
        String page = "http://127.0.0.1:" + port + "/hello";
        assertThat(browser.follow(page).statusCode()).isEqualTo(200);
        awaitASecondAfter(Instant.now()); // a login of the gap's own second is taken (tokens carry seconds)

        lanyard.streams.clear();

        await(() -> !lanyard.streams.isEmpty() && !lanyard.streams.get(0).get("stream_id").equals(before));
        assertThat(lanyard.streams).hasSize(1);
        await(() -> streams.current().map(s -> !s.id().equals(before)).orElse(false));
        @SuppressWarnings("unchecked") Map<String, Object> delivery = (Map<String, Object>) lanyard.streams.get(0).get("delivery");
        assertThat(delivery).containsEntry("endpoint_url", pushUrl());
        // Endings while the stream was gone were never sent: the login from before is refused, and its user signs in again.
        await(() -> ended.endedBefore().orElseThrow().isAfter(gapBefore));
        assertThat(browser.get(page).statusCode()).isEqualTo(401);
        awaitASecondAfter(ended.endedBefore().orElseThrow());
        assertThat(browser.follow(page).statusCode()).isEqualTo(200);
    }

    /**
     * An admin stopped the app's Shared Signals and let them through again: Lanyard did not keep what happened in between,
     * and says so in a stream updated event. A login from before is refused (it may have ended unheard); signing in again works.
     */
    @Test
    void aStreamUpdatedEventSayingEventsWereNotKeptEndsEveryLoginFromBefore() throws Exception {
        lanyard.nextSub = "member-9";
        lanyard.nextSid = UUID.randomUUID().toString();
        Browser browser = new Browser();
        String page = "http://127.0.0.1:" + port + "/hello";
        assertThat(browser.follow(page).statusCode()).isEqualTo(200);
        awaitASecondAfter(Instant.now());
        String streamId = streams.current().orElseThrow().id();

        String updated = lanyard.set(new JWTClaimsSet.Builder().issuer(lanyard.issuer).audience(FakeLanyard.CLIENT_ID)
                .jwtID(UUID.randomUUID().toString()).issueTime(new Date()).claim("sub_id", Map.of("format", "opaque", "id", streamId))
                .claim("events", Map.of(SessionSignals.STREAM_UPDATED, Map.of("status", "enabled",
                        "reason", "Shared Signals were turned back on for this app by a team admin. Events from while they were off were not kept."))));
        assertThat(push(streamAuthorization(), updated).statusCode()).isEqualTo(202);

        assertThat(browser.get(page).statusCode()).isEqualTo(401);
        awaitASecondAfter(ended.endedBefore().orElseThrow());
        HttpResponse<String> again = browser.follow(page);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).isEqualTo("hello member-9");
    }

    /**
     * A login in the very second of a gap (signed in, Shared Signals stopped, its session revoked, and let through again,
     * all within a second): its ID token's iat cannot tell it from the gap, so it is refused, having been seen by the app
     * before the gap. Signing in again at once, in that same second, works: seen after the gap (no sign-in loop).
     */
    @Test
    void aLoginInTheGapsOwnSecondIsRefusedAndSigningInAgainAtOnceWorks() throws Exception {
        lanyard.nextSub = "member-same-second";
        lanyard.nextSid = UUID.randomUUID().toString();
        Browser browser = new Browser();
        String page = "http://127.0.0.1:" + port + "/hello";
        await(() -> Instant.now().getNano() < 200_000_000); // early in a second, so the rest most likely happens within it
        assertThat(browser.follow(page).statusCode()).isEqualTo(200);
        String streamId = streams.current().orElseThrow().id();

        String updated = lanyard.set(new JWTClaimsSet.Builder().issuer(lanyard.issuer).audience(FakeLanyard.CLIENT_ID)
                .jwtID(UUID.randomUUID().toString()).issueTime(new Date()).claim("sub_id", Map.of("format", "opaque", "id", streamId))
                .claim("events", Map.of(SessionSignals.STREAM_UPDATED, Map.of("status", "enabled"))));
        assertThat(push(streamAuthorization(), updated).statusCode()).isEqualTo(202);

        assertThat(browser.get(page).statusCode()).isEqualTo(401);
        lanyard.nextSid = UUID.randomUUID().toString(); // signing in again makes a new Lanyard session
        assertThat(browser.follow(page).statusCode()).isEqualTo(200);
        assertThat(browser.get(page).statusCode()).isEqualTo(200);
    }

    /**
     * The app's stream deleted at Lanyard and another of its own there (made again by hand, pushing to the app): the app
     * adopts it instead of creating one, and that is a gap too: endings from while no stream of its was there are lost.
     */
    @Test
    void adoptingAnotherStreamOfTheAppsOwnAfterItsStreamIsGoneIsAGap() throws Exception {
        await(() -> streams.current().isPresent() && !lanyard.streams.isEmpty());
        String before = streams.current().orElseThrow().id();
        Instant gapBefore = ended.endedBefore().orElseThrow();
        lanyard.nextSub = "member-adopted";
        lanyard.nextSid = UUID.randomUUID().toString();
        Browser browser = new Browser();
        String page = "http://127.0.0.1:" + port + "/hello";
        assertThat(browser.follow(page).statusCode()).isEqualTo(200);
        awaitASecondAfter(Instant.now());
        long created = lanyard.streamRequests.stream().filter("POST"::equals).count();

        Map<String, Object> byHand = lanyard.otherReceiversStream(SsfStreams.PUSH, pushUrl());
        lanyard.streams.removeIf(st -> before.equals(st.get("stream_id")));

        await(() -> streams.current().map(st -> st.id().equals(byHand.get("stream_id"))).orElse(false));
        assertThat(lanyard.streamRequests.stream().filter("POST"::equals)).as("adopted, not created").hasSize((int) created);
        await(() -> ended.endedBefore().orElseThrow().isAfter(gapBefore));
        assertThat(browser.get(page).statusCode()).isEqualTo(401);
        awaitASecondAfter(ended.endedBefore().orElseThrow());
        assertThat(browser.follow(page).statusCode()).isEqualTo(200);
    }

    /** The 401 page says what Lanyard told the person (CAEP reason_user), escaped. */
    @Test
    void theEndedSessionsPageSaysWhyEscaped() throws Exception {
        String sid = UUID.randomUUID().toString();
        lanyard.nextSub = "member-10";
        lanyard.nextSid = sid;
        Browser browser = new Browser();
        String page = "http://127.0.0.1:" + port + "/hello";
        assertThat(browser.follow(page).statusCode()).isEqualTo(200);

        JWTClaimsSet.Builder revoked = lanyard.sessionRevoked(sid, "member-10").claim("events", Map.of(SessionSignals.SESSION_REVOKED,
                Map.of("event_timestamp", Instant.now().getEpochSecond(), "reason_user",
                        Map.of("en", "An admin of your team signed you out. <script>alert(1)</script>"))));
        assertThat(push(streamAuthorization(), lanyard.set(revoked)).statusCode()).isEqualTo(202);

        HttpResponse<String> refused = browser.get(page);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("Your session has ended.").contains("An admin of your team signed you out.")
                .contains("&lt;script&gt;").doesNotContain("<script>");
        assertThat(refused.body()).as("a page in English that fits a phone").startsWith("<!doctype html>").contains("<html lang=\"en\">")
                .contains("<meta charset=\"utf-8\">").contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .contains("<title>Signed out</title>");
    }

    /** A sign-in that fails (here: a callback whose request this app never sent) says so on a page of its own. */
    @Test
    void aSignInThatFailsSaysSoOnAPageInEnglishThatFitsAPhone() throws Exception {
        String page = mvc.perform(get("/login/oauth2/code/lanyard").param("code", "a-code").param("state", "a-state-never-sent"))
                .andExpect(status().isUnauthorized())
                .andExpect(header().string("Cache-Control", "no-store"))
                .andReturn().getResponse().getContentAsString();

        assertThat(page).startsWith("<!doctype html>").contains("<html lang=\"en\">").contains("<meta charset=\"utf-8\">")
                .contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">").contains("<title>Sign-in failed</title>")
                .contains("Signing in through Lanyard did not succeed.").contains("href=\"/oauth2/authorization/lanyard\"");
    }

    /**
     * Lanyard tells an ending by back-channel logout, which carries no reason, and by Shared Signals, which does: when the
     * logout token arrives first, the page still says why.
     */
    @Test
    void theEndedSessionsPageSaysWhyWhenTheLogoutTokenArrivedFirst() throws Exception {
        String sid = UUID.randomUUID().toString();
        lanyard.nextSub = "member-11";
        lanyard.nextSid = sid;
        Browser browser = new Browser();
        String page = "http://127.0.0.1:" + port + "/hello";
        assertThat(browser.follow(page).statusCode()).isEqualTo(200);

        assertThat(backChannelLogout(lanyard.sign(lanyard.logoutToken(sid, "member-11").build(), "logout+jwt")).statusCode()).isEqualTo(200);
        JWTClaimsSet.Builder revoked = lanyard.sessionRevoked(sid, "member-11").claim("events", Map.of(SessionSignals.SESSION_REVOKED,
                Map.of("event_timestamp", Instant.now().getEpochSecond(), "reason_user",
                        Map.of("en", "You were signed out from another device."))));
        assertThat(push(streamAuthorization(), lanyard.set(revoked)).statusCode()).isEqualTo(202);

        HttpResponse<String> refused = browser.get(page);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("Your session has ended.").contains("You were signed out from another device.");
    }

    /** The app's own client-credentials token names no person's session: no login on the app's API. */
    @Test
    void theAppsOwnClientCredentialsTokenIsRefusedOnItsApi() throws Exception {
        String token = lanyard.sign(new JWTClaimsSet.Builder().issuer(lanyard.issuer).audience(FakeLanyard.CLIENT_ID).subject(FakeLanyard.CLIENT_ID)
                .issueTime(new Date()).expirationTime(new Date(System.currentTimeMillis() + 300_000)).claim("scope", "ssf").build(), null);

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/me"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
    }

    @Test
    void pushedSessionRevokedIsAcknowledgedWith202AndEndsTheSession() throws Exception {
        String sid = UUID.randomUUID().toString();

        HttpResponse<String> response = push(streamAuthorization(), lanyard.set(lanyard.sessionRevoked(sid, "member-1")));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.body()).isEmpty();
        assertThat(ended.endedAt(sid)).isPresent();
    }

    @Test
    void personSignedInThroughLanyardIsSignedOutOfTheAppWhenLanyardPushesSessionRevoked() throws Exception {
        String sid = UUID.randomUUID().toString();
        lanyard.nextSub = "member-7";
        lanyard.nextSid = sid;
        Browser browser = new Browser();
        String page = "http://127.0.0.1:" + port + "/hello";

        HttpResponse<String> signedIn = browser.follow(page);
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(200);
        assertThat(signedIn.body()).isEqualTo("hello member-7");
        assertThat(browser.get(page).statusCode()).isEqualTo(200);

        assertThat(push(streamAuthorization(), lanyard.set(lanyard.sessionRevoked(sid, "member-7"))).statusCode()).isEqualTo(202);

        HttpResponse<String> refused = browser.get(page);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("/oauth2/authorization/lanyard");
        HttpResponse<String> next = browser.get(page);
        assertThat(next.statusCode()).as("the app's HTTP session is gone: a new sign-in is asked").isEqualTo(302);
        assertThat(next.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/oauth2/authorization/lanyard"));
    }

    @Test
    void pushWithoutTheStreamsAuthorizationIsRefusedAsAuthenticationFailed() throws Exception {
        String sid = UUID.randomUUID().toString();
        String set = lanyard.set(lanyard.sessionRevoked(sid, "member-1"));

        for (String authorization : new String[] {null, "Bearer guessed", streamAuthorization() + "x"}) {
            HttpResponse<String> response = push(authorization, set);
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            assertThat(response.body()).contains("\"err\":\"authentication_failed\"").contains("\"description\"");
        }
        assertThat(ended.endedAt(sid)).isEmpty();
    }

    @Test
    void pushOfAnInvalidSetIsRefusedWithItsErrorCode() throws Exception {
        String sid = UUID.randomUUID().toString();
        String authorization = streamAuthorization();
        JWTClaimsSet claims = lanyard.sessionRevoked(sid, "member-1").build();

        assertThat(push(authorization, "not a SET").body()).contains("\"err\":\"invalid_request\"");
        assertThat(push(authorization, lanyard.sign(claims, "secevent+jwt", lanyard.otherKey)).body()).contains("\"err\":\"invalid_key\"");
        assertThat(push(authorization, lanyard.set(lanyard.sessionRevoked(sid, "m").issuer("https://elsewhere.example"))).body())
                .contains("\"err\":\"invalid_issuer\"");
        assertThat(push(authorization, lanyard.set(lanyard.sessionRevoked(sid, "m").audience("another-app"))).body())
                .contains("\"err\":\"invalid_audience\"");
        assertThat(push(authorization, lanyard.sign(claims, "JWT")).statusCode()).isEqualTo(400);
        assertThat(push(authorization, "x".repeat(100_000)).body()).contains("\"err\":\"invalid_request\"");
        assertThat(ended.endedAt(sid)).isEmpty();
    }

    @Test
    void backChannelLogoutEndsTheSessionAndAnswers200NotToBeStored() throws Exception {
        String sid = UUID.randomUUID().toString();

        HttpResponse<String> response = backChannelLogout(lanyard.sign(lanyard.logoutToken(sid, "member-1").build(), "logout+jwt"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(ended.endedAt(sid)).isPresent();
    }

    @Test
    void invalidLogoutTokenIsAnswered400InvalidRequest() throws Exception {
        String sid = UUID.randomUUID().toString();

        HttpResponse<String> response = backChannelLogout(lanyard.sign(lanyard.logoutToken(sid, "member-1").claim("nonce", "n").build(), "logout+jwt"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"error\":\"invalid_request\"");
        assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(ended.endedAt(sid)).isEmpty();
    }

    HttpResponse<String> backChannelLogout(String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/lanyard/backchannel-logout"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("logout_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void requestOfALoginWhoseLanyardSessionEndedIsRefusedAndItsHttpSessionInvalidated() throws Exception {
        String sid = UUID.randomUUID().toString();
        MockHttpSession session = new MockHttpSession();
        var login = oidcLogin().idToken(token -> token.subject("member-1").claim("sid", sid).issuedAt(Instant.now()));

        mvc.perform(get("/hello").session(session).with(login)).andExpect(status().isOk());
        assertThat(session.isInvalid()).isFalse();

        ended.sessionEnded(sid, Instant.now());

        mvc.perform(get("/hello").session(session).with(login)).andExpect(status().isUnauthorized());
        assertThat(session.isInvalid()).isTrue();
    }

    @Test
    void accessTokenOfAnEndedLanyardSessionIsRefused() throws Exception {
        String sid = UUID.randomUUID().toString();
        String token = lanyard.sign(new JWTClaimsSet.Builder().issuer(lanyard.issuer).audience(FakeLanyard.CLIENT_ID).subject("member-1")
                .issueTime(new Date()).expirationTime(new Date(System.currentTimeMillis() + 300_000)).claim("sid", sid)
                .claim("scope", java.util.List.of("openid", "profile")).build(), null);
        HttpRequest call = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/me")).header("Authorization", "Bearer " + token).build();

        HttpResponse<String> before = http.send(call, HttpResponse.BodyHandlers.ofString());
        assertThat(before.statusCode()).as(before.body()).isEqualTo(200);
        assertThat(before.body()).contains("member-1");

        ended.sessionEnded(sid, Instant.now());

        HttpResponse<String> after = http.send(call, HttpResponse.BodyHandlers.ofString());
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(after.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
    }

    /**
     * The app's protected resource metadata (RFC 9728) names Lanyard as the server its access tokens come from, and does
     * not claim certificate-bound tokens, which it does not ask for: a bearer token is enough.
     */
    @Test
    void protectedResourceMetadataNamesLanyardAndNoCertificateBoundTokens() throws Exception {
        mvc.perform(get("/.well-known/oauth-protected-resource"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.resource").value("http://localhost"))
                .andExpect(jsonPath("$.authorization_servers").value(org.hamcrest.Matchers.contains(lanyard.issuer)))
                .andExpect(jsonPath("$.bearer_methods_supported").value(org.hamcrest.Matchers.contains("header")))
                .andExpect(jsonPath("$.tls_client_certificate_bound_access_tokens").value(false));
    }

    @Test
    void accessTokenForAnotherAppIsRefused() throws Exception {
        String token = lanyard.sign(new JWTClaimsSet.Builder().issuer(lanyard.issuer).audience("another-app").subject("member-1")
                .issueTime(new Date()).expirationTime(new Date(System.currentTimeMillis() + 300_000)).build(), null);

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/me"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void someoneNotSignedInIsSentToSignInThroughLanyardWithPkce() throws Exception {
        mvc.perform(get("/hello").accept("text/html")).andExpect(status().is3xxRedirection())
                .andExpect(header().string("Location", org.hamcrest.Matchers.endsWith("/oauth2/authorization/lanyard")));

        String location = mvc.perform(get("/oauth2/authorization/lanyard")).andExpect(status().is3xxRedirection())
                .andReturn().getResponse().getHeader("Location");

        assertThat(location).startsWith(lanyard.issuer + "/oauth2/authorize?").contains("client_id=" + FakeLanyard.CLIENT_ID)
                .contains("code_challenge_method=S256").contains("scope=openid");
    }
}
