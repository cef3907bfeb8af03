package dev.lanyard.account;

import dev.lanyard.ops.OutboxHealthReads;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health component {@code mailOutbox}: how much mail waits, why the last attempt failed, and when and why a mail was
 * last given up ({@code lastUndelivered}: after its last attempt, or at once when its address needs SMTPUTF8 that the
 * mail server does not offer, or that a mail sender of the operator's own cannot be asked for, or when the link it
 * carries expired before the mail server accepted it).
 * Always UP: a mail server outage delays mail but breaks nothing this node serves, so it must not
 * take the node out of a load balancer. Operators alert on {@code pending} and {@code oldest}.
 */
@Component("mailOutboxHealthIndicator")
class MailOutboxHealth implements HealthIndicator {
    private final MailOutbox outbox;
    private final Mailer mailer;
    private final OutboxHealthReads reads;

    MailOutboxHealth(MailOutbox outbox, Mailer mailer, OutboxHealthReads reads) {
        this.outbox = outbox;
        this.mailer = mailer;
        this.reads = reads;
    }

    @Override
    public Health health() {
        if (mailer.usesOutbox()) return Health.up().withDetail("smtp", "not configured: mail is kept for /admin/outbox").build();
        return reads.health(() -> {
            MailOutboxStore.Backlog backlog = outbox.backlog();
            Health.Builder health = Health.up().withDetail("pending", backlog.pending());
            backlog.oldest().ifPresent(at -> health.withDetail("oldest", at.toString()));
            backlog.lastError().ifPresent(error -> health.withDetail("lastError", error));
            outbox.lastUndelivered().ifPresent(mail -> health.withDetail("lastUndelivered",
                    java.util.Map.of("at", mail.gaveUpAt().toString(), "reason", mail.reason())));
            return health.build();
        });
    }
}
