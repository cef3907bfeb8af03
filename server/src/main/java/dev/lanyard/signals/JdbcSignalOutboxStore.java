package dev.lanyard.signals;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.lanyard.ops.DatabaseKind;
import dev.lanyard.ops.OutboxTable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The signal outbox in SQL, claimed and released as {@link OutboxTable} says. Signals for poll
 * receivers are never claimed (the receiver fetches them), nor those of a paused stream, nor any of a stream while
 * one of its SETs waits for its retry or is being retried; rows are claimed oldest first (by id) within their team, so a
 * stream's SETs are pushed in the order they were made (SSF 1.0, which asks it of the events a paused stream held;
 * decision 84), and teams take turns: each team's oldest due signal before any team's second, so a team with many
 * signals due (many streams at a receiver that never answers) cannot keep another team's waiting (an outside review). One
 * claimed for its first push does not hold the rest: a node killed while holding it would stall the stream for its
 * whole claim.
 */
@Repository
class JdbcSignalOutboxStore implements SignalOutboxStore {
    private static final String COLUMNS = "id, kind, stream_id, app_id, target, jti, claims, attempts";
    /**
     * A stream's push signal that failed and is not finished: it waits for its retry, or is being retried. Its last_error
     * is set, so the small index of those (signal_outbox_failing) answers.
     */
    private static final String FAILED = "delivered_at IS NULL AND given_up_at IS NULL AND kind <> 'poll' AND last_error IS NOT NULL"
            + " AND stream_id IS NOT NULL";
    private static final String PAUSED = "SELECT id FROM ssf_streams WHERE status = 'paused'";
    /**
     * The team a signal is for, whose turn it takes in a claim, written when it is added: the team of its app (an app not
     * found, the app itself, as schema V38 gave the signals of apps deleted before it). Teams, not apps or streams, take
     * turns: a team's admin makes apps and streams at will, a team costs a sign-up.
     */
    private static final String TEAM = "COALESCE((SELECT team_id FROM oauth_clients WHERE oauth_clients.id = :app%1$d), :app%1$d)";

    private final JdbcClient jdbc;
    private final OutboxTable outbox;
    /**
     * The claim's common table expressions: the retries it may take ({@link #retries(DatabaseKind)}), and the signals this
     * node is sending ({@code :sending}, with 0, which no signal's id is, as PostgreSQL refuses an empty {@code IN ()}).
     */
    private final String with;

    JdbcSignalOutboxStore(JdbcClient jdbc, DatabaseKind database) {
        this.jdbc = jdbc;
        this.with = retries(database) + ", sending AS MATERIALIZED (SELECT stream_id, target, team_id FROM signal_outbox"
                + " WHERE id IN (:sending))";
        // The streams held, read once per claim, not per row (decision 84): those with a failed signal that is not one
        // of the retries this claim may take. The receivers being sent to: a stream, or a logout token's URI.
        this.outbox = new OutboxTable(jdbc, "signal_outbox", "delivered_at",
                " AND kind <> 'poll' AND (stream_id IS NULL OR (stream_id NOT IN (" + PAUSED + ")"
                        + " AND stream_id NOT IN (SELECT stream_id FROM signal_outbox WHERE " + FAILED
                        + " AND id NOT IN (SELECT id FROM retries))))"
                        + " AND (stream_id IS NULL OR stream_id NOT IN (SELECT stream_id FROM sending WHERE stream_id IS NOT NULL))"
                        + " AND (stream_id IS NOT NULL OR target NOT IN (SELECT target FROM sending WHERE stream_id IS NULL))",
                new OutboxTable.Turns("team_id", "kind <> 'poll'", database.postgres(),
                        "(SELECT COUNT(*) FROM sending WHERE sending.team_id = owner)"));
    }

    /** Rows per statement of {@link #add}: one multi-row insert each, however many signals a batch of endings makes. */
    static final int ADD_CHUNK = 100;

