package dev.lanyard.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.util.Map;

import dev.lanyard.account.TestAccounts;
import dev.lanyard.team.TeamClient;
import dev.lanyard.team.TestMail;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.json.JsonMapper;

/**
 * PRODUCT.md S2's "Admin" app type: an admin tool signs in with {@code appType: admin}, and only a team admin's sign-in may
 * (outside QA AH: no sign-in could ever be one). A member's is refused, and no session starts.
 */
@LanyardSpringTest(database = TestMail.SqliteWithSmtp.class)
class AdminAppTypeTest {
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;
    @LocalServerPort
    int port;

    @Test
    void anAdminToolSignsInAsAdminAndAMembersSignInCannot() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        Member mel = team.join(ada, "mel");
        ApiClient api = new ApiClient(mvc, json);

        MockHttpServletResponse admin = logIn(api, ada);
        assertThat(admin.getStatus()).as(admin.getContentAsString()).isEqualTo(201);
        assertThat(json.readTree(admin.getContentAsString()).path("session").path("appType").asString()).isEqualTo("admin");

        int before = sessions(mel);
        MockHttpServletResponse member = logIn(api, mel);
        assertThat(member.getStatus()).isEqualTo(400);
        assertThat(member.getContentType()).isEqualTo("application/problem+json");
        assertThat(member.getContentAsString()).contains("appType admin is for team admins' sign-ins");
        assertThat(sessions(mel)).as("no session made").isEqualTo(before);
    }

    private MockHttpServletResponse logIn(ApiClient api, Member who) throws Exception {
        return mvc.perform(post("/api/v1/login").with(ApiClient.from(ApiClient.newAddress())).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("email", who.email(), "password", TestAccounts.PASSWORD, "tokenType", "bearer",
                        "appType", "admin")))).andReturn().getResponse();
    }

    private int sessions(Member who) {
        return jdbc.sql("SELECT COUNT(*) FROM sessions WHERE account_id = :a").param("a", who.accountId())
                .query(Integer.class).single();
    }
}
