package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

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
 * A revocation that reaches a session past its lifetime or idle timeout that the sweep has not ended yet: the session
 * ends as expired, when it expired, as it already read ({@link Session#endedIfExpired}) and as an API key past its
 * expiry stays when revoked, not as revoked by the member or an admin at the time of the revocation, which leaves it
 * out of its count and its audit entries. The sweep runs hourly here, so it ends nothing meanwhile.
 */
@LanyardSpringTest
class RevokingExpiredSessionsTest {
    @Autowired
    Sessions sessions;
    @Autowired
    SessionEnds ends;
    @Autowired
    TeamSessions team;
    @Autowired
    Accounts accounts;
    @Autowired
    SessionStore store;
    @Autowired
    MutableClock clock;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    DataSource dataSource;

    private Account alice;

    @BeforeEach
    void signUpAlice() {
        alice = accounts.signUp(TestAccounts.alice());
    }

    private Sessions.Started signIn(Account account) {
        return sessions.start(new NewSession(account.id(), TestSessions.madrid(), AppType.WEB, false));
    }

    private static CurrentSession as(Sessions.Started started, Account account) {
        return new CurrentSession(started.session().id(), account, AppType.WEB);
    }

    /** Makes the session's lifetime end a minute ago, after its last use three hours ago; returns when it ended. */
    private Instant pastItsLifetime(Sessions.Started started) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Instant ended = now.minus(Duration.ofMinutes(1));
        jdbc.sql("UPDATE sessions SET last_active_at = :last, expires_at = :at WHERE id = :id")
                .param("last", now.minus(Duration.ofHours(3)).toEpochMilli()).param("at", ended.toEpochMilli())
                .param("id", started.session().id().value()).update();
        return ended;
    }

    /** Makes the session last used three hours ago with an idle timeout of one hour; returns when it expired. */
    private Instant idle(Sessions.Started started) {
        Instant lastUsed = clock.instant().truncatedTo(ChronoUnit.MILLIS).minus(Duration.ofHours(3));
        jdbc.sql("UPDATE sessions SET last_active_at = :last, idle_timeout_ms = :idle WHERE id = :id")
                .param("last", lastUsed.toEpochMilli()).param("idle", Duration.ofHours(1).toMillis())
                .param("id", started.session().id().value()).update();
        return lastUsed.plus(Duration.ofHours(1));
    }

    private Optional<Session.Ending> ending(Sessions.Started started) {
        return store.findAnyOwner(started.session().id()).orElseThrow().ending();
    }

    private Optional<EndReason> reason(Sessions.Started started) {
        return ending(started).map(Session.Ending::reason);
    }

    /** The audit entries of how the session ended. */
    private List<String> audited(Sessions.Started started) {
        return jdbc.sql("SELECT action FROM audit_entries WHERE session_id = :id AND action LIKE 'session.%'"
                        + " AND action <> 'session.signed-in' ORDER BY seq")
                .param("id", started.session().id().value()).query(String.class).list();
    }

    @Test
    void revokingOneSessionThatHadExpiredLeavesItExpiredWhenItExpiredAsItRead() {
        Sessions.Started laptop = signIn(alice);
        Sessions.Started phone = signIn(alice);
        Instant lifetimeEnded = pastItsLifetime(phone);
        Session read = sessions.get(phone.session().id(), alice.id());

        ends.revoke(phone.session().id(), as(laptop, alice));

        assertThat(ending(phone)).as("as it read before").isEqualTo(read.ending())
                .contains(Session.Ending.expired(EndReason.LIFETIME_EXPIRED, lifetimeEnded));
        assertThat(sessions.get(phone.session().id(), alice.id())).isEqualTo(read);
        assertThat(sessions.check(phone.token(), Optional.empty())).isEqualTo(new Sessions.Check.Ended(EndReason.LIFETIME_EXPIRED));
        assertThat(audited(phone)).containsExactly("session.expired");
        ends.revoke(phone.session().id(), as(laptop, alice));
        assertThat(ending(phone)).as("safe to repeat").isEqualTo(read.ending());
    }

    @Test
    void signingOutSelectedSessionsEndsThoseThatHadExpiredAsExpiredAndReturnsOnlyThoseRevoked() {
        Sessions.Started laptop = signIn(alice);
        Sessions.Started phone = signIn(alice);
        Sessions.Started tablet = signIn(alice);
        Instant idleSince = idle(phone);

        List<SessionId> revoked = ends.revoke(List.of(phone.session().id(), tablet.session().id()), as(laptop, alice));

        assertThat(revoked).containsExactly(tablet.session().id());
        assertThat(ending(phone)).contains(Session.Ending.expired(EndReason.IDLE_EXPIRED, idleSince));
        assertThat(reason(tablet)).contains(EndReason.REVOKED);
        assertThat(audited(phone)).containsExactly("session.expired");
        assertThat(audited(tablet)).containsExactly("session.revoked");
    }

    @Test
    void signingOutOtherSessionsOrAllDevicesEndsThoseThatHadExpiredAsExpiredAndCountsOnlyThoseRevoked() {
        Sessions.Started laptop = signIn(alice);
        Sessions.Started phone = signIn(alice);
        Sessions.Started tablet = signIn(alice);
        Instant lifetimeEnded = pastItsLifetime(phone);
        Session key = sessions.startKey(new Sessions.NewKey(alice.id(), "CI", ApiKeyToken.generate(),
                Optional.of(clock.instant().plus(Duration.ofDays(1)))));
        jdbc.sql("UPDATE sessions SET expires_at = :at WHERE id = :id")
                .param("at", clock.instant().minus(Duration.ofMinutes(5)).toEpochMilli()).param("id", key.id().value()).update();

        assertThat(ends.revokeOthers(as(laptop, alice))).containsExactly(tablet.session().id());

        assertThat(ending(phone)).contains(Session.Ending.expired(EndReason.LIFETIME_EXPIRED, lifetimeEnded));
        assertThat(reason(tablet)).contains(EndReason.REVOKED);
        assertThat(store.findAnyOwner(key.id()).orElseThrow().active()).as("API keys stay, expired ones too, for the sweep").isTrue();

        Sessions.Started desktop = signIn(alice);
        Instant idleSince = idle(desktop);

        assertThat(ends.revokeAll(as(laptop, alice))).containsExactly(laptop.session().id());

        assertThat(ending(desktop)).contains(Session.Ending.expired(EndReason.IDLE_EXPIRED, idleSince));
        assertThat(reason(laptop)).contains(EndReason.SIGNED_OUT);
        assertThat(audited(desktop)).containsExactly("session.expired");
    }

    /**
     * Its row says it has been idle too long, but this node has seen it in use since and not written it yet: it has not
     * expired, as it reads, and the revocation ends it.
     */
    @Test
    void aSessionThisNodeSawInUseSinceItsRowWasWrittenIsRevoked() {
        Sessions.Started laptop = signIn(alice);
        Sessions.Started phone = signIn(alice);
        assertThat(sessions.check(phone.token(), Optional.empty())).isInstanceOf(Sessions.Check.Valid.class);
        idle(phone);
        assertThat(sessions.get(phone.session().id(), alice.id()).active()).isTrue();

        ends.revoke(phone.session().id(), as(laptop, alice));

        assertThat(reason(phone)).contains(EndReason.REVOKED);
    }

    @Test
    void forcingAMemberOutEndsTheirSessionsThatHadExpiredAsExpiredAndCountsOnlyThoseRevoked() {
        Sessions.Started admin = signIn(alice);
        Account bob = TestAccounts.insertTeammate(dataSource, alice, TestAccounts.uniqueEmail("bob"));
        Sessions.Started laptop = signIn(bob);
        Sessions.Started phone = signIn(bob);
        Instant lifetimeEnded = pastItsLifetime(phone);

        assertThat(team.forceSignOut(as(admin, alice), bob.id(), "Lost laptop")).isEqualTo(new SignOutCount(1, 0));

        assertThat(reason(laptop)).contains(EndReason.ADMIN_REVOKED);
        assertThat(ending(phone)).contains(Session.Ending.expired(EndReason.LIFETIME_EXPIRED, lifetimeEnded));
        assertThat(audited(phone)).containsExactly("session.expired");
        assertThat(audited(laptop)).containsExactly("session.revoked-by-admin");
        assertThat(jdbc.sql("SELECT detail FROM audit_entries WHERE actor_session_id = :id AND action = 'admin.forced-sign-out'")
                .param("id", admin.session().id().value()).query(String.class).list()).singleElement()
                .satisfies(detail -> assertThat(detail).endsWith(" — 1 session"));

        Account carl = TestAccounts.insertTeammate(dataSource, alice, TestAccounts.uniqueEmail("carl"));
        Sessions.Started carls = signIn(carl);
        Instant idleSince = idle(carls);

        assertThat(team.forceSignOut(as(admin, alice), carl.id(), "Lost laptop")).as("nothing was active").isEqualTo(SignOutCount.NONE);
        assertThat(ending(carls)).contains(Session.Ending.expired(EndReason.IDLE_EXPIRED, idleSince));
    }

    @Test
    void signingOutTheTeamEndsSessionsThatHadExpiredAsExpiredAndCountsOnlyThoseRevoked() {
        Sessions.Started admin = signIn(alice);
        Account bob = TestAccounts.insertTeammate(dataSource, alice, TestAccounts.uniqueEmail("bob"));
        Sessions.Started laptop = signIn(bob);
        Sessions.Started phone = signIn(bob);
        Sessions.Started aliceElsewhere = signIn(alice);
        Instant lifetimeEnded = pastItsLifetime(phone);
        Instant idleSince = idle(aliceElsewhere);

        assertThat(team.signOutTeam(as(admin, alice), "Lost laptop")).isEqualTo(new SignOutCount(1, 0));

        assertThat(reason(laptop)).contains(EndReason.ADMIN_REVOKED);
        assertThat(ending(phone)).contains(Session.Ending.expired(EndReason.LIFETIME_EXPIRED, lifetimeEnded));
        assertThat(ending(aliceElsewhere)).contains(Session.Ending.expired(EndReason.IDLE_EXPIRED, idleSince));
        assertThat(reason(admin)).as("the admin's own").isEmpty();
        assertThat(audited(phone)).containsExactly("session.expired");
        assertThat(jdbc.sql("SELECT detail FROM audit_entries WHERE actor_session_id = :id AND action = 'admin.team-sign-out'")
                .param("id", admin.session().id().value()).query(String.class).list()).singleElement()
                .satisfies(detail -> assertThat(detail).endsWith(" — 1 session"));
    }
}
