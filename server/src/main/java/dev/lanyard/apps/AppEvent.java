package dev.lanyard.apps;

import java.time.Instant;
import java.util.Set;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.TeamId;

/** What happened to apps and consents. Published inside the transaction that made the change. */
public sealed interface AppEvent {
    TeamId team();

    Instant at();

    record Registered(TeamId team, String clientId, String name, AccountId by, Instant at) implements AppEvent {
    }

    record Changed(TeamId team, String clientId, String name, AccountId by, Instant at) implements AppEvent {
    }

    record Deleted(TeamId team, String clientId, String name, AccountId by, Instant at) implements AppEvent {
    }

    record ConsentGiven(TeamId team, String clientId, String name, AccountId member, Set<String> scopes, Instant at)
            implements AppEvent {
    }

    /** A member's consent was revoked, by the member or (for everyone) by an admin. */
    record ConsentRevoked(TeamId team, String clientId, String name, AccountId member, AccountId by, Instant at)
            implements AppEvent {
    }
}
