package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

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

/** The session service on a real database, with a clock the tests move. */
@LanyardSpringTest
class SessionsTest {
    private static final String NO_SUCH_TOKEN = "A".repeat(43);

    @Autowired
    Sessions sessions;

    @Autowired

    SessionEnds ends;

    @Autowired

    SessionChanges changes;

    @Autowired

    SessionReads reads;
    @Autowired
    Accounts accounts;
    @Autowired
    SessionStore store;
    @Autowired
    ActivityRecorder activity;
    @Autowired
    SessionCache cache;
    @Autowired
    MutableClock clock;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    dev.lanyard.ops.SqlStatementMetrics sql;
    @Autowired
    TeamSessions team;
    @Autowired
    javax.sql.DataSource dataSource;

    private Account alice;

    @BeforeEach
    void signUpAlice() {
        alice = accounts.signUp(TestAccounts.alice());
    }

    /** Alice's team policy, where her sessions take their lifetimes from. */
    private TeamPolicy policy() {
        return accounts.policy(alice.team());
    }

    private Sessions.Started signIn(Account account) {
        return signIn(account, false);
    }

    private Sessions.Started signIn(Account account, boolean rememberMe) {
        return sessions.start(new NewSession(account.id(), TestSessions.madrid(), AppType.WEB, rememberMe));
    }

    private static CurrentSession as(Sessions.Started started, Account account) {
        return new CurrentSession(started.session().id(), account, AppType.WEB);
    }

    private Sessions.Check check(Sessions.Started started) {
        return sessions.check(started.token(), Optional.empty());
    }

    private Session row(Sessions.Started started) {
        return store.find(started.session().id(), started.session().account()).orElseThrow();
    }

    private static Sessions.Check.Ended ended(EndReason reason) {
        return new Sessions.Check.Ended(reason);
    }

    // ---- start and check

    @Test
    void aSignInWithTwoFactorsStartsAVerifiedSessionAndAPasswordAloneAnUnverifiedOne() {
        Sessions.Started passkey = sessions.start(new NewSession(alice.id(), TestSessions.madrid(), AppType.WEB, false, dev.lanyard.session.Verification.PASSKEY));
        Sessions.Started password = signIn(alice);
        assertThat(row(passkey).verified()).isTrue();
        assertThat(row(password).verified()).isFalse();
        assertThat(reads.counts(alice.id()).verified()).isEqualTo(1);
    }

    @Test
    void startedSessionIsValidForItsToken() {
        Sessions.Started started = signIn(alice);

        Sessions.Check check = check(started);

        assertThat(check).isEqualTo(new Sessions.Check.Valid(new CurrentSession(started.session().id(), alice, AppType.WEB)));
        assertThat(started.token()).hasSize(43);
        assertThat(row(started).expiresAt()).isEqualTo(clock.instant().plus(policy().lifetime(false)));
        assertThat(row(started).ip()).isEqualTo("83.45.123.78");
    }

    @Test
    void databaseKeepsOnlyTheHashOfTheToken() {
        Sessions.Started started = signIn(alice);

        String stored = jdbc.sql("SELECT token_hash FROM sessions WHERE id = :id")
                .param("id", started.session().id().value()).query(String.class).single();

        assertThat(stored).isEqualTo(SessionToken.hash(started.token())).doesNotContain(started.token());
        assertThat(started.session().id().value()).doesNotContain(started.token());
    }

    @Test
    void unknownAndMalformedTokensAreUnknown() {
        assertThat(sessions.check(NO_SUCH_TOKEN, Optional.empty())).isEqualTo(new Sessions.Check.Unknown());
        assertThat(sessions.check("not a token", Optional.empty())).isEqualTo(new Sessions.Check.Unknown());
        assertThat(sessions.check(null, Optional.empty())).isEqualTo(new Sessions.Check.Unknown());
    }

    // ---- revoking

    @Test
    void revokedSessionIsRefusedOnItsVeryNextCheck() {
        Sessions.Started phone = signIn(alice);
        Sessions.Started laptop = signIn(alice);
        assertThat(check(phone)).isInstanceOf(Sessions.Check.Valid.class); // now cached

        ends.revoke(phone.session().id(), as(laptop, alice));

        assertThat(check(phone)).isEqualTo(ended(EndReason.REVOKED));
        Session.Ending ending = row(phone).ending().orElseThrow();
        assertThat(ending.reason()).isEqualTo(EndReason.REVOKED);
        assertThat(ending.at()).isEqualTo(clock.instant());
        assertThat(ending.by()).contains(alice.id());
        assertThat(ending.fromSession()).contains(laptop.session().id());
        assertThat(check(laptop)).isInstanceOf(Sessions.Check.Valid.class);
    }

