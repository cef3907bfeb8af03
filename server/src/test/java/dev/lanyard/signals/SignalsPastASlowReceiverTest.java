package dev.lanyard.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 * An outside review: while a receiver that never answers was being pushed to, the drain waited for it before it claimed
 * again, so signals made meanwhile for every other receiver waited up to three push timeouts. Receivers are sent to apart
 * from each other. The push timeout is a few seconds here, so that "well before it ends" can be told from "after it".
 */
@LanyardSpringTest
@TestPropertySource(properties = "lanyard.signals.push-timeout=5s")
class SignalsPastASlowReceiverTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration PUSH_TIMEOUT = Duration.ofSeconds(5);

    @LocalServerPort
    int port;
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;

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
    void stop() throws Exception {
        healthy.close();
        tarpit.close();
    }

    /**
     * The tarpit's SET is being pushed when a session ends: the healthy stream's SET about it arrives well before the
     * tarpit's push timeout ends, and the tarpit's own SET about it waits for the one being pushed, not sent beside it on
     * a second connection (decision 84).
     */
    @Test
    void aReceiverThatNeverAnswersHoldsNoOtherReceiversSignalsMadeWhileItIsPushedTo() throws Exception {
        Member admin = api.signUp("slow-receiver-admin");
        String token = token(receiverApp(admin, "Two streams"));
        String slow = pushStream(token, tarpit.url("/ssf"));
        pushStream(token, healthy.url("/ssf"));
        Member phone = api.logIn(admin);
        healthy.drained();

        verify(token, slow, "being pushed");
        long tarpitFirst = tarpit.firstConnection(Duration.ofSeconds(20));
        long ended = System.nanoTime();
        assertThat(mvc.perform(delete("/api/v1/sessions/" + phone.sessionId()).cookie(admin.cookie()).with(admin.from()))
                .andReturn().getResponse().getStatus()).isEqualTo(204);

        TestReceiver.Arrival arrival = healthy.next(PUSH_TIMEOUT.multipliedBy(3));
        assertThat(arrival).as("the healthy stream's SET arrived").isNotNull();
        assertThat(SignedJWT.parse(arrival.body()).getJWTClaimsSet().getJSONObjectClaim("events")).containsKey(SecurityEvents.SESSION_REVOKED);
        assertThat(Duration.ofNanos(arrival.nanos() - tarpitFirst)).as("well within the tarpit's push timeout")
                .isLessThan(PUSH_TIMEOUT.dividedBy(2));
        assertThat(Duration.ofNanos(arrival.nanos() - ended)).isLessThan(PUSH_TIMEOUT.dividedBy(2));
        assertThat(tarpit.connections()).as("the tarpit's second SET waits for its first").isEqualTo(1);
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
