package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

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
import tools.jackson.databind.json.JsonMapper;

/**
 * The Team apps pages as a browser without JavaScript uses them: a refused app's form (registering one, or changing one
 * on its page) says every field at fault at once, each next to its field, marked invalid and described by its message,
 * as the sign-up, API key and team policy forms do (outside UI review: it said the first alone, marking no field, and a
 * redirect URI's error did not say which line); the tables are the other pages' tables, cards on a phone.
 */
@LanyardSpringTest(database = TestMail.SqliteWithSmtp.class)
class TeamAppPagesTest {
    private static final String NOT_ASCII = "A redirect URI holds visible ASCII characters only: percent-encode any other "
            + "character, space included (RFC 3986).";

    @LocalServerPort
    int port;
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;

    @Test
    void aRefusedRegistrationSaysEveryFieldAtFaultNextToItAndARedirectUriByItsLine() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        MockHttpServletResponse refused = team.perform(team.form(post("/admin/apps"), ada).param("name", "")
                .param("description", "Expenses").param("logoUrl", "javascript:alert(1)")
                .param("redirectUris", "https://ok.example/cb\r\nnot a uri").param("type", "public").param("scopes", "openid"))
                .getResponse();

        String page = refused.getContentAsString();
        assertThat(refused.getStatus()).as(page).isEqualTo(400);
        assertThat(page).containsSubsequence("<li>Give the app a name.</li>",
                "<li>The logo URL must be an https URL (http only for localhost).</li>", "<li>Line 2: " + NOT_ASCII + "</li>");
        assertThat(page).containsPattern("id=\"name\"[^>]*aria-invalid=\"true\" aria-describedby=\"name-error\"")
                .contains("<p id=\"name-error\" class=\"field-error\">Give the app a name.</p>")
                .containsPattern("id=\"logoUrl\"[^>]*value=\"javascript:alert\\(1\\)\"[^>]*aria-invalid=\"true\" aria-describedby=\"logoUrl-error\"")
                .contains("<p id=\"logoUrl-error\" class=\"field-error\">The logo URL must be an https URL (http only for localhost).</p>")
                .containsPattern("<textarea id=\"redirectUris\"[^>]*aria-invalid=\"true\" aria-describedby=\"redirectUris-error\">"
                        + "https://ok.example/cb\nnot a uri</textarea>")
                .contains("<p id=\"redirectUris-error\" class=\"field-error\">Line 2: " + NOT_ASCII + "</p>")
                .containsPattern("id=\"description\"[^>]*value=\"Expenses\"[^>]*aria-invalid=\"false\"")
                .doesNotContain("description-error").doesNotContain("scopes-error");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM oauth_clients c JOIN accounts a ON a.team_id = c.team_id WHERE a.id = :id")
                .param("id", ada.accountId()).query(Integer.class).single()).as("nothing registered").isZero();
    }

    /**
     * A type that is neither public nor confidential is refused next to the type, with nothing registered (outside review:
     * "confidentail" registered a public app, with no secret, where the API refuses it).
     */
    @Test
    void aTypeThatIsNeitherPublicNorConfidentialIsRefusedAndRegistersNothing() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        for (String type : new String[] {"confidentail", "", "PUBLIC"}) {
            MockHttpServletResponse refused = team.perform(team.form(post("/admin/apps"), ada).param("name", "Typo App")
                    .param("redirectUris", "http://localhost:9/cb").param("type", type).param("scopes", "openid")).getResponse();

            String page = refused.getContentAsString();
            assertThat(refused.getStatus()).as(page).isEqualTo(400);
            assertThat(page).containsPattern("<fieldset aria-describedby=\"type-error\">\\s*<legend>Type</legend>\\s*"
                    + "<p id=\"type-error\" class=\"field-error\">The type is public or confidential.</p>");
        }
        assertThat(registered(ada)).as("nothing registered").isZero();
    }

    /**
     * A field the form has once, sent twice, is refused naming it, and nothing is registered (outside review: the app was
     * registered as "RepTest,Second"); the scopes, ticked one field each, are several on purpose and pass.
     */
    @Test
    void aFieldSentTwiceIsRefusedWhileTheScopesTickedAreAllTaken() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        MockHttpServletResponse refused = team.perform(team.form(post("/admin/apps"), ada).param("name", "RepTest", "Second")
                .param("redirectUris", "https://wiki.example/cb").param("type", "public").param("scopes", "openid")).getResponse();

        assertThat(refused.getStatus()).as(refused.getContentAsString()).isEqualTo(400);
        assertThat(refused.getContentAsString()).contains("The field “name” was sent more than once");
        assertThat(registered(ada)).as("nothing registered").isZero();

        MockHttpServletResponse done = team.perform(team.form(post("/admin/apps"), ada).param("name", "Wiki")
                .param("redirectUris", "https://wiki.example/cb").param("type", "confidential")
                .param("scopes", "openid", "email", "profile")).getResponse();
        assertThat(done.getStatus()).as(done.getContentAsString()).isEqualTo(302);
        assertThat(jdbc.sql("SELECT scopes FROM oauth_clients c JOIN accounts a ON a.team_id = c.team_id WHERE a.id = :id")
                .param("id", ada.accountId()).query(String.class).single()).contains("openid").contains("email").contains("profile");
    }

    /** An app's name of 51 emoji (102 UTF-16 units) is 51 characters, as a session's name is (outside review). */
    @Test
    void anAppsNameCountsCharactersAsTheOtherNamesDo() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        MockHttpServletResponse done = team.perform(team.form(post("/admin/apps"), ada).param("name", "😀".repeat(51))
                .param("redirectUris", "https://wiki.example/cb").param("type", "public").param("scopes", "openid")).getResponse();

        assertThat(done.getStatus()).as(done.getContentAsString()).isEqualTo(302);
        assertThat(registered(ada)).isEqualTo(1);
    }

    private int registered(Member admin) {
        return jdbc.sql("SELECT COUNT(*) FROM oauth_clients c JOIN accounts a ON a.team_id = c.team_id WHERE a.id = :id")
                .param("id", admin.accountId()).query(Integer.class).single();
    }

    /**
     * The app's own page: its settings refused say each fault too; a redirect URI's line is its line in the form as it
     * comes back, blank lines dropped; and the app is unchanged.
     */
    @Test
    void aRefusedChangeSaysEveryFieldAtFaultByTheLinesOfTheFormAsItComesBack() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        String id = new TeamApps(mvc, json, port).register(ada, "Wiki").path("app").path("id").asString();
        MockHttpServletResponse refused = team.perform(team.form(post("/admin/apps/" + id), ada).param("name", "x".repeat(101))
                .param("redirectUris", "https://a.example/cb\n\n  \nhttps://caf\u00e9.example/cb\nhttps://b.example/cb?code=1")
                .param("scopes", "email")).getResponse();

        String page = refused.getContentAsString();
        assertThat(refused.getStatus()).as(page).isEqualTo(400);
        String query = "Line 3: “https://b.example/cb?code=1” cannot have “code” in its query: Lanyard adds it to every answer it sends there.";
        assertThat(page).containsSubsequence("<li>Use at most 100 characters.</li>", "<li>Line 2: " + NOT_ASCII + "</li>",
                "<li>" + query + "</li>", "<li>Apps sign people in with OpenID Connect: include openid.</li>");
        assertThat(page).containsPattern("id=\"name\"[^>]*value=\"x{101}\"[^>]*aria-invalid=\"true\" aria-describedby=\"name-error\"")
                .contains("<p id=\"redirectUris-error\" class=\"field-error\">Line 2: " + NOT_ASCII + " " + query + "</p>")
                .containsPattern("<textarea id=\"redirectUris\"[^>]*aria-invalid=\"true\" aria-describedby=\"redirectUris-error\">"
                        + "https://a.example/cb\nhttps://caf\u00e9.example/cb\nhttps://b.example/cb\\?code=1</textarea>")
                .containsPattern("<fieldset aria-describedby=\"scopes-error\">\\s*<legend>Scopes it may ask for</legend>\\s*"
                        + "<p id=\"scopes-error\" class=\"field-error\">Apps sign people in with OpenID Connect: include openid.</p>");
        String kept = team.perform(team.page(get("/admin/apps/" + id), ada)).getResponse().getContentAsString();
        assertThat(kept).contains("<h1 dir=\"auto\">Wiki</h1>").doesNotContain("caf\u00e9");
    }

    /**
     * A back-channel logout URI whose host does not resolve is refused on the app's page, over https as over http, with
     * the words an internal name gets, so that the page tells an admin nothing of the server's own network; a host that
     * can never be public is refused with its own reason (outside review: https to a missing name was accepted, and
     * 0x7f000001, 127.0.0.1 spelled in hex, too).
     */
    @Test
    void aBackChannelLogoutUriThatCannotBeSentToIsRefusedNextToItsField() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        String id = new TeamApps(mvc, json, port).register(ada, "Wiki").path("app").path("id").asString();
        String missing = "The host nosuchhost-xyz.invalid does not resolve to a public internet address. Lanyard sends to other "
                + "networks only where its operator lists them in lanyard.signals.private-networks.";
        String numeric = "The back-channel logout URI must name its host by a DNS name or an IP address written the usual way "
                + "(like 93.184.215.14 or [2001:db8::1]).";
        String[][] refusals = {{"https://nosuchhost-xyz.invalid/x", missing}, {"http://nosuchhost-xyz.invalid/x", missing},
                {"https://0x7f000001:18251/", numeric}, {"https://[fe80::1%25lo]:18251/",
                "The back-channel logout URI cannot name a network interface (an IPv6 zone id after %)."}};
        for (String[] refusal : refusals) {
            MockHttpServletResponse refused = team.perform(team.form(post("/admin/apps/" + id), ada).param("name", "Wiki")
                    .param("redirectUris", "http://localhost:9/cb").param("scopes", "openid")
                    .param("backchannelLogoutUri", refusal[0])).getResponse();

            String page = refused.getContentAsString();
            assertThat(refused.getStatus()).as(refusal[0]).isEqualTo(400);
            assertThat(page).as(refusal[0]).containsPattern("id=\"backchannelLogoutUri\"[^>]*aria-invalid=\"true\"")
                    .contains("<p id=\"backchannelLogoutUri-error\" class=\"field-error\">" + refusal[1] + "</p>");
        }
        String kept = team.perform(team.page(get("/admin/apps/" + id), ada)).getResponse().getContentAsString();
        assertThat(kept).doesNotContain("nosuchhost-xyz").doesNotContain("0x7f000001");
    }

    /** The apps list and an app's members who allowed it are the tables of Members and Team sessions: cards on a phone. */
    @Test
    void theAppsTablesAreTheTablesOfTheOtherPages() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        TeamApps apps = new TeamApps(mvc, json, port);
        var registered = apps.register(ada, "Wiki");
        TeamApps.signIn(apps.app(registered), ada, "openid email");

        String list = team.perform(team.page(get("/admin/apps"), ada)).getResponse().getContentAsString();
        assertThat(list).contains("<table class=\"history stacked\">").contains("<td data-label=\"Client ID\"><code>"
                + registered.path("app").path("clientId").asString() + "</code></td>").contains("<td data-label=\"Scopes\">");
        String details = team.perform(team.page(get("/admin/apps/" + registered.path("app").path("id").asString()), ada))
                .getResponse().getContentAsString();
        assertThat(details).contains("<table class=\"history stacked\">")
                .containsPattern("<td class=\"free-text\"><span dir=\"auto\">Ada</span><br><span\\s+class=\"muted\" dir=\"auto\">"
                        + java.util.regex.Pattern.quote(ada.email()) + "</span></td>")
                .contains("<td data-label=\"Scopes\">email, openid</td>").contains("<td data-label=\"Allowed\">");
    }
}
