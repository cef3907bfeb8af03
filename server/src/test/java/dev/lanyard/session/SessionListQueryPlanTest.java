package dev.lanyard.session;

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
 * A walk through a member's sessions by sign-in ({@link ListOrder#SIGNED_IN}) reads each page through the index on the
 * member's active sessions (V1's sessions_account_active), never every session of the server: a member has a few hundred
 * at most, which the database then sorts by sign-in. Checked on the plans the databases choose themselves, PostgreSQL
 * after ANALYZE, SQLite without statistics, for a member with 500 active and 500 ended sessions among 10,000 others'.
 */
class SessionListQueryPlanTest {
    private static final long NOW = 1_800_000_000_000L;

    @Test
    void onPostgresAWalkBySignInReadsTheMembersActiveSessionsByTheirIndex() throws Exception {
        try (HikariDataSource db = MigratedDatabases.postgres(); Connection c = db.getConnection()) {
            fill(c);
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE");
            }
            for (ListFilter filter : ListFilter.values()) {
                String plan = plan(c, "EXPLAIN " + JdbcSessionLists.bySignIn(filter, true));
                assertThat(plan).as(plan).doesNotContain("Seq Scan").contains("sessions_account_active");
            }
        }
    }

    @Test
    void onSqliteAWalkBySignInReadsTheMembersActiveSessionsByTheirIndex() throws Exception {
        try (HikariDataSource db = MigratedDatabases.sqlite(); Connection c = db.getConnection()) {
            fill(c);
            for (ListFilter filter : ListFilter.values()) {
                String plan = plan(c, "EXPLAIN QUERY PLAN " + JdbcSessionLists.bySignIn(filter, true));
                assertThat(plan).as(plan).contains("SEARCH sessions USING INDEX sessions_account_active (account_id=? AND ended_at=?")
                        .doesNotContain("SCAN sessions");
            }
        }
    }

    /** The member acc_big with 500 active and 500 ended sessions; 200 others with 50 active each. */
    private static void fill(Connection c) throws Exception {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO teams (id, name, created_at) VALUES ('team_p', 'P', 0)");
        }
        try (PreparedStatement account = c.prepareStatement("INSERT INTO accounts (id, team_id, email, name, password_hash, role, created_at)"
                + " VALUES (?, 'team_p', ?, 'P', 'x', 'MEMBER', 0)")) {
            for (int a = -1; a < 200; a++) {
                account.setString(1, a < 0 ? "acc_big" : "acc_" + a);
                account.setString(2, (a < 0 ? "big" : "p" + a) + "@example.com");
                account.addBatch();
            }
            account.executeBatch();
        }
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO sessions (id, token_hash, account_id, app_type, remember_me, device_type, ip, created_at,
                    last_active_at, idle_timeout_ms, expires_at, ended_at, end_reason)
                VALUES (?, ?, ?, 'WEB', FALSE, 'DESKTOP', '10.0.0.1', ?, ?, 3600000, ?, ?, ?)""")) {
            int n = 0;
            for (int a = -1; a < 200; a++) {
                for (int i = 0; i < (a < 0 ? 1000 : 50); i++) {
                    boolean ended = a < 0 && i >= 500;
                    insert.setString(1, "ses_" + (a < 0 ? "big" : a) + "_" + i);
                    insert.setString(2, "h" + n++);
                    insert.setString(3, a < 0 ? "acc_big" : "acc_" + a);
                    insert.setLong(4, NOW - 60_000L * i);
                    insert.setLong(5, NOW - 1000L * i);
                    insert.setLong(6, NOW + 604_800_000L);
                    if (ended) {
                        insert.setLong(7, NOW - 1000L * i);
                        insert.setString(8, "SIGNED_OUT");
                    } else {
                        insert.setNull(7, java.sql.Types.BIGINT);
                        insert.setNull(8, java.sql.Types.VARCHAR);
                    }
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
        c.commit();
        c.setAutoCommit(true);
    }

    /** The plan's text, with the statement's parameters bound: the member's page after their 250th newest sign-in. */
    private static String plan(Connection c, String sql) throws Exception {
        String bound = sql.replace(":owner", "'acc_big'").replace(":afterId", "'ses_big_250'").replace(":at", String.valueOf(NOW - 60_000L * 250))
                .replace(":inactiveBefore", String.valueOf(NOW - 90L * 86_400_000)).replace(":yes", "TRUE").replace(":no", "FALSE")
                .replace(":limit", "51");
        List<String> lines = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(bound)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) lines.add(rs.getString(columns));
        }
        return String.join("\n", lines);
    }
}
