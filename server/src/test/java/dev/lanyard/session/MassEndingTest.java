package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import dev.lanyard.account.Account;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.ops.SqlStatementMetrics;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Ending many sessions at once (a team sign-out, the sweep, a member's force sign-out) costs a few
 * SQL statements per batch, not some per session, and still leaves each session its own timeline
 * line and audit entry. Statements are counted, not timed.
 */
@LanyardSpringTest
class MassEndingTest {
    /** Sessions per member; three members: 270 sessions, one batch of the team sign-out and of the sweep (500). */
    private static final int EACH = 90;
    /**
     * Statements one batch may cost, whatever its size: the UPDATE, reading the ended rows, the
     * owners, the admin and their session, the team's listening streams, the audit chain's head, the
     * multi-row inserts of timeline lines and audit entries, the notification. Before, it was about 10
     * per session.
     */
    private static final int PER_BATCH = 40;
    /** Statements a batch may cost for each team it touches: the audit chain's head read and moved, the listening streams and their audiences, with room for a signal delivery that runs meanwhile. */
    private static final int PER_TEAM = 8;

    @Autowired
    Sessions sessions;
    @Autowired
    TeamSessions teamSessions;
    @Autowired
    SessionLifetimes lifetimes;
    @Autowired
    Accounts accounts;
    @Autowired
    DataSource dataSource;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    MutableClock clock;
    @Autowired
    SqlStatementMetrics sql;
    @Autowired
    SessionSettings settings;
    @Autowired
    LiveStreams live;
    @Autowired
    SessionBroadcast broadcast;

    Account admin;
    CurrentSession adminSession;
    final List<Account> members = new ArrayList<>();
    final List<SessionId> ids = new ArrayList<>();

    @BeforeEach
    void aTeamWithManySessions() {
        admin = accounts.signUp(TestAccounts.alice());
        Sessions.Started own = sessions.start(new NewSession(admin.id(), TestSessions.madrid(), AppType.WEB, false));
        adminSession = new CurrentSession(own.session().id(), admin, AppType.WEB);
        // An open sessions page on this node: after each ending, the live updates must not read per session either.
        live.subscribe(adminSession, null, null, null);
        for (int m = 0; m < 3; m++) {
            Account member = TestAccounts.insertTeammate(dataSource, admin, TestAccounts.uniqueEmail("member" + m));
            members.add(member);
            for (int i = 0; i < EACH; i++) {
                ids.add(sessions.start(new NewSession(member.id(), TestSessions.madrid(), AppType.WEB, false)).session().id());
            }
        }
    }

    /** Statements this thread has run: the ending's own, not what background drains and flushes of the shared test context do meanwhile. */
    private long statements() {
        return sql.readsOnThisThread() + sql.writesOnThisThread();
    }

    @Test
    void signingOutATeamCostsAFewStatementsPerBatchNotPerSession() {
        long before = statements();

        int ended = teamSessions.signOutTeam(adminSession, "Lost laptop").total();

        assertThat(ended).isEqualTo(ids.size());
        // One batch and the closing one (the team-wide audit entry), each with its own transaction.
        assertThat(statements() - before).isLessThan(2L * PER_BATCH);
        assertEachEndedOnceWithAudit("ADMIN_REVOKED", "session.revoked-by-admin");
        assertThat(jdbc.sql("SELECT detail FROM audit_entries WHERE session_id = :id AND action = 'session.revoked-by-admin'").param("id", ids.get(0).value())
                .query(String.class).single())
                .isEqualTo("Signed out " + members.get(0).email() + " on " + TestSessions.madrid().device().description() + ": Lost laptop");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM sessions WHERE id = :id AND ended_at IS NULL").param("id", adminSession.id().value())
                .query(Long.class).single()).as("the admin's own session").isEqualTo(1);
    }

    @Test
    void theSweepEndsABatchOfExpiredSessionsInAFewStatements() {
        java.time.Instant now = clock.instant();
        clock.advance(Duration.ofDays(400));
        try {
            // Each swept session records when it expired, not the sweep's time: its team is counted before the sweep.
            long teams = jdbc.sql("""
                            SELECT COUNT(DISTINCT a.team_id) FROM sessions s JOIN accounts a ON a.id = s.account_id
                            WHERE s.ended_at IS NULL AND s.expires_at <= :at""")
                    .param("at", clock.instant().toEpochMilli()).query(Long.class).single();
            long before = statements();

            int ended = lifetimes.sweep();

            // Sessions other tests left in this database expire too, in other teams: the bound is per
            // batch of the sweep and per team in it (each team's audit chain head, listening streams).
            assertThat(ended).isGreaterThanOrEqualTo(ids.size() + 1);
            long batches = ended / settings.batch(broadcast.clustered()) + 1;
            assertThat(statements() - before).isLessThan(batches * PER_BATCH + teams * PER_TEAM);
            assertEachEndedOnceWithAudit("LIFETIME_EXPIRED", "session.expired");
        } finally {
            clock.set(now);
        }
    }

    @Test
    void forcingAMemberOutEndsTheirSessionsInAFewStatements() {
        long before = statements();

        int ended = teamSessions.forceSignOut(adminSession, members.get(1).id(), "Left the company").total();

        assertThat(ended).isEqualTo(EACH);
        assertThat(statements() - before).isLessThan(PER_BATCH);
        // Only this member's: other test classes share the database and force members out too.
        assertThat(jdbc.sql("""
                        SELECT COUNT(*) FROM audit_entries e JOIN sessions s ON s.id = e.session_id
                        WHERE e.action = 'session.revoked-by-admin' AND s.account_id = :member AND s.end_reason = 'ADMIN_REVOKED'""")
                .param("member", members.get(1).id().value()).query(Long.class).single()).isEqualTo(EACH);
    }

    /** Each session ended once, with one audit entry of the action and no timeline line (its row says how it ended). */
    void assertEachEndedOnceWithAudit(String reason, String action) {
        for (SessionId id : ids) {
            assertThat(jdbc.sql("SELECT COUNT(*) FROM sessions WHERE id = :id AND ended_at IS NOT NULL" + (reason == null ? "" : " AND end_reason = :reason"))
                    .param("id", id.value()).param("reason", reason).query(Long.class).single()).as("ended %s", id).isEqualTo(1);
            assertThat(jdbc.sql("SELECT COUNT(*) FROM session_events WHERE session_id = :id AND kind = 'ended'")
                    .param("id", id.value()).query(Long.class).single()).as("timeline of %s", id).isZero();
            assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_entries WHERE session_id = :id AND action = :action")
                    .param("id", id.value()).param("action", action).query(Long.class).single()).as("audit of %s", id).isEqualTo(1);
        }
    }
}
