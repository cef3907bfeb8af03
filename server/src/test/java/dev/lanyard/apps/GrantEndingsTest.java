package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * How an app's grant that no person ended reads in the member's history and the audit log: revoked by the app itself,
 * or ended because a used token came back (a possible theft), never "Revoked by you" (outside review S).
 */
@LanyardSpringTest
class GrantEndingsTest {
    @LocalServerPort
    int port;
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ConsentStore consents;
    @Autowired
    GrantCleanup cleanup;
    @Autowired
    dev.lanyard.testsupport.MutableClock clock;
    @Autowired
    dev.lanyard.web.OpenApiContract contract;

    private ApiClient api;
    private TeamApps apps;
    private Member admin;

    @BeforeEach
    void team() throws Exception {
        api = new ApiClient(mvc, json);
        apps = new TeamApps(mvc, json, port);
        admin = api.signUp("admin");
    }

    private static String sid(OIDCTokenResponse tokens) throws Exception {
        return SignedJWT.parse(tokens.getOIDCTokens().getIDTokenString()).getJWTClaimsSet().getStringClaim("sid");
    }

    /** The end reason the member's history gives the session {@code sid}. */
    private String endReason(String sid) throws Exception {
        JsonNode history = api.read(mvc.perform(get("/api/v1/sessions/history").cookie(admin.cookie()).with(admin.from())).andReturn());
        for (JsonNode s : history.path("items")) if (s.path("id").asString().equals(sid)) return s.path("endReason").asString();
        throw new AssertionError("not in the history: " + history);
    }

    private String historyPage() throws Exception {
        return mvc.perform(get("/settings/sessions/history").cookie(admin.cookie()).with(admin.from()).accept(MediaType.TEXT_HTML))
                .andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
    }

    private List<String> audit(String action, String app) {
        return jdbc.sql("SELECT detail FROM audit_entries WHERE action = :action ORDER BY seq").param("action", action)
                .query(String.class).list().stream().filter(detail -> detail.contains(app)).toList();
    }