    @Test
    void revokingTheCurrentSessionIsRefused() {
        Sessions.Started laptop = signIn(alice);

        assertThatThrownBy(() -> ends.revoke(laptop.session().id(), as(laptop, alice)))
                .isInstanceOf(SessionProblem.CurrentSession.class);
        assertThatThrownBy(() -> ends.revoke(List.of(laptop.session().id()), as(laptop, alice)))
                .isInstanceOf(SessionProblem.CurrentSession.class);

        assertThat(check(laptop)).isInstanceOf(Sessions.Check.Valid.class);
        assertThat(row(laptop).active()).isTrue();
    }

    @Test
    void revokingSomeoneElsesSessionChangesNothing() {
        Account bob = accounts.signUp(TestAccounts.bob());
        Sessions.Started bobs = signIn(bob);
        Sessions.Started alices = signIn(alice);
        assertThat(check(bobs)).isInstanceOf(Sessions.Check.Valid.class);

        assertThatThrownBy(() -> ends.revoke(bobs.session().id(), as(alices, alice)))
                .isInstanceOf(SessionProblem.NotFound.class);
        assertThat(ends.revoke(List.of(bobs.session().id()), as(alices, alice))).isEmpty();

        assertThat(check(bobs)).isInstanceOf(Sessions.Check.Valid.class);
        assertThat(row(bobs).active()).isTrue();
        assertThatThrownBy(() -> sessions.get(bobs.session().id(), alice.id())).isInstanceOf(SessionProblem.NotFound.class);
    }

    @Test
    void revokingAnUnknownSessionIsNotFoundAndAnEndedOneAgainChangesNothing() {
        Sessions.Started laptop = signIn(alice);
        Sessions.Started phone = signIn(alice);
        ends.revoke(phone.session().id(), as(laptop, alice));
        Session ended = sessions.get(phone.session().id(), alice.id());

        ends.revoke(phone.session().id(), as(laptop, alice));
        assertThat(sessions.get(phone.session().id(), alice.id()).ending()).isEqualTo(ended.ending());
        assertThatThrownBy(() -> ends.revoke(new SessionId("ses_unknown"), as(laptop, alice)))
                .isInstanceOf(SessionProblem.NotFound.class);
    }

    @Test
    void addingFlagsKeepsTheOnesASessionCarriesAndAddsOnlyNewCodes() {
        Sessions.Started phone = signIn(alice);
        SessionFlag country = new SessionFlag("new-country", SessionFlag.Level.HIGH, "Used from Germany");
        SessionFlag address = new SessionFlag("new-address", SessionFlag.Level.LOW, "Used from a new address");
        assertThat(sessions.addFlags(phone.session().id(), alice.id(), List.of(country), PER_CODE)).containsExactly(country);
        assertThat(sessions.addFlags(phone.session().id(), alice.id(), List.of(address, country), PER_CODE)).containsExactly(address);
        Session row = sessions.get(phone.session().id(), alice.id());
        assertThat(row.flags()).containsExactly(country, address);
        assertThat(row.concern()).contains(SessionFlag.Level.HIGH);
        Account bob = accounts.signUp(TestAccounts.bob());
        assertThat(sessions.addFlags(phone.session().id(), bob.id(), List.of(address), PER_CODE)).as("not bob's").isEmpty();
    }

    /** Every flag of a code is about one thing. */
    private static final java.util.function.Function<SessionFlag, String> PER_CODE = f -> "";

    @Test
    void aFlagOfACodeTheSessionCarriesIsAddedWhenItIsAboutSomethingElse() {
        Sessions.Started phone = signIn(alice);
        SessionFlag australia = new SessionFlag("new-country", SessionFlag.Level.HIGH, "Used from Australia for the first time");
        SessionFlag brazil = new SessionFlag("new-country", SessionFlag.Level.HIGH, "Used from Brazil for the first time");
        SessionFlag address = new SessionFlag("new-address", SessionFlag.Level.LOW, "Used from a new address, 200.147.67.•••");
        SessionFlag anotherAddress = new SessionFlag("new-address", SessionFlag.Level.LOW, "Used from a new address, 200.147.68.•••");
        java.util.function.Function<SessionFlag, String> countries = f -> f.code().equals("new-country") ? f.reason() : "";

        assertThat(sessions.addFlags(phone.session().id(), alice.id(), List.of(australia, address), countries)).containsExactly(australia, address);
        assertThat(sessions.addFlags(phone.session().id(), alice.id(), List.of(brazil, anotherAddress, brazil), countries))
                .as("another country is added, once; another address is the same flag").containsExactly(brazil);
        assertThat(sessions.addFlags(phone.session().id(), alice.id(), List.of(australia), countries)).isEmpty();
        assertThat(sessions.get(phone.session().id(), alice.id()).flags()).containsExactly(australia, address, brazil);
    }

