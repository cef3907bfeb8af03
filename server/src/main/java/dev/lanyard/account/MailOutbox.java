package dev.lanyard.account;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Sends the mail of the outbox over SMTP, never inside the transaction that wrote it: right after
 * that commit (on a thread of its own, so the request does not wait), at start-up, and every
 * {@code lanyard.mail.retry-interval}. A failed attempt is retried later with a doubling delay and
 * recorded (attempts, last error); after {@code max-attempts} the mail is given up, and so is a mail whose link expired
 * before it could be sent ({@link #LINK_EXPIRED_REASON}). Nodes claim mail
 * before sending it, so two nodes never send the same mail at once.
 *
 * <p>An address with characters outside ASCII before the @ goes out in UTF-8 with SMTPUTF8 (RFC 6531,
 * {@link SmtpUtf8Sender}); when the mail server does not offer SMTPUTF8, or the mail sender is the operator's own and
 * cannot be asked, the mail is given up at once, with that reason, never sent without it (decision 73). Every other
 * address is sent as before.
 *
 * <p>Neither the log nor the recorded error ever holds a mail's body, which can carry a single-use link.
 */
@Component
public class MailOutbox {
    private static final Logger log = LoggerFactory.getLogger(MailOutbox.class);
    private static final int BATCH = 10;
    private static final int MAX_BATCHES_PER_DRAIN = 100;
    /** application.yml's {@code mail.smtp.connectiontimeout}: the claim's when a mail sender sets none. */
    static final Duration SMTP_CONNECTION = Duration.ofSeconds(5);
    /**
     * application.yml's {@code mail.smtp.timeout} and {@code mail.smtp.writetimeout}, the longest wait for one read or write:
     * the claim's when a mail sender sets neither.
     */
    static final Duration SMTP_EXCHANGE = Duration.ofSeconds(10);
    /** The reads and writes of one send: greeting, EHLO, STARTTLS and EHLO again, AUTH, MAIL, RCPT, DATA, the message, its answer, QUIT. */
    static final int SMTP_EXCHANGES = 12;
    /** Room to spare on top of one send's timeouts. */
    private static final Duration CLAIM_SPARE = Duration.ofSeconds(25);
    /**
     * How long a claim holds a mail with application.yml's timeouts (2 min 30 s): see {@link #claimFor}. It was 10 minutes,
     * for a whole batch: a security notice could arrive that late after a crash (outside review).
     */
    static final Duration CLAIM = claim(SMTP_CONNECTION, SMTP_EXCHANGE);

    /**
     * What the outbox records for a mail whose link expired before the mail server accepted it (decision 67's hour of a
     * reset link, an invitation's 7 days): it is given up, not delivered with a link that only says it has expired.
     */
    static final String LINK_EXPIRED_REASON = "Not sent: its link expired before the mail server accepted it, so the mail "
            + "would have carried a dead link. Whoever needs the link asks for a new one (an admin resends an invitation).";

    private final MailOutboxStore store;
    private final ObjectProvider<JavaMailSender> smtp;
    private final MailSettings settings;
    private final Clock clock;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "lanyard-mail-outbox");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean queued = new AtomicBoolean();
    private final SecureRandom random = new SecureRandom();

    MailOutbox(MailOutboxStore store, ObjectProvider<JavaMailSender> smtp, MailSettings settings, Clock clock) {
        this.store = store;
        this.smtp = smtp;
        this.settings = settings;
        this.clock = clock;
    }

    /** Drains on the outbox's thread soon; calls while one is already queued add nothing. */
    public void drainSoon() {
        if (!queued.compareAndSet(false, true)) return;
        sender.execute(() -> {
            queued.set(false);
            try {
                drain();
            } catch (RuntimeException e) {
                log.warn("Could not drain the mail outbox; will try again: {}", e.toString());
            }
        });
    }

    @EventListener(ApplicationReadyEvent.class)
    void drainAtStart() {
        drainSoon();
    }

    @Scheduled(fixedDelayString = "${lanyard.mail.retry-interval:30s}", initialDelayString = "${lanyard.mail.retry-interval:30s}")
    void drainOnSchedule() {
        drainSoon();
    }

    /** Sends every mail due now, in batches; returns how many were sent. One drain at a time per node. */
    public synchronized int drain() {
        JavaMailSender server = smtp.getIfAvailable();
        if (server == null) return 0;
        Duration holds = claimFor(server);
        int sent = 0;
        for (int batch = 0; batch < MAX_BATCHES_PER_DRAIN; batch++) {
            Instant now = clock.instant();
            String claim = HexFormat.of().formatHex(bytes());
            List<MailOutboxStore.Outgoing> due = store.claim(claim, now, now.plus(holds), BATCH);
            if (due.isEmpty()) break;
            for (MailOutboxStore.Outgoing mail : due) {
                // A send slower than the claim (the mail server's answers each near their timeout) let it run out, and
                // another node claimed this mail meanwhile: it sends it, this node does not.
                if (store.renew(mail.id(), claim, clock.instant().plus(holds)) == 0) continue;
                if (mail.expiredAt(clock.instant())) {
                    hold(mail, claim, LINK_EXPIRED_REASON, "its link expired at " + mail.validUntil().get() + " before the mail server accepted it");
                    continue;
                }
                if (send(server, mail, claim)) sent++;
            }
        }
        return sent;
    }

    /**
     * How long a claim holds a mail that {@code server} sends: longer than one send can take with the SMTP timeouts it
     * was given ({@code spring.mail.properties}, or a JNDI session's own), with room to spare. Each mail's claim is renewed
     * as its turn in the batch comes, so a batch may take longer, and a node that dies leaves its mail to the others, or to
     * itself after a restart, within this long. Made of constants that mirrored application.yml, an operator who raised
     * the timeouts got a claim shorter than one send, and a second node could send the same mail again (outside review).
     *
     * <p>A timeout that is not set, not a whole number of milliseconds or not positive (which Angus Mail reads as no
     * limit, which no claim can cover) counts as application.yml's; so does each of them for a mail sender of the
     * operator's own, whose settings cannot be read.
     */
    static Duration claimFor(JavaMailSender server) {
        if (!(server instanceof JavaMailSenderImpl spring)) return CLAIM;
        Properties session = spring.getSession().getProperties();
        // Angus Mail reads mail.smtps.* for smtps, mail.smtp.* for smtp.
        String prefix = "mail." + Objects.requireNonNullElse(spring.getProtocol(), "smtp") + ".";
        Duration read = timeout(session, prefix + "timeout", SMTP_EXCHANGE);
        Duration write = timeout(session, prefix + "writetimeout", SMTP_EXCHANGE);
        return claim(timeout(session, prefix + "connectiontimeout", SMTP_CONNECTION), read.compareTo(write) >= 0 ? read : write);
    }

    private static Duration claim(Duration connection, Duration exchange) {
        return connection.plus(exchange.multipliedBy(SMTP_EXCHANGES)).plus(CLAIM_SPARE);
    }

    /** The timeout {@code name} in milliseconds, as Angus Mail reads it (a whole number), or {@code otherwise}. */
    private static Duration timeout(Properties session, String name, Duration otherwise) {
        Object value = session.get(name);
        if (value == null) return otherwise;
        try {
            int millis = Integer.parseInt(value.toString().strip());
            return millis > 0 ? Duration.ofMillis(millis) : otherwise;
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private boolean send(JavaMailSender server, MailOutboxStore.Outgoing mail, String claim) {
        String to = EmailRule.forSending(mail.recipient());
        try {
            SimpleMailMessage message = new SimpleMailMessage();
            message.setFrom(settings.from());
            message.setTo(to);
            message.setSubject(mail.subject());
            message.setText(mail.body());
            if (EmailRule.needsSmtpUtf8(to)) {
                Optional<SmtpUtf8Sender> utf8 = SmtpUtf8Sender.like(server);
                if (utf8.isEmpty()) return hold(mail, claim, SmtpUtf8Sender.CANNOT_TELL_REASON, "the mail sender is not Spring's, "
                        + "and Lanyard cannot tell whether it sends with SMTPUTF8, which its address needs");
                utf8.get().send(message);
            } else {
                server.send(message);
            }
        } catch (RuntimeException e) {
            if (SmtpUtf8Sender.notOffered(e)) return hold(mail, claim, SmtpUtf8Sender.NOT_OFFERED_REASON,
                    "the mail server does not offer SMTPUTF8, which its address needs");
            String error = describe(e, mail.body());
            Instant now = clock.instant();
            if (mail.attempts() >= settings.maxAttempts()) {
                store.gaveUp(mail.id(), claim, error, now);
                log.error("Gave up mail {} to {} after {} attempts: {}", mail.id(), mail.recipient(), mail.attempts(), error);
            } else {
                Instant next = now.plus(settings.retryDelay(mail.attempts()));
                store.failed(mail.id(), claim, error, next);
                log.warn("Could not send mail {} to {} (attempt {}); will retry at {}: {}", mail.id(), mail.recipient(),
                        mail.attempts(), next, error);
            }
            return false;
        }
        if (store.sent(mail.id(), claim, clock.instant()) == 0) {
            log.warn("Sent mail {} after its claim ran out; another node may send it again", mail.id());
        }
        return true;
    }

    /**
     * Gives up a mail whose address needs SMTPUTF8 that the mail server does not offer, or that Lanyard cannot ask for
     * (a mail sender of the operator's own): trying again would meet the same sender, and sending it without SMTPUTF8
     * could deliver it to another mailbox; or a mail whose link expired before it was sent. It shows as undelivered, with
     * {@code reason}.
     */
    private boolean hold(MailOutboxStore.Outgoing mail, String claim, String reason, String logged) {
        store.gaveUp(mail.id(), claim, reason, clock.instant());
        log.warn("Did not send mail {} to {}: {}", mail.id(), mail.recipient(), logged);
        return false;
    }

    /** The failure's causes, without anything of the body and without link tokens, shortened. */
    static String describe(Throwable e, String body) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = e; t != null && out.length() < 1000; t = t.getCause() == t ? null : t.getCause()) {
            if (!out.isEmpty()) out.append(" <- ");
            out.append(t.getClass().getSimpleName());
            if (t.getMessage() != null) out.append(": ").append(t.getMessage().lines().findFirst().orElse(""));
        }
        String text = out.toString();
        if (!body.isEmpty()) text = text.replace(body, "[body]");
        text = LinkTokens.redact(text);
        return text.length() > 500 ? text.substring(0, 500) + "…" : text;
    }

    private byte[] bytes() {
        byte[] b = new byte[12];
        random.nextBytes(b);
        return b;
    }

    /** What is left to send, for health. */
    MailOutboxStore.Backlog backlog() {
        return store.backlog();
    }

    /** The mail given up most recently, for health. */
    Optional<MailOutboxStore.Undelivered> lastUndelivered() {
        return store.lastUndelivered();
    }

    @PreDestroy
    void stop() {
        sender.shutdownNow();
    }
}
