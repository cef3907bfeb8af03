package dev.lanyard.audit;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.TeamId;

/**
 * Which entries of one team's log to read. There is no way to name more than one team.
 *
 * @param own        when present, only entries this account did or that concern it (a member's own activity)
 * @param actorId    only entries by this account
 * @param actorEmail only entries by this email, as it was at the time (also matches failed sign-ins, which have no account)
 * @param action     only entries with this {@link AuditAction#code()}
 * @param from       only entries at or after this instant
 * @param to         only entries before this instant
 */
public record AuditQuery(TeamId team, Optional<AccountId> own, Optional<AccountId> actorId, Optional<String> actorEmail,
                         Optional<String> action, Optional<Instant> from, Optional<Instant> to) {

    public AuditQuery {
        Objects.requireNonNull(team, "team");
        own = Objects.requireNonNullElse(own, Optional.empty());
        actorId = Objects.requireNonNullElse(actorId, Optional.empty());
        actorEmail = Objects.requireNonNullElse(actorEmail, Optional.empty());
        action = Objects.requireNonNullElse(action, Optional.empty());
        from = Objects.requireNonNullElse(from, Optional.empty());
        to = Objects.requireNonNullElse(to, Optional.empty());
    }

    /** Every entry of the team, as verification reads them. */
    public static AuditQuery all(TeamId team) {
        return new AuditQuery(team, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    /** The account's own activity in its team: entries it did or that concern it. */
    public static AuditQuery ownedBy(TeamId team, AccountId account) {
        return new AuditQuery(team, Optional.of(account), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }
}
