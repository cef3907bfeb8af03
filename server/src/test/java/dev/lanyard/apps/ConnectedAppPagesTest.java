package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.oauth2.sdk.token.AccessToken;
import dev.lanyard.team.TeamClient;
import dev.lanyard.team.TestMail;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A member's connected apps page as a browser without JavaScript uses it: revoking an app's access after a confirmation;
 * and an admin registering an app, its secret handed over once.
 */
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
     * Registering an app on the admin page answers with a redirect to the page that shows a confidential app's secret
     * once, to the browser session that registered it ({@code SecretHandover}, as a new API key): the page reloaded, or
     * opened in another tab or by another admin, registers no second app and shows the secret no more (outside review:
     * the POST answered with the page, and a reload registered a second app with a new secret).
     */
    @Test
    void registeringAnAppRedirectsSoAReloadRegistersNoSecondAppAndTheSecretIsShownOnce() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        Member ben = team.join(ada, "ben", "admin");
        Member mel = team.join(ada, "mel");
        Member oto = team.admin("oto");
        MockHttpServletResponse posted = team.perform(team.form(post("/admin/apps"), ada).param("name", "Wiki <team>")
                .param("redirectUris", "https://wiki.example.com/cb").param("type", "confidential").param("scopes", "openid", "email"))
                .getResponse();
        assertThat(posted.getStatus()).as(posted.getContentAsString()).isEqualTo(302);
        assertThat(posted.getRedirectedUrl()).matches("/admin/apps/app_[A-Za-z0-9_-]+/registered");
        assertThat(posted.getContentAsString()).doesNotContain("lcs_");
        String registered = posted.getRedirectedUrl();
        String appId = registered.split("/")[3];
        assertThat(registeredApps(ada)).isEqualTo(1);

        for (Member other : List.of(ben, mel, oto)) {
            MockHttpServletResponse theirs = team.perform(team.page(get(registered), other).cookie(posted.getCookies())).getResponse();
            assertThat(theirs.getStatus()).as(other.email()).isEqualTo(other == ben ? 200 : other == mel ? 403 : 404);
            assertThat(theirs.getContentAsString()).as("the secret goes to the browser session that registered the app only")
                    .doesNotContain("lcs_");
        }
        MockHttpServletResponse shown = team.perform(team.page(get(registered), ada).cookie(posted.getCookies())).getResponse();
        assertThat(shown.getStatus()).isEqualTo(200);
        assertThat(shown.getHeader(HttpHeaders.CACHE_CONTROL)).contains("no-store");
        Matcher secret = Pattern.compile("id=\"client-secret\">(lcs_[A-Za-z0-9_-]+)<").matcher(shown.getContentAsString());
        assertThat(secret.find()).as(shown.getContentAsString()).isTrue();
        String clientId = jdbc.sql("SELECT client_id FROM oauth_clients WHERE id = :id").param("id", appId).query(String.class).single();
        assertThat(shown.getContentAsString()).contains("<bdi>Wiki &lt;team&gt;</bdi> is registered").contains(clientId)
                .contains("Copy the client secret now");
        assertThat(introspectionStatus(clientId, secret.group(1))).as("the secret shown is the app's").isEqualTo(200);
        assertThat(introspectionStatus(clientId, "lcs_wrong")).isEqualTo(401);

        MockHttpServletResponse reloaded = team.perform(team.page(get(registered), ada).cookie(posted.getCookies())).getResponse();
        assertThat(reloaded.getStatus()).isEqualTo(200);
        assertThat(reloaded.getContentAsString()).doesNotContain("lcs_").contains(clientId).contains("is shown only once")
                .contains("delete this app and register it again");
        assertThat(registeredApps(ada)).as("reloading registered nothing").isEqualTo(1);

        // A public app has no secret: its page shows the client id, reloaded as often as one likes.
        MockHttpServletResponse publicApp = team.perform(team.form(post("/admin/apps"), ada).param("name", "Mobile")
                .param("redirectUris", "https://mobile.example.com/cb").param("type", "public").param("scopes", "openid")).getResponse();
        assertThat(publicApp.getRedirectedUrl()).matches("/admin/apps/app_[A-Za-z0-9_-]+/registered");
        assertThat(publicApp.getCookies()).as("nothing to hand over").isEmpty();
        String page = team.perform(team.page(get(publicApp.getRedirectedUrl()), ada)).getResponse().getContentAsString();
        assertThat(page).contains("<bdi>Mobile</bdi> is registered").contains("id=\"client-id\"").doesNotContain("client-secret")
                .doesNotContain("shown only once");
        assertThat(registeredApps(ada)).isEqualTo(2);

        // A refused registration comes back as the form with its error: nothing was registered, so nothing to redirect to.
        MockHttpServletResponse refused = team.perform(team.form(post("/admin/apps"), ada).param("name", "")
                .param("redirectUris", "https://x.example.com/cb").param("type", "confidential").param("scopes", "openid")).getResponse();
        assertThat(refused.getStatus()).isEqualTo(400);
        assertThat(refused.getRedirectedUrl()).isNull();
        assertThat(registeredApps(ada)).isEqualTo(2);
    }

    private int registeredApps(Member admin) {
        return jdbc.sql("SELECT COUNT(*) FROM oauth_clients c JOIN accounts a ON a.team_id = c.team_id WHERE a.id = :id")
                .param("id", admin.accountId()).query(Integer.class).single();
    }

    /** The status of an introspection request authenticated with {@code clientId} and {@code secret}: 401 for a wrong secret. */
    private int introspectionStatus(String clientId, String secret) throws Exception {
        String basic = java.util.Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/oauth2/introspect"))
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("token=unknown")).build();
        return java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
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
