package dev.lanyard.account;

import java.time.Instant;
import java.util.Optional;

/** An invitation to join a team, pending until accepted, cancelled or expired. */
public record Invitation(String id, TeamId team, String email, Role role, AccountId invitedBy, Instant createdAt,
                         Instant expiresAt, Optional<Instant> acceptedAt, Optional<Instant> cancelledAt) {

    public boolean pending(Instant now) {
        return acceptedAt.isEmpty() && cancelledAt.isEmpty() && now.isBefore(expiresAt);
    }

    /** "Pending", "Accepted", "Cancelled" or "Expired". */
    public String status(Instant now) {
        if (acceptedAt.isPresent()) return "Accepted";
        if (cancelledAt.isPresent()) return "Cancelled";
        return now.isBefore(expiresAt) ? "Pending" : "Expired";
    }
}
