package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import dev.lanyard.account.Account;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * An unverified sign-in past its lifetime or idle timeout that the sweep has not ended yet, as a verified session of the
 * same member meets it: it reads as ended everywhere ({@link Session#endedIfExpired}), so it asks for no approval and
 * approving it changes nothing, neither its verification nor the audit log, as once the sweep has ended it. The sweep
 * runs hourly here, so it ends nothing meanwhile.
 */
@LanyardSpringTest
class ApprovingExpiredSessionsTest {
    @Autowired
    Sessions sessions;
    @Autowired
    Approvals approvals;
    @Autowired
    ActivityRecorder activity;
    @Autowired
    Accounts accounts;
    @Autowired
    SessionStore store;
    @Autowired
    MutableClock clock;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    SessionLifetimes lifetimes;

    private Account alice;
    private SessionId laptop;

    @BeforeEach
    void aliceOnAVerifiedLaptop() {
        alice = accounts.signUp(TestAccounts.alice());
        laptop = signIn(Verification.PASSWORD_AND_CODE);
    }

    private SessionId signIn(Verification verification) {
        return sessions.start(new NewSession(alice.id(), TestSessions.madrid(), AppType.WEB, false, verification)).session().id();
    }

    private CurrentSession fromLaptop() {
        return new CurrentSession(laptop, alice, AppType.WEB);
    }

    /** Makes the session's lifetime end a minute ago, after its last use three hours ago. */
    private void pastItsLifetime(SessionId id) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        jdbc.sql("UPDATE sessions SET last_active_at = :last, expires_at = :at WHERE id = :id")
                .param("last", now.minus(Duration.ofHours(3)).toEpochMilli()).param("at", now.minus(Duration.ofMinutes(1)).toEpochMilli())
                .param("id", id.value()).update();
    }

    /** Makes the session last used, as its row says, three hours ago with an idle timeout of one hour. */
    private void idle(SessionId id) {
        jdbc.sql("UPDATE sessions SET last_active_at = :last, idle_timeout_ms = :idle WHERE id = :id")
                .param("last", clock.instant().minus(Duration.ofHours(3)).toEpochMilli()).param("idle", Duration.ofHours(1).toMillis())
                .param("id", id.value()).update();
    }

    /** The audit entries of what was done to the session since it signed in. */
    private List<String> audited(SessionId id) {
        return jdbc.sql("SELECT action FROM audit_entries WHERE session_id = :id AND action LIKE 'session.%'"
                        + " AND action <> 'session.signed-in' ORDER BY seq")
                .param("id", id.value()).query(String.class).list();
    }

    @Test
    void aSignInThatHadExpiredAsksForNoApproval() {
        SessionId phone = signIn(Verification.NONE);
        SessionId tablet = signIn(Verification.NONE);
        SessionId desktop = signIn(Verification.NONE);
        pastItsLifetime(phone);
        idle(tablet);

        assertThat(approvals.pending(fromLaptop())).extracting(Session::id).containsExactly(desktop);
    }

    @Test
    void approvingASignInThatHadExpiredLeavesItUnverifiedAndRecordsNothing() {
        SessionId phone = signIn(Verification.NONE);
        SessionId tablet = signIn(Verification.NONE);
        pastItsLifetime(phone);
        idle(tablet);

        assertThat(approvals.approve(phone, fromLaptop())).as("it had ended already").isFalse();
        assertThat(approvals.approve(tablet, fromLaptop())).as("it had ended already").isFalse();

        assertThat(store.find(phone, alice.id()).orElseThrow().verified()).isFalse();
        assertThat(store.find(tablet, alice.id()).orElseThrow().verified()).isFalse();
        assertThat(audited(phone)).as("no session.approved, so no assurance-level change either").isEmpty();
        assertThat(audited(tablet)).isEmpty();
        assertThat(sessions.get(phone, alice.id()).ending()).hasValueSatisfying(e -> assertThat(e.reason()).isEqualTo(EndReason.LIFETIME_EXPIRED));
    }

    /** The mail's link opened after the sweep ended the sign-ins: answered as before it (outside review: it was not found). */
    @Test
    void approvingOrDenyingASignInTheSweepEndedAsExpiredAnswersAsBeforeTheSweep() {
        SessionId phone = signIn(Verification.NONE);
        SessionId tablet = signIn(Verification.NONE);
        pastItsLifetime(phone);
        idle(tablet);
        lifetimes.sweep();

        for (SessionId swept : List.of(phone, tablet)) {
            assertThat(approvals.approve(swept, fromLaptop())).as("it had expired").isFalse();
            assertThat(approvals.deny(swept, fromLaptop())).as("it had expired").isFalse();
            assertThat(store.find(swept, alice.id()).orElseThrow().verified()).isFalse();
        }
        assertThat(store.find(phone, alice.id()).orElseThrow().ending()).hasValueSatisfying(e -> assertThat(e.reason()).isEqualTo(EndReason.LIFETIME_EXPIRED));
        assertThat(store.find(tablet, alice.id()).orElseThrow().ending()).hasValueSatisfying(e -> assertThat(e.reason()).isEqualTo(EndReason.IDLE_EXPIRED));
        assertThat(audited(phone)).as("the sweep's entry only").containsExactly("session.expired");
        assertThat(audited(tablet)).containsExactly("session.expired");
    }

    /** Its row says it has been idle too long, but this node saw it in use a moment ago: it has not expired. */
    @Test
    void aSignInUsedSinceItsRowWasWrittenStillAsksAndIsApproved() {
        SessionId phone = signIn(Verification.NONE);
        idle(phone);
        activity.record(phone, clock.instant(), Optional.empty());

        assertThat(approvals.pending(fromLaptop())).extracting(Session::id).containsExactly(phone);
        assertThat(approvals.approve(phone, fromLaptop())).isTrue();

        assertThat(store.find(phone, alice.id()).orElseThrow().verified()).isTrue();
        assertThat(audited(phone)).containsExactly("session.approved");
    }
}
