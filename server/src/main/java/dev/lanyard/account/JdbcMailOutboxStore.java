package dev.lanyard.account;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/**
 * The mail outbox in SQL. A claim is one atomic {@code UPDATE} whose outer {@code WHERE} repeats
 * the conditions of its sub-select: on PostgreSQL a concurrent claimer that picked the same rows
 * waits for the first one's row locks and then re-checks those conditions on the claimed rows,
 * so it skips them; on SQLite writers are serialized anyway.
 */
@Repository
class JdbcMailOutboxStore implements MailOutboxStore {
    private static final String UNFINISHED = "sent_at IS NULL AND given_up_at IS NULL";
    private static final String CLAIMABLE = UNFINISHED + " AND next_attempt_at <= :now AND (claimed_until IS NULL OR claimed_until <= :now)";

    private final JdbcClient jdbc;

    JdbcMailOutboxStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public long add(TeamId team, String recipient, String subject, String body, Instant at) {
        KeyHolder key = new GeneratedKeyHolder();
        jdbc.sql("""
                INSERT INTO mail_outbox (team_id, recipient, subject, body, created_at, next_attempt_at)
                VALUES (:team, :to, :subject, :body, :at, :at)
                """)
                .param("team", team.value()).param("to", recipient).param("subject", subject).param("body", body)
                .param("at", at.toEpochMilli()).update(key, "id");
        return key.getKeyAs(Number.class).longValue();
    }

    @Override
    public List<Outgoing> claim(String claim, Instant now, Instant claimedUntil, int limit) {
        int claimed = jdbc.sql("UPDATE mail_outbox SET claim = :claim, claimed_until = :until, attempts = attempts + 1"
                        + " WHERE id IN (SELECT id FROM mail_outbox WHERE " + CLAIMABLE + " ORDER BY next_attempt_at, id LIMIT :limit)"
                        + " AND " + CLAIMABLE)
                .param("claim", claim).param("until", claimedUntil.toEpochMilli()).param("now", now.toEpochMilli())
                .param("limit", limit).update();
        if (claimed == 0) return List.of();
        return jdbc.sql("SELECT id, team_id, recipient, subject, body, attempts FROM mail_outbox WHERE claim = :claim AND "
                        + UNFINISHED + " ORDER BY id")
                .param("claim", claim)
                .query((rs, n) -> new Outgoing(rs.getLong("id"), new TeamId(rs.getString("team_id")), rs.getString("recipient"),
                        rs.getString("subject"), rs.getString("body"), rs.getInt("attempts")))
                .list();
    }

    @Override
    public int sent(long id, String claim, Instant at) {
        return jdbc.sql("UPDATE mail_outbox SET sent_at = :at, body = '', claim = NULL, claimed_until = NULL"
                        + " WHERE id = :id AND claim = :claim AND " + UNFINISHED)
                .param("at", at.toEpochMilli()).param("id", id).param("claim", claim).update();
    }

    @Override
    public int failed(long id, String claim, String error, Instant nextAttempt) {
        return jdbc.sql("UPDATE mail_outbox SET last_error = :error, next_attempt_at = :next, claim = NULL, claimed_until = NULL"
                        + " WHERE id = :id AND claim = :claim AND " + UNFINISHED)
                .param("error", error).param("next", nextAttempt.toEpochMilli()).param("id", id).param("claim", claim).update();
    }

    @Override
    public int gaveUp(long id, String claim, String error, Instant at) {
        return jdbc.sql("UPDATE mail_outbox SET last_error = :error, given_up_at = :at, body = '', claim = NULL, claimed_until = NULL"
                        + " WHERE id = :id AND claim = :claim AND " + UNFINISHED)
                .param("error", error).param("at", at.toEpochMilli()).param("id", id).param("claim", claim).update();
    }

    @Override
    public Backlog backlog() {
        return jdbc.sql("SELECT COUNT(*) AS pending, MIN(created_at) AS oldest FROM mail_outbox WHERE " + UNFINISHED)
                .query((rs, n) -> {
                    long pending = rs.getLong("pending");
                    long oldest = rs.getLong("oldest");
                    Optional<Instant> at = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(oldest));
                    return new Backlog(pending, at, Optional.empty());
                }).single()
                .withLastError(jdbc.sql("SELECT last_error FROM mail_outbox WHERE " + UNFINISHED
                                + " AND last_error IS NOT NULL ORDER BY next_attempt_at DESC LIMIT 1")
                        .query(String.class).optional());
    }
}