    @Test
    void revokingSelectedSessionsEndsOnlyTheCallersActiveOnes() {
        Account bob = accounts.signUp(TestAccounts.bob());
        Sessions.Started laptop = signIn(alice);
        Sessions.Started phone = signIn(alice);
        Sessions.Started tablet = signIn(alice);
        Sessions.Started bobs = signIn(bob);

        List<SessionId> ended = ends.revoke(List.of(phone.session().id(), tablet.session().id(), bobs.session().id()),
                as(laptop, alice));

        assertThat(ended).containsExactlyInAnyOrder(phone.session().id(), tablet.session().id());
        assertThat(check(phone)).isEqualTo(ended(EndReason.REVOKED));
        assertThat(check(tablet)).isEqualTo(ended(EndReason.REVOKED));
        assertThat(check(bobs)).isInstanceOf(Sessions.Check.Valid.class);
    }

    @Test
    void revokingSelectedSessionsWithAnApiKeyAmongThemIsRefusedWholeNamingTheKey() {
        Sessions.Started laptop = signIn(alice);
        Sessions.Started phone = signIn(alice);
        String secret = ApiKeyToken.generate();
        Session key = sessions.startKey(new Sessions.NewKey(alice.id(), "deploy bot", secret, Optional.empty()));

        assertThatThrownBy(() -> ends.revoke(List.of(phone.session().id(), key.id()), as(laptop, alice)))
                .isInstanceOfSatisfying(SessionProblem.class, refused -> {
                    assertThat(refused.code()).isEqualTo("api-key-selected");
                    assertThat(refused.status()).isEqualTo(409);
                    assertThat(refused.getMessage()).contains("\u201cdeploy bot\u201d", "Nothing was signed out.");
                });

        assertThat(check(phone)).as("nothing of the request was done").isInstanceOf(Sessions.Check.Valid.class);
        assertThat(sessions.check(secret, Optional.empty())).isInstanceOf(Sessions.Check.Valid.class);
    }

    @Test
    void revokingOthersKeepsTheCurrentSession() {
        Sessions.Started laptop = signIn(alice);
        Sessions.Started phone = signIn(alice);
        Sessions.Started tablet = signIn(alice);
        check(phone);
        check(tablet);

        List<SessionId> ended = ends.revokeOthers(as(laptop, alice));

        assertThat(ended).containsExactlyInAnyOrder(phone.session().id(), tablet.session().id());
        assertThat(check(laptop)).isInstanceOf(Sessions.Check.Valid.class);
        assertThat(check(phone)).isEqualTo(ended(EndReason.REVOKED));
        assertThat(check(tablet)).isEqualTo(ended(EndReason.REVOKED));
        assertThat(ends.revokeOthers(as(laptop, alice))).isEmpty();
    }

    @Test
    void revokingAllEndsEverySessionIncludingTheCurrent() {
        Sessions.Started laptop = signIn(alice);
        Sessions.Started phone = signIn(alice);
        check(laptop);
        check(phone);

        List<SessionId> ended = ends.revokeAll(as(laptop, alice));

        assertThat(ended).containsExactlyInAnyOrder(laptop.session().id(), phone.session().id());
        assertThat(check(laptop)).isInstanceOf(Sessions.Check.Ended.class);
        assertThat(check(phone)).isEqualTo(ended(EndReason.REVOKED));
        assertThat(reads.counts(alice.id()).all()).isZero();
    }

    @Test
    void loggingOutEndsTheCurrentSessionAndIsSafeToRepeat() {
        Sessions.Started laptop = signIn(alice);
        check(laptop);

        sessions.logout(as(laptop, alice));
        sessions.logout(as(laptop, alice));

        assertThat(check(laptop)).isEqualTo(ended(EndReason.SIGNED_OUT));
        assertThat(row(laptop).ending().orElseThrow().reason()).isEqualTo(EndReason.SIGNED_OUT);
    }

    // ---- lifetimes

