package dev.lanyard.session;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

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
                .query((rs, n) -> new Entry(Instant.ofEpochMilli(rs.getLong("at")), rs.getString("kind"), rs.getString("detail")))
                .list();
        List<Entry> oldestFirst = new ArrayList<>(newest);
        Collections.reverse(oldestFirst);
        return oldestFirst;
    }
}
