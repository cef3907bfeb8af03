package dev.lanyard.account;

import java.time.Instant;

/** A team: the unit of session policy and administration. */
public record Team(TeamId id, String name, Instant createdAt, TeamPolicy policy) {
}
