package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import dev.lanyard.team.TeamClient;
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
 * A session's name refused on its page: the name field is marked and says why under it, as sign-up's fields do, with
 * what was typed kept to be corrected (outside review, WCAG 3.3.1: the message was said above the page only).
 */
@LanyardSpringTest
class SessionNameWebTest {
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;
    @LocalServerPort
    int port;

    @Test
    void aRefusedNameMarksItsFieldAndSaysWhyUnderIt() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");

        MockHttpServletResponse refused = team.perform(team.form(post("/settings/sessions/" + ada.sessionId() + "/name"), ada)
                .param("name", "x".repeat(101))).getResponse();

        assertThat(refused.getStatus()).isEqualTo(400);
        assertThat(refused.getContentAsString()).contains("value=\"" + "x".repeat(101) + "\"")
                .containsPattern("id=\"name\"[^>]*aria-invalid=\"true\" aria-describedby=\"name-error\"")
                .contains("<p id=\"name-error\" class=\"field-error\">Use a name of at most 100 characters.</p>");
    }
}
