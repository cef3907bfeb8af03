package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.account.Account;
import dev.lanyard.account.MigratedDatabases;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

class SqliteTeamSessionStoreTest extends TeamSessionStoreContract {

    @Override
    HikariDataSource migratedDatabase() {
        return MigratedDatabases.sqlite();
    }

    /** As on PostgreSQL: each member's own range of sessions_account_active, without statistics (Lanyard runs no ANALYZE here). */
    @Test
    void theOverviewReadsEachMembersSessionsThroughTheirIndexNotTheWholeTable() throws Exception {
        Account first = teamWithHistory(50, 200);

        String plan = String.join("\n", JdbcClient.create(dataSource).sql("EXPLAIN QUERY PLAN " + JdbcTeamSessionStore.members(false, false))
                .param("team", first.team().value()).param("prefix", "").param("length", 0)
                .param("now", minutes(60).toEpochMilli()).param("limit", 51).query((rs, n) -> rs.getString("detail")).list());

        assertThat(plan).as(plan).doesNotContainPattern("(?m)^SCAN s\\b").contains("USING COVERING INDEX sessions_account_active");
        assertThat(store.members(first.team(), "", minutes(60), 51, Optional.empty())).hasSize(50)
                .allSatisfy(row -> assertThat(row.lastActive()).contains(minutes(199)));
    }

    /**
     * The team sessions page counts each member's active and flagged sessions from sessions_account_active alone, never
     * reading a session's row (schema V42; outside scale review: 0.34 s on SQLite for 18,700 active sessions, most of it
     * reading their rows).
     */
    @Test
    void eachMembersCountsReadTheIndexAloneNotTheSessionsRows() throws Exception {
        Account first = teamWithHistory(50, 200);

        String flagged = plan(JdbcTeamSessionStore.members(false, true), first, Optional.empty());

        assertThat(flagged.lines().filter(line -> line.contains("sessions_account_active"))).as(flagged).hasSize(4)
                .allMatch(line -> line.contains("USING COVERING INDEX sessions_account_active"));
    }

    private String plan(String sql, Account member, Optional<SessionId> kept) {
        return String.join("\n", JdbcClient.create(dataSource).sql("EXPLAIN QUERY PLAN " + sql)
                .param("team", member.team().value()).param("keep", kept.map(SessionId::value).orElse(null)).param("prefix", "")
                .param("length", 0).param("now", minutes(60).toEpochMilli()).param("limit", 51).query((rs, n) -> rs.getString("detail")).list());
    }
}
