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

    /** Accepted or cancelled, whenever that was; otherwise pending until it expires. */
    public InvitationStatus status(Instant now) {
        if (acceptedAt.isPresent()) return InvitationStatus.ACCEPTED;
        if (cancelledAt.isPresent()) return InvitationStatus.CANCELLED;
        return now.isBefore(expiresAt) ? InvitationStatus.PENDING : InvitationStatus.EXPIRED;
    }

    /** Where the invitation is in its team's list, newest first: when it was made, its id breaking ties. */
    public record Position(Instant createdAt, String id) {
    }

    public Position position() {
        return new Position(createdAt, id);
    }

    /** Whether the person may still be waiting for a mail that never came: pending, and its mail given up. */
    public boolean undelivered(Instant now) {
        return pending(now) && mail == MailDelivery.UNDELIVERED;
    }
}
