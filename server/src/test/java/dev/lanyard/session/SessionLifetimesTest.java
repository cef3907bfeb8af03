package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import dev.lanyard.account.Account;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TeamPolicy;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The background sweep and purge (PRODUCT.md L1, L4) on a real database with a clock the tests
 * move. The database is shared with other test classes, so tests look at their own sessions; where
 * a test needs exact counts it first sweeps away whatever other tests left to expire.
 */
@LanyardSpringTest
class SessionLifetimesTest {
    @Autowired
    SessionLifetimes lifetimes;
    @Autowired
    Sessions sessions;
    @Autowired
    SessionReads reads;
    @Autowired
    TeamSessions teamSessions;
    @Autowired
    Accounts accounts;
    @Autowired
    SessionStore store;
    @Autowired
    ActivityRecorder activity;
    @Autowired
    SessionBroadcast broadcast;
    @Autowired
    SessionSettings settings;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    Timeline timeline;
    @Autowired
    MutableClock clock;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    dev.lanyard.account.Mailer mailer;

    private Account alice;

    Account alice() {
        return alice;
    }

    @BeforeEach
    void signUpAlice() {
        alice = accounts.signUp(TestAccounts.alice());
    }

    Sessions.Started signIn(Account account, boolean rememberMe) {
        return sessions.start(new NewSession(account.id(), TestSessions.madrid(), AppType.WEB, rememberMe));
    }

    Session row(Sessions.Started started) {
        return store.findAnyOwner(started.session().id()).orElseThrow();
    }

    Optional<EndReason> endReason(Sessions.Started started) {
        return row(started).ending().map(Session.Ending::reason);
    }

    private Sessions.Check check(Sessions.Started started) {
        return sessions.check(started.token(), Optional.empty());
    }

