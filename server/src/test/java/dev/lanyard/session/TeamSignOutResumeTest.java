package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import dev.lanyard.account.Account;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.audit.AuditLog;
import dev.lanyard.keys.ApiKeys;
import dev.lanyard.ops.DatabaseKind;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * A team sign-out that a crash cuts short is finished after the restart (outside review: killed 400 ms into a sign-out
 * of 300 sessions, 61 still worked after the restart, and the audit log had no entry of the admin's action). The crash
 * is {@link Crash}: after the first batch committed, every later write of the sign-out fails, the closing of its record
 * too, as if the node had died there.
 */
@LanyardSpringTest
@TestPropertySource(properties = "lanyard.session.sweep-batch=2")
@Import({TeamSignOutResumeTest.Crash.class, TeamSignOutResumeTest.SignInMeanwhile.class})
class TeamSignOutResumeTest {
    static final String REASON = "Password leaked";

    @Autowired
    Sessions sessions;
    @Autowired
    TeamSessions teamSessions;
    @Autowired
    TeamSignOuts signOuts;
    @Autowired
    Accounts accounts;
    @Autowired
    ApiKeys keys;
    @Autowired
    AuditLog audit;
    @Autowired
    DataSource dataSource;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    MutableClock clock;
    @Autowired
    DatabaseKind database;
    @Autowired
    Crash crash;
    @Autowired
    SignInMeanwhile meanwhile;

    Account admin;
    CurrentSession adminSession;
    Instant start;
    /** What the sign-out is to end: the members' sessions, the admin's other sign-in and the admin's API key. */
    final List<SessionId> toEnd = new ArrayList<>();
    final List<Account> members = new ArrayList<>();

    @BeforeEach
    void aTeamWithSessionsAndAnApiKey() {
        start = clock.instant();
        admin = accounts.signUp(TestAccounts.alice());
        adminSession = new CurrentSession(signIn(admin), admin, AppType.WEB);
        toEnd.add(signIn(admin));
        toEnd.add(keys.create(adminSession, new ApiKeys.NewApiKey("Deploy", List.of("sessions:read"), Optional.empty()),
                TestAccounts.PASSWORD, "127.0.0.1").key().id());
        for (int m = 0; m < 2; m++) {
            Account member = TestAccounts.insertTeammate(dataSource, admin, TestAccounts.uniqueEmail("member" + m));
            members.add(member);
            for (int i = 0; i < 3; i++) toEnd.add(signIn(member));
        }
    }

    @AfterEach
    void restoreTheClock() {
        crash.armed.set(false);
        meanwhile.member = null;
        meanwhile.signedIn = null;
        clock.set(start);
    }

    private SessionId signIn(Account account) {
        return sessions.start(new NewSession(account.id(), TestSessions.madrid(), AppType.WEB, false)).session().id();
    }

    /** Runs the sign-out until the crash: its first batch (two sessions) commits, nothing after it. */
    private void signOutUntilTheCrash() {
        crash.arm();
        assertThatThrownBy(() -> teamSessions.signOutTeam(adminSession, REASON)).isInstanceOf(SessionProblem.PartlySignedOut.class);
        crash.armed.set(false);
        assertThat(stillActive(toEnd)).as("cut short after its first batch").isEqualTo(toEnd.size() - 2);
    }

    @Test
    void aSignOutCutShortAfterItsFirstBatchIsFinishedOnceItsClaimRunsOutWithOneAuditEntry() {
        signOutUntilTheCrash();
        clock.advance(Duration.ofSeconds(30));
        SessionId signedInSince = signIn(members.get(0));

        assertThat(signOuts.resumeUnfinished()).as("its node's claim still holds: it may be running").isZero();
        assertThat(stillActive(toEnd)).isEqualTo(toEnd.size() - 2);

        clock.advance(TeamSignOuts.CLAIM);

        assertThat(signOuts.resumeUnfinished()).isEqualTo(1);
        assertThat(stillActive(toEnd)).as("every session and API key of the team at its start").isZero();
        assertThat(stillActive(List.of(adminSession.id()))).as("the admin's own sign-in, as the sign-out keeps it").isEqualTo(1);
        assertThat(stillActive(List.of(signedInSince))).as("a sign-in after the admin's action").isEqualTo(1);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM sessions WHERE end_reason = 'ADMIN_REVOKED' AND end_note = :reason AND id IN (:ids)")
                .param("reason", REASON).param("ids", toEnd.stream().map(SessionId::value).toList()).query(Integer.class).single())
                .isEqualTo(toEnd.size());
        assertThat(teamSignOutEntries()).as("the admin's action, once, the API key counted apart in both runs")
                .containsExactly("Sign-out of every session of the team but the admin's own: " + REASON + " — " + (toEnd.size() - 1)
                        + " sessions and 1 API key, finished after a restart cut it short");
        assertThat(revokedEntries()).as("each ended session and key its own entry, once").isEqualTo(toEnd.size());
        assertThat(audit.verify(admin.team())).isInstanceOf(AuditLog.Verification.Intact.class);

        clock.advance(TeamSignOuts.CLAIM.multipliedBy(2));
        assertThat(signOuts.resumeUnfinished()).as("finished: never again").isZero();
        assertThat(teamSignOutEntries()).hasSize(1);
    }

    /** SQLite serves one node: the start finishes the sign-out at once. On PostgreSQL another node may be running it. */
    @Test
    void atStartUpSqliteFinishesItAtOnceAndPostgresOnceItsClaimRanOut() {
        signOutUntilTheCrash();
        clock.advance(Duration.ofSeconds(5));

        signOuts.resumeAtStart();

        if (database.postgres()) {
            assertThat(stillActive(toEnd)).isEqualTo(toEnd.size() - 2);
            clock.advance(TeamSignOuts.CLAIM);
            signOuts.resumeAtStart();
        }
        assertThat(stillActive(toEnd)).isZero();
        assertThat(teamSignOutEntries()).hasSize(1);
    }

    /**
     * The first run ends what a resume would: the sessions and keys signed in by the admin's click. A member who signs in
     * while it runs (here a second after, between its first batch and the next) keeps that session (outside review: the
     * first run ended it too, the resume of a sign-out cut short did not).
     */
    @Test
    void aSignInWhileTheSignOutRunsKeepsItsSessionAndEverySessionFromBeforeEnds() {
        meanwhile.member = members.get(0);

        SignOutCount ended = teamSessions.signOutTeam(adminSession, REASON);

        assertThat(meanwhile.signedIn).as("signed in while the sign-out ran").isNotNull();
        assertThat(stillActive(toEnd)).as("every session and API key of the team at its start").isZero();
        assertThat(ended).as("the admin's API key apart").isEqualTo(new SignOutCount(toEnd.size() - 1, 1));
        assertThat(stillActive(List.of(meanwhile.signedIn))).as("the sign-in after the admin's click").isEqualTo(1);
        assertThat(stillActive(List.of(adminSession.id()))).as("the admin's own sign-in").isEqualTo(1);
        assertThat(teamSignOutEntries()).containsExactly("Sign-out of every session of the team but the admin's own: " + REASON
                + " — " + (toEnd.size() - 1) + " sessions and 1 API key");
    }

    private int stillActive(List<SessionId> ids) {
        return jdbc.sql("SELECT COUNT(*) FROM sessions WHERE ended_at IS NULL AND id IN (:ids)")
                .param("ids", ids.stream().map(SessionId::value).toList()).query(Integer.class).single();
    }

    private List<String> teamSignOutEntries() {
        return jdbc.sql("SELECT detail FROM audit_entries WHERE team_id = :team AND action = 'admin.team-sign-out' ORDER BY seq")
                .param("team", admin.team().value()).query(String.class).list();
    }

    private int revokedEntries() {
        return jdbc.sql("SELECT COUNT(*) FROM audit_entries WHERE team_id = :team AND action IN ('session.revoked-by-admin', 'key.revoked')")
                .param("team", admin.team().value()).query(Integer.class).single();
    }

    /**
     * While {@link #member} is set, signs them in a second after the sign-out with {@link #REASON} started, in its first
     * batch: the batches that follow find that session among the team's active ones.
     */
    @TestConfiguration(proxyBeanMethods = false)
    static class SignInMeanwhile {
        private final org.springframework.beans.factory.ObjectProvider<Sessions> sessions;
        private final MutableClock clock;
        volatile Account member;
        volatile SessionId signedIn;

        SignInMeanwhile(org.springframework.beans.factory.ObjectProvider<Sessions> sessions, MutableClock clock) {
            this.sessions = sessions;
            this.clock = clock;
        }

        @EventListener
        synchronized void batch(SessionsEnded ended) {
            if (member == null || !ended.ending().note().equals(Optional.of(REASON))) return;
            clock.advance(Duration.ofSeconds(1));
            signedIn = sessions.getObject().start(new NewSession(member.id(), TestSessions.madrid(), AppType.WEB, false)).session().id();
            member = null;
        }
    }

    /**
     * A node killed after the first batch of a sign-out with {@link #REASON}, while {@link #armed}: each later batch fails
     * before it commits, and so does the closing of the sign-out's record, which publishes the admin's audit entry.
     */
    @TestConfiguration(proxyBeanMethods = false)
    static class Crash {
        final AtomicBoolean armed = new AtomicBoolean();
        private final AtomicInteger batches = new AtomicInteger();

        void arm() {
            batches.set(0);
            armed.set(true);
        }

        @EventListener
        void batch(SessionsEnded ended) {
            if (!armed.get() || !ended.ending().note().equals(Optional.of(REASON))) return;
            if (batches.incrementAndGet() > 1) throw new IllegalStateException("the node was killed");
        }

        @EventListener
        void closing(AdminSignOut.Team signOut) {
            if (armed.get() && signOut.reason().equals(REASON)) throw new IllegalStateException("the node was killed");
        }
    }
}
