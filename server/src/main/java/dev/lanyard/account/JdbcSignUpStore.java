package dev.lanyard.account;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class JdbcSignUpStore implements SignUpStore {
    private final JdbcClient jdbc;

    JdbcSignUpStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
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
