package dev.lanyard.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.lanyard.team.TestMail;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.LanyardSpringTest;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.json.JsonMapper;

/**
 * A mail sender of the operator's own (a {@link JavaMailSender} bean that is not Spring's {@code JavaMailSenderImpl})
 * cannot be asked whether it sends with SMTPUTF8 (decision 73, addendum): mail to an address with characters outside
 * ASCII before the @ is held, and the outbox page and health say that Lanyard cannot tell, not that a server refused.
 * ASCII mail goes to that sender as always.
 */
@LanyardSpringTest(database = TestMail.SqliteWithLateSmtp.class)
class OwnMailSenderTest {
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    MutableClock clock;
    @Autowired
    MailOutboxStore store;
    @Autowired
    MailSettings settings;
    @Autowired
    Mailer mailer;
    @Autowired
    ApplicationContext context;

    /** A sender that is not Spring's: records what it is handed. */
    static final class OwnSender implements JavaMailSender {
        final List<String> sentTo = new CopyOnWriteArrayList<>();

        @Override
        public void send(SimpleMailMessage... messages) {
            for (SimpleMailMessage message : messages) sentTo.addAll(List.of(message.getTo()));
        }

        @Override
        public MimeMessage createMimeMessage() {
            throw new UnsupportedOperationException();
        }

        @Override
        public MimeMessage createMimeMessage(InputStream contentStream) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void send(MimeMessage... mimeMessages) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void mailThatNeedsSmtpUtf8IsHeldSayingLanyardCannotTellWhetherTheSenderSendsIt() throws Exception {
        ApiClient.Member ada = new ApiClient(mvc, json).signUp("ada");
        TeamId team = new TeamId(jdbc.sql("SELECT team_id FROM accounts WHERE id = :id").param("id", ada.accountId()).query(String.class).single());
        String unique = TestAccounts.uniqueEmail("x").split("@")[0];
        String soren = "søren+" + unique + "@exämple.dk";
        String ascii = TestAccounts.uniqueEmail("plain");
        // Due only on this outbox's clock, days ahead, so the server's own outbox (and its sender) never claims them.
        Clock later = Clock.fixed(clock.instant().plus(Duration.ofDays(3)), ZoneOffset.UTC);
        store.add(team, soren, "Join the team", "https://lanyard.example/invite/t0ken", later.instant(), java.util.Optional.empty());
        store.add(team, ascii, "Join the team", "https://lanyard.example/invite/t0ken2", later.instant(), java.util.Optional.empty());
        OwnSender own = new OwnSender();
        MailOutbox outbox = new MailOutbox(store, new StaticListableBeanFactory(Map.of("own", own)).getBeanProvider(JavaMailSender.class),
                settings, later);

        outbox.drain();

        assertThat(own.sentTo).containsExactly(ascii);
        assertThat(mailer.undelivered(team, 10, java.util.Optional.empty())).singleElement().satisfies(held -> {
            assertThat(held.recipient()).isEqualTo(soren);
            assertThat(held.reason()).isEqualTo(SmtpUtf8Sender.CANNOT_TELL_REASON)
                    .contains("cannot tell whether the mail sender it was given").doesNotContain("does not offer");
        });
        var health = ((HealthIndicator) context.getBean("mailOutboxHealthIndicator")).health();
        assertThat(String.valueOf(health.getDetails().get("lastUndelivered"))).contains("cannot tell").doesNotContain("does not offer");
    }
}
