package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

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
 * same member meets it: it reads as ended everywhere ({@link Session#endedIfExpired}), so it asks for no approval, as
 * once the sweep has ended it. The sweep runs hourly here, so it ends nothing meanwhile.
 */
@LanyardSpringTest
class ApprovingExpiredSessionsTest {
    @Autowired
    Sessions sessions;
    @Autowired
    Approvals approvals;
    @Autowired
    Accounts accounts;
    @Autowired
    SessionStore store;
    @Autowired
    MutableClock clock;
    @Autowired
    JdbcClient jdbc;

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

    @Test
    void aSignInThatHadExpiredAsksForNoApproval() {
        SessionId phone = signIn(Verification.NONE);
        SessionId tablet = signIn(Verification.NONE);
        SessionId desktop = signIn(Verification.NONE);
        pastItsLifetime(phone);
        idle(tablet);

        assertThat(approvals.pending(fromLaptop())).extracting(Session::id).containsExactly(desktop);
    }
}
