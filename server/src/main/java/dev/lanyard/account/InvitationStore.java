package dev.lanyard.account;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Persistence of invitations. Tokens are stored as their SHA-256 only. */
interface InvitationStore {
    void insert(Invitation invitation, String tokenHash);

    Optional<Invitation> find(String id, TeamId team);

    /** The invitation whose token has this hash, in whatever state. */
    Optional<Invitation> findByTokenHash(String tokenHash);

    /**
     * The team's invitations whose status at {@code now} is one of {@code statuses}, newest first: at most {@code limit}
     * of those after {@code after} (from the newest, when empty).
     */
    List<Invitation> recent(TeamId team, Set<InvitationStatus> statuses, Instant now, int limit, Optional<Invitation.Position> after);

    /** How many of the team's invitations are pending at {@code now}: neither accepted, cancelled nor expired. */
    int countPending(TeamId team, Instant now);

    /** Whether the team has a pending, unexpired invitation to {@code email} other than {@code exceptId} ("" for none). */
    boolean pendingTo(TeamId team, String email, Instant now, String exceptId);

    /** Replaces the token and expiry of a pending invitation (resend); returns 1 or 0. */
    int renew(String id, TeamId team, String tokenHash, Instant expiresAt, Instant now);

    /** The team's invitations that {@code inviter} sent and that are still pending at {@code now}. */
    List<Invitation> pendingFrom(AccountId inviter, TeamId team, Instant now);

    /** Cancels a pending invitation; returns 1, or 0 if it is no longer pending. Safe to repeat. */
    int cancel(String id, TeamId team, Instant at);

    /** Cancels the team's other invitations to {@code email} that are not accepted or cancelled (its person joined). */
    int cancelOthersTo(TeamId team, String email, String acceptedId, Instant at);

    /** Notes the outbox mail that carries the invitation's current link (empty: kept in the development outbox). */
    void noteMail(String id, TeamId team, Optional<Long> mailId);

    /**
     * Notes an invitation mail of {@code team} sent at {@code at}, forgetting the team's older than {@code since},
     * and returns how many it sent from {@code since} on before this one. Called with the team locked.
     */
    int countMailAndNote(TeamId team, Instant since, Instant at);

    /** When the oldest of the team's invitation mails from {@code since} on was sent, if any. */
    Optional<Instant> oldestMailSince(TeamId team, Instant since);

    /** Marks a pending, unexpired invitation accepted; returns 1, or 0 if it cannot be used (single use). */
    int accept(String id, Instant at);
}
