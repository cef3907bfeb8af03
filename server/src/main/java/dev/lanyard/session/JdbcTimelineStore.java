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
    /** PostgreSQL takes the sessions' ids as one array. */
    private final DatabaseKind database;

    JdbcTimelineStore(JdbcClient jdbc, DatabaseKind database) {
        this.jdbc = jdbc;
        this.database = database;
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
    public void addToEach(List<SessionId> ids, Instant at, String kind, String detail) {
        String cut = detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) : detail;
        if (ids.size() > 1 && database.postgres()) {
            // One statement with one array parameter, however many sessions: PostgreSQL parses,
            // plans and binds it once, instead of a VALUES list of a parameter per session.
            jdbc.sql("INSERT INTO session_events (session_id, at, kind, detail) SELECT unnest(CAST(:ids AS text[])), :at, :kind, :detail")
                    .param("ids", new org.springframework.jdbc.support.SqlArrayValue("text", ids.stream().map(SessionId::value).toArray()))
                    .param("at", at.toEpochMilli())
                    .param("kind", kind)
                    .param("detail", cut)
                    .update();
            return;
        }
        for (int from = 0; from < ids.size(); from += ADD_CHUNK) {
            List<SessionId> chunk = ids.subList(from, Math.min(ids.size(), from + ADD_CHUNK));
            StringBuilder sql = new StringBuilder("INSERT INTO session_events (session_id, at, kind, detail) VALUES ");
            java.util.Map<String, Object> params = new java.util.HashMap<>();
            params.put("at", at.toEpochMilli());
            params.put("kind", kind);
            params.put("detail", cut);
            for (int i = 0; i < chunk.size(); i++) {
                if (i > 0) sql.append(", ");
                sql.append("(:id").append(i).append(", :at, :kind, :detail)");
                params.put("id" + i, chunk.get(i).value());
            }
            jdbc.sql(sql.toString()).params(params).update();
        }
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
