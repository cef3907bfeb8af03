package dev.lanyard.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import dev.lanyard.account.TestAccounts;
import dev.lanyard.signin.ResetCalls;
import dev.lanyard.team.TestMail;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code reset-link} beside a server with a mail server (decision 67, addendum): the notice waits in the mail outbox for
 * the server to send it, and the operator's link is not one of the email's mailed links an hour.
 */
@LanyardSpringTest(database = TestMail.SqliteWithSmtp.class)
class ResetLinkCommandWithMailServerTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    MutableClock clock;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    Environment environment;

    private int ask(String email) throws Exception {
        return mvc.perform(post("/login/forgot").with(csrf()).with(ApiClient.from(TestAccounts.uniqueAddress())).param("email", email))
                .andReturn().getResponse().getStatus();
    }

    @Test
    void theServerMailsTheNoticeWithoutTheLinkAndTheLinkCountsNoMail() throws Exception {
        ApiClient.Member dan = new ApiClient(mvc, json).signUp("dan");

        String token = CommandRun.resetLink(environment, clock, dan.email()).token();

        TestMail.settle();
        TestMail.Mail notice = TestMail.lastMailTo(dan.email());
        assertThat(notice.subject()).isEqualTo("A password reset link was made for your Lanyard account");
        assertThat(notice.body()).contains("by the server's operator").doesNotContain(token).doesNotContain("/login/reset/");
        for (int i = 0; i < 3; i++) assertThat(ask(dan.email())).as("the email's three mailed links an hour").isEqualTo(200);
        assertThat(ask(dan.email())).isEqualTo(429);

        assertThat(new ResetCalls(mvc, new ApiClient(mvc, json)).reset(token, ResetCalls.NEW_PASSWORD, ResetCalls.NEW_PASSWORD)
                .getResponse().getStatus()).isEqualTo(302);
        TestMail.settle();
        assertThat(TestMail.lastMailTo(dan.email()).body()).contains("was reset with a link the server's operator made for you")
                .contains("/login/forgot");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM accounts WHERE id = :id AND email_verified_at IS NOT NULL").param("id", dan.accountId())
                .query(Integer.class).single()).as("the operator's link never went through the mailbox").isZero();
        assertThat(mvc.perform(get("/login/reset/" + token)).andReturn().getResponse().getStatus()).isEqualTo(410);
    }
}
