package dev.lanyard.account;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class JdbcInvitationStore implements InvitationStore {
    /** An invitation with how far its mail got (the outbox keeps every mail's row; its body only until it is finished). */
    private static final String SELECT = """
            SELECT i.id, i.team_id, i.email, i.role, i.invited_by, i.created_at, i.expires_at, i.accepted_at, i.cancelled_at,
                   i.mail_id, m.sent_at AS mail_sent_at, m.given_up_at AS mail_given_up_at, CASE WHEN m.last_error IS NULL THEN 0 ELSE 1 END AS mail_failed
              FROM invitations i LEFT JOIN mail_outbox m ON m.id = i.mail_id
            """;

    private final JdbcClient jdbc;

    JdbcInvitationStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void insert(Invitation i, String tokenHash) {
        jdbc.sql("""
                INSERT INTO invitations (id, team_id, email, role, token_hash, invited_by, created_at, expires_at)
                VALUES (:id, :team, :email, :role, :hash, :by, :created, :expires)
                """)
                .param("id", i.id()).param("team", i.team().value()).param("email", i.email())
                .param("role", i.role().name()).param("hash", tokenHash).param("by", i.invitedBy().value())
                .param("created", i.createdAt().toEpochMilli()).param("expires", i.expiresAt().toEpochMilli())
                .update();
    }

    @Override
    public Optional<Invitation> find(String id, TeamId team) {
        return jdbc.sql(SELECT + " WHERE i.id = :id AND i.team_id = :team")
                .param("id", id).param("team", team.value()).query((rs, n) -> invitation(rs)).optional();
    }

    @Override
    public Optional<Invitation> findByTokenHash(String tokenHash) {
        return jdbc.sql(SELECT + " WHERE i.token_hash = :hash")
                .param("hash", tokenHash).query((rs, n) -> invitation(rs)).optional();
    }

    @Override
    public List<Invitation> recent(TeamId team, Set<InvitationStatus> statuses, Instant now, int limit,
                                   Optional<Invitation.Position> after) {
        if (statuses.isEmpty()) return List.of();
        String keyset = after.isPresent() ? " AND (i.created_at < :at OR (i.created_at = :at AND i.id < :afterId))" : "";
        String which = statuses.containsAll(EnumSet.allOf(InvitationStatus.class)) ? ""
                : statuses.stream().map(JdbcInvitationStore::condition).collect(Collectors.joining(" OR ", " AND (", ")"));
        var spec = jdbc.sql(SELECT + " WHERE i.team_id = :team" + which + keyset + " ORDER BY i.created_at DESC, i.id DESC LIMIT :limit")
                .param("team", team.value()).param("limit", limit).param("now", now.toEpochMilli());
        if (after.isPresent()) spec = spec.param("at", after.get().createdAt().toEpochMilli()).param("afterId", after.get().id());
        return spec.query((rs, n) -> invitation(rs)).list();
    }

    /** The rows of invitations with this status at {@code :now}, as {@link Invitation#status} reads one. */
    private static String condition(InvitationStatus status) {
        return switch (status) {
            case PENDING -> "(i.accepted_at IS NULL AND i.cancelled_at IS NULL AND i.expires_at > :now)";
            case ACCEPTED -> "i.accepted_at IS NOT NULL";
            case CANCELLED -> "(i.accepted_at IS NULL AND i.cancelled_at IS NOT NULL)";
            case EXPIRED -> "(i.accepted_at IS NULL AND i.cancelled_at IS NULL AND i.expires_at <= :now)";
        };
    }

    @Override
    public int countPending(TeamId team, Instant now) {
        return jdbc.sql("SELECT COUNT(*) FROM invitations i WHERE i.team_id = :team AND " + condition(InvitationStatus.PENDING))
                .param("team", team.value()).param("now", now.toEpochMilli()).query(Integer.class).single();
    }

    @Override
    public boolean pendingTo(TeamId team, String email, Instant now, String exceptId) {
        return jdbc.sql("""
                SELECT COUNT(*) FROM invitations
                WHERE team_id = :team AND email = :email AND accepted_at IS NULL AND cancelled_at IS NULL AND expires_at > :now
                  AND id <> :except
                """)
                .param("team", team.value()).param("email", email).param("now", now.toEpochMilli()).param("except", exceptId)
                .query(Integer.class).single() > 0;
    }

    @Override
    public List<Invitation> pendingFrom(AccountId inviter, TeamId team, Instant now) {
        return jdbc.sql(SELECT + """
                 WHERE i.team_id = :team AND i.invited_by = :by AND i.accepted_at IS NULL AND i.cancelled_at IS NULL
                   AND i.expires_at > :now
                """)
                .param("team", team.value()).param("by", inviter.value()).param("now", now.toEpochMilli())
                .query((rs, n) -> invitation(rs)).list();
    }

    @Override
    public int renew(String id, TeamId team, String tokenHash, Instant expiresAt, Instant now) {
        return jdbc.sql("""
                UPDATE invitations SET token_hash = :hash, expires_at = :expires
                WHERE id = :id AND team_id = :team AND accepted_at IS NULL AND cancelled_at IS NULL
                """)
                .param("hash", tokenHash).param("expires", expiresAt.toEpochMilli())
                .param("id", id).param("team", team.value()).update();
    }

    @Override
    public void noteMail(String id, TeamId team, Optional<Long> mailId) {
        jdbc.sql("UPDATE invitations SET mail_id = :mail WHERE id = :id AND team_id = :team")
                .param("mail", mailId.orElse(null), java.sql.Types.BIGINT).param("id", id).param("team", team.value()).update();
    }

    @Override
    public int countMailAndNote(TeamId team, Instant since, Instant at) {
        jdbc.sql("DELETE FROM invitation_mails WHERE team_id = :team AND sent_at < :since")
                .param("team", team.value()).param("since", since.toEpochMilli()).update();
        int sent = jdbc.sql("SELECT COUNT(*) FROM invitation_mails WHERE team_id = :team")
                .param("team", team.value()).query(Integer.class).single();
        jdbc.sql("INSERT INTO invitation_mails (team_id, sent_at) VALUES (:team, :at)")
                .param("team", team.value()).param("at", at.toEpochMilli()).update();
        return sent;
    }

    @Override
    public Optional<Instant> oldestMailSince(TeamId team, Instant since) {
        return jdbc.sql("SELECT sent_at FROM invitation_mails WHERE team_id = :team AND sent_at >= :since ORDER BY sent_at LIMIT 1")
                .param("team", team.value()).param("since", since.toEpochMilli()).query(Long.class).optional().map(Instant::ofEpochMilli);
    }

    @Override
    public int cancel(String id, TeamId team, Instant at) {
        return jdbc.sql("""
                UPDATE invitations SET cancelled_at = :at
                WHERE id = :id AND team_id = :team AND accepted_at IS NULL AND cancelled_at IS NULL
                """)
                .param("at", at.toEpochMilli()).param("id", id).param("team", team.value()).update();
    }

    @Override
    public int cancelOthersTo(TeamId team, String email, String acceptedId, Instant at) {
        return jdbc.sql("""
                UPDATE invitations SET cancelled_at = :at
                WHERE team_id = :team AND email = :email AND id <> :accepted AND accepted_at IS NULL AND cancelled_at IS NULL
                """)
                .param("at", at.toEpochMilli()).param("team", team.value()).param("email", email).param("accepted", acceptedId)
                .update();
    }

    @Override
    public int accept(String id, Instant at) {
        return jdbc.sql("""
                UPDATE invitations SET accepted_at = :at
                WHERE id = :id AND accepted_at IS NULL AND cancelled_at IS NULL AND expires_at > :at
                """)
                .param("at", at.toEpochMilli()).param("id", id).update();
    }

    private static Invitation invitation(ResultSet rs) throws SQLException {
        long accepted = rs.getLong("accepted_at");
        Optional<Instant> acceptedAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(accepted));
        long cancelled = rs.getLong("cancelled_at");
        Optional<Instant> cancelledAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(cancelled));
        return new Invitation(rs.getString("id"), new TeamId(rs.getString("team_id")), rs.getString("email"),
                Role.valueOf(rs.getString("role")), new AccountId(rs.getString("invited_by")),
                Instant.ofEpochMilli(rs.getLong("created_at")), Instant.ofEpochMilli(rs.getLong("expires_at")),
                acceptedAt, cancelledAt, delivery(rs));
    }

    private static MailDelivery delivery(ResultSet rs) throws SQLException {
        rs.getLong("mail_id");
        if (rs.wasNull()) return MailDelivery.OUTBOX;
        rs.getLong("mail_sent_at");
        if (!rs.wasNull()) return MailDelivery.SENT;
        rs.getLong("mail_given_up_at");
        if (!rs.wasNull()) return MailDelivery.UNDELIVERED;
        return rs.getInt("mail_failed") == 1 ? MailDelivery.RETRYING : MailDelivery.QUEUED;
    }
}