    private static String unique(String name) {
        return name + " " + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aGrantTheAppRevokedReadsRevokedByTheApp() throws Exception {
        String name = unique("Notes");
        RelyingApp app = apps.app(apps.register(admin, name));
        OIDCTokenResponse tokens = TeamApps.signIn(app, admin, OAuthFlowTest.OFFLINE);
        assertThat(app.revoke(tokens.getOIDCTokens().getRefreshToken())).isEqualTo(200);

        assertThat(endReason(sid(tokens))).isEqualTo("app-revoked");
        assertThat(historyPage()).contains("Revoked by the app").doesNotContain("Revoked by you");
        assertThat(audit("session.ended-by-app", name)).hasSize(1);
        assertThat(audit("session.revoked", name)).isEmpty();
    }

    /**
     * RP-initiated logout: whoever holds an ID token may send the link, so the grant reads ended by the app (history, audit,
     * CAEP's initiating entity {@code system}), never "Revoked by you"; the browser session that authorized it, signed out
     * by the same request, reads signed out.
     */
    @Test
    void aGrantTheAppSignedOutReadsSignedOutByTheApp() throws Exception {
        String name = unique("Forum");
        RelyingApp app = apps.app(apps.register(admin, name));
        Member browser = api.logIn(admin);
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        OIDCTokenResponse tokens = app.exchange(attempt, app.code(attempt, app.signIn(attempt, TeamApps.cookie(browser))));
        java.net.URI logout = new com.nimbusds.openid.connect.sdk.LogoutRequest(app.provider.getEndSessionEndpointURI(),
                tokens.getOIDCTokens().getIDToken(), null, null).toURI();

        assertThat(app.browse(logout, TeamApps.cookie(browser)).statusCode()).isEqualTo(302);

        assertThat(endReason(sid(tokens))).isEqualTo("app-signed-out");
        assertThat(endReason(browser.sessionId())).as("the browser's own Lanyard session").isEqualTo("signed-out");
        assertThat(historyPage()).contains("Signed out by the app").doesNotContain("Revoked by you");
        assertThat(audit("session.signed-out-by-app", name)).as("its own action (outside re-check AF)").singleElement().asString()
                .contains("logout endpoint");
        assertThat(audit("session.ended-by-app", name)).isEmpty();
        assertThat(audit("session.revoked", name)).isEmpty();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_entries WHERE action = 'session.signed-out-by-app' AND session_id = :sid"
                + " AND actor_id IS NULL").param("sid", sid(tokens)).query(Long.class).single()).as("no member as the actor").isEqualTo(1);
    }

    /** Sent with no Lanyard session in the browser (no member there at all), the grant ends the same way. */
    @Test
    void aGrantSignedOutWithNobodySignedInReadsSignedOutByTheApp() throws Exception {
        String name = unique("Tracker");
        RelyingApp app = apps.app(apps.register(admin, name));
        OIDCTokenResponse tokens = TeamApps.signIn(app, admin, "openid");
        java.net.URI logout = new com.nimbusds.openid.connect.sdk.LogoutRequest(app.provider.getEndSessionEndpointURI(),
                tokens.getOIDCTokens().getIDToken(), null, null).toURI();

        assertThat(app.browse(logout, null).statusCode()).isEqualTo(302);

        assertThat(endReason(sid(tokens))).isEqualTo("app-signed-out");
        assertThat(audit("session.signed-out-by-app", name)).hasSize(1);
        assertThat(audit("session.revoked", name)).isEmpty();
    }

    /** The connected apps API tells an app's active sessions from its ended ones, as the page does ("· ended"). */
    @Test
    void connectedAppsListTheirActiveAndEndedSessionsApart() throws Exception {
        String name = unique("Drive");
        RelyingApp app = apps.app(apps.register(admin, name));
        String ended = sid(TeamApps.signIn(app, admin, "openid"));
        String active = sid(TeamApps.signIn(app, admin, "openid"));
        int status = mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete("/api/v1/sessions/" + ended)
                .cookie(admin.cookie()).with(admin.from())).andReturn().getResponse().getStatus();
        assertThat(status).isIn(200, 204);

        JsonNode connected = api.read(mvc.perform(get("/api/v1/apps").cookie(admin.cookie()).with(admin.from())).andReturn());
        JsonNode drive = null;
        for (JsonNode c : connected) if (c.path("app").path("name").asString().equals(name)) drive = c;
        assertThat(drive).as(connected.toString()).isNotNull();
        assertThat(drive.path("sessionIds").toString()).as("active only").contains(active).doesNotContain(ended);
        assertThat(drive.path("sessionIds")).hasSize(1);
        assertThat(drive.path("endedSessionIds")).hasSize(1);
        assertThat(drive.path("endedSessionIds").get(0).asString()).isEqualTo(ended);
    }

    /**
     * The member's copy of their data says an app's sessions as {@code GET /api/v1/apps} does: before, its sessionIds
     * listed ended sessions as the app's own (outside review).
     */
    @Test
    void theDataExportListsAnAppsActiveAndEndedSessionsApartAsTheAppsApiDoes() throws Exception {
        String name = unique("Wiki");
        RelyingApp app = apps.app(apps.register(admin, name));
        String ended = sid(TeamApps.signIn(app, admin, "openid"));
        String active = sid(TeamApps.signIn(app, admin, "openid"));
        int status = mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete("/api/v1/sessions/" + ended)
                .cookie(admin.cookie()).with(admin.from())).andReturn().getResponse().getStatus();
        assertThat(status).isIn(200, 204);

        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/account/export"))
                .header("Cookie", TeamApps.cookie(admin)).GET().build();
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient()
                .send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        contract.check(request, null, response);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode wiki = null;
        for (JsonNode a : json.readTree(response.body()).path("apps")) if (a.path("name").asString().equals(name)) wiki = a;
        assertThat(wiki).as(response.body()).isNotNull();
        assertThat(wiki.path("sessionIds")).as("active only").hasSize(1);
        assertThat(wiki.path("sessionIds").get(0).asString()).isEqualTo(active);
        assertThat(wiki.path("endedSessionIds")).hasSize(1);
        assertThat(wiki.path("endedSessionIds").get(0).asString()).isEqualTo(ended);
    }

    @Test
    void aReplayedRefreshTokenEndsTheGrantAsAPossibleTheft() throws Exception {
        String name = unique("Calendar");
        RelyingApp app = apps.app(apps.register(admin, name));
        OIDCTokenResponse tokens = TeamApps.signIn(app, admin, OAuthFlowTest.OFFLINE);
        RefreshToken first = tokens.getOIDCTokens().getRefreshToken();
        assertThat(app.refresh(first).indicatesSuccess()).isTrue();
        assertThat(app.refresh(first).indicatesSuccess()).isFalse();

        assertThat(endReason(sid(tokens))).isEqualTo("token-reused");
        assertThat(historyPage()).contains("a used token was presented again").contains("stolen").doesNotContain("Revoked by you");
        assertThat(audit("session.token-reused", name)).singleElement().asString().contains("stolen");
    }

    @Test
    void aReplayedCodeEndsTheGrantAsAPossibleTheft() throws Exception {
        String name = unique("Board");
        RelyingApp app = apps.app(apps.register(admin, name));
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        AuthorizationCode code = app.code(attempt, app.signIn(attempt, TeamApps.cookie(admin)));
        OIDCTokenResponse tokens = app.exchange(attempt, code);
        assertThat(app.token(new AuthorizationCodeGrant(code, app.redirect, attempt.verifier())).indicatesSuccess()).isFalse();

        assertThat(endReason(sid(tokens))).isEqualTo("token-reused");
        assertThat(app.active(tokens.getOIDCTokens().getAccessToken())).isFalse();
        assertThat(audit("session.token-reused", name)).hasSize(1);
    }

    @Test
    void narrowingAnAppsScopesEndsTheGrantsHoldingARemovedOneAndAsksTheMemberAgain() throws Exception {
        String name = unique("Mail");
        JsonNode registered = apps.register(admin, name);
        RelyingApp app = apps.app(registered);
        OIDCTokenResponse withEmail = TeamApps.signIn(app, admin, OAuthFlowTest.OFFLINE);
        OIDCTokenResponse withoutEmail = TeamApps.signIn(app, admin, "openid offline_access");

        String id = registered.path("app").path("id").asString();
        var changed = mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put("/api/v1/admin/apps/" + id)
                .cookie(admin.cookie()).with(admin.from()).contentType(MediaType.APPLICATION_JSON)
                .content(json.writeValueAsString(java.util.Map.of("name", name, "redirectUris", List.of(OAuthFlowTest.REDIRECT),
                        "type", "confidential", "scopes", List.of("openid", "profile", "offline_access"))))).andReturn();
        assertThat(changed.getResponse().getStatus()).as(changed.getResponse().getContentAsString()).isEqualTo(200);

        assertThat(endReason(sid(withEmail))).isEqualTo("app-changed");
        assertThat(app.refresh(withEmail.getOIDCTokens().getRefreshToken()).indicatesSuccess()).isFalse();
        assertThat(app.userInfo(withEmail.getOIDCTokens().getAccessToken()).indicatesSuccess()).isFalse();
        // A grant that holds none of the removed scopes goes on.
        assertThat(app.refresh(withoutEmail.getOIDCTokens().getRefreshToken()).indicatesSuccess()).isTrue();
        assertThat(consents.find(id, admin.accountId()).orElseThrow().scopes()).doesNotContain("email").contains("openid", "profile");
        assertThat(audit("session.app-changed", name)).hasSize(1);
    }

    /** The app's grant sessions of the member still listed as active. */
    private List<String> activeSessionsOf(String app) throws Exception {
        JsonNode list = api.read(mvc.perform(get("/api/v1/sessions").cookie(admin.cookie()).with(admin.from())).andReturn());
        List<String> ids = new java.util.ArrayList<>();
        for (JsonNode s : list.path("items")) if (s.path("name").asString().equals(app)) ids.add(s.path("id").asString());
        return ids;
    }

    @Test
    void aCodeNeverExchangedEndsItsSessionOnceItExpired() throws Exception {
        String name = unique("Abandoned");
        RelyingApp app = apps.app(apps.register(admin, name));
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        app.code(attempt, app.signIn(attempt, TeamApps.cookie(admin)));
        List<String> phantom = activeSessionsOf(name);
        assertThat(phantom).hasSize(1);

        cleanup.endUnredeemed();
        assertThat(activeSessionsOf(name)).as("a code still good keeps its session").hasSize(1);
        clock.advance(java.time.Duration.ofMinutes(2));
        cleanup.endUnredeemed();

        assertThat(activeSessionsOf(name)).isEmpty();
        assertThat(endReason(phantom.get(0))).isEqualTo("code-unused");
    }

    @Test
    void aCodeExchangedKeepsItsSessionPastTheCodesLifetime() throws Exception {
        String name = unique("Used");
        RelyingApp app = apps.app(apps.register(admin, name));
        OIDCTokenResponse tokens = TeamApps.signIn(app, admin, "openid");
        clock.advance(java.time.Duration.ofMinutes(2));
        cleanup.endUnredeemed();
        assertThat(activeSessionsOf(name)).containsExactly(sid(tokens));
    }
}