    @Override
    public void add(List<NewSignal> signals, Instant at) {
        for (int from = 0; from < signals.size(); from += ADD_CHUNK) {
            List<NewSignal> chunk = signals.subList(from, Math.min(signals.size(), from + ADD_CHUNK));
            StringBuilder sql = new StringBuilder(
                    "INSERT INTO signal_outbox (kind, stream_id, app_id, team_id, target, jti, claims, created_at, next_attempt_at) VALUES ");
            java.util.Map<String, Object> params = new java.util.HashMap<>();
            params.put("at", at.toEpochMilli());
            for (int i = 0; i < chunk.size(); i++) {
                NewSignal s = chunk.get(i);
                if (i > 0) sql.append(", ");
                sql.append(("(:kind%1$d, :stream%1$d, :app%1$d, " + TEAM + ", :target%1$d, :jti%1$d, :claims%1$d, :at, :at)").formatted(i));
                params.put("kind" + i, s.kind().code());
                params.put("stream" + i, s.streamId().orElse(null));
                params.put("app" + i, s.appId());
                params.put("target" + i, s.target());
                params.put("jti" + i, s.jti());
                params.put("claims" + i, s.claims());
            }
            jdbc.sql(sql.toString()).params(params).update();
        }
    }

    @Override
    public List<Outgoing> claim(String claim, Instant now, Instant claimedUntil, int limit, Collection<Long> sending) {
        List<Long> ids = new java.util.ArrayList<>(sending);
        ids.add(0L);
        return outbox.claim(with, Map.of("sending", ids), claim, now, claimedUntil, limit, COLUMNS, (rs, n) -> outgoing(rs));
    }

    /**
     * The failed signals a claim may take for their retry: due, not claimed (or their claim ran out), of a stream not
     * paused. Every other failed signal holds its stream: it waits for its retry, or another claim is retrying it, so
     * none of the SETs made after it is claimed before it is done. On PostgreSQL each of these is locked as it is read,
     * and one that another claim has locked is left out (and its stream held), not waited for: two claims at the same
     * moment would otherwise both see it free, one would retry it and the other take the SETs behind it, for none sees
     * the other's claim before it commits. Most claims find none to lock; SQLite writes one at a time.
     */
    private static String retries(DatabaseKind database) {
        return "retries AS MATERIALIZED (SELECT id FROM signal_outbox WHERE " + FAILED
                + " AND next_attempt_at <= :now AND (claimed_until IS NULL OR claimed_until <= :now) AND stream_id NOT IN (" + PAUSED + ")"
                + (database.postgres() ? " FOR NO KEY UPDATE SKIP LOCKED" : "") + ")";
    }

    @Override
    public int delivered(long id, String claim, Instant at) {
        return outbox.release(id, claim, "delivered_at = :at, claims = '', last_error = NULL", Map.of("at", at.toEpochMilli()));
    }

    @Override
    public int failed(long id, String claim, String error, Instant nextAttempt) {
        return outbox.failed(id, claim, error, nextAttempt);
    }

    @Override
    public int gaveUp(long id, String claim, String error, Instant at) {
        return outbox.gaveUp(id, claim, error, at, "claims");
    }

    @Override
    public int putBack(long id, String claim) {
        return outbox.release(id, claim, "attempts = attempts - 1", Map.of());
    }

    @Override
    public int gaveUpWith(String streamId, String claim, String error, Instant createdBy, Instant at) {
        return jdbc.sql("UPDATE signal_outbox SET given_up_at = :at, claims = '', last_error = :error, claim = NULL, claimed_until = NULL"
                        + " WHERE stream_id = :stream AND kind <> 'poll' AND created_at <= :createdBy AND " + outbox.unfinished()
                        + " AND (claim = :claim OR claimed_until IS NULL OR claimed_until <= :at)")
                .param("at", at.toEpochMilli()).param("error", error).param("stream", streamId).param("claim", claim)
                .param("createdBy", createdBy.toEpochMilli()).update();
    }

