package dev.lanyard.account;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.lanyard.ops.DatabaseKind;

@Repository
class JdbcPasswordResetStore implements PasswordResetStore {
    /** The first key of this store's two-key advisory locks (apart from Flyway's one-key locks and the sign-ups'). */
    private static final int RESET_LOCKS = 0x4C50_5231;
    private final JdbcClient jdbc;
    private final DatabaseKind database;

    JdbcPasswordResetStore(JdbcClient jdbc, DatabaseKind database) {
        this.jdbc = jdbc;
        this.database = database;
    }

    @Override
    public void lockEmail(String email) {
        if (database.postgres()) {
            jdbc.sql("SELECT pg_advisory_xact_lock(:kind, :email)").param("kind", RESET_LOCKS).param("email", email.hashCode())
                    .query((rs, n) -> 1).list();
        }
    }

    @Override
    public void insert(Request r) {
        jdbc.sql("""
                INSERT INTO password_resets (id, email, account_id, token_hash, created_at, expires_at, origin)
                VALUES (:id, :email, :account, :hash, :created, :expires, :origin)""")
                .param("id", r.id()).param("email", r.email()).param("account", r.account().map(AccountId::value).orElse(null))
                .param("hash", r.tokenHash().orElse(null)).param("created", r.createdAt().toEpochMilli())
                .param("expires", r.expiresAt().toEpochMilli()).param("origin", r.origin().code())
                .update();
    }

    @Override
    public List<Instant> askedSince(String email, Instant since) {
        return jdbc.sql("""
                SELECT created_at FROM password_resets WHERE email = :email AND created_at > :since AND origin = :mail
                 ORDER BY created_at""")
                .param("email", email).param("since", since.toEpochMilli()).param("mail", PasswordResets.Origin.MAIL.code())
                .query((rs, n) -> Instant.ofEpochMilli(rs.getLong(1))).list();
    }

    @Override
    public Optional<Request> usable(String tokenHash, Instant now) {
        return jdbc.sql("""
                SELECT id, email, account_id, token_hash, created_at, expires_at, origin FROM password_resets
                 WHERE token_hash = :hash AND used_at IS NULL AND expires_at > :now AND account_id IS NOT NULL""")
                .param("hash", tokenHash).param("now", now.toEpochMilli())
                .query((rs, n) -> new Request(rs.getString("id"), rs.getString("email"), Optional.of(new AccountId(rs.getString("account_id"))),
                        Optional.of(rs.getString("token_hash")), Instant.ofEpochMilli(rs.getLong("created_at")),
                        Instant.ofEpochMilli(rs.getLong("expires_at")), PasswordResets.Origin.of(rs.getString("origin"))))
                .optional();
    }

    @Override
    public Optional<PasswordResets.Origin> origin(String tokenHash) {
        return jdbc.sql("SELECT origin FROM password_resets WHERE token_hash = :hash").param("hash", tokenHash)
                .query((rs, n) -> PasswordResets.Origin.of(rs.getString(1))).optional();
    }

    @Override
    public int useAll(AccountId account, Instant at) {
        return jdbc.sql("UPDATE password_resets SET used_at = :at WHERE account_id = :account AND used_at IS NULL")
                .param("account", account.value()).param("at", at.toEpochMilli()).update();
    }

    @Override
    public int markUsed(String id, Instant at) {
        return jdbc.sql("UPDATE password_resets SET used_at = :at WHERE id = :id AND used_at IS NULL")
                .param("id", id).param("at", at.toEpochMilli()).update();
    }

    @Override
    public int deleteExpiredBefore(Instant before) {
        return jdbc.sql("DELETE FROM password_resets WHERE expires_at < :before").param("before", before.toEpochMilli()).update();
    }
}