    @Test
    void sessionIdleForTheIdleTimeoutEndsOnItsNextCheck() {
        Sessions.Started phone = signIn(alice, true);
        Duration almostIdle = policy().idleTimeout().minusMinutes(1);

        clock.advance(almostIdle);
        assertThat(check(phone)).as("activity just before the timeout").isInstanceOf(Sessions.Check.Valid.class);
        clock.advance(almostIdle);
        assertThat(check(phone)).as("the idle time counts from the last check").isInstanceOf(Sessions.Check.Valid.class);
        Instant lastUsed = clock.instant();
        clock.advance(policy().idleTimeout().plusHours(1));

        assertThat(check(phone)).isEqualTo(ended(EndReason.IDLE_EXPIRED));
        Session.Ending ending = row(phone).ending().orElseThrow();
        assertThat(ending.reason()).isEqualTo(EndReason.IDLE_EXPIRED);
        assertThat(ending.at()).as("when it expired, an hour before the check that ended it")
                .isEqualTo(lastUsed.plus(policy().idleTimeout()));
        assertThat(ending.by()).isEmpty();
        assertThat(check(phone)).isEqualTo(ended(EndReason.IDLE_EXPIRED));
    }

    @Test
    void idleSessionEndsEvenWhenItWasNeverCachedOnThisNode() {
        Sessions.Started phone = signIn(alice, true);

        clock.advance(policy().idleTimeout());

        assertThat(check(phone)).isEqualTo(ended(EndReason.IDLE_EXPIRED));
    }

    @Test
    void rememberedSessionLastsItsLongerLifetimeThenEndsThoughActive() {
        Sessions.Started remembered = signIn(alice, true);
        Instant expiresAt = remembered.session().createdAt().plus(policy().lifetime(true));
        assertThat(row(remembered).expiresAt()).isEqualTo(expiresAt);
        Duration step = policy().idleTimeout().minusHours(1);

        while (clock.instant().plus(step).isBefore(expiresAt)) {
            clock.advance(step);
            assertThat(check(remembered)).as("at %s", clock.instant()).isInstanceOf(Sessions.Check.Valid.class);
        }
        clock.set(expiresAt.minusMillis(1));
        assertThat(check(remembered)).isInstanceOf(Sessions.Check.Valid.class);
        clock.set(expiresAt);

        assertThat(check(remembered)).isEqualTo(ended(EndReason.LIFETIME_EXPIRED));
        assertThat(row(remembered).ending().orElseThrow().reason()).isEqualTo(EndReason.LIFETIME_EXPIRED);
    }

    @Test
    void sessionWithoutRememberMeEndsAtTheShorterLifetime() {
        Sessions.Started plain = signIn(alice, false);
        Instant expiresAt = plain.session().createdAt().plus(policy().lifetime(false));
        assertThat(policy().lifetime(false)).isLessThan(policy().lifetime(true));

        clock.advance(Duration.ofDays(1));
        assertThat(check(plain)).isInstanceOf(Sessions.Check.Valid.class);
        clock.set(expiresAt.plusSeconds(30));

        assertThat(check(plain)).isEqualTo(ended(EndReason.LIFETIME_EXPIRED));
        assertThat(row(plain).ending().orElseThrow().at()).as("its lifetime's end, not the check's time").isEqualTo(expiresAt);
    }

    @Test
    void teamThatDoesNotAllowRememberMeGivesEverySessionTheShorterLifetime() {
        accounts.changePolicy(alice, new TeamPolicy(Duration.ofDays(7), false, 30, 3));

        Sessions.Started asked = signIn(alice, true);

        assertThat(row(asked).rememberMe()).isFalse();
        assertThat(row(asked).expiresAt()).isEqualTo(asked.session().createdAt().plus(Duration.ofDays(3)));
        clock.advance(Duration.ofDays(3));
        assertThat(check(asked)).isEqualTo(ended(EndReason.LIFETIME_EXPIRED));
    }

    @Test
    void teamWithoutAnIdleTimeoutKeepsUnusedSessionsUntilTheirLifetime() {
        accounts.changePolicy(alice, new TeamPolicy(Duration.ZERO, true, 60, 7));
        Sessions.Started unused = signIn(alice, false);

        clock.advance(Duration.ofDays(6));
        assertThat(check(unused)).isInstanceOf(Sessions.Check.Valid.class);
        clock.advance(Duration.ofDays(1));

        assertThat(check(unused)).isEqualTo(ended(EndReason.LIFETIME_EXPIRED));
    }

    // ---- activity

