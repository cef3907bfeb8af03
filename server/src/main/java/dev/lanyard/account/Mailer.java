package dev.lanyard.account;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import dev.lanyard.geo.GeoLocation;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Sends mail over SMTP when {@code spring.mail.host} is set: the mail is written to the mail
 * outbox in the caller's transaction and {@link MailOutbox} sends it after the commit, with
 * retries, so a slow or dead mail server never holds up or fails the change. Otherwise
 * (development) it keeps each mail in an outbox that the team's admins can open, and logs that
 * it did — never the body, which can hold a single-use link. Where there is no {@link MailOutbox} (the operator's
 * {@code reset-link} command, beside the server) SMTP mail waits in the outbox for the server to send it.
 */
@Component
public class Mailer {
    private static final Logger log = LoggerFactory.getLogger(Mailer.class);
    private static final int PAGE = 1000;

    /**
     * The credit DB-IP's licence asks for wherever its data is shown, as the pages' footer gives it; a mail that names
     * a place found from an address ends with it ({@link #placeCredit}).
     */
    public static final String PLACE_CREDIT = "IP Geolocation by DB-IP (https://db-ip.com)";

    /** {@link #PLACE_CREDIT} on a line of its own after a blank one, or nothing when {@code place} names none. */
    public static String placeCredit(String place) {
        boolean named = place != null && !place.isBlank() && !place.equals(GeoLocation.UNKNOWN_LOCATION)
                && !place.equals(GeoLocation.LOCAL_NETWORK);
        return named ? "\n" + PLACE_CREDIT + "\n" : "";
    }

    /**
     * {@code text} someone chose (a member's or team's name, an address, a key's or passkey's name, a device's description
     * of itself) for a sentence of a mail: between Unicode's first-strong isolate and its pop when it holds right-to-left
     * text, as the audit log's sentences hold it and the pages' {@code <bdi>}. Without them "Hello Ada 🦄 عادل," could read
     * with its comma and the words after it out of place (outside review); a name of left-to-right text reads as ever.
     */
    public static String isolated(String text) {
        return dev.lanyard.FreeText.isolatedIfItTurns(text);
    }

    /** A mail kept in the development outbox. */
    public record Kept(long id, String recipient, String subject, String body, java.time.Instant at) {
    }

    private final ObjectProvider<JavaMailSender> smtp;
    private final JdbcClient jdbc;
    private final MailSettings settings;
    private final MailOutboxStore outboxStore;
    private final ObjectProvider<MailOutbox> outbox;
    private final Clock clock;

