package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountEvent;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.Members;
import dev.lanyard.account.PasswordChange;
import dev.lanyard.account.PasswordResets;
import dev.lanyard.account.Role;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.keys.ApiKeys;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every ending other than a revocation that reaches a session past its lifetime or idle timeout that the sweep has not
 * ended yet: the "This wasn't me" link, a password change or reset, a member's removal, an app's grant ended, a denied
 * sign-in, an admin key revoked with its owner's role. The session ends as expired, when it expired, as it already read
 * and as a revocation leaves it ({@link RevokingExpiredSessionsTest}), not for the ending's own reason, and the ending
 * does not count it. The sweep runs hourly here, so it ends nothing meanwhile.
 */
@LanyardSpringTest
class OtherEndingsOfExpiredSessionsTest {
    @Autowired
    Sessions sessions;
    @Autowired
    Approvals approvals;
    @Autowired
    Accounts accounts;
    @Autowired
    Members members;
    @Autowired
    ApiKeys keys;
    @Autowired
    SessionStore store;
    @Autowired
    MutableClock clock;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    DataSource dataSource;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    ApplicationEventPublisher events;

    private Account alice;

    @BeforeEach
    void signUpAlice() {
        alice = accounts.signUp(TestAccounts.alice());
    }

    private SessionId signIn(Account account) {
        return signIn(account, Verification.NONE);
    }

    private SessionId signIn(Account account, Verification verification) {
        return sessions.start(new NewSession(account.id(), TestSessions.madrid(), AppType.WEB, false, verification)).session().id();
    }

    private static CurrentSession as(SessionId id, Account account) {
        return new CurrentSession(id, account, AppType.WEB);
    }

