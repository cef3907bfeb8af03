package dev.lanyard.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
import tools.jackson.databind.json.JsonMapper;

/** The API keys pages as a browser without JavaScript uses them: create, the secret once, list, details and chart, revoke. */
@LanyardSpringTest(database = TestMail.SqliteWithSmtp.class)
class ApiKeyPagesTest {
    private static final Pattern SECRET = Pattern.compile("value=\"(lyk_[0-9A-Za-z]{49})\"");

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;
    @LocalServerPort
    int port;

    @Test
    void createShowsTheSecretOnceThenListsDetailsWithAChartAndRevokes() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        MockHttpServletResponse created = team.perform(team.form(post("/settings/api-keys"), ada)
                .param("name", "Nightly <report>").param("scopes", "sessions:read").param("expires", "30")).getResponse();
        assertThat(created.getStatus()).isEqualTo(200);
        assertThat(created.getHeader(HttpHeaders.CACHE_CONTROL)).contains("no-store");
        Matcher secret = SECRET.matcher(created.getContentAsString());
        assertThat(secret.find()).as("the secret is on the page").isTrue();
        String key = secret.group(1);
        assertThat(created.getContentAsString()).contains("Nightly &lt;report&gt;").doesNotContain("Nightly <report>");

        team.perform(get("/api/v1/sessions/current").header(HttpHeaders.AUTHORIZATION, "Bearer " + key));
        String list = team.perform(team.page(get("/settings/api-keys"), ada)).getResponse().getContentAsString();
        assertThat(list).contains("Nightly &lt;report&gt;").contains(key.substring(0, 12) + "…").doesNotContain(key)
                .contains("sessions:read");
        String id = jdbc.sql("SELECT session_id FROM api_keys WHERE prefix = :p").param("p", key.substring(0, 12)).query(String.class).single();

        String sessions = team.perform(team.page(get("/settings/sessions"), ada)).getResponse().getContentAsString();
        assertThat(sessions).as("the key is among the sessions, as app type API").contains("Nightly &lt;report&gt;").contains("API");

        String details = team.perform(team.page(get("/settings/api-keys/" + id), ada)).getResponse().getContentAsString();
        assertThat(details).contains("<svg").contains("role=\"img\"").contains("UTC: 1 request</title>")
                .contains("<table class=\"usage-table\">").contains("1 requests in the last 24 hours").doesNotContain(key);

        MockHttpServletResponse revoked = team.perform(team.form(post("/settings/api-keys/" + id + "/revoke"), ada)).getResponse();
        assertThat(revoked.getRedirectedUrl()).isEqualTo("/settings/api-keys?done=revoked");
        assertThat(team.perform(get("/api/v1/sessions/current").header(HttpHeaders.AUTHORIZATION, "Bearer " + key))
                .getResponse().getStatus()).isEqualTo(401);
        assertThat(team.perform(team.page(get("/settings/api-keys"), ada)).getResponse().getContentAsString())
                .doesNotContain("Nightly &lt;report&gt;");
    }

    @Test
    void aMemberCannotOfferTheAdminScopeNorOpenAnotherMembersKey() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        Member mel = team.join(ada, "mel");
        String page = team.perform(team.page(get("/settings/api-keys"), mel)).getResponse().getContentAsString();
        assertThat(page).doesNotContain("value=\"admin\"");
        MockHttpServletResponse refused = team.perform(team.form(post("/settings/api-keys"), mel)
                .param("name", "x").param("scopes", "admin")).getResponse();
        assertThat(refused.getStatus()).isEqualTo(403);
        MockHttpServletResponse noName = team.perform(team.form(post("/settings/api-keys"), mel).param("scopes", "sessions:read")).getResponse();
        assertThat(noName.getStatus()).isEqualTo(400);
        assertThat(noName.getContentAsString()).contains("Give the key a name");

        MockHttpServletResponse created = team.perform(team.form(post("/settings/api-keys"), ada)
                .param("name", "ada's").param("scopes", "sessions:read")).getResponse();
        Matcher secret = SECRET.matcher(created.getContentAsString());
        assertThat(secret.find()).isTrue();
        String id = jdbc.sql("SELECT session_id FROM api_keys WHERE prefix = :p").param("p", secret.group(1).substring(0, 12)).query(String.class).single();
        assertThat(team.perform(team.page(get("/settings/api-keys/" + id), mel)).getResponse().getStatus()).isEqualTo(404);
        assertThat(team.perform(team.form(post("/settings/api-keys/" + id + "/revoke"), mel)).getResponse().getStatus()).isEqualTo(404);
    }
}
