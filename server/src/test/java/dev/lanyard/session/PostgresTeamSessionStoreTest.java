package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Optional;

import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.account.Account;
import dev.lanyard.account.MigratedDatabases;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

class PostgresTeamSessionStoreTest extends TeamSessionStoreContract {

    @Override
    HikariDataSource migratedDatabase() {
        return MigratedDatabases.postgres();
    }

    /** The overview's last activity over ended sessions too reads each member's own range of sessions_account_active. */
    @Test
    void theOverviewReadsEachMembersSessionsThroughTheirIndexNotTheWholeTable() throws Exception {
        Account first = teamWithHistory(50, 200);
        JdbcClient jdbc = JdbcClient.create(dataSource);
        jdbc.sql("ANALYZE sessions").update();
        jdbc.sql("ANALYZE accounts").update();

        String plan = String.join("\n", jdbc.sql("EXPLAIN " + JdbcTeamSessionStore.members(false, false))
                .param("team", first.team().value()).param("prefix", "").param("length", 0)
                .param("now", minutes(60).toEpochMilli()).param("limit", 51).query(String.class).list());

        assertThat(plan).as(plan).doesNotContain("Seq Scan on sessions").contains("sessions_account_active");
        assertThat(store.members(first.team(), "", minutes(60), 51, Optional.empty())).hasSize(50)
                .allSatisfy(row -> assertThat(row.lastActive()).contains(minutes(199)));
    }

    @Test
    void skippingLockedLeavesOutWhatAnotherTransactionHoldsAndTheNextPassEndsIt() throws Exception {
        List<Account> team = team("eve", "finn");
        Session kept = session(team.get(0), minutes(1));
        Session held = session(team.get(1), minutes(2));
        Session free = session(team.get(2), minutes(3));
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement lock = c.prepareStatement("SELECT id FROM sessions WHERE id = ? FOR UPDATE")) {
                lock.setString(1, held.id().value());
                lock.executeQuery().close();
            }

            List<Session> skipping = store.endBatch(team.get(0).team(), Optional.of(kept.id()), revoked(), 10, true);

            assertThat(skipping).extracting(Session::id).containsExactly(free.id());
            c.commit();
        }
        assertThat(store.endBatch(team.get(0).team(), Optional.of(kept.id()), revoked(), 10, false)).extracting(Session::id).containsExactly(held.id());
        assertThat(sessions.findAnyOwner(kept.id()).orElseThrow().active()).isTrue();
    }
}
