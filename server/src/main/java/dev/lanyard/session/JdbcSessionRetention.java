package dev.lanyard.session;

import java.time.Instant;
import java.util.List;

import dev.lanyard.geo.ClientAddresses;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What is kept of sessions over time, in SQL, for {@link JdbcSessionStore}: ended sessions purged with their timelines,
 * and full addresses reduced to their network (PRODUCT.md D6).
 */
class JdbcSessionRetention {
    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate batch;

    JdbcSessionRetention(JdbcClient jdbc, NamedParameterJdbcTemplate batch) {
        this.jdbc = jdbc;
        this.batch = batch;
    }

    int purgeEnded(Instant cutoff, int limit) {
        List<String> ids = jdbc.sql("SELECT id FROM sessions WHERE ended_at < :cutoff ORDER BY ended_at LIMIT :limit")
                .param("cutoff", cutoff.toEpochMilli())
                .param("limit", limit)
                .query((rs, n) -> rs.getString(1))
                .list();
        if (ids.isEmpty()) return 0;
        jdbc.sql("DELETE FROM session_events WHERE session_id IN (:ids)").param("ids", ids).update();
        jdbc.sql("DELETE FROM session_hourly_requests WHERE session_id IN (:ids)").param("ids", ids).update();
        jdbc.sql("DELETE FROM session_bindings WHERE session_id IN (:ids)").param("ids", ids).update();
        return jdbc.sql("DELETE FROM sessions WHERE id IN (:ids) AND ended_at IS NOT NULL").param("ids", ids).update();
    }

    int reduceAddresses(Instant before, int limit) {
        List<Kept> sessions = jdbc.sql("""
                        SELECT id, ip FROM sessions
                        WHERE ip <> '' AND ip NOT LIKE '%/%' AND last_active_at < :before LIMIT :limit""")
                .param("before", before.toEpochMilli())
                .param("limit", limit)
                .query((rs, n) -> new Kept(rs.getString("id"), rs.getString("ip")))
                .list();
        List<Kept> events = jdbc.sql("""
                        SELECT id, detail FROM session_events
                        WHERE kind = 'address-changed' AND detail <> '' AND detail NOT LIKE '%/%' AND at < :before LIMIT :limit""")
                .param("before", before.toEpochMilli())
                .param("limit", limit)
                .query((rs, n) -> new Kept(rs.getLong("id"), rs.getString("detail")))
                .list();
        // Each update checks again what it read: a session used meanwhile keeps its new address. A text that is
        // no address (none is written so; a hand-edited row) is dropped: left, it would match every batch again.
        int changedSessions = reduce("""
                UPDATE sessions SET ip = :network
                WHERE id = :id AND ip = :ip AND last_active_at < :before""", sessions, before);
        int changedEvents = reduce("""
                UPDATE session_events SET detail = :network
                WHERE id = :id AND detail = :ip""", events, before);
        return Math.max(changedSessions, changedEvents);
    }

    /** A row that still holds a full address: a session's id or a timeline entry's. */
    private record Kept(Object id, String ip) {
    }

    private int reduce(String sql, List<Kept> rows, Instant before) {
        if (rows.isEmpty()) return 0;
        MapSqlParameterSource[] params = rows.stream()
                .map(row -> new MapSqlParameterSource()
                        .addValue("id", row.id())
                        .addValue("ip", row.ip())
                        .addValue("network", ClientAddresses.network(row.ip()))
                        .addValue("before", before.toEpochMilli()))
                .toArray(MapSqlParameterSource[]::new);
        return java.util.Arrays.stream(batch.batchUpdate(sql, params))
                .map(c -> c == java.sql.Statement.SUCCESS_NO_INFO ? 1 : c).sum();
    }
}
