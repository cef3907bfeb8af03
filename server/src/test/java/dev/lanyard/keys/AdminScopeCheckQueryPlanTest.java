package dev.lanyard.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.account.MigratedDatabases;
import org.junit.jupiter.api.Test;

/**
 * The check of keys that kept the admin scope ({@link AdminScopes}) runs every sweep interval on every node, for keys
 * that earlier builds left, so nearly always to find nothing: with 5,000 keys of members, its one query must read the
 * few keys that hold the admin scope through the V37 index, not every key. Checked on the plans the databases choose
 * themselves: PostgreSQL after ANALYZE, SQLite without statistics.
 */
class AdminScopeCheckQueryPlanTest {
    private static final int KEYS = 5_000;

    @Test
    void onPostgresTheCheckReadsOnlyKeysHoldingTheAdminScope() throws Exception {
        try (HikariDataSource db = MigratedDatabases.postgres(); Connection c = db.getConnection()) {
            fill(c);
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE");
            }
            String plan = plan(c, "EXPLAIN (ANALYZE) ");
            // Two accounts are read whole, as PostgreSQL rightly reads a table that small.
            assertThat(plan).as(plan).contains("api_keys_admin_scope").doesNotContain("Seq Scan on api_keys")
                    .doesNotContain("Seq Scan on sessions");
            assertThat(found(c)).as("the member's active key of the admin scope").containsExactly("ses_kept");
        }
    }

    @Test
    void onSqliteTheCheckReadsOnlyKeysHoldingTheAdminScope() throws Exception {
        try (HikariDataSource db = MigratedDatabases.sqlite(); Connection c = db.getConnection()) {
            fill(c);
            String plan = plan(c, "EXPLAIN QUERY PLAN ");
            assertThat(plan).as(plan).contains("SCAN k USING INDEX api_keys_admin_scope")
                    .contains("SEARCH s USING").contains("SEARCH a USING").doesNotContain("SCAN s").doesNotContain("SCAN a");
            assertThat(found(c)).as("the member's active key of the admin scope").containsExactly("ses_kept");
        }
    }

    /**
     * A team of an admin and a member: KEYS active keys of the member without the admin scope, three of the admin's
     * with it, one of the member's with it that ended, and one of the member's with it that is active (what the check
     * finds).
     */
    private static void fill(Connection c) throws Exception {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO teams (id, name, created_at) VALUES ('team_k', 'K', 0)");
            s.executeUpdate("INSERT INTO accounts (id, team_id, email, name, password_hash, role, created_at)"
                    + " VALUES ('acc_admin', 'team_k', 'admin@example.com', 'A', 'x', 'ADMIN', 0),"
                    + " ('acc_member', 'team_k', 'member@example.com', 'M', 'x', 'MEMBER', 0)");
        }
        try (PreparedStatement session = c.prepareStatement("""
                INSERT INTO sessions (id, token_hash, account_id, app_type, remember_me, device_type, ip, created_at,
                    last_active_at, idle_timeout_ms, expires_at, ended_at, end_reason, api_key)
                VALUES (?, ?, ?, 'API', FALSE, 'UNKNOWN', '', ?, ?, 0, 253402300799000, ?, ?, TRUE)""");
             PreparedStatement key = c.prepareStatement("""
                INSERT INTO api_keys (session_id, account_id, name, prefix, scopes, created_at)
                VALUES (?, ?, 'key', 'lyk_abcdefgh', ?, ?)""")) {
            List<String[]> keys = new ArrayList<>();
            for (int i = 0; i < KEYS; i++) keys.add(new String[] {"ses_m" + i, "acc_member", "sessions:read sessions:write", ""});
            for (int i = 0; i < 3; i++) keys.add(new String[] {"ses_a" + i, "acc_admin", "admin sessions:read", ""});
            keys.add(new String[] {"ses_ended", "acc_member", "admin sessions:read", "ended"});
            keys.add(new String[] {"ses_kept", "acc_member", "admin sessions:read", ""});
            long at = 1_800_000_000_000L;
            for (String[] k : keys) {
                session.setString(1, k[0]);
                session.setString(2, "h" + k[0]);
                session.setString(3, k[1]);
                session.setLong(4, at);
                session.setLong(5, at);
                if (k[3].isEmpty()) {
                    session.setNull(6, java.sql.Types.BIGINT);
                    session.setNull(7, java.sql.Types.VARCHAR);
                } else {
                    session.setLong(6, at + 1);
                    session.setString(7, "REVOKED");
                }
                session.addBatch();
                key.setString(1, k[0]);
                key.setString(2, k[1]);
                key.setString(3, k[2]);
                key.setLong(4, at++);
                key.addBatch();
            }
            session.executeBatch();
            key.executeBatch();
        }
        c.commit();
        c.setAutoCommit(true);
    }

    private static String bound() {
        return JdbcApiKeyStore.ADMIN_SCOPE_WITHOUT_ADMIN.replace(":admin", "'ADMIN'").replace(":limit", String.valueOf(AdminScopes.CHECK_BATCH));
    }

    private static String plan(Connection c, String explain) throws Exception {
        List<String> lines = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(explain + bound())) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) lines.add(rs.getString(columns));
        }
        return String.join("\n", lines);
    }

    private static List<String> found(Connection c) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(bound())) {
            while (rs.next()) ids.add(rs.getString("session_id"));
        }
        return ids;
    }
}