    Mailer(ObjectProvider<JavaMailSender> smtp, JdbcClient jdbc, MailSettings settings, MailOutboxStore outboxStore,
           ObjectProvider<MailOutbox> outbox, Clock clock) {
        this.smtp = smtp;
        this.jdbc = jdbc;
        this.settings = settings;
        this.outboxStore = outboxStore;
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * Queues the mail in the caller's transaction (if any); it goes out after the commit. Open to
     * other modules (sign-in alerts) so that all mail goes through the one outbox.
     *
     * @return the mail's id in the SMTP outbox, or empty when it was kept in the development outbox
     */
    public java.util.Optional<Long> send(TeamId team, String to, String subject, String body) {
        return send(team, to, subject, body, Optional.empty());
    }

    /**
     * As {@link #send(TeamId, String, String, String)}, for a mail that carries a link which expires at {@code linkExpiresAt}
     * (a password reset, an invitation, a sign-up's confirmation, a sign-in alert's "This wasn't me"): while the mail
     * server is away it is retried only until then, and then given up, never delivered with a dead link (outside review).
     */
    public java.util.Optional<Long> send(TeamId team, String to, String subject, String body, java.time.Instant linkExpiresAt) {
        return send(team, to, subject, body, Optional.of(linkExpiresAt));
    }

    private java.util.Optional<Long> send(TeamId team, String to, String subject, String body, Optional<java.time.Instant> validUntil) {
        if (smtp.getIfAvailable() != null) {
            long id = outboxStore.add(team, to, subject, body, clock.instant(), validUntil);
            log.info("Queued mail {} “{}” to {}", id, subject, to);
            outbox.ifAvailable(sender -> afterCommit(sender::drainSoon));
            return java.util.Optional.of(id);
        }
        jdbc.sql("INSERT INTO outbox (team_id, recipient, subject, body, created_at) VALUES (:team, :to, :subject, :body, :at)")
                .param("team", team.value()).param("to", to).param("subject", subject).param("body", body)
                .param("at", clock.instant().toEpochMilli()).update();
        log.info("No SMTP server configured: kept mail “{}” to {} in the outbox (/admin/outbox)", subject, to);
        return java.util.Optional.empty();
    }

    private static void afterCommit(Runnable action) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    action.run();
                }
            });
        } else {
            action.run();
        }
    }

    /**
     * A mail to someone as Lanyard keeps it, for its recipient's data export: its subject and times, never its body (a sent
     * mail's is emptied, and one still waiting may hold a single-use link).
     *
     * @param status "sent", "waiting" (to be sent or retried), "given-up" (after its last attempt) or "kept" (in the
     *               development outbox, without a mail server)
     */
    public record Addressed(String subject, java.time.Instant queuedAt, String status, java.util.Optional<java.time.Instant> sentAt) {
    }

    /** Hands every mail kept that was addressed to {@code recipient} to {@code sink}, oldest first in each outbox, a page at a time. */
    public void forEachTo(String recipient, java.util.function.Consumer<Addressed> sink) {
        paged(after -> jdbc.sql("SELECT id, subject, created_at FROM outbox WHERE recipient = :to AND id > :after ORDER BY id LIMIT :limit")
                        .param("to", recipient).param("after", after).param("limit", PAGE)
                        .query((rs, n) -> new MailOutboxStore.Addressed(rs.getLong("id"), rs.getString("subject"),
                                java.time.Instant.ofEpochMilli(rs.getLong("created_at")), java.util.Optional.empty(), java.util.Optional.empty()))
                        .list(),
                m -> sink.accept(new Addressed(m.subject(), m.queuedAt(), "kept", java.util.Optional.empty())));
        paged(after -> outboxStore.to(recipient, after, PAGE), m -> sink.accept(new Addressed(m.subject(), m.queuedAt(),
                m.sentAt().isPresent() ? "sent" : m.gaveUpAt().isPresent() ? "given-up" : "waiting", m.sentAt())));
    }

    /** Reads the pages {@code page} gives after each id, {@link #PAGE} at most each, until a page is not full. */
    private static void paged(java.util.function.LongFunction<List<MailOutboxStore.Addressed>> page,
                              java.util.function.Consumer<MailOutboxStore.Addressed> each) {
        long after = 0;
        List<MailOutboxStore.Addressed> mails;
        do {
            mails = page.apply(after);
            mails.forEach(each);
            if (!mails.isEmpty()) after = mails.get(mails.size() - 1).id();
        } while (mails.size() == PAGE);
    }

    /**
     * Deletes the mails kept in the development outbox before {@code before}, whole bodies and all, and the SMTP outbox's
     * mails sent or given up before then, at most {@code batch} per statement, until none is left (outside review: both
     * were kept forever). Returns how many. Mail still to send over SMTP stays, however old.
     */
    public int forgetMailBefore(java.time.Instant before, int batch) {
        int total = 0;
        int deleted;
        do {
            deleted = jdbc.sql("DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE created_at < :before ORDER BY id LIMIT :limit)")
                    .param("before", before.toEpochMilli()).param("limit", batch).update();
            total += deleted;
        } while (deleted == batch);
        do {
            deleted = outboxStore.purgeFinished(before, batch);
            total += deleted;
        } while (deleted == batch);
        return total;
    }

    /** Whether mail goes to the development outbox rather than SMTP. */
    public boolean usesOutbox() {
        return smtp.getIfAvailable() == null;
    }

    /** The team's most recent kept mails, newest first. */
    public List<Kept> outbox(TeamId team, int limit) {
        return outbox(team, limit, Optional.empty());
    }

    /** The team's kept mails, newest first: at most {@code limit} of those kept before the mail {@code beforeId}, if given. */
    public List<Kept> outbox(TeamId team, int limit, Optional<Long> beforeId) {
        return jdbc.sql("SELECT id, recipient, subject, body, created_at FROM outbox WHERE team_id = :team AND id < :before"
                        + " ORDER BY id DESC LIMIT :limit")
                .param("team", team.value()).param("limit", limit).param("before", beforeId.orElse(Long.MAX_VALUE))
                .query((rs, n) -> new Kept(rs.getLong("id"), rs.getString("recipient"), rs.getString("subject"),
                        rs.getString("body"), java.time.Instant.ofEpochMilli(rs.getLong("created_at"))))
                .list();
    }

    /** A mail sent over SMTP that was given up: its person never got it. */
    public record Undelivered(String recipient, String subject, java.time.Instant queuedAt, java.time.Instant gaveUpAt, String reason,
                              GivenUp position) {
    }

    /** Where a given-up mail is in its team's list, most recently given up first: when, its id breaking ties. */
    public record GivenUp(java.time.Instant at, long id) {
    }

    /**
     * The team's SMTP mails given up, most recently first: at most {@code limit} of those after {@code after} (from the
     * first when empty), so that every one of them can be reached a page at a time (outside review: the 50 most recent were
     * all, and nothing said there were more). The reason is Lanyard's own when it held the mail (an address that needs
     * SMTPUTF8, a link that expired before the mail server took the mail); the mail server's errors stay with whoever runs
     * Lanyard (health), as the members page says.
     */
    public List<Undelivered> undelivered(TeamId team, int limit, Optional<GivenUp> after) {
        return outboxStore.undelivered(team, limit, after).stream().map(m -> new Undelivered(m.recipient(), m.subject(), m.queuedAt(),
                m.gaveUpAt(), SmtpUtf8Sender.heldByLanyard(m.reason()) || MailOutbox.LINK_EXPIRED_REASON.equals(m.reason()) ? m.reason()
                        : "The mail server refused it or could not be reached, at every attempt. Whoever runs Lanyard sees "
                        + "the mail server's error in its health check.", new GivenUp(m.gaveUpAt(), m.id()))).toList();
    }

    /** The base URL used in links ({@code lanyard.mail.base-url}). */
    public String baseUrl() {
        return settings.baseUrl();
    }
}
