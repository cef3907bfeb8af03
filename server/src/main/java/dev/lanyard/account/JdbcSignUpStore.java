package dev.lanyard.account;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.lanyard.ops.DatabaseKind;

@Repository
class JdbcSignUpStore implements SignUpStore {
    /** The first key of the two-key advisory locks this store takes (their space is apart from Flyway's one-key locks). */
    private static final int SIGN_UP_LOCKS = 0x4C53_5531;
    private final JdbcClient jdbc;
    private final DatabaseKind database;

    JdbcSignUpStore(JdbcClient jdbc, DatabaseKind database) {
        this.jdbc = jdbc;
        this.database = database;
    }

    /**
     * SQLite's transactions write one at a time ({@code BEGIN IMMEDIATE}) already. PostgreSQL's run side by side, and each
     * would count the other's sign-up as not yet there: a lock per email, held to the transaction's end, makes them wait.
     */
    @Override
    public void lockEmail(String email) {
        if (database.postgres()) {
            jdbc.sql("SELECT pg_advisory_xact_lock(:kind, :email)").param("kind", SIGN_UP_LOCKS).param("email", email.hashCode())
                    .query((rs, n) -> 1).list();
        }
    }

    @Override
    public void insert(Waiting s) {
        jdbc.sql("""
                INSERT INTO sign_ups (id, email, token_hash, name, team_id, team_name, password_hash, created_at, expires_at)
                VALUES (:id, :email, :hash, :name, :team, :teamName, :password, :created, :expires)
                """)
                .param("id", s.id()).param("email", s.email()).param("hash", s.tokenHash().orElse(null))
                .param("name", s.name()).param("team", s.team().map(TeamId::value).orElse(null)).param("teamName", s.teamName())
                .param("password", s.passwordHash()).param("created", s.createdAt().toEpochMilli())
                .param("expires", s.expiresAt().toEpochMilli())
                .update();
    }

    @Override
    public List<Instant> mailedSince(String email, Instant since) {
        return jdbc.sql("SELECT created_at FROM sign_ups WHERE email = :email AND created_at > :since ORDER BY created_at")
                .param("email", email).param("since", since.toEpochMilli())
                .query((rs, n) -> Instant.ofEpochMilli(rs.getLong(1))).list();
    }

    @Override
    public Optional<Waiting> usable(String tokenHash, Instant now) {
        return jdbc.sql("""
                SELECT id, email, token_hash, name, team_id, team_name, password_hash, created_at, expires_at FROM sign_ups
                 WHERE token_hash = :hash AND used_at IS NULL AND expires_at > :now
                """)
                .param("hash", tokenHash).param("now", now.toEpochMilli())
                .query((rs, n) -> new Waiting(rs.getString("id"), rs.getString("email"), Optional.of(rs.getString("token_hash")),
                        Optional.of(new TeamId(rs.getString("team_id"))), rs.getString("team_name"), rs.getString("name"),
                        rs.getString("password_hash"), Instant.ofEpochMilli(rs.getLong("created_at")),
                        Instant.ofEpochMilli(rs.getLong("expires_at"))))
                .optional();
    }

    @Override
    public int markUsed(String id, Instant at) {
        return jdbc.sql("UPDATE sign_ups SET used_at = :at, password_hash = NULL WHERE id = :id AND used_at IS NULL")
                .param("id", id).param("at", at.toEpochMilli()).update();
    }

    @Override
    public int deleteExpiredBefore(Instant before) {
        return jdbc.sql("DELETE FROM sign_ups WHERE expires_at < :before").param("before", before.toEpochMilli()).update();
    }
}
