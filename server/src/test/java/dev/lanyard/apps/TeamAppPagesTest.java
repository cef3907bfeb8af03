package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import dev.lanyard.team.TeamClient;
import dev.lanyard.team.TestMail;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Team apps pages as a browser without JavaScript uses them: the tables are the other pages' tables, cards on a phone
 * (outside UI review: an unstyled table whose Scopes were cut off at 390 px).
 */
@LanyardSpringTest(database = TestMail.SqliteWithSmtp.class)
class TeamAppPagesTest {
    @LocalServerPort
    int port;
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;

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
