package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** How the endpoints an app calls answer requests the specifications rule on (outside review S). */
@LanyardSpringTest
class OAuthRequestRulesTest {
    @LocalServerPort
    int port;
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;

    private Member admin;
    private TeamApps apps;

    @BeforeEach
    void team() throws Exception {
        admin = new ApiClient(mvc, json).signUp("admin");
        apps = new TeamApps(mvc, json, port);
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private MvcResult form(MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.contentType(MediaType.APPLICATION_FORM_URLENCODED)).andReturn();
    }

    @Test
    void aRepeatedParameterIsAnInvalidRequestAtEveryEndpointBeforeTheClientIsAuthenticated() throws Exception {
        JsonNode registered = apps.register(admin, "Wiki");
        String id = registered.path("app").path("clientId").asString();
        String secret = registered.path("clientSecret").asString();
        for (java.util.function.Supplier<MockHttpServletRequestBuilder> request : java.util.List.<java.util.function.Supplier<MockHttpServletRequestBuilder>>of(
                () -> post("/oauth2/token").param("grant_type", "authorization_code").param("code", "a").param("code", "b")
                        .param("redirect_uri", OAuthFlowTest.REDIRECT).param("code_verifier", "v".repeat(43)),
                () -> post("/oauth2/token").param("grant_type", "authorization_code").param("code", "a")
                        .param("redirect_uri", OAuthFlowTest.REDIRECT).param("code_verifier", "v".repeat(43)).param("code_verifier", "w".repeat(43)),
                () -> post("/oauth2/introspect").param("token", "a").param("token", "b"),
                () -> post("/oauth2/revoke").param("token", "a").param("token", "b"))) {
            for (String authorization : java.util.List.of(basic(id, secret), basic(id, "wrong"))) {
                MvcResult answer = form(request.get().header("Authorization", authorization));
                assertThat(answer.getResponse().getStatus()).as(answer.getResponse().getContentAsString()).isEqualTo(400);
                assertThat(answer.getResponse().getContentAsString()).contains("\"error\":\"invalid_request\"");
            }
        }
    }

    /** A public app's exchange (PKCE alone) with its code sent twice: a 500 from the code verifier before (outside review S). */
    @Test
    void aPublicAppsCodeSentTwiceIsAnInvalidRequest() throws Exception {
        MvcResult registered = mvc.perform(post("/api/v1/admin/apps").cookie(admin.cookie()).with(admin.from())
                .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(java.util.Map.of("name", "Phone",
                        "redirectUris", java.util.List.of(OAuthFlowTest.REDIRECT), "type", "public", "scopes", java.util.List.of("openid")))))
                .andReturn();
        RelyingApp app = apps.app(json.readTree(registered.getResponse().getContentAsString()));
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        String code = app.code(attempt, app.signIn(attempt, TeamApps.cookie(admin))).getValue();
        for (String[] twice : java.util.List.of(new String[] {"code", code}, new String[] {"code_verifier", attempt.verifier().getValue()})) {
            MockHttpServletRequestBuilder request = post("/oauth2/token").param("grant_type", "authorization_code").param("client_id", app.clientId.getValue())
                    .param("code", code).param("redirect_uri", OAuthFlowTest.REDIRECT).param("code_verifier", attempt.verifier().getValue())
                    .param(twice[0], twice[1]);
            MvcResult answer = form(request);
            assertThat(answer.getResponse().getStatus()).as(answer.getResponse().getContentAsString()).isEqualTo(400);
            assertThat(answer.getResponse().getContentAsString()).contains("\"error\":\"invalid_request\"");
        }
        // Refused before anything else read it, the code still works once.
        assertThat(app.exchange(attempt, new com.nimbusds.oauth2.sdk.AuthorizationCode(code)).indicatesSuccess()).isTrue();
    }
}
