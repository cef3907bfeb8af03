package dev.lanyard.risk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import dev.lanyard.account.Account;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.session.AppType;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.Sessions;
import dev.lanyard.team.TestMail;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Sign-in alerts with a mail server: the alert is mailed, and the audit log says it was emailed. Without one,
 * {@link SignInAlertsWebTest} sees it kept in the outbox, and the audit log says so.
 */
@LanyardSpringTest(database = TestMail.SqliteWithSmtp.class)
class SignInAlertsWithAMailServerTest {
    @Autowired
    Sessions sessions;
    @Autowired
    Accounts accounts;
    @Autowired
    MutableClock clock;
    @Autowired
    JdbcClient jdbc;

    @Test
    void anAlertHandedToTheMailServerIsAuditedAsEmailed() {
        Account alice = accounts.signUp(TestAccounts.alice());
        sessions.start(new NewSession(alice.id(), SuspiciousSessionsWebTest.FIREFOX_IN_MADRID, AppType.WEB, false));
        clock.advance(Duration.ofHours(2));

        sessions.start(new NewSession(alice.id(), SuspiciousSessionsWebTest.CHROME_IN_BERLIN, AppType.WEB, false));

        assertThat(TestMail.mailsTo(alice.email())).singleElement().extracting(TestMail.Mail::subject)
                .isEqualTo("New sign-in to your Lanyard account");
        assertThat(jdbc.sql("SELECT detail FROM audit_entries WHERE team_id = :team AND action = 'session.sign-in-alert-sent'")
                .param("team", alice.team().value()).query(String.class).list())
                .containsExactly("Emailed " + alice.email() + " about the new sign-in on Chrome 131 on macOS 14");
    }
}
