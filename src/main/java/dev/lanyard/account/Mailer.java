package dev.lanyard.account;

import java.time.Clock;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;

/**
 * Sends mail over SMTP when {@code spring.mail.host} is set. Otherwise (development) it keeps
 * each mail in an outbox that the team's admins can open, and logs that it did — never the body,
 * which can hold a single-use link.
 */
@Component
public class Mailer {
    private static final Logger log = LoggerFactory.getLogger(Mailer.class);

    /** A mail kept in the development outbox. */
    public record Kept(long id, String recipient, String subject, String body, java.time.Instant at) {
    }

    private final ObjectProvider<JavaMailSender> smtp;
    private final JdbcClient jdbc;
    private final MailSettings settings;
    private final Clock clock;

    Mailer(ObjectProvider<JavaMailSender> smtp, JdbcClient jdbc, MailSettings settings, Clock clock) {
        this.smtp = smtp;
        this.jdbc = jdbc;
        this.settings = settings;
        this.clock = clock;
    }

    void send(TeamId team, String to, String subject, String body) {
        JavaMailSender sender = smtp.getIfAvailable();
        if (sender != null) {
            SimpleMailMessage message = new SimpleMailMessage();
            message.setFrom(settings.from());
            message.setTo(to);
            message.setSubject(subject);
            message.setText(body);
            sender.send(message);
            return;
        }
        jdbc.sql("INSERT INTO outbox (team_id, recipient, subject, body, created_at) VALUES (:team, :to, :subject, :body, :at)")
                .param("team", team.value()).param("to", to).param("subject", subject).param("body", body)
                .param("at", clock.instant().toEpochMilli()).update();
        log.info("No SMTP server configured: kept mail “{}” to {} in the outbox (/admin/outbox)", subject, to);
    }

    /** Whether mail goes to the development outbox rather than SMTP. */
    public boolean usesOutbox() {
        return smtp.getIfAvailable() == null;
    }

    /** The team's most recent kept mails, newest first. */
    public List<Kept> outbox(TeamId team, int limit) {
        return jdbc.sql("SELECT id, recipient, subject, body, created_at FROM outbox WHERE team_id = :team ORDER BY id DESC LIMIT :limit")
                .param("team", team.value()).param("limit", limit)
                .query((rs, n) -> new Kept(rs.getLong("id"), rs.getString("recipient"), rs.getString("subject"),
                        rs.getString("body"), java.time.Instant.ofEpochMilli(rs.getLong("created_at"))))
                .list();
    }

    /** The base URL used in links ({@code lanyard.mail.base-url}). */
    String baseUrl() {
        return settings.baseUrl();
    }
}
