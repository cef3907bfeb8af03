package dev.lanyard.account;

import java.time.Instant;

/**
 * A team: the unit of session policy and administration.
 *
 * @param membersSeeSessions whether members may view their session list (PRODUCT.md T5); when not,
 *                           they still see their current session and can log out
 */
public record Team(TeamId id, String name, Instant createdAt, TeamPolicy policy, boolean membersSeeSessions) {
    public Team(TeamId id, String name, Instant createdAt, TeamPolicy policy) {
        this(id, name, createdAt, policy, true);
    }
}