    /** Makes the session's lifetime end a minute ago, after its last use three hours ago; returns when it ended. */
    private Instant pastItsLifetime(SessionId id) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Instant ended = now.minus(Duration.ofMinutes(1));
        jdbc.sql("UPDATE sessions SET last_active_at = :last, expires_at = :at WHERE id = :id")
                .param("last", now.minus(Duration.ofHours(3)).toEpochMilli()).param("at", ended.toEpochMilli())
                .param("id", id.value()).update();
        return ended;
    }

    /** Makes the session last used three hours ago with an idle timeout of one hour; returns when it expired. */
    private Instant idle(SessionId id) {
        Instant lastUsed = clock.instant().truncatedTo(ChronoUnit.MILLIS).minus(Duration.ofHours(3));
        jdbc.sql("UPDATE sessions SET last_active_at = :last, idle_timeout_ms = :idle WHERE id = :id")
                .param("last", lastUsed.toEpochMilli()).param("idle", Duration.ofHours(1).toMillis())
                .param("id", id.value()).update();
        return lastUsed.plus(Duration.ofHours(1));
    }

    private Optional<Session.Ending> ending(SessionId id) {
        return store.findAnyOwner(id).orElseThrow().ending();
    }

    private Optional<EndReason> reason(SessionId id) {
        return ending(id).map(Session.Ending::reason);
    }

    /** The audit entries of how the session ended. */
    private List<String> audited(SessionId id) {
        return jdbc.sql("SELECT action FROM audit_entries WHERE session_id = :id AND (action LIKE 'session.%' OR action LIKE 'key.%')"
                        + " AND action NOT IN ('session.signed-in', 'key.created') ORDER BY seq")
                .param("id", id.value()).query(String.class).list();
    }

    @Test
    void theThisWasntMeLinkLeavesSessionsThatHadExpiredExpiredAndCountsOnlyThoseItEnded() {
        SessionId laptop = signIn(alice);
        SessionId phone = signIn(alice);
        SessionId tablet = signIn(alice);
        Instant lifetimeEnded = pastItsLifetime(phone);

        assertThat(sessions.endReported(phone, alice.id())).as("it had ended already").isFalse();

        assertThat(ending(phone)).contains(Session.Ending.expired(EndReason.LIFETIME_EXPIRED, lifetimeEnded));
        assertThat(audited(phone)).containsExactly("session.expired");

        Instant idleSince = idle(tablet);

        assertThat(sessions.endAllReported(alice.id())).containsExactly(laptop);

        assertThat(ending(tablet)).contains(Session.Ending.expired(EndReason.IDLE_EXPIRED, idleSince));
        assertThat(reason(laptop)).contains(EndReason.NOT_ME);
        assertThat(audited(tablet)).containsExactly("session.expired");
    }

    @Test
    void changingThePasswordLeavesOtherSessionsThatHadExpiredExpired() {
        SessionId laptop = signIn(alice);
        SessionId phone = signIn(alice);
        SessionId tablet = signIn(alice);
        Instant idleSince = idle(phone);

        accounts.changePassword(alice.id(), new PasswordChange(TestAccounts.PASSWORD, "a new and much longer passphrase", true,
                new PasswordChange.Origin(laptop.value(), "Firefox on Linux", "", TestAccounts.uniqueAddress())));

        assertThat(ending(phone)).contains(Session.Ending.expired(EndReason.IDLE_EXPIRED, idleSince));
        assertThat(audited(phone)).containsExactly("session.expired");
        assertThat(reason(tablet)).contains(EndReason.PASSWORD_CHANGED);
        assertThat(reason(laptop)).as("the session it was changed from").isEmpty();
    }

    @Test
    void resettingThePasswordLeavesSessionsThatHadExpiredExpired() {
        SessionId laptop = signIn(alice);
        SessionId phone = signIn(alice);
        Instant lifetimeEnded = pastItsLifetime(phone);

        // What the reset's transaction announces once the new password is stored (PasswordResets.reset).
        transactions.executeWithoutResult(tx -> events.publishEvent(new AccountEvent.PasswordReset(alice, PasswordResets.Origin.MAIL,
                TestAccounts.uniqueAddress(), clock.instant())));

        assertThat(ending(phone)).contains(Session.Ending.expired(EndReason.LIFETIME_EXPIRED, lifetimeEnded));
        assertThat(audited(phone)).containsExactly("session.expired");
        assertThat(reason(laptop)).contains(EndReason.PASSWORD_CHANGED);
    }

    @Test
    void removingAMemberLeavesTheirSessionsAndKeysThatHadExpiredExpired() {
        Account bob = TestAccounts.insertTeammate(dataSource, alice, TestAccounts.uniqueEmail("bob"));
        SessionId laptop = signIn(bob);
        SessionId phone = signIn(bob);
        Instant idleSince = idle(phone);
        Instant keyExpired = clock.instant().truncatedTo(ChronoUnit.MILLIS).minus(Duration.ofMinutes(5));
        Session key = sessions.startKey(new Sessions.NewKey(bob.id(), "CI", ApiKeyToken.generate(),
                Optional.of(clock.instant().plus(Duration.ofDays(1)))));
        jdbc.sql("UPDATE sessions SET last_active_at = :last, expires_at = :at WHERE id = :id")
                .param("last", keyExpired.minus(Duration.ofHours(1)).toEpochMilli()).param("at", keyExpired.toEpochMilli())
                .param("id", key.id().value()).update();

        members.remove(alice, bob.id());

        assertThat(reason(laptop)).contains(EndReason.REMOVED);
        assertThat(ending(phone)).contains(Session.Ending.expired(EndReason.IDLE_EXPIRED, idleSince));
        assertThat(ending(key.id())).contains(Session.Ending.expired(EndReason.LIFETIME_EXPIRED, keyExpired));
        assertThat(audited(phone)).containsExactly("session.expired");
        assertThat(audited(key.id())).containsExactly("session.expired");
    }

    @Test
    void endingAnAppsGrantLeavesItsSessionExpiredIfItHadExpiredAndReturnsOnlyThoseItEnded() {
        SessionId calendar = sessions.startApp(new NewSession(alice.id(), TestSessions.madrid(), AppType.OAUTH, false), "Calendar")
                .session().id();
        SessionId notes = sessions.startApp(new NewSession(alice.id(), TestSessions.madrid(), AppType.OAUTH, false), "Notes")
                .session().id();
        SessionId photos = sessions.startApp(new NewSession(alice.id(), TestSessions.madrid(), AppType.OAUTH, false), "Photos")
                .session().id();
        Instant lifetimeEnded = pastItsLifetime(calendar);
        Instant idleSince = idle(photos);

        assertThat(sessions.endApp(List.of(calendar, notes), alice.id(), alice.id())).as("revoked by its member").containsExactly(notes);
        assertThat(sessions.endApp(List.of(photos), alice.id(), EndReason.APP_REVOKED)).as("ended by the app").isEmpty();

        assertThat(ending(calendar)).contains(Session.Ending.expired(EndReason.LIFETIME_EXPIRED, lifetimeEnded));
        assertThat(ending(photos)).contains(Session.Ending.expired(EndReason.IDLE_EXPIRED, idleSince));
        assertThat(reason(notes)).contains(EndReason.REVOKED);
        assertThat(audited(calendar)).containsExactly("session.expired");
        assertThat(audited(photos)).containsExactly("session.expired");
    }

    @Test
    void denyingASignInThatHadExpiredLeavesItExpired() {
        SessionId laptop = signIn(alice, Verification.PASSWORD_AND_CODE);
        SessionId phone = signIn(alice);
        Instant idleSince = idle(phone);

        assertThat(approvals.deny(phone, as(laptop, alice))).as("it had ended already").isFalse();

        assertThat(ending(phone)).contains(Session.Ending.expired(EndReason.IDLE_EXPIRED, idleSince));
        assertThat(audited(phone)).containsExactly("session.expired");
    }

    /** A key of the admin scope alone, which only an earlier build made, is revoked when its owner is made a member (AdminScopes). */
    @Test
    void anAdminKeyRevokedWithItsOwnersRoleStaysExpiredIfItHadExpired() {
        SessionId laptop = signIn(alice);
        ApiKeys.Created key = keys.create(as(laptop, alice), new ApiKeys.NewApiKey("Deploy", List.of("sessions:read", "admin"),
                Optional.of(clock.instant().plus(Duration.ofDays(1)))), TestAccounts.PASSWORD, TestAccounts.uniqueAddress());
        Instant expired = clock.instant().truncatedTo(ChronoUnit.MILLIS).minus(Duration.ofMinutes(5));
        jdbc.sql("UPDATE sessions SET last_active_at = :last, expires_at = :at WHERE id = :id")
                .param("last", expired.minus(Duration.ofHours(1)).toEpochMilli()).param("at", expired.toEpochMilli())
                .param("id", key.key().id().value()).update();
        jdbc.sql("UPDATE api_keys SET scopes = 'admin', expires_at = :at WHERE session_id = :id")
                .param("at", expired.toEpochMilli()).param("id", key.key().id().value()).update();
        Account bob = TestAccounts.insertTeammate(dataSource, alice, TestAccounts.uniqueEmail("bob"));
        members.changeRole(alice, bob.id(), Role.ADMIN);

        members.changeRole(accounts.find(bob.id()).orElseThrow(), alice.id(), Role.MEMBER);

        assertThat(ending(key.key().id())).contains(Session.Ending.expired(EndReason.LIFETIME_EXPIRED, expired));
        assertThat(audited(key.key().id())).containsExactly("session.expired");
    }
}
