package dev.lanyard.session;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Session timelines in SQL that reads the same on SQLite and PostgreSQL. */
@Repository
class JdbcTimelineStore implements TimelineStore {
    private final JdbcClient jdbc;

    JdbcTimelineStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void add(SessionId id, Instant at, String kind, String detail) {
        jdbc.sql("INSERT INTO session_events (session_id, at, kind, detail) VALUES (:id, :at, :kind, :detail)")
                .param("id", id.value())
                .param("at", at.toEpochMilli())
                .param("kind", kind)
                .param("detail", detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) : detail)
                .update();
    }

    @Override
    public List<Entry> latest(SessionId id, int limit) {
        List<Entry> newest = jdbc.sql("""
                SELECT at, kind, detail FROM session_events WHERE session_id = :id ORDER BY at DESC, id DESC LIMIT :limit
                """)
                .param("id", id.value())
                .param("limit", limit)
                .query((rs, n) -> entry(rs))
                .list();
        List<Entry> oldestFirst = new ArrayList<>(newest);
        Collections.reverse(oldestFirst);
        return oldestFirst;
    }

    @Override
    public Map<SessionId, List<Entry>> all(Collection<SessionId> ids) {
        if (ids.isEmpty()) return Map.of();
        Map<SessionId, List<Entry>> found = new HashMap<>();
        jdbc.sql("SELECT session_id, at, kind, detail FROM session_events WHERE session_id IN (:ids) ORDER BY at, id")
                .param("ids", ids.stream().map(SessionId::value).distinct().toList())
                .query(rs -> {
                    found.computeIfAbsent(new SessionId(rs.getString("session_id")), id -> new ArrayList<>()).add(entry(rs));
                });
        return found;
    }

    private static Entry entry(ResultSet rs) throws SQLException {
        return new Entry(Instant.ofEpochMilli(rs.getLong("at")), rs.getString("kind"), rs.getString("detail"));
    }
}
