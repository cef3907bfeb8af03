package dev.lanyard.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.util.Map;

import dev.lanyard.account.TeamId;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.audit.AuditLog;
import dev.lanyard.signin.ResetCalls;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operator's {@code reset-link} (decision 67, addendum), run in-process beside a running server without a mail server,
 * on the database that server made: the link it prints works on the link's page once, and is audited.
 */
@LanyardSpringTest
class ResetLinkCommandTest {

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
    @Autowired
    AuditLog audit;

    ApiClient api;

    @BeforeEach
    void client() {
        api = new ApiClient(mvc, json);
    }

    private CommandRun command(String... arguments) {
        return CommandRun.resetLink(environment, clock, arguments);
    }




    private int count(String table) {
        return jdbc.sql("SELECT COUNT(*) FROM " + table).query(Integer.class).single();
    }

    private TeamId team(ApiClient.Member member) {
        return new TeamId(jdbc.sql("SELECT team_id FROM accounts WHERE id = :id").param("id", member.accountId()).query(String.class).single());
    }

    @Test
    void thePrintedLinkSetsANewPasswordOnceWithoutAMailServerAndEndsEverySession() throws Exception {
        ApiClient.Member ada = api.signUp("ada");
        ApiClient.Member phone = api.logIn(ada);

        CommandRun made = command(ada.email());

        assertThat(made.status()).as(made.err()).isZero();
        String token = made.token();
        assertThat(made.err()).contains("a password reset link for " + ada.email()).doesNotContain(token);
        MvcResult page = mvc.perform(get("/login/reset/" + token)).andReturn();
        assertThat(page.getResponse().getStatus()).isEqualTo(200);
        assertThat(page.getResponse().getContentAsString()).contains(ada.email()).contains("Set new password");
        assertThat(calls().logIn(ada.email(), TestAccounts.PASSWORD)).as("opening the link changes nothing").isEqualTo(201);
        MvcResult differ = calls().reset(token, ResetCalls.NEW_PASSWORD, ResetCalls.NEW_PASSWORD + "!");
        assertThat(differ.getResponse().getStatus()).isEqualTo(400);
        assertThat(calls().reset(token, ada.email(), ada.email()).getResponse().getStatus()).as("sign-up's rules").isEqualTo(400);

        MvcResult done = calls().reset(token, ResetCalls.NEW_PASSWORD, ResetCalls.NEW_PASSWORD);

        assertThat(done.getResponse().getStatus()).isEqualTo(302);
        assertThat(done.getResponse().getRedirectedUrl()).isEqualTo("/login?reset");
        assertThat(calls().sessionsPage(ada)).as("every session ends").isEqualTo(401);
        assertThat(calls().sessionsPage(phone)).isEqualTo(401);
        assertThat(calls().logIn(ada.email(), TestAccounts.PASSWORD)).isEqualTo(401);
        assertThat(calls().logIn(ada.email(), ResetCalls.NEW_PASSWORD)).isEqualTo(201);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM accounts WHERE id = :id AND email_verified_at IS NOT NULL").param("id", ada.accountId())
                .query(Integer.class).single()).as("a link handed over by the operator shows nothing of the mailbox").isZero();
        assertThat(calls().reset(token, "yet another passphrase", "yet another passphrase").getResponse().getStatus())
                .as("a link works once").isEqualTo(410);
        MvcResult used = mvc.perform(get("/login/reset/" + token)).andReturn();
        assertThat(used.getResponse().getStatus()).isEqualTo(410);
        assertThat(used.getResponse().getContentAsString()).contains("Ask whoever runs this Lanyard server").doesNotContain("/login/forgot");
        assertThat(calls().logIn(ada.email(), ResetCalls.NEW_PASSWORD)).isEqualTo(201);
    }

    @Test
    void askingForAMailedLinkIsStillNotFoundWithoutAMailServer() throws Exception {
        ApiClient.Member bob = api.signUp("bob");
        assertThat(command(bob.email()).status()).isZero();

        assertThat(mvc.perform(get("/login")).andReturn().getResponse().getContentAsString()).doesNotContain("/login/forgot");
        assertThat(mvc.perform(get("/login/forgot")).andReturn().getResponse().getStatus()).isEqualTo(404);
        assertThat(mvc.perform(post("/login/forgot").with(csrf()).param("email", bob.email())).andReturn().getResponse().getStatus())
                .isEqualTo(404);
        assertThat(mvc.perform(get("/login/reset/" + "x".repeat(43))).andReturn().getResponse().getStatus())
                .as("only the operator's links have a page without a mail server").isEqualTo(404);
    }

    @Test
    void theLinkIsAuditedAsTheOperatorsAndTheMemberIsToldWithoutTheLink() throws Exception {
        ApiClient.Member cat = api.signUp("cat");
        TeamId team = team(cat);

        String token = command(cat.email()).token();

        var entry = jdbc.sql("""
                SELECT actor_id, actor_email, actor_name, actor_session_id, subject_id, session_id, ip, detail FROM audit_entries
                 WHERE team_id = :team AND action = 'password.reset-link-made'""").param("team", team.value()).query().singleRow();
        assertThat(entry.get("actor_id")).isNull();
        assertThat(entry.get("actor_session_id")).isNull();
        assertThat(entry.get("ip")).isNull();
        assertThat(entry.get("session_id")).isNull();
        assertThat(entry.get("actor_name")).isEqualTo("The server's operator");
        assertThat(entry.get("subject_id")).isEqualTo(cat.accountId());
        assertThat((String) entry.get("detail")).contains("Made a password reset link for " + cat.email()).doesNotContain(token);
        assertThat(audit.verify(team)).as("the chain the command appended to").isInstanceOf(AuditLog.Verification.Intact.class);
        String log = mvc.perform(get("/admin/audit").cookie(cat.cookie()).accept(MediaType.TEXT_HTML)).andReturn().getResponse()
                .getContentAsString();
        assertThat(log).contains("Password reset link made by the server&#39;s operator").contains("The server&#39;s operator");
        var listed = api.read(mvc.perform(get("/api/v1/audit?action=password.reset-link-made").cookie(cat.cookie())).andReturn());
        assertThat(listed.path("items").get(0).path("actor").path("name").asString()).isEqualTo("The server's operator");
        assertThat(listed.path("items").get(0).path("actor").path("id").isNull()).isTrue();
        String notice = jdbc.sql("SELECT subject || ' ' || body FROM outbox WHERE recipient = :to").param("to", cat.email())
                .query(String.class).single();
        assertThat(notice).contains("A password reset link was made for your Lanyard account").contains("by the server's operator")
                .doesNotContain(token).doesNotContain("/login/reset/");

        calls().reset(token, ResetCalls.NEW_PASSWORD, ResetCalls.NEW_PASSWORD);
        assertThat(jdbc.sql("SELECT detail FROM audit_entries WHERE team_id = :team AND action = 'password.reset'")
                .param("team", team.value()).query(String.class).single()).contains("with a link the server's operator made");
        assertThat(audit.verify(team)).isInstanceOf(AuditLog.Verification.Intact.class);
    }

    @Test
    void anUnknownEmailExitsWithOneAndWritesNothing() {
        int resets = count("password_resets");
        int entries = count("audit_entries");
        int mails = count("outbox");

        CommandRun unknown = command(TestAccounts.uniqueEmail("nobody"));

        assertThat(unknown.status()).isEqualTo(1);
        assertThat(unknown.out()).isEmpty();
        assertThat(unknown.err().strip()).startsWith("reset-link: no account has the email").doesNotContain("\n");
        assertThat(count("password_resets")).isEqualTo(resets);
        assertThat(count("audit_entries")).isEqualTo(entries);
        assertThat(count("outbox")).isEqualTo(mails);
    }

    @Test
    void wrongArgumentsExitWithTwo() {
        assertThat(command().status()).as("no email").isEqualTo(2);
        assertThat(command("ada@example.com", "bob@example.com").status()).as("two emails").isEqualTo(2);
        assertThat(command("-x", "ada@example.com").status()).isEqualTo(2);
        CommandRun blank = command(" ");
        assertThat(blank.status()).isEqualTo(2);
        assertThat(blank.err()).contains("Give the account's email address.");
    }

    private ResetCalls calls() {
        return new ResetCalls(mvc, api);
    }
}