    /**
     * The same lifetimes over the same beans, but with {@code batch} sessions per transaction and a
     * store that records the limit of every batch query it answers.
     */
    SessionLifetimes withBatch(int batch, List<Integer> limits) {
        SessionSettings s = settings;
        SessionSettings small = new SessionSettings(s.cookieName(), s.flushInterval(), s.activeWindow(), s.cacheSize(),
                s.cacheRefresh(), s.sweepInterval(), batch, s.historyRetention());
        SessionStore recording = (SessionStore) Proxy.newProxyInstance(SessionStore.class.getClassLoader(),
                new Class<?>[] {SessionStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("expired") || method.getName().equals("purgeEnded")) limits.add((Integer) args[1]);
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return new SessionLifetimes(recording, accounts, activity, broadcast, small, transactions, clock,
                new dev.lanyard.geo.PrivacySettings(null), mailer);
    }

    /** Moves past every lifetime a policy allows and sweeps, so nothing that other tests left can expire later. */
    void sweepAwayWhatOtherTestsLeft() {
        clock.advance(Duration.ofDays(TeamPolicy.MAX_DAYS + 1));
        lifetimes.sweep();
    }

    int timelineRows(Sessions.Started started) {
        return jdbc.sql("SELECT COUNT(*) FROM session_events WHERE session_id = :id")
                .param("id", started.session().id().value()).query(Integer.class).single();
    }

    // ---- sweep

    @Test
    void sweepEndsSessionsPastTheirLifetimeOrIdleTimeoutAndLeavesFreshOnes() {
        // Alice's team: short lifetime, long idle timeout, so her plain session reaches its lifetime first.
        accounts.changePolicy(alice, new TeamPolicy(Duration.ofDays(30), true, 60, 1));
        Account bob = accounts.signUp(TestAccounts.bob()); // default policy: idle 7 days, remembered 30 days
        Sessions.Started pastLifetime = signIn(alice, false);
        Sessions.Started idle = signIn(bob, true);
        clock.advance(Duration.ofDays(6));
        Sessions.Started fresh = signIn(alice, true);
        clock.advance(Duration.ofDays(2));

        int ended = lifetimes.sweep();

        assertThat(ended).isGreaterThanOrEqualTo(2);
        assertThat(endReason(pastLifetime)).contains(EndReason.LIFETIME_EXPIRED);
        assertThat(endReason(idle)).contains(EndReason.IDLE_EXPIRED);
        assertThat(endReason(fresh)).isEmpty();
        Session.Ending ending = row(idle).ending().orElseThrow();
        assertThat(ending.at()).as("when it expired, not when the sweep ran")
                .isEqualTo(idle.session().lastActiveAt().plus(Duration.ofDays(7)));
        assertThat(ending.by()).as("nobody ended it").isEmpty();
        assertThat(ending.fromSession()).isEmpty();
        assertThat(check(fresh)).isInstanceOf(Sessions.Check.Valid.class);
    }

    /**
     * The sweep records when each session expired, the moment its own answer and page gave before the sweep ended it
     * ({@link Session#endedIfExpired}): an API key's expiry, a lifetime's end, last activity plus the idle timeout. It
     * recorded when the sweep ran, up to a sweep interval later, so an expired key's revokedAt moved. The audit entry is
     * the sweep's, at its own time.
     */
    @Test
    void theSweepRecordsWhenEachSessionExpiredAsItReadBefore() {
        Sessions.Started idle = signIn(alice, true); // remembered: idle after 7 days, well before its lifetime's end
        clock.advance(Duration.ofHours(1));
        Sessions.Started pastLifetime = signIn(alice, false); // 7 days, which come before its idle timeout's end
        Session key = sessions.startKey(new Sessions.NewKey(alice.id(), "CI", ApiKeyToken.generate(),
                Optional.of(clock.instant().plus(Duration.ofDays(2)))));
        clock.advance(Duration.ofDays(7).plusHours(2));
        List<SessionId> ids = List.of(idle.session().id(), pastLifetime.session().id(), key.id());
        List<Optional<Session.Ending>> before = ids.stream().map(id -> sessions.get(id, alice.id()).ending()).toList();
        assertThat(before).allSatisfy(ending -> assertThat(ending).as("expired, read before the sweep").isPresent());
        clock.advance(Duration.ofMinutes(1));

        lifetimes.sweep();

        assertThat(ids.stream().map(id -> store.findAnyOwner(id).orElseThrow().ending()).toList()).isEqualTo(before);
        assertThat(before).extracting(ending -> ending.orElseThrow().at()).containsExactly(
                idle.session().lastActiveAt().plus(Duration.ofDays(7)), pastLifetime.session().expiresAt(), key.expiresAt());
        assertThat(jdbc.sql("SELECT at FROM audit_entries WHERE session_id IN (:ids) AND action = 'session.expired'")
                .param("ids", ids.stream().map(SessionId::value).toList()).query(Long.class).list())
                .as("recorded by the sweep, when it ran").containsExactly(clock.instant().toEpochMilli(), clock.instant().toEpochMilli(),
                        clock.instant().toEpochMilli());
    }

    @Test
    void sweptSessionIsRefusedOnItsNextCheckEvenWhenItWasCached() {
        Sessions.Started laptop = signIn(alice, false);
        assertThat(check(laptop)).isInstanceOf(Sessions.Check.Valid.class); // now cached
        clock.advance(Duration.ofDays(8));

        lifetimes.sweep();

        assertThat(endReason(laptop)).contains(EndReason.LIFETIME_EXPIRED);
        assertThat(check(laptop)).isEqualTo(new Sessions.Check.Ended(EndReason.LIFETIME_EXPIRED));
    }

    @Test
    void sweepEndsEveryExpiredSessionInOneCallThroughBatchesOfTheConfiguredSize() {
        sweepAwayWhatOtherTestsLeft();
        List<Sessions.Started> expired = IntStream.range(0, 5).mapToObj(i -> signIn(alice, false)).toList();
        clock.advance(Duration.ofDays(8));
        List<Integer> limits = new CopyOnWriteArrayList<>();

        int ended = withBatch(2, limits).sweep();

        assertThat(ended).isEqualTo(5);
        assertThat(expired).allSatisfy(s -> assertThat(endReason(s)).contains(EndReason.LIFETIME_EXPIRED));
        assertThat(limits).as("2 + 2 + 1, each batch asking for at most 2").containsExactly(2, 2, 2);
        assertThat(withBatch(2, limits).sweep()).as("nothing left").isZero();
    }

    @Test
    void sweepCountsActivityThatIsStillOnlyInMemory() {
        Sessions.Started busy = signIn(alice, true);
        Sessions.Started unused = signIn(alice, true);
        Instant created = clock.instant();
        Duration idleTimeout = accounts.policy(alice.team()).idleTimeout();
        clock.advance(idleTimeout.minusHours(1));
        assertThat(check(busy)).isInstanceOf(Sessions.Check.Valid.class);
        Instant busyAt = clock.instant();
        clock.advance(Duration.ofHours(2));
        assertThat(row(busy).lastActiveAt()).as("the activity is not written yet").isEqualTo(created);

        lifetimes.sweep();

        assertThat(endReason(busy)).as("active an hour ago, in memory only").isEmpty();
        assertThat(row(busy).lastActiveAt()).as("the sweep writes nothing; the flush does").isEqualTo(created);
        activity.flush();
        assertThat(row(busy).lastActiveAt()).isEqualTo(busyAt);
        assertThat(endReason(unused)).contains(EndReason.IDLE_EXPIRED);
        assertThat(check(busy)).isInstanceOf(Sessions.Check.Valid.class);
    }

    @Test
    void aSessionExpiredButNotYetSweptIsNeitherListedNorCountedNorOnTheMap() {
        Duration idleTimeout = accounts.policy(alice.team()).idleTimeout();
        Sessions.Started idle = signIn(alice, false);
        clock.advance(idleTimeout.dividedBy(2));
        Sessions.Started busy = signIn(alice, false);
        activity.flush();
        clock.advance(idleTimeout.dividedBy(2).plusMinutes(1)); // idle's deadline has passed; no sweep has run

        assertThat(sessions.active(alice.id(), ListFilter.ALL, 50, Optional.empty()).items())
                .extracting(Session::id).containsExactly(busy.session().id());
        assertThat(reads.counts(alice.id()).all()).isEqualTo(1);
        assertThat(reads.places(alice.id())).extracting(SessionStore.Place::sessions).containsExactly(1);
        CurrentSession admin = new CurrentSession(busy.session().id(), alice, AppType.WEB);
        assertThat(teamSessions.of(admin, alice.id(), 50, Optional.empty()).items())
                .as("an admin's view of the member").extracting(Session::id).containsExactly(busy.session().id());
        assertThat(teamSessions.withoutKeysOf(admin, alice.id(), 50, Optional.empty()).items())
                .extracting(Session::id).containsExactly(busy.session().id());
        assertThat(teamSessions.counts(admin, alice.id()).sessions()).isEqualTo(1);
        assertThat(row(idle).active()).as("the sweep ends it, not the list").isTrue();
    }

    @Test
    void expiredSessionsLeaveTheActiveListAndAppearInHistoryWithTheirReason() {
        Sessions.Started idle = signIn(alice, true);
        clock.advance(Duration.ofDays(7));
        Sessions.Started pastLifetime = signIn(alice, false);
        for (int day = 0; day < 6; day++) {
            clock.advance(Duration.ofDays(1));
            check(pastLifetime); // busy every day until its lifetime is over
        }
        clock.advance(Duration.ofDays(1));

        lifetimes.sweep();

        assertThat(sessions.active(alice.id(), ListFilter.ALL, 50, Optional.empty()).items()).isEmpty();
        assertThat(reads.counts(alice.id()).all()).isZero();
        List<Session> history = sessions.history(alice.id(), 50, Optional.empty()).items();
        assertThat(history).extracting(Session::id)
                .containsExactlyInAnyOrder(idle.session().id(), pastLifetime.session().id());
        assertThat(history).filteredOn(s -> s.id().equals(idle.session().id()))
                .singleElement().extracting(s -> s.ending().orElseThrow().reason()).isEqualTo(EndReason.IDLE_EXPIRED);
        assertThat(history).filteredOn(s -> s.id().equals(pastLifetime.session().id()))
                .singleElement().extracting(s -> s.ending().orElseThrow().reason()).isEqualTo(EndReason.LIFETIME_EXPIRED);
        assertThat(timeline.of(history.stream().filter(s -> s.id().equals(idle.session().id())).findFirst().orElseThrow())).last()
                .extracting(Timeline.Line::text).isEqualTo("Ended: Expired after inactivity");
        assertThat(timeline.of(history.stream().filter(s -> s.id().equals(pastLifetime.session().id())).findFirst().orElseThrow())).last()
                .extracting(Timeline.Line::text).isEqualTo("Ended: Reached its maximum lifetime");
    }

    @Test
    void teamWithoutAnIdleTimeoutIsNeverIdleExpiredByTheSweep() {
        accounts.changePolicy(alice, new TeamPolicy(Duration.ZERO, true, 60, 7));
        Sessions.Started unused = signIn(alice, false);

        clock.advance(Duration.ofDays(6));
        lifetimes.sweep();
        assertThat(endReason(unused)).as("6 days without activity").isEmpty();
        clock.advance(Duration.ofDays(1));
        lifetimes.sweep();

        assertThat(endReason(unused)).contains(EndReason.LIFETIME_EXPIRED);
    }

    // ---- purge

    @Test
    void purgeDeletesSessionsThatEndedBeforeTheRetentionWithTheirTimelines() {
        Sessions.Started old = signIn(alice, false);
        Sessions.Started oldButActive = signIn(alice, false);
        sessions.logout(new CurrentSession(old.session().id(), alice, AppType.WEB));
        assertThat(timelineRows(old)).as("signed in").isEqualTo(1);
        clock.advance(settings.historyRetention().plusDays(1));
        Sessions.Started recent = signIn(alice, false);
        sessions.logout(new CurrentSession(recent.session().id(), alice, AppType.WEB));
        Sessions.Started active = signIn(alice, false);

        int purged = lifetimes.purge();

        assertThat(purged).isGreaterThanOrEqualTo(1);
        assertThat(store.findAnyOwner(old.session().id())).isEmpty();
        assertThat(timelineRows(old)).isZero();
        assertThat(store.findAnyOwner(recent.session().id())).isPresent();
        assertThat(timelineRows(recent)).isEqualTo(1);
        assertThat(store.findAnyOwner(active.session().id())).isPresent();
        assertThat(store.findAnyOwner(oldButActive.session().id())).as("never ended, so not history").isPresent();
        assertThat(sessions.history(alice.id(), 50, Optional.empty()).items()).extracting(Session::id)
                .containsExactly(recent.session().id());
    }

    // ---- mail

    private long smtpMail(String to, Instant at, String finished) {
        jdbc.sql("INSERT INTO mail_outbox (team_id, recipient, subject, body, created_at, next_attempt_at" + (finished.isEmpty() ? "" : ", " + finished)
                        + ") VALUES ('team_mail', :to, 'Invitation', '', :at, :at" + (finished.isEmpty() ? "" : ", :at") + ")")
                .param("to", to).param("at", at.toEpochMilli()).update();
        return jdbc.sql("SELECT MAX(id) FROM mail_outbox WHERE recipient = :to").param("to", to).query(Long.class).single();
    }

    private int kept(String table, String recipient) {
        return jdbc.sql("SELECT COUNT(*) FROM " + table + " WHERE recipient = :to").param("to", recipient).query(Integer.class).single();
    }

    /** Mail is kept no longer than the session history, whole bodies of the development outbox least of all (outside review). */
    @Test
    void purgeMailDeletesTheMailKeptLongerThanTheHistoryRetentionInBatches() {
        String old = TestAccounts.uniqueEmail("old-mail");
        String recent = TestAccounts.uniqueEmail("recent-mail");
        dev.lanyard.account.TeamId team = alice.team();
        for (int i = 0; i < 3; i++) mailer.send(team, old, "You're invited", "Open /invite/secret-" + i);
        smtpMail(old, clock.instant(), "sent_at");
        smtpMail(old, clock.instant(), "given_up_at");
        smtpMail(old, clock.instant(), "");
        clock.advance(settings.historyRetention().plusDays(1));
        mailer.send(team, recent, "You're invited", "Open /invite/secret-recent");
        smtpMail(recent, clock.instant(), "sent_at");

        int purged = withBatch(2, new CopyOnWriteArrayList<>()).purgeMail();

        assertThat(purged).isGreaterThanOrEqualTo(5);
        assertThat(kept("outbox", old)).isZero();
        assertThat(kept("mail_outbox", old)).as("the one still to send stays").isEqualTo(1);
        assertThat(kept("outbox", recent)).isEqualTo(1);
        assertThat(kept("mail_outbox", recent)).isEqualTo(1);
        assertThat(lifetimes.purgeMail()).as("nothing left").isZero();
    }

    @Test
    void purgeDeletesEveryOldSessionInOneCallThroughBatchesOfTheConfiguredSize() {
        List<Sessions.Started> old = IntStream.range(0, 5).mapToObj(i -> signIn(alice, false)).toList();
        old.forEach(s -> sessions.logout(new CurrentSession(s.session().id(), alice, AppType.WEB)));
        clock.advance(settings.historyRetention().plusDays(1));
        List<Integer> limits = new CopyOnWriteArrayList<>();

        int purged = withBatch(2, limits).purge();

        assertThat(purged).isGreaterThanOrEqualTo(5);
        assertThat(old).allSatisfy(s -> assertThat(store.findAnyOwner(s.session().id())).isEmpty());
        assertThat(limits).hasSizeGreaterThanOrEqualTo(3).containsOnly(2);
        assertThat(withBatch(2, limits).purge()).as("nothing left").isZero();
    }
}