    @Test
    void checksAreCountedInMemoryAndWrittenInOneBatch() {
        Sessions.Started laptop = signIn(alice);
        Instant created = clock.instant();
        activity.flush(); // whatever other tests left pending
        for (int i = 1; i <= 25; i++) {
            clock.advance(Duration.ofSeconds(1));
            sessions.check(laptop.token(), i % 5 == 0 ? Optional.of("/settings/sessions/" + i) : Optional.empty());
        }
        Instant lastCheck = clock.instant();

        Session beforeFlush = row(laptop);
        assertThat(beforeFlush.activity().requests()).as("no write per check").isZero();
        assertThat(beforeFlush.lastActiveAt()).isEqualTo(created);
        assertThat(sessions.get(laptop.session().id(), alice.id()).activity().requests())
                .as("reads see unwritten activity").isEqualTo(25);

        assertThat(activity.flush()).as("sessions written").isEqualTo(1);

        Session afterFlush = row(laptop);
        assertThat(afterFlush.activity()).isEqualTo(new Session.Activity(1, 25, 5, "/settings/sessions/25"));
        assertThat(afterFlush.lastActiveAt()).isEqualTo(lastCheck);
        assertThat(activity.flush()).as("nothing left to write").isZero();
    }

    @Test
    void sessionReloadedAfterAFlushIsIdleOnlyFromItsLastActivity() {
        Sessions.Started laptop = signIn(alice, true);
        clock.advance(policy().idleTimeout().minusHours(1));
        assertThat(check(laptop)).isInstanceOf(Sessions.Check.Valid.class);
        activity.flush();
        cache.clear(); // as on another node, or after a restart

        clock.advance(Duration.ofHours(2));

        assertThat(check(laptop)).isInstanceOf(Sessions.Check.Valid.class);
    }

    @Test
    void unwrittenActivityStillCountsWhenTheSessionIsReloaded() {
        Sessions.Started laptop = signIn(alice, true);
        clock.advance(policy().idleTimeout().minusHours(1));
        assertThat(check(laptop)).isInstanceOf(Sessions.Check.Valid.class);
        cache.clear();

        clock.advance(Duration.ofHours(2));

        assertThat(check(laptop)).isInstanceOf(Sessions.Check.Valid.class);
    }

    // ---- the current session, from the cache

    private CurrentSession valid(Sessions.Check check) {
        assertThat(check).isInstanceOf(Sessions.Check.Valid.class);
        return ((Sessions.Check.Valid) check).session();
    }

    /** Reads the database makes while {@code action} runs. */
    private long readsDuring(Runnable action) {
        long before = sql.readsOnThisThread();
        action.run();
        return sql.readsOnThisThread() - before;
    }

    @Test
    void currentSessionIsServedFromTheCacheAsTheDatabaseWillHaveIt() {
        Sessions.Started laptop = signIn(alice);
        CurrentSession me = valid(check(laptop));
        assertThat(readsDuring(() -> sessions.current(me))).as("the first time, the row is read for the entry").isEqualTo(1);
        for (int i = 1; i <= 3; i++) {
            clock.advance(Duration.ofSeconds(10));
            sessions.check(laptop.token(), new Sessions.Use("83.45.123.78", Optional.of("/settings/sessions/" + i), true));
        }

        Session[] current = new Session[1];
        assertThat(readsDuring(() -> current[0] = sessions.current(me))).as("database reads").isZero();

        assertThat(current[0].activity()).isEqualTo(new Session.Activity(1, 4, 3, "/settings/sessions/3"));
        assertThat(current[0].lastActiveAt()).isEqualTo(clock.instant());
        assertThat(current[0]).isEqualTo(sessions.get(laptop.session().id(), alice.id()));
        activity.flush();
        assertThat(sessions.current(me)).as("after the flush").isEqualTo(row(laptop));
    }

    @Test
    void currentSessionShowsARenameAndAlertsAtOnce() {
        Sessions.Started laptop = signIn(alice);
        CurrentSession me = valid(check(laptop));

        changes.rename(laptop.session().id(), alice.id(), "  Work laptop ");
        changes.setAlerts(laptop.session().id(), alice.id(), false);

        assertThat(sessions.current(me).name()).isEqualTo("Work laptop");
        assertThat(sessions.current(me).alerts()).isFalse();
        valid(check(laptop)); // reads the row again
        Session[] current = new Session[1];
        assertThat(readsDuring(() -> current[0] = sessions.current(me))).as("once for the new entry").isEqualTo(1);
        assertThat(readsDuring(() -> current[0] = sessions.current(me))).isZero();
        assertThat(current[0].name()).isEqualTo("Work laptop");
        assertThat(current[0].alerts()).isFalse();
    }

