package dev.lanyard.audit;

import java.util.Optional;

import dev.lanyard.account.AccountEvent;
import dev.lanyard.account.MailTimes;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;

/**
 * Records in the audit log what the server's operator does with a command beside the server (decision 67, addendum):
 * {@code reset-link}'s {@link AccountEvent.ResetLinkMade}, by {@link AuditEntry.Actor#OPERATOR}, with no session and no
 * address. Its team's admins see it with the other entries.
 *
 * <p>Not a component of the server, which publishes no such event: the command's own small context imports it with the
 * audit log, without {@link AuditRecorder}, whose look-ups need the whole server.
 */
@Import({AuditLog.class, JdbcAuditStore.class})
public class OperatorAudit {
    private final AuditLog audit;

    OperatorAudit(AuditLog audit) {
        this.audit = audit;
    }

    @EventListener
    void on(AccountEvent.ResetLinkMade e) {
        audit.record(new AuditEntry.Draft(e.account().team(), e.at(), AuditEntry.Actor.OPERATOR, Optional.of(e.account().id()),
                Optional.empty(), AuditAction.PASSWORD_RESET_LINK_MADE, "Made a password reset link for " + Phrases.email(e.account().email())
                        + ", to hand over outside Lanyard; it works once, until " + MailTimes.utc(e.expiresAt()), Optional.empty()));
    }
}
