package dev.lanyard.audit;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.TeamId;
import dev.lanyard.session.SessionId;

/**
 * One link of a team's audit chain: what happened, who did it, to whom, and the hashes that tie it
 * to the entry before it ({@link ChainHash}).
 *
 * @param seq     1, 2, 3… within the team, without gaps
 * @param subject the account the entry concerns (whose session, whose role), if any
 * @param session the session it concerns (signed in, revoked, renamed), if any
 * @param action  an {@link AuditAction#code()}; kept as text so that entries of newer versions still read
 * @param detail  what happened, phrased for a person at the time it happened
 * @param ip      the client address the action came from, when known
 */
public record AuditEntry(TeamId team, long seq, Instant at, Actor actor, Optional<AccountId> subject,
                         Optional<SessionId> session, String action, String detail, Optional<String> ip,
                         String prevHash, String hash) {

    public AuditEntry {
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(prevHash, "prevHash");
        Objects.requireNonNull(hash, "hash");
        if (seq < 1) throw new IllegalArgumentException("seq starts at 1");
    }

    /** The hash this entry must have, computed from its content and {@link #prevHash()}. */
    public String expectedHash() {
        return ChainHash.of(this);
    }

    /**
     * Who acted, as they were at the time: their account and name (snapshots, so the entry reads
     * the same after a rename or removal) and the session they acted from. {@link #SYSTEM} is
     * Lanyard itself (expiry); an unknown person has an email but no account (failed sign-in).
     */
    public record Actor(Optional<AccountId> id, String email, String name, Optional<SessionId> session) {
        public static final Actor SYSTEM = new Actor(Optional.empty(), "", "", Optional.empty());

        public Actor {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(session, "session");
            email = Objects.requireNonNullElse(email, "");
            name = Objects.requireNonNullElse(name, "");
        }

        public static Actor of(Account account, Optional<SessionId> session) {
            return new Actor(Optional.of(account.id()), account.email(), account.name(), session);
        }

        public boolean system() {
            return id.isEmpty() && email.isEmpty();
        }
    }

    /** An entry before it is linked into its team's chain: everything but its place and hashes. */
    public record Draft(TeamId team, Instant at, Actor actor, Optional<AccountId> subject, Optional<SessionId> session,
                        AuditAction action, String detail, Optional<String> ip) {
        static final int MAX_DETAIL = 2000;

        public Draft {
            Objects.requireNonNull(team, "team");
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(actor, "actor");
            Objects.requireNonNull(action, "action");
            subject = Objects.requireNonNullElse(subject, Optional.empty());
            session = Objects.requireNonNullElse(session, Optional.empty());
            ip = Objects.requireNonNullElse(ip, Optional.<String>empty()).filter(s -> !s.isEmpty());
            detail = Objects.requireNonNullElse(detail, "");
            if (detail.length() > MAX_DETAIL) detail = detail.substring(0, MAX_DETAIL - 1) + "…";
        }

        /** This draft as entry {@code seq} of the chain, after the entry whose hash is {@code prevHash}. */
        AuditEntry link(long seq, Instant linkedAt, String prevHash) {
            AuditEntry unhashed = new AuditEntry(team, seq, linkedAt, actor, subject, session, action.code(), detail, ip,
                    prevHash, "");
            return new AuditEntry(team, seq, linkedAt, actor, subject, session, action.code(), detail, ip, prevHash,
                    ChainHash.of(unhashed));
        }
    }
}
