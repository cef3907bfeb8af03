package dev.lanyard.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.nimbusds.jwt.SignedJWT;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Polls that wait for a SET (RFC 8936 long polling, decision 58) over real connections, on a server with two
 * request threads and a wait far longer than any test: a waiting poll holds none of them, at most
 * {@value #MOST} wait on the node, one per stream, and a SET queued while a poll waits is its answer.
 */
@LanyardSpringTest
@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
@TestPropertySource(properties = {"server.tomcat.threads.max=2", "server.tomcat.threads.min-spare=1",
        "lanyard.signals.poll-wait=10m", "lanyard.signals.max-waiting-polls=" + WaitingPollsTest.MOST})
class WaitingPollsTest {
    static final int MOST = 10;
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @LocalServerPort
    int port;
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    PollWaits waits;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final List<CompletableFuture<HttpResponse<String>>> polls = new ArrayList<>();
    private ApiClient api;
    private Member admin;
    /** The app {@link #receiverToken} registered last. */
    private String lastAppId;

    @BeforeEach
    void team() throws Exception {
        api = new ApiClient(mvc, json);
        admin = api.signUp("admin");
    }

    /** Polls a test leaves waiting are answered, empty, when the node stops waiting polls: the next test starts with none. */
    @AfterEach
    void answerWaitingPolls() {
        waits.stop();
        waits.start();
        for (CompletableFuture<HttpResponse<String>> poll : polls) {
            assertThat(poll).succeedsWithin(PATIENCE).extracting(HttpResponse::statusCode).isEqualTo(200);
        }
        assertThat(waits.waiting()).isZero();
    }

    @Test
    void pollsWaitingForSetsHoldNoRequestThreadSoEveryoneElseIsStillAnswered() throws Exception {
        String token = receiverToken("Many polls");
        List<String> streams = new ArrayList<>();
        for (int i = 0; i < MOST; i++) streams.add(pollStream(token));
        for (String stream : streams) polls.add(poll(token, stream, Map.of()));
        assertThat(eventually(() -> waits.waiting() == MOST)).as("polls waiting: %s", waits.waiting()).isTrue();

        // Five times as many waiting polls as request threads: before, each held one until its wait ended.
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base() + "/login")).timeout(PATIENCE).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(polls).as("every poll still waits").noneMatch(CompletableFuture::isDone);
    }

    @Test
    void aWaitingPollIsAnsweredWithTheSetQueuedForItsStream() throws Exception {
        String token = receiverToken("Waiting");
        String stream = pollStream(token);
        CompletableFuture<HttpResponse<String>> waiting = poll(token, stream, Map.of());
        polls.add(waiting);
        assertThat(eventually(() -> waits.waiting() == 1)).isTrue();
        assertThat(waiting).isNotDone();

        MvcResult verify = mvc.perform(post("/api/v1/ssf/verify").header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(Map.of("stream_id", stream, "state", "here"))))
                .andReturn();
        assertThat(verify.getResponse().getStatus()).isEqualTo(204);

        HttpResponse<String> answer = waiting.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode sets = json.readTree(answer.body()).path("sets");
        assertThat(sets.size()).isEqualTo(1);
        String set = sets.path(sets.propertyNames().iterator().next()).asString();
        assertThat(SignedJWT.parse(set).getJWTClaimsSet().getJSONObjectClaim("events"))
                .isEqualTo(Map.of(SecurityEvents.VERIFICATION, Map.of("state", "here")));
        assertThat(waits.waiting()).isZero();
    }

    @Test
    void aNewerPollOfAStreamEndsTheOlderAndPastTheNodesCeilingAPollIsAnsweredAtOnce() throws Exception {
        String token = receiverToken("Ceiling");
        List<String> streams = new ArrayList<>();
        for (int i = 0; i < MOST; i++) streams.add(pollStream(token));
        for (String stream : streams) polls.add(poll(token, stream, Map.of()));
        assertThat(eventually(() -> waits.waiting() == MOST)).isTrue();

        CompletableFuture<HttpResponse<String>> newer = poll(token, streams.get(0), Map.of());
        polls.add(newer);
        HttpResponse<String> older = polls.get(0).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(older.statusCode()).isEqualTo(200);
        assertThat(json.readTree(older.body()).path("sets").size()).as("the older poll ends empty").isZero();
        assertThat(newer).as("the newer waits in its place").isNotDone();
        assertThat(waits.waiting()).isEqualTo(MOST);

        String otherToken = receiverToken("Past the ceiling");
        HttpResponse<String> atOnce = poll(otherToken, pollStream(otherToken), Map.of()).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(atOnce.statusCode()).as(atOnce.body()).isEqualTo(200);
        assertThat(json.readTree(atOnce.body()).path("sets").size()).as("answered at once, as with returnImmediately").isZero();
        assertThat(waits.waiting()).isEqualTo(MOST);
    }

    /**
     * Two receivers polling one stream take each other's waiting poll in turn, and each gets only part of the SETs: the
     * node says so in its log, once, naming the stream and what to do; a poll taken over once (a receiver that gave up on
     * one) says nothing.
     */
    @Test
    void receiversTakingTurnsOnOneStreamAreWarnedOfOnce(CapturedOutput output) throws Exception {
        String token = receiverToken("Two instances");
        String stream = pollStream(token);
        polls.add(poll(token, stream, Map.of()));
        assertThat(eventually(() -> waits.waiting() == 1)).isTrue();
        CompletableFuture<HttpResponse<String>> once = poll(token, stream, Map.of());
        polls.add(once);
        assertThat(polls.get(0)).succeedsWithin(PATIENCE);
        assertThat(output.getOut()).doesNotContain("Shared Signals stream " + stream);

        for (int turn = 0; turn < 2 * PollWaits.TAKEOVERS_WARNED; turn++) {
            CompletableFuture<HttpResponse<String>> before = polls.get(polls.size() - 1);
            polls.add(poll(token, stream, Map.of()));
            assertThat(before).as("the other receiver's poll ends, empty").succeedsWithin(PATIENCE);
        }

        String warned = "Shared Signals stream " + stream + ": its waiting poll was ended by a newer poll";
        assertThat(eventually(() -> output.getOut().contains(warned))).isTrue();
        assertThat(output.getOut()).contains("lanyard.signals.instance");
        assertThat(output.getOut().split(java.util.regex.Pattern.quote(warned), -1)).as("warned once an hour").hasSize(2);

        // The team's admins see it too, on the app's Signals page and in the API.
        JsonNode watched = api.read(mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get(
                "/api/v1/admin/apps/" + lastAppId + "/signals").cookie(admin.cookie()).with(admin.from())).andReturn());
        assertThat(watched.path("streams").get(0).path("sharedPollsSeenAt").isNull()).isFalse();
        String page = mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get(
                "/admin/apps/" + lastAppId + "/signals").cookie(admin.cookie()).with(admin.from())).andReturn().getResponse().getContentAsString();
        assertThat(page.replaceAll("\\s+", " ")).contains("Polled by more than one receiver");
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    /** A confidential app of the admin's team, enabled as a receiver; its own access token (client credentials, scope ssf). */
    private String receiverToken(String name) throws Exception {
        MvcResult registered = mvc.perform(post("/api/v1/admin/apps").cookie(admin.cookie()).with(admin.from())
                .contentType(MediaType.APPLICATION_JSON)
                .content(json.writeValueAsString(Map.of("name", name, "redirectUris", List.of("http://127.0.0.1:9/callback"),
                        "type", "confidential", "scopes", List.of("openid"))))).andReturn();
        assertThat(registered.getResponse().getStatus()).isEqualTo(201);
        JsonNode app = api.read(registered);
        lastAppId = app.path("app").path("id").asString();
        MvcResult enabled = mvc.perform(put("/api/v1/admin/apps/" + app.path("app").path("id").asString() + "/signals")
                .cookie(admin.cookie()).with(admin.from()).contentType(MediaType.APPLICATION_JSON).content("{\"enabled\":true}")).andReturn();
        assertThat(enabled.getResponse().getStatus()).isEqualTo(200);
        String basic = Base64.getEncoder().encodeToString((app.path("app").path("clientId").asString() + ":"
                + app.path("clientSecret").asString()).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(base() + "/oauth2/token")).timeout(PATIENCE)
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=ssf")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        return json.readTree(token.body()).path("access_token").asString();
    }

    private String pollStream(String token) throws Exception {
        MvcResult created = mvc.perform(post("/api/v1/ssf/streams").header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(Map.of("delivery", Map.of("method", Stream.POLL),
                        "events_requested", List.of(SecurityEvents.SESSION_REVOKED))))).andReturn();
        assertThat(created.getResponse().getStatus()).as(created.getResponse().getContentAsString()).isEqualTo(201);
        return api.read(created).path("stream_id").asString();
    }

    /** A poll over its own connection, answered whenever the server answers it. */
    private CompletableFuture<HttpResponse<String>> poll(String token, String stream, Map<String, Object> body) throws Exception {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(base() + "/api/v1/ssf/poll/" + stream))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Whether {@code condition} holds within a generous bound (it holds within milliseconds when all is well). */
    private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }
}