    @Test
    void currentSessionShowsTheAddressItIsUsedFromNow() {
        Sessions.Started laptop = signIn(alice);
        CurrentSession me = valid(check(laptop));

        sessions.check(laptop.token(), new Sessions.Use("85.240.1.2", Optional.empty(), true));

        Session current = sessions.current(me);
        assertThat(current.ip()).isEqualTo("85.240.1.2");
        assertThat(current.ip()).isEqualTo(row(laptop).ip());
        assertThat(current.location()).isEqualTo(row(laptop).location());
    }

    @Test
    void currentSessionShowsActivityRecordedElsewhereOnceTheCacheRefreshes() {
        Sessions.Started laptop = signIn(alice);
        CurrentSession me = valid(check(laptop));
        activity.flush();
        sessions.current(me); // shown once: the entry holds the row from now on
        // Another node wrote its requests of this session.
        store.recordActivity(List.of(new ActivityRecorder.Flush(laptop.session().id(), clock.instant(), 40, 0, "")));
        assertThat(sessions.current(me).activity().requests()).as("not seen yet").isEqualTo(1);

        clock.advance(Duration.ofMinutes(2));
        valid(check(laptop));

        assertThat(sessions.current(me).activity().requests()).isEqualTo(42);
    }

    @Test
    void endedCurrentSessionIsReadFromTheDatabaseWithWhyItEnded() {
        Sessions.Started laptop = signIn(alice);
        Sessions.Started phone = signIn(alice);
        CurrentSession me = valid(check(laptop));

        ends.revoke(laptop.session().id(), as(phone, alice));

        assertThat(sessions.current(me).ending()).map(Session.Ending::reason).contains(EndReason.REVOKED);
    }

    // ---- rename, alerts, lists

    @Test
    void renamingTrimsTheNameAndRejectsLongOrControlCharacters() {
        Sessions.Started laptop = signIn(alice);
        SessionId id = laptop.session().id();

        changes.rename(id, alice.id(), "  Work laptop  ");
        assertThat(row(laptop).name()).isEqualTo("Work laptop");

        assertThatThrownBy(() -> changes.rename(id, alice.id(), "x".repeat(Sessions.MAX_NAME + 1)))
                .isInstanceOfSatisfying(SessionProblem.InvalidInput.class, p -> {
                    assertThat(p.field()).isEqualTo("name");
                    assertThat(p.getMessage()).contains("at most " + Sessions.MAX_NAME);
                });
        assertThatThrownBy(() -> changes.rename(id, alice.id(), "Work\u0000laptop"))
                .isInstanceOfSatisfying(SessionProblem.InvalidInput.class, p -> assertThat(p.field()).isEqualTo("name"));
        assertThatThrownBy(() -> changes.rename(id, alice.id(), "Work\nlaptop"))
                .isInstanceOf(SessionProblem.InvalidInput.class);
        changes.rename(id, alice.id(), "x".repeat(Sessions.MAX_NAME));

        assertThat(row(laptop).name()).isEqualTo("x".repeat(Sessions.MAX_NAME));
    }

    /** An app's session is named after the app, counted as the app's name was: 60 emoji are not cut at 50 (outside review). */
    @Test
    void anAppsSessionKeepsAnAppsNameOfEmojiWhole() {
        Sessions.AppSession app = sessions.startApp(new NewSession(alice.id(), TestSessions.madrid(), AppType.OAUTH, false),
                "😀".repeat(Sessions.MAX_NAME));

        assertThat(store.find(app.session().id(), alice.id()).orElseThrow().name()).isEqualTo("😀".repeat(Sessions.MAX_NAME));
    }

    @Test
    void renamingToTheNameASessionHasAlreadyAddsNoTimelineLine() {
        Sessions.Started laptop = signIn(alice);
        SessionId id = laptop.session().id();

        changes.rename(id, alice.id(), "");
        changes.rename(id, alice.id(), "Work laptop");
        changes.rename(id, alice.id(), " Work laptop ");

        assertThat(jdbc.sql("SELECT detail FROM session_events WHERE session_id = :id AND kind = 'renamed'")
                .param("id", id.value()).query(String.class).list()).containsExactly("Work laptop");
    }

    @Test
    void renamingOrSwitchingAlertsOfSomeoneElsesOrAnEndedSessionIsNotFound() {
        Account bob = accounts.signUp(TestAccounts.bob());
        Sessions.Started bobs = signIn(bob);
        Sessions.Started laptop = signIn(alice);
        Sessions.Started phone = signIn(alice);
        ends.revoke(phone.session().id(), as(laptop, alice));

        assertThatThrownBy(() -> changes.rename(bobs.session().id(), alice.id(), "mine now"))
                .isInstanceOf(SessionProblem.NotFound.class);
        assertThatThrownBy(() -> changes.setAlerts(bobs.session().id(), alice.id(), false))
                .isInstanceOf(SessionProblem.NotFound.class);
        assertThatThrownBy(() -> changes.rename(phone.session().id(), alice.id(), "gone"))
                .isInstanceOf(SessionProblem.NotFound.class);

        assertThat(row(bobs).name()).isEmpty();
        assertThat(row(bobs).alerts()).isTrue();
    }

