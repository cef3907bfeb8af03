package dev.lanyard.risk;

import java.time.Instant;
import java.util.Optional;

import dev.lanyard.account.AccountId;
import dev.lanyard.session.SessionId;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** {@link AlertStore} in SQL that reads the same on SQLite and PostgreSQL. */
@Repository
class JdbcAlertStore implements AlertStore {
    private final JdbcClient jdbc;

    JdbcAlertStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public boolean newDeviceEmails(AccountId account) {
        return jdbc.sql("SELECT new_device_emails FROM alert_settings WHERE account_id = :account")
                .param("account", account.value()).query(Boolean.class).optional().orElse(true);
    }

    @Override
    public boolean setNewDeviceEmails(AccountId account, boolean on) {
        if (newDeviceEmails(account) == on) return false;
        jdbc.sql("""
                INSERT INTO alert_settings (account_id, new_device_emails) VALUES (:account, :on)
                ON CONFLICT (account_id) DO UPDATE SET new_device_emails = excluded.new_device_emails""")
                .param("account", account.value()).param("on", on).update();
        return true;
    }

    @Override
    public void addLink(String tokenHash, SessionId session, AccountId account, Instant at, Instant expiresAt) {
        jdbc.sql("""
                INSERT INTO alert_links (token_hash, session_id, account_id, created_at, expires_at)
                VALUES (:hash, :session, :account, :at, :expires)""")
                .param("hash", tokenHash).param("session", session.value()).param("account", account.value())
                .param("at", at.toEpochMilli()).param("expires", expiresAt.toEpochMilli())
                .update();
    }

    @Override
    public Optional<Link> link(String tokenHash) {
        return jdbc.sql("SELECT session_id, account_id, created_at, expires_at, used_at, all_at FROM alert_links WHERE token_hash = :hash")
                .param("hash", tokenHash)
                .query((rs, n) -> {
                    long used = rs.getLong("used_at");
                    Optional<Instant> usedAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(used));
                    long all = rs.getLong("all_at");
                    Optional<Instant> allAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(all));
                    return new Link(new SessionId(rs.getString("session_id")), new AccountId(rs.getString("account_id")),
                            Instant.ofEpochMilli(rs.getLong("created_at")), Instant.ofEpochMilli(rs.getLong("expires_at")),
                            usedAt, allAt);
                })
                .optional();
    }

    @Override
    public int use(String tokenHash, Instant at) {
        return jdbc.sql("UPDATE alert_links SET used_at = :at WHERE token_hash = :hash AND used_at IS NULL AND expires_at > :at")
                .param("at", at.toEpochMilli()).param("hash", tokenHash).update();
    }

    @Override
    public int useForAll(String tokenHash, Instant at) {
        return jdbc.sql("""
                UPDATE alert_links SET all_at = :at
                WHERE token_hash = :hash AND used_at IS NOT NULL AND all_at IS NULL AND expires_at > :at""")
                .param("at", at.toEpochMilli()).param("hash", tokenHash).update();
    }

    @Override
    public int removeExpired(Instant before) {
        return jdbc.sql("DELETE FROM alert_links WHERE expires_at < :before").param("before", before.toEpochMilli()).update();
    }
}
