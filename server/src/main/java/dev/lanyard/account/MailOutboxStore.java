package dev.lanyard.account;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Mail waiting to be sent over SMTP. A row is added in the transaction of the change that sends it;
 * drainers on any node claim due rows, send them and record the outcome. A claim holds until
 * {@code claimedUntil}, renewed as each mail's turn comes, so a node that dies mid-send lets another retry after that.
 */
interface MailOutboxStore {

    /**
     * A claimed mail; {@code attempts} counts this attempt. {@code validUntil}: when the link it carries expires, after
     * which it is not worth sending; empty for a mail worth sending whenever it goes.
     */
    record Outgoing(long id, TeamId team, String recipient, String subject, String body, int attempts, Optional<Instant> validUntil) {
        /** Whether the link it carries has expired at {@code now}. */
        boolean expiredAt(Instant now) {
            return validUntil.filter(until -> !now.isBefore(until)).isPresent();
        }
    }

    /** What is still to send, for health. */
    record Backlog(long pending, Optional<Instant> oldest, Optional<String> lastError) {
        Backlog withLastError(Optional<String> error) {
            return new Backlog(pending, oldest, error);
        }
    }

    /** A mail as kept for its recipient: never its body. */
    record Addressed(long id, String subject, Instant queuedAt, Optional<Instant> sentAt, Optional<Instant> gaveUpAt) {
    }

    /** A mail given up, and why (its last error, which never holds its body). */
    record Undelivered(long id, String recipient, String subject, Instant queuedAt, Instant gaveUpAt, String reason) {
    }

    /**
     * The team's mails given up, most recently first (the one given up last first among those given up at the same
     * moment): at most {@code limit} of those that come after {@code after} in that order, from the first when empty.
     */
    List<Undelivered> undelivered(TeamId team, int limit, Optional<Mailer.GivenUp> after);

    /** The mail given up most recently, of any team, for health. */
    Optional<Undelivered> lastUndelivered();

    /** Up to {@code limit} of the mails to {@code recipient} with an id above {@code afterId}, in the order of their ids. */
    List<Addressed> to(String recipient, long afterId, int limit);

    /**
     * Adds a mail due at {@code at}, worth sending until {@code validUntil} (when the link it carries expires) or, when
     * that is empty, whenever it goes; returns its id.
     */
    long add(TeamId team, String recipient, String subject, String body, Instant at, Optional<Instant> validUntil);

    /**
     * Claims up to {@code limit} mails that are due at {@code now}, unsent, not given up and not
     * claimed (or whose claim ran out), counting an attempt on each; returns them. Two callers,
     * on any nodes, never get the same mail while its claim holds. {@code claim} must be unique.
     */
    List<Outgoing> claim(String claim, Instant now, Instant claimedUntil, int limit);

    /**
     * Renews {@code claim}'s hold on the mail until {@code claimedUntil}, right before it is sent; returns 1, or 0 if the
     * claim no longer holds it (another claim took it once this one ran out) or it is finished. Safe to repeat.
     */
    int renew(long id, String claim, Instant claimedUntil);

    /** Marks the mail sent and erases its body; returns 1, or 0 if {@code claim} no longer holds it. */
    int sent(long id, String claim, Instant at);

    /** Records a failed attempt and when to try again, releasing the claim; returns 1, or 0 if the claim was lost. */
    int failed(long id, String claim, String error, Instant nextAttempt);

    /** Gives the mail up after its last failed attempt and erases its body; returns 1, or 0 if the claim was lost. */
    int gaveUp(long id, String claim, String error, Instant at);

    Backlog backlog();

    /**
     * Deletes at most {@code limit} of the mails sent or given up before {@code before}, whose recipient, subject and times
     * are kept no longer than the session history (outside review); a mail still to send stays. Returns how many.
     */
    int purgeFinished(Instant before, int limit);
}