    @Override
    public List<Outgoing> pending(String streamId, int limit, Instant now) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM signal_outbox WHERE stream_id = :stream AND " + due()
                        + " ORDER BY id LIMIT :limit")
                .param("stream", streamId).param("now", now.toEpochMilli()).param("limit", limit).query((rs, n) -> outgoing(rs)).list();
    }

    @Override
    public java.util.Set<String> withPending(Collection<String> streamIds, Instant now) {
        if (streamIds.isEmpty()) return java.util.Set.of();
        return java.util.Set.copyOf(jdbc.sql("SELECT DISTINCT stream_id FROM signal_outbox WHERE stream_id IN (:streams) AND " + due())
                .param("streams", List.copyOf(streamIds)).param("now", now.toEpochMilli()).query(String.class).list());
    }

    @Override
    public boolean more(String streamId, int skip, Instant now) {
        return !jdbc.sql("SELECT id FROM signal_outbox WHERE stream_id = :stream AND " + due() + " ORDER BY id LIMIT 1 OFFSET :skip")
                .param("stream", streamId).param("now", now.toEpochMilli()).param("skip", skip).query(Long.class).list().isEmpty();
    }

    /** An undelivered signal due at {@code :now}: a poll signal its receiver refused for now waits out its retry delay. */
    private String due() {
        return outbox.unfinished() + " AND next_attempt_at <= :now";
    }

    @Override
    public int acknowledge(String streamId, Collection<String> jtis, Instant at) {
        if (jtis.isEmpty()) return 0;
        return jdbc.sql("UPDATE signal_outbox SET delivered_at = :at, claims = '' WHERE stream_id = :stream AND jti IN (:jtis) AND "
                        + outbox.unfinished())
                .param("at", at.toEpochMilli()).param("stream", streamId).param("jtis", List.copyOf(jtis)).update();
    }

    @Override
    public int refused(String streamId, String jti, String error, Instant at) {
        return jdbc.sql("UPDATE signal_outbox SET given_up_at = :at, claims = '', last_error = :error"
                        + " WHERE stream_id = :stream AND jti = :jti AND " + outbox.unfinished())
                .param("at", at.toEpochMilli()).param("error", error).param("stream", streamId).param("jti", jti).update();
    }

    @Override
    public Optional<Integer> attempts(String streamId, String jti) {
        return jdbc.sql("SELECT attempts FROM signal_outbox WHERE stream_id = :stream AND jti = :jti AND " + outbox.unfinished())
                .param("stream", streamId).param("jti", jti).query(Integer.class).optional();
    }

    @Override
    public int refusedForNow(String streamId, String jti, String error, Instant nextAttempt) {
        return jdbc.sql("UPDATE signal_outbox SET attempts = attempts + 1, last_error = :error, next_attempt_at = :next"
                        + " WHERE stream_id = :stream AND jti = :jti AND " + outbox.unfinished())
                .param("error", error).param("next", nextAttempt.toEpochMilli()).param("stream", streamId).param("jti", jti).update();
    }

    @Override
    public int redeliver(String streamId, Kind kind) {
        return jdbc.sql("UPDATE signal_outbox SET kind = :kind, attempts = 0, next_attempt_at = created_at"
                        + " WHERE stream_id = :stream AND " + outbox.unfinished())
                .param("kind", kind.code()).param("stream", streamId).update();
    }

    @Override
    public int drop(String streamId, Instant at) {
        return jdbc.sql("UPDATE signal_outbox SET given_up_at = :at, claims = '', last_error = 'stream disabled or deleted'"
                        + " WHERE stream_id = :stream AND " + outbox.unfinished())
                .param("at", at.toEpochMilli()).param("stream", streamId).update();
    }

    @Override
    public long queued(String streamId) {
        return jdbc.sql("SELECT COUNT(*) FROM signal_outbox WHERE stream_id = :stream AND " + outbox.unfinished())
                .param("stream", streamId).query(Long.class).single();
    }

    @Override
    public Figures figures(String streamId) {
        return jdbc.sql("""
                        SELECT SUM(CASE WHEN delivered_at IS NULL AND given_up_at IS NULL THEN 1 ELSE 0 END) AS queued,
                               SUM(CASE WHEN delivered_at IS NULL AND given_up_at IS NULL AND last_error IS NOT NULL THEN 1 ELSE 0 END) AS failing,
                               SUM(CASE WHEN given_up_at IS NOT NULL THEN 1 ELSE 0 END) AS gave_up
                        FROM signal_outbox WHERE stream_id = :stream
                        """)
                .param("stream", streamId)
                .query((rs, n) -> new Figures(rs.getLong("queued"), rs.getLong("failing"), rs.getLong("gave_up"))).single();
    }

    @Override
    public Backlog backlog() {
        return jdbc.sql("SELECT COUNT(*) AS pending, MIN(created_at) AS oldest FROM signal_outbox WHERE kind <> 'poll' AND " + outbox.unfinished())
                .query((rs, n) -> {
                    long pending = rs.getLong("pending");
                    long oldest = rs.getLong("oldest");
                    return new Backlog(pending, rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(oldest)));
                }).single();
    }

    private static Outgoing outgoing(ResultSet rs) throws SQLException {
        return new Outgoing(rs.getLong("id"), Kind.of(rs.getString("kind")), Optional.ofNullable(rs.getString("stream_id")),
                rs.getString("app_id"), rs.getString("target"), rs.getString("jti"), rs.getString("claims"), rs.getInt("attempts"));
    }
}
