package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.options;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.util.List;
import java.util.Map;

import dev.lanyard.web.ApiClient;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.json.JsonMapper;

/** A single-page app registered as a public app calls the token, revocation and userinfo endpoints from its own origin. */
@LanyardSpringTest
class AppCorsTest {
    private static final String SPA = "https://spa-" + System.nanoTime() + ".example.com";
    private static final String SERVER_APP = "https://server-" + System.nanoTime() + ".example.com";

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;

    private void register(ApiClient.Member admin, String name, String type, String redirect) throws Exception {
        MockHttpServletResponse registered = mvc.perform(post("/api/v1/admin/apps").cookie(admin.cookie()).with(admin.from())
                .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(Map.of("name", name,
                        "redirectUris", List.of(redirect), "type", type, "scopes", List.of("openid")))))
                .andReturn().getResponse();
        assertThat(registered.getStatus()).as(registered.getContentAsString()).isEqualTo(201);
    }

    private MockHttpServletResponse preflight(String path, String origin) throws Exception {
        return mvc.perform(options(path).header("Origin", origin).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type")).andReturn().getResponse();
    }

    @Test
    void aPublicAppsOriginMayCallTheTokenEndpointsAndNoOtherOriginMay() throws Exception {
        ApiClient.Member admin = new ApiClient(mvc, json).signUp("admin");
        register(admin, "Board", "public", SPA + "/callback");
        register(admin, "Backend", "confidential", SERVER_APP + "/callback");

        for (String path : List.of("/oauth2/token", "/oauth2/revoke", "/userinfo")) {
            MockHttpServletResponse allowed = preflight(path, SPA);
            assertThat(allowed.getStatus()).as(path).isEqualTo(204);
            assertThat(allowed.getHeader("Access-Control-Allow-Origin")).as(path).isEqualTo(SPA);
            assertThat(allowed.getHeader("Access-Control-Allow-Headers")).contains("Authorization");
            assertThat(allowed.getHeader("Access-Control-Allow-Credentials")).as("never with cookies").isNull();

            for (String other : List.of("https://evil.example", SERVER_APP)) {
                MockHttpServletResponse refused = preflight(path, other);
                assertThat(refused.getStatus()).as(path + " from " + other).isEqualTo(403);
                assertThat(refused.getHeader("Access-Control-Allow-Origin")).isNull();
            }
        }
        // Lanyard served at a path (server.servlet.context-path): the same endpoints under it (decision 81).
        MockHttpServletResponse atAPath = mvc.perform(options(java.net.URI.create("/lanyard/oauth2/token")).contextPath("/lanyard")
                .header("Origin", SPA).header("Access-Control-Request-Method", "POST")).andReturn().getResponse();
        assertThat(atAPath.getStatus()).isEqualTo(204);
        assertThat(atAPath.getHeader("Access-Control-Allow-Origin")).isEqualTo(SPA);
        MockHttpServletResponse token = mvc.perform(post("/oauth2/token").header("Origin", SPA)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).param("grant_type", "authorization_code")).andReturn().getResponse();
        assertThat(token.getStatus()).as("no client: refused").isEqualTo(401);
        assertThat(token.getHeader("Access-Control-Allow-Origin")).as("the app reads the error too").isEqualTo(SPA);
        MockHttpServletResponse foreign = mvc.perform(post("/oauth2/token").header("Origin", "https://evil.example")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).param("grant_type", "authorization_code")).andReturn().getResponse();
        assertThat(foreign.getHeader("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void discoveryAndTheSigningKeysAreReadableFromAnywhere() throws Exception {
        for (String path : List.of("/.well-known/openid-configuration", "/oauth2/jwks")) {
            MockHttpServletResponse read = mvc.perform(get(path).header("Origin", "https://anywhere.example")).andReturn().getResponse();
            assertThat(read.getStatus()).as(path).isEqualTo(200);
            assertThat(read.getHeader("Access-Control-Allow-Origin")).as(path).isEqualTo("*");
        }
        assertThat(mvc.perform(get("/settings/sessions").header("Origin", "https://anywhere.example")).andReturn().getResponse()
                .getHeader("Access-Control-Allow-Origin")).as("nothing else").isNull();
    }
}
