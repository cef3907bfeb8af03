package dev.lanyard.team;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import dev.lanyard.account.TestAccounts;
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
 * Without a mail server (no {@code spring.mail.host}) Lanyard keeps its mail in the outbox: the messages after inviting
 * and after a password change say so, not "sent", and so does the audit log (outside review). With one, {@link InvitationsTest} and
 * {@code PasswordChangeTest} see them say "sent".
 */
@LanyardSpringTest
class WithoutAMailServerTest {
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;
    @LocalServerPort
    int port;

    @Test
    void invitingSaysTheMailIsKeptInTheOutbox() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member admin = team.admin("olive");

        MockHttpServletResponse invited = team.perform(team.form(post("/admin/members/invite"), admin)
                .param("email", TestAccounts.uniqueEmail("kept")).param("role", "MEMBER")).getResponse();
        assertThat(invited.getRedirectedUrl()).isEqualTo("/admin/members?done=invited");

        String page = team.perform(team.page(get(invited.getRedirectedUrl()), admin)).getResponse().getContentAsString();
        assertThat(page).contains("Invitation created. No mail server is configured, so its mail is kept in the outbox.")
                .doesNotContain("Invitation sent");
        assertThat(team.perform(team.page(get("/admin/members?done=resent"), admin)).getResponse().getContentAsString())
                .contains("New invitation link created and kept in the outbox").doesNotContain("Invitation sent again");
    }

    /** The audit log says a mail was kept, as the members page does, never that it was sent (outside review). */
    @Test
    void anInvitationSentAgainIsAuditedAsKeptInTheOutbox() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member admin = team.admin("olive");
        String email = TestAccounts.uniqueEmail("kept-again");
        String id = team.invite(admin, email, "member");

        MockHttpServletResponse resent = team.perform(team.json(post("/api/v1/admin/invitations/" + id + "/resend"), admin, "{}"))
                .getResponse();

        assertThat(resent.getStatus()).as(resent.getContentAsString()).isEqualTo(200);
        assertThat(jdbc.sql("SELECT action || ': ' || detail FROM audit_entries WHERE detail LIKE :email ORDER BY seq")
                .param("email", "%" + email + "%").query(String.class).list()).containsExactly(
                "team.member-invited: Invited " + email + " as member",
                "team.invitation-resent: Made a new link for the invitation of " + email + " (as member); no mail server is"
                        + " configured, so its mail was kept in the outbox; the earlier link no longer works");
    }

    /** Found by an outside review at scale: the outbox showed the team's 50 newest mails, and nothing said there were more. */
    @Test
    void theOutboxGoesOnToOlderMail() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member admin = team.admin("olive");
        String teamId = jdbc.sql("SELECT team_id FROM accounts WHERE id = :id").param("id", admin.accountId()).query(String.class).single();
        for (int i = 1; i <= 51; i++) {
            jdbc.sql("INSERT INTO outbox (team_id, recipient, subject, body, created_at) VALUES (:team, :to, :subject, 'Hello', 0)")
                    .param("team", teamId).param("to", admin.email()).param("subject", "Mail number " + i + ".").update();
        }

        String first = team.perform(team.page(get("/admin/outbox"), admin)).getResponse().getContentAsString();
        String older = team.perform(team.page(get(TeamClient.link(first, "Older mail")), admin)).getResponse().getContentAsString();

        assertThat(mails(first)).isEqualTo(50);
        assertThat(first).contains("Mail number 51.").doesNotContain("Mail number 1.");
        assertThat(older).contains("Mail number 1.").doesNotContain("Mail number 51.", "Older mail");
    }

    private static int mails(String page) {
        return page.split("<pre class=\"mail\">", -1).length - 1;
    }

    @Test
    void aPasswordChangeSaysItsMailIsKeptNotSent() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member olive = team.admin("olive");

        MockHttpServletResponse changed = team.perform(team.form(post("/settings/security/password"), olive)
                .param("currentPassword", TestAccounts.PASSWORD).param("newPassword", "a much longer new passphrase")
                .param("signOutOthers", "true")).getResponse();
        assertThat(changed.getRedirectedUrl()).isEqualTo("/settings/security?done=password-changed");

        String page = team.perform(team.page(get(changed.getRedirectedUrl()), olive)).getResponse().getContentAsString();
        assertThat(page).contains("Your password was changed.")
                .contains("No mail server is configured, so the email about the change was not sent: it is kept in your team&#39;s outbox.")
                .doesNotContain("We sent you an email");
    }
}
