package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Apps a team's admin registers, and members signing in through them ({@link RelyingApp}). */
final class TeamApps {
    static final List<String> ALL_SCOPES = List.of("openid", "profile", "email", "offline_access");

    private final MockMvc mvc;
    private final JsonMapper json;
    private final String issuer;

    TeamApps(MockMvc mvc, JsonMapper json, int port) {
        this.mvc = mvc;
        this.json = json;
        this.issuer = "http://127.0.0.1:" + port;
    }

    String issuer() {
        return issuer;
    }

    /** Registers a confidential app allowed every member scope; returns its JSON (with the secret). */
    JsonNode register(Member admin, String name) throws Exception {
        return register(admin, name, ALL_SCOPES);
    }

    /** Registers a confidential app allowed {@code scopes}; returns its JSON (with the secret). */
    JsonNode register(Member admin, String name, List<String> scopes) throws Exception {
        MvcResult result = mvc.perform(post("/api/v1/admin/apps").cookie(admin.cookie()).with(admin.from())
                .contentType(MediaType.APPLICATION_JSON)
                .content(json.writeValueAsString(Map.of("name", name, "redirectUris", List.of(OAuthFlowTest.REDIRECT),
                        "type", "confidential", "scopes", scopes)))).andReturn();
        assertThat(result.getResponse().getStatus()).as(result.getResponse().getContentAsString()).isEqualTo(201);
        return json.readTree(result.getResponse().getContentAsString());
    }

    RelyingApp app(JsonNode registered) throws Exception {
        return new RelyingApp(issuer, registered.path("app").path("clientId").asString(),
                Optional.ofNullable(registered.path("clientSecret").asString(null)), OAuthFlowTest.REDIRECT);
    }

    /** Signs {@code member} in to the app with {@code scopes}, through consent; returns the validated tokens. */
    static OIDCTokenResponse signIn(RelyingApp app, Member member, String scopes) throws Exception {
        RelyingApp.Attempt attempt = app.authorizeRequest(scopes);
        URI landed = app.signIn(attempt, cookie(member));
        return app.exchange(attempt, app.code(attempt, landed));
    }

    static String cookie(Member member) {
        return ApiClient.COOKIE + "=" + member.token();
    }
}
