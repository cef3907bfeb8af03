package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.account.Account;
import dev.lanyard.account.MigratedDatabases;
import dev.lanyard.ops.DatabaseKind;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

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

    /**
     * The team's count and the session kept are one statement that reads no table whole. At the outside review's size
     * (1,000 members, 19,400 active sessions) PostgreSQL counts through sessions_lifetime_deadline in about 23 ms; the page
     * counted twice before, once now.
     */
    @Test
    void theTeamsCountAndTheSessionKeptAreOneStatementThatScansNoTableWhole() throws Exception {
        Account first = teamWithHistory(50, 200);
        JdbcClient jdbc = JdbcClient.create(dataSource);
        jdbc.sql("ANALYZE sessions").update();
        jdbc.sql("ANALYZE accounts").update();

        String plan = String.join("\n", jdbc.sql("EXPLAIN " + JdbcTeamSessionStore.ACTIVE_COUNT + JdbcTeamSessionStore.KEPT_COUNT)
                .param("team", first.team().value()).param("keep", "ses_" + first.id().value() + "_0")
                .param("now", minutes(60).toEpochMilli()).query(String.class).list());

        assertThat(plan).as(plan).doesNotContain("Seq Scan on sessions").contains("Index Scan using sessions_pkey on sessions");
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

            List<Session> skipping = store.endBatch(team.get(0).team(), Optional.of(kept.id()), Optional.empty(), revoked(), 10, true);

            assertThat(skipping).extracting(Session::id).containsExactly(free.id());
            c.commit();
        }
        assertThat(store.endBatch(team.get(0).team(), Optional.of(kept.id()), Optional.empty(), revoked(), 10, false)).extracting(Session::id).containsExactly(held.id());
        assertThat(sessions.findAnyOwner(kept.id()).orElseThrow().active()).isTrue();
    }

    /**
     * Two nodes' sweeps claim a team sign-out whose node stopped at the same moment: the second waits for the first's
     * claim to commit, then finds it claimed and leaves it, so that it is never finished by two nodes at once.
     */
    @Test
    void twoNodesClaimingATeamSignOutAtOnceGetItOnce() throws Exception {
        List<Account> team = team("gus");
        Session kept = session(team.get(0), minutes(1));
        TeamSignOut started = store.startSignOut(asked(team.get(0), kept, minutes(10)), minutes(11));
        ExecutorService otherNode = Executors.newSingleThreadExecutor();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            TeamSessionStore firstNode = new JdbcTeamSessionStore(JdbcClient.create(new SingleConnectionDataSource(c, true)),
                    new DatabaseKind(dataSource));

            assertThat(firstNode.claimSignOut(minutes(12), minutes(13))).map(TeamSignOut::id).contains(started.id());
            Future<Optional<TeamSignOut>> second = otherNode.submit(() -> store.claimSignOut(minutes(12), minutes(13)));
            Thread.sleep(300);
            assertThat(second.isDone()).as("waits for the first claim's row lock").isFalse();
            c.commit();

            assertThat(second.get(30, TimeUnit.SECONDS)).isEmpty();
        } finally {
            otherNode.shutdownNow();
        }
        assertThat(store.finishSignOut(started.id(), minutes(13))).isPresent();
    }
}