    /**
     * Outside review: the list is read with the current session, whose activity was applied only to the page it was on;
     * written between two pages, it moved that session ahead of the cursor, and no page listed it.
     */
    @Test
    void theCurrentSessionComesFirstAndOnceHoweverItsUseMovesItBetweenPages() {
        Sessions.Started laptop = signIn(alice);
        clock.advance(Duration.ofMinutes(1));
        Sessions.Started phone = signIn(alice);
        clock.advance(Duration.ofMinutes(1));
        Sessions.Started tablet = signIn(alice);
        activity.flush();
        clock.advance(Duration.ofMinutes(1));

        for (int size = 1; size <= 4; size++) {
            List<SessionId> paged = new java.util.ArrayList<>();
            Optional<String> cursor = Optional.empty();
            for (int page = 0; page < 5; page++) {
                Sessions.Page<Session> read = sessions.active(valid(check(phone)), ListFilter.ALL, size, cursor);
                paged.addAll(read.items().stream().map(Session::id).toList());
                activity.flush(); // the phone is now the most recently active as the database knows it
                clock.advance(Duration.ofSeconds(6));
                if (read.nextCursor().isEmpty()) break;
                cursor = read.nextCursor();
            }
            assertThat(paged).as("pages of " + size)
                    .containsExactly(phone.session().id(), tablet.session().id(), laptop.session().id());
        }
        assertThat(sessions.active(valid(check(phone)), ListFilter.VERIFIED, 1, Optional.empty()).items())
                .as("only when it passes the filter").isEmpty();
    }

    /**
     * Outside review at scale: an admin's view of a member with 502 sessions and an API key read one page of 100, took it
     * for all of them, dropped the key (keys come last) and counted a force sign-out of 100 that ended 502. The admin pages
     * through every session, the key apart, and the counts are of all of them; on their own page, the session they use is
     * not among what a sign-out ends.
     */
    @Test
    void anAdminPagesThroughAMembersSessionsAndCountsThemAndTheirKeysWhateverTheirNumber() {
        Account mel = TestAccounts.insertTeammate(dataSource, alice, TestAccounts.uniqueEmail("mel"));
        CurrentSession admin = as(signIn(alice), alice);
        for (int i = 0; i <= Sessions.MAX_PAGE; i++) {
            store.insert(TestSessions.of(mel.id()).createdAt(clock.instant()).lastActiveAt(clock.instant().minusSeconds(i)).build(),
                    TestSessions.tokenHash());
        }
        Session key = sessions.startKey(new Sessions.NewKey(mel.id(), "deploy script", ApiKeyToken.generate(), Optional.empty()));

        List<Session> withoutKeys = everyPage(cursor -> team.withoutKeysOf(admin, mel.id(), Sessions.MAX_PAGE, cursor));
        List<Session> all = everyPage(cursor -> team.of(admin, mel.id(), Sessions.MAX_PAGE, cursor));

        assertThat(team.withoutKeysOf(admin, mel.id(), Sessions.MAX_PAGE, Optional.empty()).items()).hasSize(Sessions.MAX_PAGE);
        assertThat(withoutKeys).hasSize(Sessions.MAX_PAGE + 1).noneMatch(Session::apiKey).doesNotHaveDuplicates();
        assertThat(all).hasSize(Sessions.MAX_PAGE + 2).doesNotHaveDuplicates().last().extracting(Session::id).isEqualTo(key.id());
        assertThat(team.counts(admin, mel.id())).isEqualTo(new TeamSessions.MemberCounts(Sessions.MAX_PAGE + 1, 1, Sessions.MAX_PAGE + 1, 1));
        assertThat(team.counts(admin, alice.id())).isEqualTo(new TeamSessions.MemberCounts(1, 0, 0, 0));
        assertThat(team.counts(admin, alice.id()).nothingToEnd()).isTrue();
    }

