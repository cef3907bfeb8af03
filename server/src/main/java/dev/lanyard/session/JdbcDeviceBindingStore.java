package dev.lanyard.session;

import java.time.Instant;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** {@link DeviceBindingStore} in SQL that reads the same on SQLite and PostgreSQL. */
@Repository
class JdbcDeviceBindingStore implements DeviceBindingStore {
    private final JdbcClient jdbc;

    JdbcDeviceBindingStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public int bind(SessionId id, DeviceProof.BoundKey key, String secret, String tokenHash, Instant until, Instant at,
                    Instant signedInSince) {
        int inserted = jdbc.sql("""
                        INSERT INTO session_bindings (session_id, algorithm, public_key, secret, bound_at, refreshed_at, last_answered)
                        SELECT id, :algorithm, :key, :secret, :at, :at, 0 FROM sessions
                        WHERE id = :id AND ended_at IS NULL AND api_key = :no AND token_expires_at IS NULL
                          AND created_at >= :since
                        ON CONFLICT (session_id) DO NOTHING""")
                .param("id", id.value())
                .param("algorithm", key.algorithm())
                .param("key", key.publicJwk())
                .param("secret", secret)
                .param("at", at.toEpochMilli())
                .param("since", signedInSince.toEpochMilli())
                .param("no", false)
                .update();
        if (inserted == 0) return 0;
        return newToken(id, tokenHash, until);
    }

    @Override
    public Optional<Binding> findActive(SessionId id) {
        return jdbc.sql("""
                        SELECT b.algorithm, b.public_key, b.secret, b.last_answered
                        FROM session_bindings b JOIN sessions s ON s.id = b.session_id
                        WHERE b.session_id = :id AND s.ended_at IS NULL""")
                .param("id", id.value())
                .query((rs, n) -> new Binding(id, new DeviceProof.BoundKey(rs.getString("algorithm"), rs.getString("public_key")),
                        rs.getString("secret"), rs.getLong("last_answered")))
                .optional();
    }

    @Override
    public Optional<Binding> find(SessionId id) {
        return jdbc.sql("SELECT algorithm, public_key, secret, last_answered FROM session_bindings WHERE session_id = :id")
                .param("id", id.value())
                .query((rs, n) -> new Binding(id, new DeviceProof.BoundKey(rs.getString("algorithm"), rs.getString("public_key")),
                        rs.getString("secret"), rs.getLong("last_answered")))
                .optional();
    }

    @Override
    public int refresh(SessionId id, long challengedAt, String tokenHash, Instant until, Instant at) {
        int used = jdbc.sql("""
                        UPDATE session_bindings SET last_answered = :challenged, refreshed_at = :at
                        WHERE session_id = :id AND last_answered < :challenged""")
                .param("challenged", challengedAt)
                .param("at", at.toEpochMilli())
                .param("id", id.value())
                .update();
        if (used == 0) return 0;
        return newToken(id, tokenHash, until);
    }

    private int newToken(SessionId id, String tokenHash, Instant until) {
        return jdbc.sql("UPDATE sessions SET token_hash = :hash, token_expires_at = :until WHERE id = :id AND ended_at IS NULL")
                .param("hash", tokenHash)
                .param("until", until.toEpochMilli())
                .param("id", id.value())
                .update();
    }
}
