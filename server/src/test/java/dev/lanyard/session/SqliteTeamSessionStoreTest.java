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
     * reading a session's row (schema V41; outside scale review: 0.34 s on SQLite for 18,700 active sessions, most of it
     * reading their rows).
     */
    @Test
    void eachMembersCountsReadTheIndexAloneNotTheSessionsRows() throws Exception {
        Account first = teamWithHistory(50, 200);

        String flagged = plan(JdbcTeamSessionStore.members(false, true), first, Optional.empty());

        assertThat(flagged.lines().filter(line -> line.contains("sessions_account_active"))).as(flagged).hasSize(4)
                .allMatch(line -> line.contains("USING COVERING INDEX sessions_account_active"));
    }

    /**
     * The team's total and whether the admin's own sign-in is among it are one statement: the total from the index alone,
     * the session kept one row found by its id (outside scale review: the page counted 18,700 sessions' rows twice).
     */
    @Test
    void theTeamsCountReadsTheIndexAloneAndTheSessionKeptByItsId() throws Exception {
        Account first = teamWithHistory(50, 200);
        SessionId kept = new SessionId("ses_" + first.id().value() + "_0");

        String count = plan(JdbcTeamSessionStore.ACTIVE_COUNT + JdbcTeamSessionStore.KEPT_COUNT, first, Optional.of(kept));

        assertThat(count).as(count).doesNotContainPattern("(?m)^SCAN s\\b").contains("SEARCH s USING COVERING INDEX sessions_account_active")
                .contains("SEARCH s USING INDEX sqlite_autoindex_sessions_1 (id=?)");
        assertThat(store.activeCount(first.team(), Optional.of(kept), minutes(60))).isEqualTo(new TeamSessionStore.ActiveCount(50, 1));
    }

    private String plan(String sql, Account member, Optional<SessionId> kept) {
        return String.join("\n", JdbcClient.create(dataSource).sql("EXPLAIN QUERY PLAN " + sql)
                .param("team", member.team().value()).param("keep", kept.map(SessionId::value).orElse(null)).param("prefix", "")
                .param("length", 0).param("now", minutes(60).toEpochMilli()).param("limit", 51).query((rs, n) -> rs.getString("detail")).list());
    }
}
