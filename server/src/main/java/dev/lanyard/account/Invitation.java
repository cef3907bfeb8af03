package dev.lanyard.account;

import java.time.Instant;
import java.util.Optional;

/**
 * An invitation to join a team, pending until accepted, cancelled or expired; {@code mail} is how far the mail with
 * its current link got.
 */
public record Invitation(String id, TeamId team, String email, Role role, AccountId invitedBy, Instant createdAt,
                         Instant expiresAt, Optional<Instant> acceptedAt, Optional<Instant> cancelledAt, MailDelivery mail) {

    public boolean pending(Instant now) {
        return acceptedAt.isEmpty() && cancelledAt.isEmpty() && now.isBefore(expiresAt);
    }

    /** "Pending", "Accepted", "Cancelled" or "Expired". */
    public String status(Instant now) {
        if (acceptedAt.isPresent()) return "Accepted";
        if (cancelledAt.isPresent()) return "Cancelled";
        return now.isBefore(expiresAt) ? "Pending" : "Expired";
    }

    /** Whether the person may still be waiting for a mail that never came: pending, and its mail given up. */
    public boolean undelivered(Instant now) {
        return pending(now) && mail == MailDelivery.UNDELIVERED;
    }
}
