package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

import dev.lanyard.Lanyard;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.testsupport.Nodes;
import dev.lanyard.testsupport.TestPostgres;
import dev.lanyard.web.OpenApiContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.context.WebApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two Lanyard nodes on one PostgreSQL database, as behind a load balancer (DESIGN.md "Scale"):
 * what one node changes, the other serves from its cache only once PostgreSQL's NOTIFY has told
 * it, and it must be told at once. Each node runs on its own port, over real HTTP.
 */
class TwoNodesTest {
    /** How long a node may take to hear another's NOTIFY before the test calls it lost. */
    private static final Duration HEARING = Duration.ofSeconds(5);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static ConfigurableApplicationContext nodeA;
    private static ConfigurableApplicationContext nodeB;
    private static String a;
    private static String b;
    private static OpenApiContract contract;

    @BeforeAll
    static void startTwoNodes() {
        TestPostgres postgres = TestPostgres.shared();
        String database = postgres.createDatabase();
        // Batches of two, so that a team sign-out of a few sessions runs several (decision 30).
        String[] shared = Nodes.arguments(postgres, database, "--lanyard.session.sweep-batch=2");
        nodeA = Nodes.start(shared);
        nodeB = Nodes.start(shared);
        a = Nodes.url(nodeA);
        b = Nodes.url(nodeB);
        contract = OpenApiContract.of((WebApplicationContext) nodeA);
    }

    @AfterAll
    static void stopNodes() {
        if (nodeB != null) nodeB.close();
        if (nodeA != null) nodeA.close();
    }

    private record Reply(int status, JsonNode body) {
    }