    /**
     * Outside review (PostgreSQL, two nodes, a member with 500 sessions in use): an admin's walk through the member's
     * sessions, most recently active first, missed those used between two pages. By sign-in each session that stays
     * active is listed once, the key among them by when it was made, however they are used; the walk most recently
     * active first misses the ones used meanwhile, the known limit of that order.
     */
    @Test
    void anAdminsWalkBySignInListsEachSessionOfABusyMemberOnceWhileTheyAreUsed() {
        Account mel = TestAccounts.insertTeammate(dataSource, alice, TestAccounts.uniqueEmail("mel"));
        CurrentSession admin = as(signIn(alice), alice);
        List<SessionId> signedIn = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            clock.advance(Duration.ofMinutes(1));
            if (i == 5) signedIn.add(sessions.startKey(new Sessions.NewKey(mel.id(), "deploy script", ApiKeyToken.generate(), Optional.empty())).id());
            else signedIn.add(signIn(mel).session().id());
        }
        activity.flush();
        java.util.Collections.reverse(signedIn);

        List<SessionId> bySignIn = everyPage(cursor -> {
            Sessions.Page<Session> page = team.of(admin, mel.id(), ListOrder.SIGNED_IN, 5, cursor);
            useTheLeastRecentlyActiveSignIn(mel);
            return page;
        }).stream().map(Session::id).toList();
        List<SessionId> byActivity = everyPage(cursor -> {
            Sessions.Page<Session> page = team.of(admin, mel.id(), ListOrder.RECENTLY_ACTIVE, 5, cursor);
            useTheLeastRecentlyActiveSignIn(mel);
            return page;
        }).stream().map(Session::id).toList();

        assertThat(bySignIn).containsExactlyElementsOf(signedIn);
        assertThat(byActivity).as("the known limit of the order by activity").doesNotHaveDuplicates().hasSizeLessThan(signedIn.size());
    }

    /** The member's sign-in used least recently is used now, and its use written, as another node's flush would. */
    private void useTheLeastRecentlyActiveSignIn(Account member) {
        clock.advance(Duration.ofSeconds(10));
        Session least = everyPage(cursor -> sessions.everyActive(member.id(), Sessions.MAX_PAGE, cursor)).stream()
                .filter(s -> !s.apiKey()).min(java.util.Comparator.comparing(Session::lastActiveAt)).orElseThrow();
        store.recordActivity(List.of(new ActivityRecorder.Flush(least.id(), clock.instant(), 1, 0, "")));
    }

    /** Every page of a list, from the first on, each read by {@code page} with the cursor of the one before. */
    private static List<Session> everyPage(java.util.function.Function<Optional<String>, Sessions.Page<Session>> page) {
        List<Session> read = new java.util.ArrayList<>();
        Optional<String> cursor = Optional.empty();
        for (int pages = 0; pages < 10; pages++) {
            Sessions.Page<Session> one = page.apply(cursor);
            read.addAll(one.items());
            if (one.nextCursor().isEmpty()) break;
            cursor = one.nextCursor();
        }
        return read;
    }

    @Test
    void activeListPagesMostRecentlyActiveFirstAndHistoryListsWhyEachEnded() {
        Sessions.Started laptop = signIn(alice);
        clock.advance(Duration.ofMinutes(1));
        Sessions.Started phone = signIn(alice);
        clock.advance(Duration.ofMinutes(1));
        Sessions.Started tablet = signIn(alice);
        clock.advance(Duration.ofMinutes(1));
        check(laptop); // laptop is now the most recently active
        activity.flush(); // the list is ordered by what the database knows, as of the last flush

        Sessions.Page<Session> first = sessions.active(alice.id(), ListFilter.ALL, 2, Optional.empty());
        Sessions.Page<Session> second = sessions.active(alice.id(), ListFilter.ALL, 2, first.nextCursor());

        assertThat(first.items()).extracting(Session::id).containsExactly(laptop.session().id(), tablet.session().id());
        assertThat(first.nextCursor()).isPresent();
        assertThat(second.items()).extracting(Session::id).containsExactly(phone.session().id());
        assertThat(second.nextCursor()).isEmpty();

        ends.revoke(phone.session().id(), as(laptop, alice));
        clock.advance(Duration.ofMinutes(1));
        sessions.logout(as(tablet, alice));
        Sessions.Page<Session> history = sessions.history(alice.id(), 50, Optional.empty());

        assertThat(history.items()).extracting(Session::id).containsExactly(tablet.session().id(), phone.session().id());
        assertThat(history.items()).extracting(s -> s.ending().orElseThrow().reason())
                .containsExactly(EndReason.SIGNED_OUT, EndReason.REVOKED);
        assertThat(reads.counts(alice.id()).all()).isEqualTo(1);
        assertThatThrownBy(() -> sessions.active(alice.id(), ListFilter.ALL, 2, Optional.of("not a cursor!")))
                .isInstanceOf(SessionProblem.InvalidCursor.class);
    }
}
