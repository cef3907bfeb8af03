package dev.lanyard.factors;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

import dev.lanyard.account.AccountId;
import dev.lanyard.session.SessionId;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** {@link FactorStore} in SQL shared by SQLite and PostgreSQL. */
@Repository
class JdbcFactorStore implements FactorStore {
    private final JdbcClient jdbc;

    JdbcFactorStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<Totp> find(AccountId account) {
        return jdbc.sql("""
                SELECT account_id, seed, created_at, confirmed_at, last_step, enrolling_session, enrolling_key_hash
                FROM totp_factors WHERE account_id = :a
                """).param("a", account.value())
                .query((rs, n) -> new Totp(new AccountId(rs.getString("account_id")), rs.getString("seed"),
                        Instant.ofEpochMilli(rs.getLong("created_at")), instant(rs, "confirmed_at"), rs.getLong("last_step"),
                        starter(rs.getString("enrolling_session"), rs.getString("enrolling_key_hash"))))
                .optional();
    }

    @Override
    public int startEnrolment(AccountId account, String sealedSeed, Starter startedBy, Instant at) {
        jdbc.sql("DELETE FROM totp_factors WHERE account_id = :a AND confirmed_at IS NULL").param("a", account.value()).update();
        // A confirmed app stays: the insert finds its row and does nothing.
        return jdbc.sql("""
                INSERT INTO totp_factors (account_id, seed, created_at, enrolling_session, enrolling_key_hash)
                VALUES (:a, :seed, :at, :session, :key)
                ON CONFLICT (account_id) DO NOTHING
                """).param("a", account.value()).param("seed", sealedSeed).param("at", at.toEpochMilli())
                .param("session", startedBy.session().value()).param("key", startedBy.keyHash()).update();
    }

    @Override
    public int confirm(AccountId account, String sealedSeed, long step, Instant at) {
        return jdbc.sql("""
                UPDATE totp_factors SET confirmed_at = :at, last_step = :step, enrolling_session = NULL, enrolling_key_hash = NULL
                WHERE account_id = :a AND confirmed_at IS NULL AND seed = :seed
                """).param("at", at.toEpochMilli()).param("step", step).param("a", account.value()).param("seed", sealedSeed)
                .update();
    }

    @Override
    public int useStep(AccountId account, long step) {
        return jdbc.sql("""
                UPDATE totp_factors SET last_step = :step
                WHERE account_id = :a AND confirmed_at IS NOT NULL AND last_step < :step
                """).param("step", step).param("a", account.value()).update();
    }

    @Override
    public int delete(AccountId account) {
        jdbc.sql("DELETE FROM recovery_codes WHERE account_id = :a").param("a", account.value()).update();
        return jdbc.sql("DELETE FROM totp_factors WHERE account_id = :a").param("a", account.value()).update();
    }

    @Override
    public int deleteApp(AccountId account) {
        return jdbc.sql("DELETE FROM totp_factors WHERE account_id = :a").param("a", account.value()).update();
    }

    @Override
    public void replaceRecoveryCodes(AccountId account, Collection<String> hashes, Instant at) {
        jdbc.sql("DELETE FROM recovery_codes WHERE account_id = :a").param("a", account.value()).update();
        for (String hash : hashes) {
            jdbc.sql("INSERT INTO recovery_codes (account_id, code_hash, created_at) VALUES (:a, :h, :at)")
                    .param("a", account.value()).param("h", hash).param("at", at.toEpochMilli()).update();
        }
    }

    @Override
    public int useRecoveryCode(AccountId account, Collection<String> hashes, Instant at) {
        if (hashes.isEmpty()) return 0;
        return jdbc.sql("""
                UPDATE recovery_codes SET used_at = :at
                WHERE account_id = :a AND code_hash IN (:h) AND used_at IS NULL
                """).param("at", at.toEpochMilli()).param("a", account.value()).param("h", hashes).update();
    }

    @Override
    public boolean recoveryCodeUsed(AccountId account, Collection<String> hashes) {
        if (hashes.isEmpty()) return false;
        return jdbc.sql("SELECT COUNT(*) FROM recovery_codes WHERE account_id = :a AND code_hash IN (:h) AND used_at IS NOT NULL")
                .param("a", account.value()).param("h", hashes).query(Integer.class).single() > 0;
    }

    @Override
    public int unusedRecoveryCodes(AccountId account) {
        return jdbc.sql("SELECT COUNT(*) FROM recovery_codes WHERE account_id = :a AND used_at IS NULL")
                .param("a", account.value()).query(Integer.class).single();
    }

    @Override
    public void insert(Challenge c) {
        jdbc.sql("""
                INSERT INTO sign_in_challenges (id_hash, account_id, remember_me, app_type, bearer, return_path,
                    created_at, expires_at, password_stamp)
                VALUES (:id, :a, :remember, :app, :bearer, :back, :at, :expires, :stamp)
                """).param("id", c.idHash()).param("a", c.account().value()).param("remember", c.rememberMe())
                .param("stamp", c.passwordStamp())
                .param("app", c.appType()).param("bearer", c.bearer()).param("back", c.returnPath())
                .param("at", c.createdAt().toEpochMilli()).param("expires", c.expiresAt().toEpochMilli()).update();
    }

    @Override
    public Optional<Challenge> findChallenge(String idHash) {
        return jdbc.sql("""
                SELECT id_hash, account_id, remember_me, app_type, bearer, return_path, created_at, expires_at,
                       failures, used_at, password_stamp
                FROM sign_in_challenges WHERE id_hash = :id
                """).param("id", idHash)
                .query((rs, n) -> new Challenge(rs.getString("id_hash"), new AccountId(rs.getString("account_id")),
                        rs.getBoolean("remember_me"), rs.getString("app_type"), rs.getBoolean("bearer"),
                        rs.getString("return_path"), Instant.ofEpochMilli(rs.getLong("created_at")),
                        Instant.ofEpochMilli(rs.getLong("expires_at")), rs.getInt("failures"), instant(rs, "used_at"),
                        rs.getString("password_stamp")))
                .optional();
    }

    @Override
    public int fail(String idHash) {
        if (jdbc.sql("UPDATE sign_in_challenges SET failures = failures + 1 WHERE id_hash = :id AND used_at IS NULL")
                .param("id", idHash).update() == 0) return 0;
        return jdbc.sql("SELECT failures FROM sign_in_challenges WHERE id_hash = :id").param("id", idHash)
                .query(Integer.class).single();
    }

    @Override
    public int consume(String idHash, Instant at, int maxFailures) {
        return jdbc.sql("""
                UPDATE sign_in_challenges SET used_at = :at
                WHERE id_hash = :id AND used_at IS NULL AND expires_at > :at AND failures < :max
                """).param("at", at.toEpochMilli()).param("id", idHash).param("max", maxFailures).update();
    }

    @Override
    public int deleteExpired(Instant before) {
        return jdbc.sql("DELETE FROM sign_in_challenges WHERE expires_at < :before")
                .param("before", before.toEpochMilli()).update();
    }

    private static Optional<Starter> starter(String session, String keyHash) {
        return session == null || keyHash == null ? Optional.empty() : Optional.of(new Starter(new SessionId(session), keyHash));
    }

    private static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(value));
    }
}
