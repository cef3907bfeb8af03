package dev.lanyard.factors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.lanyard.account.TestAccounts;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turning the authenticator app on and off and regenerating recovery codes are audited like passkey and password changes:
 * with the member's session and the client's address; the mail about an added sign-in method names device and place.
 */
@LanyardSpringTest
class FactorChangesAuditTest {
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    MutableClock clock;

    private List<Map<String, Object>> entries(Member member, String action) {
        return jdbc.sql("SELECT actor_id, actor_session_id, ip FROM audit_entries WHERE subject_id = :a AND action = :action")
                .param("a", member.accountId()).param("action", action).query().listOfRows();
    }

    @Test
    void turningTheAppOnAndOffAndRegeneratingCodesRecordTheSessionAndAddress() throws Exception {
        ApiClient api = new ApiClient(mvc, json);
        TwoFactorClient factors = new TwoFactorClient(mvc, clock);
        Member ria = api.signUp("ria");
        TwoFactorClient.Enrolled enrolled = factors.enrol(ria);
        clock.advance(Duration.ofSeconds(30));
        MvcResult fresh = mvc.perform(post("/settings/security/two-factor/recovery-codes").with(csrf()).with(ria.from()).cookie(ria.cookie())
                .param("password", TestAccounts.PASSWORD).param("code", factors.code(enrolled.seed()))).andReturn();
        assertThat(TwoFactorClient.recoveryCodes(factors.shown(ria, fresh).getResponse().getContentAsString())).hasSize(10);
        clock.advance(Duration.ofSeconds(30));
        MvcResult off = mvc.perform(post("/settings/security/two-factor/disable").with(csrf()).with(ria.from()).cookie(ria.cookie())
                .param("password", TestAccounts.PASSWORD).param("code", factors.code(enrolled.seed()))).andReturn();
        assertThat(off.getResponse().getStatus()).isEqualTo(302);

        for (String action : List.of("account.two-factor-enabled", "account.recovery-codes-regenerated", "account.two-factor-disabled")) {
            assertThat(entries(ria, action)).as(action).singleElement().satisfies(row -> {
                assertThat(row.get("actor_id")).isEqualTo(ria.accountId());
                assertThat(row.get("actor_session_id")).isEqualTo(ria.sessionId());
                assertThat(row.get("ip")).isEqualTo(ria.address());
            });
        }

        String mail = jdbc.sql("SELECT body FROM outbox WHERE recipient = :to AND subject = :subject").param("to", ria.email())
                .param("subject", SignInMethodMail.SUBJECT).query(String.class).single();
        assertThat(mail).contains("Device:").contains("Location:").doesNotContain("Device:   unknown");
    }
}
