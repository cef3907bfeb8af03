package dev.lanyard.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

import java.io.IOException;
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

import com.nimbusds.jwt.SignedJWT;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An outside review: a stranger's team made 30 push streams at a receiver that accepts connections and never answers,
 * and another team's SET waited 23 minutes behind them, one push timeout each. Teams take turns in a claim and a batch's
 * receivers are sent to at the same time, so the other team's SET goes in the first batch, long before the sequential
 * drain could have reached it. A short push timeout keeps the test quick; nothing here depends on it beyond that.
 */
@LanyardSpringTest
@TestPropertySource(properties = "lanyard.signals.push-timeout=1s")
class SignalsFairAcrossTeamsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int STREAMS_PER_APP = 10;
    private static final int APPS = 3;

    @LocalServerPort
    int port;
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    SignalDelivery delivery;

    private ApiClient api;
    private TestReceiver healthy;
    private Tarpit tarpit;

    @BeforeEach
    void receivers() throws Exception {
        api = new ApiClient(mvc, json);
        healthy = new TestReceiver();
        tarpit = new Tarpit();
    }

    @AfterEach
    void stop() throws IOException {
        healthy.close();
        tarpit.close();
    }

    @Test
    void aTeamWhoseStreamsPointAtAReceiverThatNeverAnswersCannotHoldAnotherTeamsSet() throws Exception {
        Member attacker = api.signUp("tarpit-admin");
        List<String[]> attackerStreams = new ArrayList<>();
        for (int app = 0; app < APPS; app++) {
            String token = token(receiverApp(attacker, "Tarpit " + app));
            for (int s = 0; s < STREAMS_PER_APP; s++) {
                attackerStreams.add(new String[] {token, pushStream(token, tarpit.url("/ssf"))});
            }
        }
        Member victim = api.signUp("victim-admin");
        String victimToken = token(receiverApp(victim, "Victim"));
        String victimStream = pushStream(victimToken, healthy.url("/ssf"));
        healthy.drained();
        int connectionsBefore;

        // Holding the drain while both teams' SETs are made: the victim's is the newest of them all when delivery starts.
        synchronized (delivery) {
            for (String[] stream : attackerStreams) verify(stream[0], stream[1], "tarpit");
            verify(victimToken, victimStream, "victim");
            connectionsBefore = tarpit.connections();
        }

        TestReceiver.Arrival arrival = null;
        for (long until = System.nanoTime() + Duration.ofMinutes(2).toNanos(); arrival == null && System.nanoTime() < until; ) {
            TestReceiver.Arrival next = healthy.next(Duration.ofSeconds(5));
            if (next != null && SignedJWT.parse(next.body()).getJWTClaimsSet().toJSONObject().toString().contains("victim")) arrival = next;
        }
        int connectionsAtArrival = tarpit.connections();
        assertThat(arrival).as("the victim's SET was delivered").isNotNull();
        assertThat(connectionsAtArrival - connectionsBefore)
                .as("the victim's SET arrived before the tarpit's %d streams were all tried, as one after another they had to be",
                        attackerStreams.size())
                .isLessThan(attackerStreams.size());
    }

    private String receiverApp(Member admin, String name) throws Exception {
        MvcResult registered = mvc.perform(post("/api/v1/admin/apps").cookie(admin.cookie()).with(admin.from())
                .contentType(MediaType.APPLICATION_JSON)
                .content(json.writeValueAsString(Map.of("name", name, "redirectUris", List.of("http://127.0.0.1:9/callback"),
                        "type", "confidential", "scopes", List.of("openid"))))).andReturn();
        assertThat(registered.getResponse().getStatus()).isEqualTo(201);
        JsonNode app = api.read(registered);
        String appId = app.path("app").path("id").asString();
        MvcResult enabled = mvc.perform(put("/api/v1/admin/apps/" + appId + "/signals").cookie(admin.cookie()).with(admin.from())
                .contentType(MediaType.APPLICATION_JSON).content("{\"enabled\":true}")).andReturn();
        assertThat(enabled.getResponse().getStatus()).as(enabled.getResponse().getContentAsString()).isEqualTo(200);
        return app.path("app").path("clientId").asString() + ":" + app.path("clientSecret").asString();
    }

    /** The app's own access token (client credentials, scope ssf) from its {@code clientId:secret}. */
    private String token(String credentials) throws Exception {
        String basic = Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/oauth2/token"))
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=ssf")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body()).path("access_token").asString();
    }

    private String pushStream(String token, String endpoint) throws Exception {
        MvcResult created = mvc.perform(post("/api/v1/ssf/streams").header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(Map.of(
                        "delivery", Map.of("method", Stream.PUSH, "endpoint_url", endpoint),
                        "events_requested", List.of(SecurityEvents.SESSION_REVOKED))))).andReturn();
        assertThat(created.getResponse().getStatus()).as(created.getResponse().getContentAsString()).isEqualTo(201);
        return api.read(created).path("stream_id").asString();
    }

    private void verify(String token, String streamId, String state) throws Exception {
        MvcResult verified = mvc.perform(post("/api/v1/ssf/verify").header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(Map.of("stream_id", streamId, "state", state))))
                .andReturn();
        assertThat(verified.getResponse().getStatus()).as(verified.getResponse().getContentAsString()).isEqualTo(204);
    }
}
