package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.util.Base64;
import java.nio.charset.StandardCharsets;

import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What an app's credentials and tokens are good for: a client secret's stored hash is no secret,
 * introspection answers only the token's team, and a refresh token comes with {@code offline_access}.
 */
@LanyardSpringTest
class ClientAndTokenLimitsTest {
    @LocalServerPort
    int port;
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;

    private ApiClient api;
    private TeamApps apps;
    private Member admin;

    @BeforeEach
    void team() throws Exception {
        api = new ApiClient(mvc, json);
        apps = new TeamApps(mvc, json, port);
        admin = api.signUp("admin");
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private MvcResult introspect(String clientId, String secret, AccessToken token) throws Exception {
        return mvc.perform(post("/oauth2/introspect").header("Authorization", basic(clientId, secret))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).param("token", token.getValue())).andReturn();
    }

    private static String id(JsonNode registered) {
        return registered.path("app").path("clientId").asString();
    }

    private static String secret(JsonNode registered) {
        return registered.path("clientSecret").asString();
    }

    @Test
    void theStoredHashOfAClientSecretDoesNotAuthenticateTheApp() throws Exception {
        JsonNode registered = apps.register(admin, "Wiki");
        AccessToken access = TeamApps.signIn(apps.app(registered), admin, "openid").getOIDCTokens().getAccessToken();
        String stored = "lanyard-hashed:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(secret(registered).getBytes(StandardCharsets.UTF_8)));

        assertThat(introspect(id(registered), secret(registered), access).getResponse().getStatus()).isEqualTo(200);
        assertThat(introspect(id(registered), stored, access).getResponse().getStatus()).isEqualTo(401);
        var posted = mvc.perform(post("/oauth2/introspect").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .param("client_id", id(registered)).param("client_secret", stored).param("token", access.getValue())).andReturn();
        assertThat(posted.getResponse().getStatus()).isEqualTo(401);
    }

    @Test
    void anAppOfAnotherTeamLearnsNothingOfATeamsTokens() throws Exception {
        JsonNode wiki = apps.register(admin, "Wiki");
        JsonNode gateway = apps.register(admin, "Gateway");
        AccessToken access = TeamApps.signIn(apps.app(wiki), admin, "openid email").getOIDCTokens().getAccessToken();
        JsonNode spy = apps.register(api.signUp("stranger"), "Spy");

        String own = introspect(id(wiki), secret(wiki), access).getResponse().getContentAsString();
        assertThat(own).contains("\"active\":true", "\"sub\":\"" + admin.accountId() + "\"");
        assertThat(introspect(id(gateway), secret(gateway), access).getResponse().getContentAsString())
                .as("another app of the same team").contains("\"active\":true");
        MvcResult other = introspect(id(spy), secret(spy), access);
        assertThat(other.getResponse().getStatus()).isEqualTo(200);
        assertThat(other.getResponse().getContentAsString()).isEqualTo("{\"active\":false}");
        // Client secret post, which the introspection shortcut leaves to the chain, answers alike.
        var posted = mvc.perform(post("/oauth2/introspect").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .param("client_id", id(spy)).param("client_secret", secret(spy)).param("token", access.getValue())).andReturn();
        assertThat(posted.getResponse().getContentAsString()).isEqualTo("{\"active\":false}");
    }

    @Test
    void aRefreshTokenIsIssuedOnlyWhenTheMemberAllowedOfflineAccess() throws Exception {
        RelyingApp app = apps.app(apps.register(admin, "Wiki"));
        assertThat(TeamApps.signIn(app, admin, "openid profile email").getOIDCTokens().getRefreshToken()).isNull();

        OIDCTokenResponse offline = TeamApps.signIn(app, admin, "openid email offline_access");
        assertThat(offline.getOIDCTokens().getRefreshToken()).isNotNull();
        var refreshed = app.refresh(offline.getOIDCTokens().getRefreshToken());
        assertThat(refreshed.indicatesSuccess()).isTrue();
        assertThat(refreshed.toSuccessResponse().getTokens().getRefreshToken()).isNotNull();

        assertThat(app.provider.getScopes().toStringList()).containsExactlyInAnyOrder("openid", "profile", "email", "offline_access");
    }
}
