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
 * @param ip      the client address the action came from, when known; once older than the address
 *                retention, only its network ({@code 83.45.123.0/24}, PRODUCT.md D6)
 * @param version the {@link ChainHash} encoding of {@code hash}: 1 for entries written before addresses
 *                could be reduced (its hash covers the full address), 2 for those written until 6to4 addresses
 *                were reduced to their IPv4 /24, 3 since ({@link ChainHash})
 * @param seal    in versions 2 and 3, the commitment to the full address and, while it is kept, its salt
 */
public record AuditEntry(TeamId team, long seq, Instant at, Actor actor, Optional<AccountId> subject,
                         Optional<SessionId> session, String action, String detail, Optional<String> ip,
                         String prevHash, String hash, int version, Optional<Seal> seal) {

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
        Objects.requireNonNull(seal, "seal");
        if (seq < 1) throw new IllegalArgumentException("seq starts at 1");
        if (version < 1 || version > 3) throw new IllegalArgumentException("unknown hash version " + version);
    }

    /** A version 1 entry, as every entry was before addresses could be reduced. */
    public AuditEntry(TeamId team, long seq, Instant at, Actor actor, Optional<AccountId> subject, Optional<SessionId> session,
                      String action, String detail, Optional<String> ip, String prevHash, String hash) {
        this(team, seq, at, actor, subject, session, action, detail, ip, prevHash, hash, 1, Optional.empty());
    }

    /**
     * How a version 2 or 3 entry holds its address: {@code commit} is SHA-256(salt ‖ address) in hex and is
     * covered by the hash; {@code salt} (16 random bytes in hex) is kept with the full address and
     * removed with it, after which the commitment reveals nothing that could be tried against it.
     */
    public record Seal(String commit, Optional<String> salt) {
        public Seal {
            Objects.requireNonNull(commit, "commit");
            Objects.requireNonNull(salt, "salt");
        }
    }

    /** The hash this entry must have, computed from its content and {@link #prevHash()}. */
    public String expectedHash() {
        return ChainHash.of(this);
    }

    /**
     * Whether the address is the one the hash was sealed with: in versions 2 and 3, a full address must match
     * its commitment and salt, and without its salt only its network may be left. Version 1 has no seal.
     */
    public boolean addressSealed() {
        return ChainHash.sealHolds(this);
    }

    /**
     * Who acted, as they were at the time: their account and name (snapshots, so the entry reads
     * the same after a rename or removal) and the session they acted from. {@link #SYSTEM} is
     * Lanyard itself (expiry); an unknown person has an email but no account (failed sign-in); {@link #OPERATOR}, who runs
     * the server, has only a name (a command run beside the server).
     */
    public record Actor(Optional<AccountId> id, String email, String name, Optional<SessionId> session) {
        public static final Actor SYSTEM = new Actor(Optional.empty(), "", "", Optional.empty());
        public static final Actor OPERATOR = new Actor(Optional.empty(), "", "The server's operator", Optional.empty());

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
            return id.isEmpty() && email.isEmpty() && name.isEmpty();
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

        /**
         * This draft as entry {@code seq} of the chain, after the entry whose hash is {@code prevHash}:
         * hashed with version 3, its address sealed with a fresh salt.
         */
        AuditEntry link(long seq, Instant linkedAt, String prevHash) {
            Optional<Seal> seal = ip.map(ChainHash::seal);
            AuditEntry unhashed = new AuditEntry(team, seq, linkedAt, actor, subject, session, action.code(), detail, ip,
                    prevHash, "", 3, seal);
            return new AuditEntry(team, seq, linkedAt, actor, subject, session, action.code(), detail, ip, prevHash,
                    ChainHash.of(unhashed), 3, seal);
        }
    }
}
