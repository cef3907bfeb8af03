package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import com.nimbusds.oauth2.sdk.token.AccessToken;
import dev.lanyard.team.TeamClient;
import dev.lanyard.team.TestMail;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A member's connected apps page as a browser without JavaScript uses it: revoking an app's access after a confirmation. */
@LanyardSpringTest(database = TestMail.SqliteWithSmtp.class)
class ConnectedAppPagesTest {
    @LocalServerPort
    int port;
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;

    @Test
    void revokingAnAppsAccessAsksFirstNamingTheAppAndTheConfirmationChangesNothing() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        TeamApps apps = new TeamApps(mvc, json, port);
        Member ada = team.admin("ada");
        JsonNode registered = apps.register(ada, "Wiki <team>");
        String appId = registered.path("app").path("id").asString();
        RelyingApp app = apps.app(registered);
        AccessToken access = TeamApps.signIn(app, ada, "openid email offline_access").getOIDCTokens().getAccessToken();
        String confirm = "/settings/apps/" + appId + "/revoke";

        String list = team.perform(team.page(get("/settings/apps"), ada)).getResponse().getContentAsString();
        assertThat(list).contains("href=\"" + confirm + "\"").contains("Revoke access of <bdi>Wiki &lt;team&gt;</bdi>…")
                .doesNotContain("action=\"" + confirm + "\"");
        assertThat(list.replaceAll("\\s+", " ")).as("each of the app's sessions says when it signed in (outside QA AH)")
                .containsPattern("· signed in <time datetime=\"[0-9T:-]+Z\">\\d+ \\w+ \\d{4}, \\d\\d:\\d\\d UTC</time> · active");

        MockHttpServletResponse page = team.perform(team.page(get(confirm), ada)).getResponse();
        assertThat(page.getStatus()).isEqualTo(200);
        assertThat(page.getContentAsString()).contains("Revoke access of <bdi>Wiki &lt;team&gt;</bdi>?")
                .contains(AppClient.SCOPES.get("email")).contains(AppClient.SCOPES.get("offline_access"))
                .contains("Allowed").contains("Last activity").contains("is signed out at once")
                .containsPattern("<dd><time datetime=\"\\d{4}-\\d\\d-\\d\\dT[\\d:]+Z\">[^<]+ UTC</time></dd>") // the browser's zone (re-check AF)
                .contains("stop working on their next use").contains("name=\"_csrf\"").contains("action=\"" + confirm + "\"")
                .contains("href=\"/settings/apps\">Cancel</a>");
        assertThat(app.userInfo(access).indicatesSuccess()).as("opening the confirmation revoked nothing").isTrue();
        assertThat(team.perform(team.page(post(confirm), ada)).getResponse().getStatus()).as("without CSRF").isEqualTo(403);
        assertThat(app.userInfo(access).indicatesSuccess()).isTrue();

        MockHttpServletResponse revoked = team.perform(team.form(post(confirm), ada)).getResponse();
        assertThat(revoked.getRedirectedUrl()).isEqualTo("/settings/apps?done=revoked");
        assertThat(app.userInfo(access).indicatesSuccess()).as("the app's token stops working at once").isFalse();
        assertThat(app.active(access)).isFalse();
        assertThat(team.perform(team.page(get(confirm), ada)).getResponse().getStatus())
                .as("an app no longer connected has nothing to confirm").isEqualTo(404);
    }

    @Test
    void onlyTheMemberWhoConnectedAnAppSeesItsConfirmation() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        TeamApps apps = new TeamApps(mvc, json, port);
        Member ada = team.admin("ada");
        Member mel = team.join(ada, "mel");
        Member oto = team.admin("oto");
        JsonNode registered = apps.register(ada, "Chat");
        String appId = registered.path("app").path("id").asString();
        AccessToken access = TeamApps.signIn(apps.app(registered), ada, "openid").getOIDCTokens().getAccessToken();
        String confirm = "/settings/apps/" + appId + "/revoke";

        assertThat(team.perform(team.page(get(confirm), mel)).getResponse().getStatus()).as("a teammate who did not connect it").isEqualTo(404);
        assertThat(team.perform(team.page(get(confirm), oto)).getResponse().getStatus()).as("another team's admin").isEqualTo(404);
        assertThat(team.perform(team.form(post(confirm), mel)).getResponse().getStatus()).isEqualTo(404);
        assertThat(team.perform(team.form(post(confirm), oto)).getResponse().getStatus()).isEqualTo(404);
        assertThat(team.perform(team.page(get("/settings/apps/app_doesnotexist/revoke"), ada)).getResponse().getStatus()).isEqualTo(404);
        assertThat(apps.app(registered).userInfo(access).indicatesSuccess()).as("no refusal revoked anything").isTrue();
    }

    /**
     * An app authorized from a verified session is verified as that session is; from an unverified one it is not, and the
     * list counts it so (outside QA AH: a grant was unverified for good, a recommendation only revoking the app cleared).
     */
    @Test
    void anAppAuthorizedFromAVerifiedSessionIsVerified() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        TeamApps apps = new TeamApps(mvc, json, port);
        Member ada = team.admin("ada");
        RelyingApp unverifiedApp = apps.app(apps.register(ada, "Notes"));
        RelyingApp verifiedApp = apps.app(apps.register(ada, "Wiki"));

        TeamApps.signIn(unverifiedApp, ada, "openid email");
        jdbc.sql("UPDATE sessions SET verified = 1 WHERE id = :id").param("id", ada.sessionId()).update();
        TeamApps.signIn(verifiedApp, ada, "openid email");

        JsonNode items = team.read(team.perform(team.as(get("/api/v1/sessions"), ada))).path("items");
        java.util.Map<String, Boolean> verified = new java.util.HashMap<>();
        items.forEach(item -> verified.put(item.path("name").asString(), item.path("verified").asBoolean()));
        assertThat(verified).containsEntry("Wiki", true).containsEntry("Notes", false);
    }
}
