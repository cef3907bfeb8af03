package dev.lanyard.account;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.lanyard.ops.OutboxTable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/** The mail outbox in SQL, claimed and released as {@link OutboxTable} says. */
@Repository
class JdbcMailOutboxStore implements MailOutboxStore {
    private final JdbcClient jdbc;
    private final OutboxTable outbox;

    JdbcMailOutboxStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
        this.outbox = new OutboxTable(jdbc, "mail_outbox", "sent_at", "", "next_attempt_at, id");
    }

    @Override
    public long add(TeamId team, String recipient, String subject, String body, Instant at, Optional<Instant> validUntil) {
        KeyHolder key = new GeneratedKeyHolder();
        jdbc.sql("""
                INSERT INTO mail_outbox (team_id, recipient, subject, body, created_at, next_attempt_at, valid_until)
                VALUES (:team, :to, :subject, :body, :at, :at, :until)
                """)
                .param("team", team.value()).param("to", recipient).param("subject", subject).param("body", body)
                .param("at", at.toEpochMilli()).param("until", validUntil.map(Instant::toEpochMilli).orElse(null), java.sql.Types.BIGINT)
                .update(key, "id");
        return key.getKeyAs(Number.class).longValue();
    }

    @Override
    public List<Addressed> to(String recipient, long afterId, int limit) {
        // No index on the recipient: a data export, which is rare, reads the table once, in id order.
        return jdbc.sql("""
                        SELECT id, subject, created_at, sent_at, given_up_at FROM mail_outbox
                        WHERE recipient = :to AND id > :after ORDER BY id LIMIT :limit""")
                .param("to", recipient).param("after", afterId).param("limit", limit)
                .query((rs, n) -> new Addressed(rs.getLong("id"), rs.getString("subject"), Instant.ofEpochMilli(rs.getLong("created_at")),
                        optionalInstant(rs, "sent_at"), optionalInstant(rs, "given_up_at")))
                .list();
    }

    private static Optional<Instant> optionalInstant(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
    }

    private static final String UNDELIVERED = """
            SELECT id, recipient, subject, created_at, given_up_at, last_error FROM mail_outbox
            WHERE given_up_at IS NOT NULL""";

    @Override
    public List<Undelivered> undelivered(TeamId team, int limit, Optional<Mailer.GivenUp> after) {
        String keyset = after.isPresent() ? " AND (given_up_at < :at OR (given_up_at = :at AND id < :afterId))" : "";
        var spec = jdbc.sql(UNDELIVERED + " AND team_id = :team" + keyset + " ORDER BY given_up_at DESC, id DESC LIMIT :limit")
                .param("team", team.value()).param("limit", limit);
        if (after.isPresent()) spec = spec.param("at", after.get().at().toEpochMilli()).param("afterId", after.get().id());
        return spec.query(JdbcMailOutboxStore::undelivered).list();
    }

    @Override
    public Optional<Undelivered> lastUndelivered() {
        return jdbc.sql(UNDELIVERED + " ORDER BY given_up_at DESC, id DESC LIMIT 1").query(JdbcMailOutboxStore::undelivered).optional();
    }

    private static Undelivered undelivered(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        String reason = rs.getString("last_error");
        return new Undelivered(rs.getLong("id"), rs.getString("recipient"), rs.getString("subject"),
                Instant.ofEpochMilli(rs.getLong("created_at")), Instant.ofEpochMilli(rs.getLong("given_up_at")), reason == null ? "" : reason);
    }

    @Override
    public List<Outgoing> claim(String claim, Instant now, Instant claimedUntil, int limit) {
        return outbox.claim(claim, now, claimedUntil, limit, "id, team_id, recipient, subject, body, attempts, valid_until",
                (rs, n) -> new Outgoing(rs.getLong("id"), new TeamId(rs.getString("team_id")), rs.getString("recipient"),
                        rs.getString("subject"), rs.getString("body"), rs.getInt("attempts"), optionalInstant(rs, "valid_until")));
    }

    @Override
    public int renew(long id, String claim, Instant claimedUntil) {
        return jdbc.sql("UPDATE mail_outbox SET claimed_until = :until WHERE id = :id AND claim = :claim AND " + outbox.unfinished())
                .param("until", claimedUntil.toEpochMilli()).param("id", id).param("claim", claim).update();
    }

    @Override
    public int sent(long id, String claim, Instant at) {
        return outbox.release(id, claim, "sent_at = :at, body = ''", Map.of("at", at.toEpochMilli()));
    }

    @Override
    public int failed(long id, String claim, String error, Instant nextAttempt) {
        return outbox.failed(id, claim, error, nextAttempt);
    }

    @Override
    public int gaveUp(long id, String claim, String error, Instant at) {
        return outbox.gaveUp(id, claim, error, at, "body");
    }

    @Override
    public Backlog backlog() {
        return jdbc.sql("SELECT COUNT(*) AS pending, MIN(created_at) AS oldest FROM mail_outbox WHERE " + outbox.unfinished())
                .query((rs, n) -> {
                    long pending = rs.getLong("pending");
                    long oldest = rs.getLong("oldest");
                    Optional<Instant> at = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(oldest));
                    return new Backlog(pending, at, Optional.empty());
                }).single()
                .withLastError(jdbc.sql("SELECT last_error FROM mail_outbox WHERE " + outbox.unfinished()
                                + " AND last_error IS NOT NULL ORDER BY next_attempt_at DESC LIMIT 1")
                        .query(String.class).optional());
    }

    @Override
    public int purgeFinished(Instant before, int limit) {
        return jdbc.sql("""
                        DELETE FROM mail_outbox WHERE id IN (
                            SELECT id FROM mail_outbox WHERE sent_at < :before OR given_up_at < :before ORDER BY id LIMIT :limit)""")
                .param("before", before.toEpochMilli()).param("limit", limit).update();
    }
}
