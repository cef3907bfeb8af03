package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.lanyard.audit.AuditLog;
import dev.lanyard.testsupport.PostgresDatabase;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The same mass endings on PostgreSQL, where each batch also goes out to other nodes by NOTIFY. */
@LanyardSpringTest(database = PostgresDatabase.class)
class PostgresMassEndingTest extends MassEndingTest {
    @Autowired
    AuditLog audit;

    /**
     * A team sign-out's batches run at once and leave out the rows another transaction holds (decision 37);
     * a session held meanwhile (here, by a transaction that stands for an activity flush) is waited for
     * by the last pass, not left active.
     */
    @Test
    void aTeamSignOutWaitsForASessionAnotherTransactionHoldsAndEndsIt() throws Exception {
        SessionId held = ids.get(ids.size() / 2);
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement lock = c.prepareStatement("SELECT id FROM sessions WHERE id = ? FOR UPDATE")) {
                lock.setString(1, held.value());
                lock.executeQuery().close();
            }
            Future<Integer> signOut = caller.submit(() -> teamSessions.signOutTeam(adminSession, "Lost laptop").total());
            // Every other session ends without waiting for the held one.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (stillActive() > 1 && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(stillActive()).as("active besides the admin's own: only the held one").isEqualTo(1);
            assertThat(signOut.isDone()).as("the last pass waits for the held session").isFalse();

            c.commit();

            assertThat(signOut.get(30, TimeUnit.SECONDS)).isEqualTo(ids.size());
        } finally {
            caller.shutdownNow();
        }
        assertEachEndedOnceWithAudit("ADMIN_REVOKED", "session.revoked-by-admin");
        assertThat(audit.verify(admin.team())).isInstanceOf(AuditLog.Verification.Intact.class);
    }

    private long stillActive() {
        return jdbc.sql("SELECT COUNT(*) FROM sessions WHERE account_id IN (:members) AND ended_at IS NULL")
                .param("members", members.stream().map(m -> m.id().value()).toList()).query(Long.class).single();
    }
}