    /** Sends the request; the exchange must be one the OpenAPI document allows. */
    private static Reply send(String node, String method, String path, String token, Object body) throws IOException, InterruptedException {
        String json = body == null ? null : JSON.writeValueAsString(body);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node + path)).timeout(Duration.ofSeconds(30))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json");
        if (token != null) request.header("Authorization", "Bearer " + token);
        HttpRequest built = request.build();
        HttpResponse<String> response = HTTP.send(built, HttpResponse.BodyHandlers.ofString());
        contract.check(built, json, response);
        return new Reply(response.statusCode(), response.body().isEmpty() ? tools.jackson.databind.node.NullNode.getInstance() : JSON.readTree(response.body()));
    }

    /** Signs in on {@code node} with a bearer token; returns the login's JSON (token, session, account). */
    private static JsonNode signIn(String node, String email) throws IOException, InterruptedException {
        Reply login = send(node, "POST", "/api/v1/login", null,
                Map.of("email", email, "password", TestAccounts.PASSWORD, "tokenType", "bearer"));
        assertThat(login.status()).as("login").isEqualTo(201);
        return login.body();
    }

    private static String signUp() throws IOException, InterruptedException {
        String email = TestAccounts.uniqueEmail("nodes");
        Reply signUp = send(a, "POST", "/api/v1/signup", null,
                Map.of("email", email, "password", TestAccounts.PASSWORD, "name", "Noor", "team", "Two nodes"));
        assertThat(signUp.status()).as("sign-up").isEqualTo(201);
        return email;
    }

    /** Asks until the answer passes, for at most {@link #HEARING}; returns the passing answer. */
    private static Reply eventually(String node, String path, String token, Predicate<Reply> passes) throws Exception {
        long deadline = System.nanoTime() + HEARING.toNanos();
        Reply reply;
        do {
            reply = send(node, "GET", path, token, null);
            if (passes.test(reply)) return reply;
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        return reply;
    }

    @Test
    void sessionStartedOnOneNodeIsValidOnTheOther() throws Exception {
        JsonNode login = signIn(a, signUp());

        Reply current = send(b, "GET", "/api/v1/sessions/current", login.path("token").asString(), null);

        assertThat(current.status()).isEqualTo(200);
        assertThat(current.body().path("id").asString()).isEqualTo(login.path("session").path("id").asString());
    }

    @Test
    void sessionRevokedOnOneNodeIsRefusedOnTheOther() throws Exception {
        String email = signUp();
        JsonNode phone = signIn(a, email);
        JsonNode laptop = signIn(a, email);
        String phoneToken = phone.path("token").asString();
        assertThat(send(b, "GET", "/api/v1/sessions/current", phoneToken, null).status()).as("cached on B").isEqualTo(200);

        Reply revoked = send(a, "DELETE", "/api/v1/sessions/" + phone.path("session").path("id").asString(),
                laptop.path("token").asString(), null);
        assertThat(revoked.status()).isEqualTo(204);

        Reply onB = eventually(b, "/api/v1/sessions/current", phoneToken, r -> r.status() == 401);
        assertThat(onB.status()).isEqualTo(401);
        assertThat(onB.body().path("type").asString()).isEqualTo("urn:lanyard:problem:session-ended");
    }

    @Test
    void teamSignOutOnOneNodeIsRefusedOnTheOtherAsSoonAsItReturnsForEveryBatch() throws Exception {
        String email = signUp();
        String admin = signIn(a, email).path("token").asString();
        java.util.List<String> others = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) others.add(signIn(a, email).path("token").asString());
        for (String token : others) assertThat(send(b, "GET", "/api/v1/sessions/current", token, null).status()).as("cached on B").isEqualTo(200);

        Reply ended = send(a, "POST", "/api/v1/admin/sessions/sign-out", admin, Map.of("reason", "Lost laptop"));

        assertThat(ended.status()).isEqualTo(200);
        // The sign-up's own session and the five: three batches of two.
        assertThat(ended.body().path("ended").asInt()).isEqualTo(6);
        // Not eventually: the call returns once every node has dropped every batch.
        for (String token : others) assertThat(send(b, "GET", "/api/v1/sessions/current", token, null).status()).as("on B").isEqualTo(401);
        assertThat(send(b, "GET", "/api/v1/sessions/current", admin, null).status()).as("the admin's own, on B").isEqualTo(200);
    }

    @Test
    void apiKeyRevokedOnOneNodeIsRefusedOnTheOther() throws Exception {
        String owner = signIn(a, signUp()).path("token").asString();
        Reply created = send(a, "POST", "/api/v1/api-keys", owner,
                Map.of("name", "Deploy bot", "scopes", java.util.List.of("sessions:read"), "password", TestAccounts.PASSWORD));
        assertThat(created.status()).as("key created").isEqualTo(201);
        String key = created.body().path("secret").asString();
        String id = created.body().path("key").path("id").asString();
        assertThat(send(b, "GET", "/api/v1/sessions/current", key, null).status()).as("the key, cached on B").isEqualTo(200);

        Reply revoked = send(a, "DELETE", "/api/v1/api-keys/" + id, owner, null);
        assertThat(revoked.status()).isEqualTo(204);

        Reply onB = eventually(b, "/api/v1/sessions/current", key, r -> r.status() == 401);
        assertThat(onB.status()).isEqualTo(401);
        assertThat(onB.body().path("type").asString()).isEqualTo("urn:lanyard:problem:session-ended");
    }

    /** A request with the session cookie and other headers, outside the API's document (the DBSC endpoints are in none). */
    private static HttpResponse<String> withCookie(String node, String method, String path, String cookie, Map<String, String> headers,
                                                   Object body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .header("Content-Type", "application/json");
        if (cookie != null) request.header("Cookie", "lanyard_session=" + cookie);
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String sessionCookie(HttpResponse<String> response) {
        return response.headers().allValues("Set-Cookie").stream().filter(h -> h.startsWith("lanyard_session=") && !h.startsWith("lanyard_session=;"))
                .map(h -> h.substring("lanyard_session=".length(), h.indexOf(';'))).findFirst().orElseThrow();
    }

    @Test
    void aDeviceBoundSessionsReplacedCookieIsRefusedOnTheOtherNodeAndItsNewOneAccepted() throws Exception {
        String email = signUp();
        HttpResponse<String> login = withCookie(a, "POST", "/api/v1/login", null, Map.of(),
                Map.of("email", email, "password", TestAccounts.PASSWORD, "rememberMe", false));
        assertThat(login.statusCode()).isEqualTo(201);
        String before = sessionCookie(login);
        assertThat(withCookie(b, "GET", "/api/v1/sessions/current", before, Map.of(), null).statusCode()).as("cached on B").isEqualTo(200);

        com.nimbusds.jose.jwk.ECKey key = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256).generate();
        com.nimbusds.jwt.SignedJWT proof = new com.nimbusds.jwt.SignedJWT(
                new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.ES256)
                        .type(new com.nimbusds.jose.JOSEObjectType("dbsc+jwt")).jwk(key.toPublicJWK()).build(),
                new com.nimbusds.jwt.JWTClaimsSet.Builder().issueTime(new java.util.Date()).build());
        proof.sign(new com.nimbusds.jose.crypto.ECDSASigner(key));
        HttpResponse<String> registered = withCookie(a, "POST", "/dbsc/register", before,
                Map.of("Secure-Session-Response", proof.serialize()), null);
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
        String bound = sessionCookie(registered);

        long deadline = System.nanoTime() + HEARING.toNanos();
        int status;
        do {
            status = withCookie(b, "GET", "/api/v1/sessions/current", before, Map.of(), null).statusCode();
            if (status == 401) break;
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        assertThat(status).as("the replaced cookie on B").isEqualTo(401);
        assertThat(withCookie(b, "GET", "/api/v1/sessions/current", bound, Map.of(), null).statusCode()).as("the new one on B").isEqualTo(200);
    }

    @Test
    void renameOnOneNodeShowsOnTheOthersCurrentSession() throws Exception {
        JsonNode login = signIn(a, signUp());
        String token = login.path("token").asString();
        assertThat(send(b, "GET", "/api/v1/sessions/current", token, null).body().path("name").asString()).isEmpty();

        Reply renamed = send(a, "PATCH", "/api/v1/sessions/" + login.path("session").path("id").asString(), token,
                Map.of("name", "Build server", "alerts", false));
        assertThat(renamed.status()).isEqualTo(200);

        Reply onB = eventually(b, "/api/v1/sessions/current", token,
                r -> r.body().path("name").asString().equals("Build server"));
        assertThat(onB.body().path("name").asString()).isEqualTo("Build server");
        assertThat(onB.body().path("alerts").asBoolean()).isFalse();
    }

    private static final java.util.concurrent.atomic.AtomicInteger slowCaches = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Holds node B's listening thread for a second, as a busy or far-away node would be slow to hear: a cache registered
     * on B that takes a second to forget, and a notification that it must. What A announces next reaches B only after it.
     */
    private static void slowDownB() {
        String name = "test-slow-" + (char) ('a' + slowCaches.incrementAndGet());
        nodeB.getBean(NodeCaches.class).register(name, new NodeCaches.Cached() {
            @Override
            public void forget(java.util.List<String> keys) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void clear() {
            }
        });
        nodeA.getBean(JdbcClient.class).sql("SELECT pg_notify(:channel, :payload)").param("channel", SessionBroadcast.CHANNEL)
                .param("payload", "othernode|forget:" + name + ":slow").query((rs, n) -> 1).list();
    }

    /** The team's requirement of a second factor holds on the other node's very next request, not after its cache's 30 seconds. */
    @Test
    void aSecondFactorRequiredOnOneNodeHoldsOnTheOthersNextRequest() throws Exception {
        String admin = signIn(a, signUp()).path("token").asString();
        assertThat(send(b, "GET", "/api/v1/sessions", admin, null).status()).as("not held, cached on B").isEqualTo(200);

        Reply required = send(a, "PUT", "/api/v1/team/policy", admin, Map.of("idleTimeout", "7d", "allowRememberMe", true,
                "rememberedDays", 30, "lifetimeDays", 7, "requireSecondFactor", true));
        assertThat(required.status()).isEqualTo(200);

        Reply held = send(b, "GET", "/api/v1/sessions", admin, null);
        assertThat(held.status()).as("held on B at once").isEqualTo(403);
        assertThat(held.body().path("type").asString()).isEqualTo("urn:lanyard:problem:second-factor-required");
    }

    @Test
    void roleChangedOnOneNodeHoldsOnTheOthersNextRequests() throws Exception {
        JsonNode adminLogin = signIn(a, signUp());
        String admin = adminLogin.path("token").asString();
        // A member of the admin's team: signed up alone, then moved into the team by hand.
        String memberEmail = TestAccounts.uniqueEmail("member");
        JsonNode signedUp = send(a, "POST", "/api/v1/signup", null,
                Map.of("email", memberEmail, "password", TestAccounts.PASSWORD, "name", "Milo", "team", "Elsewhere")).body();
        String memberId = signedUp.path("account").path("id").asString();
        nodeA.getBean(JdbcClient.class).sql("UPDATE accounts SET team_id = :team, role = 'MEMBER' WHERE id = :id")
                .param("team", adminLogin.path("account").path("team").asString()).param("id", memberId).update();
        String member = signIn(a, memberEmail).path("token").asString();
        assertThat(send(b, "GET", "/api/v1/admin/members", member, null).status()).as("a member, cached on B").isEqualTo(403);

        Reply promoted = send(a, "PATCH", "/api/v1/admin/members/" + memberId, admin, Map.of("role", "admin"));
        assertThat(promoted.status()).isEqualTo(200);
        assertThat(eventually(b, "/api/v1/admin/members", member, r -> r.status() == 200).status()).as("an admin on B").isEqualTo(200);

        Reply demoted = send(b, "PATCH", "/api/v1/admin/members/" + memberId, admin, Map.of("role", "member"));
        assertThat(demoted.status()).isEqualTo(200);
        assertThat(eventually(a, "/api/v1/admin/members", member, r -> r.status() == 403).status()).as("a member again on A").isEqualTo(403);
    }

    /**
     * Outside QA: a demoted admin's request to node B a few milliseconds after the change returned still got the admin
     * member list. A role change returns once every other node has forgotten the team's cached sessions.
     */
    @Test
    void aDemotionOnOneNodeHoldsOnTheOthersVeryNextRequest() throws Exception {
        JsonNode adminLogin = signIn(a, signUp());
        String admin = adminLogin.path("token").asString();
        String memberEmail = TestAccounts.uniqueEmail("demoted");
        JsonNode signedUp = send(a, "POST", "/api/v1/signup", null,
                Map.of("email", memberEmail, "password", TestAccounts.PASSWORD, "name", "Ada", "team", "Elsewhere")).body();
        String memberId = signedUp.path("account").path("id").asString();
        nodeA.getBean(JdbcClient.class).sql("UPDATE accounts SET team_id = :team, role = 'ADMIN' WHERE id = :id")
                .param("team", adminLogin.path("account").path("team").asString()).param("id", memberId).update();
        String member = signIn(a, memberEmail).path("token").asString();
        assertThat(send(b, "GET", "/api/v1/admin/members", member, null).status()).as("an admin, cached on B").isEqualTo(200);
        slowDownB();

        Reply demoted = send(a, "PATCH", "/api/v1/admin/members/" + memberId, admin, Map.of("role", "member"));
        assertThat(demoted.status()).isEqualTo(200);

        assertThat(send(b, "GET", "/api/v1/admin/members", member, null).status()).as("a member on B at once").isEqualTo(403);
    }

    /**
     * A page reads its list on node A and its stream opens on node B (a load balancer without affinity); a phone signs in
     * on A in between. B heard of it before the stream opened, and tells the page "changed" as it opens (decision 82). (Were
     * the start B's listener heard the page's own login, heard late, the phone's would reach the open stream: "changed" all
     * the same.)
     */
    @Test
    void aSignInOnOneNodeBetweenAPagesListAndItsStreamOnTheOtherIsToldAsTheStreamOpens() throws Exception {
        String email = signUp();
        HttpResponse<String> login = HTTP.send(HttpRequest.newBuilder(URI.create(a + "/api/v1/login")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("email", email, "password", TestAccounts.PASSWORD,
                        "tokenType", "cookie")))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(201);
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
        HttpResponse<String> list = HTTP.send(HttpRequest.newBuilder(URI.create(a + "/settings/sessions")).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(list.statusCode()).isEqualTo(200);
        java.util.regex.Matcher listed = java.util.regex.Pattern.compile("data-listed-at=\"(\\d+)\"").matcher(list.body());
        assertThat(listed.find()).as("the list's time").isTrue();

        // B's listeners hear of a start one after the other, in the order they registered: once this one has heard of the
        // phone's, B's live pages have too.
        java.util.concurrent.CountDownLatch heard = new java.util.concurrent.CountDownLatch(1);
        SessionBroadcast.Listener phoneHeard = new SessionBroadcast.Listener() {
            @Override
            public void ended(java.util.List<SessionId> ids, boolean local) {
            }

            @Override
            public void started(dev.lanyard.account.AccountId account) {
                heard.countDown();
            }
        };
        SessionBroadcast onB = nodeB.getBean(SessionBroadcast.class);
        onB.register(phoneHeard);
        try {
            signIn(a, email);
            assertThat(heard.await(HEARING.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)).as("B heard of the phone").isTrue();
        } finally {
            onB.unregister(phoneHeard);
        }

        HttpResponse<java.io.InputStream> opened = HTTP.send(HttpRequest.newBuilder(URI.create(b + "/settings/sessions/events?since=" + listed.group(1)))
                .header("Cookie", cookie).header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
        LiveSessionsStreamTest.EventStream stream = new LiveSessionsStreamTest.EventStream(opened);
        try {
            assertThat(opened.statusCode()).isEqualTo(200);
            assertThat(java.util.List.of(stream.next(), stream.next())).contains(new LiveSessionsStreamTest.Event("ready", "ok"),
                    new LiveSessionsStreamTest.Event("changed", "sessions"));
        } finally {
            stream.close();
        }
    }
}
