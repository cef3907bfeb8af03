package dev.lanyard.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.util.List;
import java.util.Map;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.passkeys.TestPasskeys;
import dev.lanyard.team.TeamClient;
import dev.lanyard.team.TestMail;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.json.JsonMapper;

/**
 * A signed-in member mistyping their own password to confirm a change (add or remove a passkey, create an API key, change
 * the password) is their own failed re-authentication, tied to their session and address: not a failed sign-in as them by
 * "someone without access" (docs/decisions/0066). It still counts towards the sign-in throttle.
 */
@LanyardSpringTest(database = TestMail.SqliteWithSmtp.class)
class ReauthenticationFailureTest {
    private static final String WRONG = "not my password at all";

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ApplicationContext context;
    @LocalServerPort
    int port;

    private List<Map<String, Object>> entries(Member member, String action) {
        return jdbc.sql("""
                SELECT actor_id, actor_session_id, session_id, ip, detail FROM audit_entries
                WHERE subject_id = :a AND action = :action ORDER BY seq""")
                .param("a", member.accountId()).param("action", action).query().listOfRows();
    }

    @Test
    void aWrongPasswordToConfirmAChangeIsTheMembersOwnFailureAndStillThrottled() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        String passkey = TestPasskeys.add(context, new AccountId(ada.accountId()), "Laptop");

        MockHttpServletResponse add = team.perform(team.form(post("/settings/security/passkeys/options"), ada).param("password", WRONG)
                .accept(MediaType.APPLICATION_JSON))
                .getResponse();
        assertThat(add.getStatus()).isEqualTo(400);
        MockHttpServletResponse remove = team.perform(team.form(post("/settings/security/passkeys/" + passkey + "/remove"), ada)
                .param("password", WRONG)).getResponse();
        assertThat(remove.getStatus()).isEqualTo(400);
        MockHttpServletResponse key = team.perform(team.json(post("/api/v1/api-keys"), ada,
                Map.of("password", WRONG, "name", "ci", "scopes", List.of("sessions:read")))).getResponse();
        assertThat(key.getStatus()).isEqualTo(401);
        assertThat(json.readTree(key.getContentAsString()).path("detail").asString()).isEqualTo("The password is incorrect.");
        MockHttpServletResponse change = team.perform(team.json(post("/api/v1/password"), ada,
                Map.of("currentPassword", WRONG, "newPassword", "a brand new passphrase here"))).getResponse();
        assertThat(change.getStatus()).isEqualTo(400);

        assertThat(entries(ada, "account.sign-in-failed")).as("no one failed to sign in as Ada").isEmpty();
        List<Map<String, Object>> failures = entries(ada, "account.reauthentication-failed");
        assertThat(failures).extracting(row -> row.get("detail")).containsExactly("Wrong password given to add a passkey",
                "Wrong password given to remove a passkey", "Wrong password given to create an API key",
                "Wrong password given to change the password");
        assertThat(failures).allSatisfy(row -> {
            assertThat(row.get("actor_id")).isEqualTo(ada.accountId());
            assertThat(row.get("actor_session_id")).isEqualTo(ada.sessionId());
            assertThat(row.get("session_id")).isEqualTo(ada.sessionId());
            assertThat(row.get("ip")).isEqualTo(ada.address());
        });

        // Four failures so far; the sign-in throttle gives five free per email and address, then makes them wait.
        int throttledAfter = 4;
        for (int attempt = 5; attempt <= 12; attempt++) {
            int status = team.perform(team.json(post("/api/v1/api-keys"), ada,
                    Map.of("password", WRONG, "name", "ci", "scopes", List.of("sessions:read")))).getResponse().getStatus();
            if (status == 429) break;
            throttledAfter = attempt;
        }
        assertThat(throttledAfter).as("wrong passwords are throttled like failed sign-ins").isEqualTo(5);
        assertThat(mvc.perform(post("/api/v1/login").with(ada.from()).contentType(MediaType.APPLICATION_JSON)
                        .content(json.writeValueAsString(Map.of("email", ada.email(), "password", TestAccounts.PASSWORD)))).andReturn()
                .getResponse().getStatus()).as("a sign-in from the same address waits too").isEqualTo(429);
    }
}
