package dev.lanyard.handover;

import java.time.Instant;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Reveals in SQL that reads the same on SQLite and PostgreSQL. */
@Repository
class JdbcRevealStore implements RevealStore {
    private final JdbcClient jdbc;

    JdbcRevealStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void insert(Reveal reveal, Instant now) {
        deleteExpired(now);
        jdbc.sql("INSERT INTO secret_reveals (reveal_id, session_id, sealed, expires_at) VALUES (:id, :viewer, :sealed, :expires)")
                .param("id", reveal.id())
                .param("viewer", reveal.viewer())
                .param("sealed", reveal.sealed())
                .param("expires", reveal.expiresAt().toEpochMilli())
                .update();
    }

    @Override
    public void deleteExpired(Instant now) {
        jdbc.sql("DELETE FROM secret_reveals WHERE expires_at <= :now").param("now", now.toEpochMilli()).update();
    }

    @Override
    public Optional<Reveal> take(String id, String viewer, Instant now) {
        Optional<Reveal> found = jdbc.sql("""
                        SELECT reveal_id, session_id, sealed, expires_at FROM secret_reveals
                        WHERE reveal_id = :id AND session_id = :viewer""")
                .param("id", id)
                .param("viewer", viewer)
                .query((rs, n) -> new Reveal(rs.getString("reveal_id"), rs.getString("session_id"),
                        rs.getString("sealed"), Instant.ofEpochMilli(rs.getLong("expires_at"))))
                .optional();
        if (found.isEmpty()) return found;
        // Whoever deletes the row shows the secret: two requests racing for it get it once.
        int taken = jdbc.sql("DELETE FROM secret_reveals WHERE reveal_id = :id AND session_id = :viewer")
                .param("id", id).param("viewer", viewer).update();
        return taken == 1 && found.get().expiresAt().isAfter(now) ? found : Optional.empty();
    }
}
