package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.account.MigratedDatabases;
import org.junit.jupiter.api.Test;

/**
 * The expiry sweep runs every minute on every node (issue 12): with 20,000 active sessions of
 * which 3 have expired, its queries must read those through the V14 indexes, not every active
 * session (a million at scale: 2.5 s per sweep on PostgreSQL before V14). Checked on the plans
 * the databases choose themselves for each of its two queries: PostgreSQL after ANALYZE, SQLite without statistics (Lanyard
 * never runs ANALYZE there). The purge of old history is checked alike.
 */
class SweepQueryPlanTest {
    private static final int ACTIVE = 20_000;
    private static final long NOW = 1_800_000_000_000L;

    @Test
    void onPostgresTheSweepReadsOnlyExpiredSessions() throws Exception {
        try (HikariDataSource db = MigratedDatabases.postgres(); Connection c = db.getConnection()) {
            fill(c);
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE");
            }
            String lifetime = plan(c, "EXPLAIN (ANALYZE) " + JdbcSessionExpiry.LIFETIME_EXPIRED + " FOR UPDATE SKIP LOCKED", 1);
            assertThat(lifetime).as(lifetime).doesNotContain("Seq Scan").contains("sessions_lifetime_deadline");
            assertThat(rowsRemoved(lifetime)).as(lifetime).isLessThan(100);
            String idle = plan(c, "EXPLAIN (ANALYZE) " + JdbcSessionExpiry.IDLE_EXPIRED + " FOR UPDATE SKIP LOCKED", 2);
            assertThat(idle).as(idle).doesNotContain("Seq Scan").contains("sessions_idle_deadline");
            assertThat(rowsRemoved(idle)).as(idle).isLessThan(100);
            assertThat(plan(c, "EXPLAIN SELECT id FROM sessions WHERE ended_at < " + NOW + " ORDER BY ended_at LIMIT 500", -1))
                    .doesNotContain("Seq Scan").contains("sessions_ended");
        }
    }

    @Test
    void onSqliteTheSweepReadsOnlyExpiredSessions() throws Exception {
        try (HikariDataSource db = MigratedDatabases.sqlite(); Connection c = db.getConnection()) {
            fill(c);
            String lifetime = plan(c, "EXPLAIN QUERY PLAN " + JdbcSessionExpiry.LIFETIME_EXPIRED, -1);
            assertThat(lifetime).as(lifetime).contains("SEARCH sessions USING INDEX sessions_lifetime_deadline").doesNotContain("SCAN sessions");
            String idle = plan(c, "EXPLAIN QUERY PLAN " + JdbcSessionExpiry.IDLE_EXPIRED, -1);
            assertThat(idle).as(idle).contains("SEARCH sessions USING INDEX sessions_idle_deadline").doesNotContain("SCAN sessions");
            assertThat(plan(c, "EXPLAIN QUERY PLAN SELECT id FROM sessions WHERE ended_at < " + NOW + " ORDER BY ended_at LIMIT 500", -1))
                    .contains("sessions_ended").doesNotContain("SCAN sessions");
        }
    }

    /** One account; ACTIVE active sessions, one expired by lifetime and two idle; as many ended ones. */
    private static void fill(Connection c) throws Exception {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO teams (id, name, created_at) VALUES ('team_p', 'P', 0)");
            s.executeUpdate("INSERT INTO accounts (id, team_id, email, name, password_hash, role, created_at)"
                    + " VALUES ('acc_p', 'team_p', 'p@example.com', 'P', 'x', 'MEMBER', 0)");
        }
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO sessions (id, token_hash, account_id, app_type, remember_me, device_type, ip, created_at,
                    last_active_at, idle_timeout_ms, expires_at, ended_at, end_reason)
                VALUES (?, ?, 'acc_p', 'WEB', FALSE, 'DESKTOP', '10.0.0.1', 0, ?, 3600000, ?, ?, ?)""")) {
            for (int i = 0; i < 2 * ACTIVE; i++) {
                boolean ended = i >= ACTIVE;
                insert.setString(1, "ses_p_" + i);
                insert.setString(2, "h" + i);
                // Active: used a minute ago, an hour of idle time, a week of lifetime left; 0 reached its lifetime, 1 and 2 idle.
                insert.setLong(3, i == 1 || i == 2 ? NOW - 7_200_000 : NOW - 60_000);
                insert.setLong(4, i == 0 ? NOW - 1 : NOW + 604_800_000L);
                if (ended) {
                    insert.setLong(5, NOW - 1000L * i);
                    insert.setString(6, "SIGNED_OUT");
                } else {
                    insert.setNull(5, java.sql.Types.BIGINT);
                    insert.setNull(6, java.sql.Types.VARCHAR);
                }
                insert.addBatch();
                if (i % 1000 == 999) insert.executeBatch();
            }
            insert.executeBatch();
        }
        c.commit();
        c.setAutoCommit(true);
    }

    /** The plan's text; with {@code expected >= 0}, also runs the query and checks it finds that many sessions. */
    private static String plan(Connection c, String sql, int expected) throws Exception {
        String bound = sql.replace(":now", String.valueOf(NOW)).replace(":limit", "500");
        List<String> lines = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(bound)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) lines.add(rs.getString(columns));
        }
        if (expected >= 0) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(bound.substring("EXPLAIN (ANALYZE) ".length()))) {
                int found = 0;
                while (rs.next()) found++;
                assertThat(found).as("the expired sessions").isEqualTo(expected);
            }
        }
        return String.join("\n", lines);
    }

    private static int rowsRemoved(String plan) {
        Matcher m = Pattern.compile("Rows Removed by (?:Filter|Index Recheck): (\\d+)").matcher(plan);
        int total = 0;
        while (m.find()) total += Integer.parseInt(m.group(1));
        return total;
    }
}
