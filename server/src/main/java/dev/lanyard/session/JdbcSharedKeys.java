package dev.lanyard.session;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Named random keys that every node reads the same, kept in the database (schema V44): the first node to need one makes
 * it, the others read the one it made. A key is never changed, and never leaves the server.
 */
@Repository
class JdbcSharedKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final Clock clock;

    JdbcSharedKeys(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * The 32 random bytes of the key named {@code name}, made now if no node has made it yet. Safe to repeat: every call,
     * on every node, reads the same bytes. Call it outside a transaction that may roll back: a key made in one would be
     * kept by this node alone.
     */
    byte[] key(String name) {
        byte[] fresh = new byte[32];
        RANDOM.nextBytes(fresh);
        // Two nodes starting at once both insert; the database keeps the first, and both read it back.
        jdbc.sql("INSERT INTO shared_keys (name, secret, created_at) VALUES (:name, :secret, :at) ON CONFLICT (name) DO NOTHING")
                .param("name", name).param("secret", Base64.getEncoder().encodeToString(fresh))
                .param("at", clock.instant().toEpochMilli()).update();
        String secret = jdbc.sql("SELECT secret FROM shared_keys WHERE name = :name").param("name", name).query(String.class).single();
        return Base64.getDecoder().decode(secret);
    }
}
