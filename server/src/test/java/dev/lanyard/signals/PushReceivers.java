package dev.lanyard.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the delivery tests do as a team's admin and its receiving apps: register an app that receives signals, get its
 * {@code ssf} token, make a push stream of {@code session-revoked} to an endpoint, and verify it.
 */
final class PushReceivers {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final MockMvc mvc;
    private final JsonMapper json;
    private final ApiClient api;
    private final int port;

    PushReceivers(MockMvc mvc, JsonMapper json, int port) {
        this.mvc = mvc;
        this.json = json;
        this.api = new ApiClient(mvc, json);
        this.port = port;
    }

    /** Registers an app of {@code admin}'s team with signals on; returns its {@code clientId:secret}. */
    String app(Member admin, String name) throws Exception {
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
    String token(String credentials) throws Exception {
        String basic = Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/oauth2/token"))
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=ssf")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body()).path("access_token").asString();
    }

    /** Makes a push stream of {@code session-revoked} to {@code endpoint}; returns its id. */
    String pushStream(String token, String endpoint) throws Exception {
        MvcResult created = mvc.perform(post("/api/v1/ssf/streams").header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(Map.of(
                        "delivery", Map.of("method", Stream.PUSH, "endpoint_url", endpoint),
                        "events_requested", List.of(SecurityEvents.SESSION_REVOKED))))).andReturn();
        assertThat(created.getResponse().getStatus()).as(created.getResponse().getContentAsString()).isEqualTo(201);
        return api.read(created).path("stream_id").asString();
    }

    /** Asks for a verification event on the stream, with {@code state}. */
    void verify(String token, String streamId, String state) throws Exception {
        MvcResult verified = mvc.perform(post("/api/v1/ssf/verify").header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(Map.of("stream_id", streamId, "state", state))))
                .andReturn();
        assertThat(verified.getResponse().getStatus()).as(verified.getResponse().getContentAsString()).isEqualTo(204);
    }
}
