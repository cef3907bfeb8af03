package dev.lanyard.apps;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class JdbcSigningKeyStore implements SigningKeyStore {
    private final JdbcClient jdbc;

    JdbcSigningKeyStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public boolean add(StoredKey key) {
        return jdbc.sql("""
                        INSERT INTO oauth_signing_keys (kid, jwk, created_at, retired_at) VALUES (:kid, :jwk, :created, NULL)
                        ON CONFLICT (kid) DO NOTHING""")
                .param("kid", key.kid()).param("jwk", key.jwk()).param("created", key.createdAt().toEpochMilli()).update() == 1;
    }

    @Override
    public List<StoredKey> published(Instant publishedSince) {
        return jdbc.sql("""
                        SELECT kid, jwk, created_at, retired_at FROM oauth_signing_keys
                        WHERE retired_at IS NULL OR retired_at > :since ORDER BY created_at DESC, kid""")
                .param("since", publishedSince.toEpochMilli())
                .query((rs, n) -> {
                    long retired = rs.getLong("retired_at");
                    Optional<Instant> retiredAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(retired));
                    return new StoredKey(rs.getString("kid"), rs.getString("jwk"), Instant.ofEpochMilli(rs.getLong("created_at")), retiredAt);
                }).list();
    }

    @Override
    public int retire(String kid, Instant at) {
        return jdbc.sql("UPDATE oauth_signing_keys SET retired_at = :at WHERE retired_at IS NULL AND kid = :kid")
                .param("at", at.toEpochMilli()).param("kid", kid).update();
    }

    @Override
    public int retireAllBut(String keep, Instant at) {
        return jdbc.sql("UPDATE oauth_signing_keys SET retired_at = :at WHERE retired_at IS NULL AND kid <> :keep")
                .param("at", at.toEpochMilli()).param("keep", keep).update();
    }
}
