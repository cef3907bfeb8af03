package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.device.Device;
import dev.lanyard.device.DeviceType;
import dev.lanyard.geo.GeoLocation;
import dev.lanyard.ops.DatabaseKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What every {@link SessionStore} must do; run against each database by a subclass. The tests
 * share one database and stay apart by giving every test accounts of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SessionStoreContract {
    private static final Instant T0 = TestSessions.T0;

    private HikariDataSource dataSource;
    private SessionStore store;
    private TimelineStore timelines;

    /** A new, empty database with the schema migrated. */
    abstract HikariDataSource migratedDatabase();

    @BeforeAll
    void openStore() {
        dataSource = migratedDatabase();
        store = new JdbcSessionStore(JdbcClient.create(dataSource), new NamedParameterJdbcTemplate(dataSource), new DatabaseKind(dataSource));
        timelines = new JdbcTimelineStore(JdbcClient.create(dataSource));
    }

    @AfterAll
    void closeDatabase() {
        dataSource.close();
    }

    private AccountId newAccount() {
        return TestAccounts.insertInto(dataSource, T0).id();
    }

    private Session stored(Session session) {
        store.insert(session, TestSessions.tokenHash());
        return session;
    }

    private static Instant minutes(long n) {
        return T0.plus(Duration.ofMinutes(n));
    }

    private static Session.Ending revokedAt(Instant at, AccountId by) {
        return Session.Ending.by(EndReason.REVOKED, at, by, null);
    }

    private Session reread(Session session) {
        return store.find(session.id(), session.account()).orElseThrow();
    }

    private static List<SessionId> ids(List<Session> sessions) {
        return sessions.stream().map(Session::id).toList();
    }

    // ---- insert and find

    @Test
    void insertedSessionIsFoundByItsTokenHashWithEveryValue() {
        AccountId owner = newAccount();
        Session session = TestSessions.of(owner).name("Work laptop").appType(AppType.MOBILE).rememberMe(true)
                .verified(true).alerts(false)
                .device(new Device("Safari", "18", "iOS", "18", DeviceType.MOBILE, "iPhone"))
                .location(TestSessions.madrid().location())
                .idleTimeout(Duration.ofHours(12))
                .activity(new Session.Activity(2, 40, 7, "/settings/sessions"))
                .lastActiveAt(minutes(5))
                .build();
        String hash = TestSessions.tokenHash();

        store.insert(session, hash);

        assertThat(store.findByTokenHash(hash)).contains(session);
    }

    @Test
    void aSessionSignedInForABearerTokenIsKnownAsOneAndNoOtherIs() {
        AccountId owner = newAccount();
        Session program = TestSessions.of(owner).appType(AppType.API).build();
        Session browser = stored(TestSessions.of(owner).build());
        Session key = TestSessions.of(owner).appType(AppType.API).build();

        store.insert(program, TestSessions.tokenHash(), true);
        store.insertKey(key, TestSessions.tokenHash());

        assertThat(store.issuedForBearer(program.id())).isTrue();
        assertThat(store.issuedForBearer(browser.id())).isFalse();
        assertThat(store.issuedForBearer(key.id())).isFalse();
        assertThat(store.issuedForBearer(new SessionId("ses_unknown"))).isFalse();
        assertThat(reread(program)).as("the rest of the row as for any sign-in").isEqualTo(program);
    }

    @Test
    void sessionWithoutCoordinatesKeepsThemAbsent() {
        AccountId owner = newAccount();
        Session session = stored(TestSessions.of(owner).location(GeoLocation.unknown()).build());

        assertThat(reread(session).location().latitude()).isEmpty();
        assertThat(reread(session).location().longitude()).isEmpty();
        assertThat(reread(session)).isEqualTo(session);
    }

    @Test
    void unknownTokenHashFindsNothing() {
        assertThat(store.findByTokenHash(TestSessions.tokenHash())).isEmpty();
    }

    @Test
    void findingASessionGivesItOnlyToItsOwner() {
        AccountId owner = newAccount();
        AccountId someoneElse = newAccount();
        Session session = stored(TestSessions.of(owner).build());

        assertThat(store.find(session.id(), owner)).contains(session);
        assertThat(store.find(session.id(), someoneElse)).isEmpty();
        assertThat(store.find(new SessionId("ses_unknown"), owner)).isEmpty();
    }

    @Test
    void endedSessionIsStillFoundWithItsEnding() {
        AccountId owner = newAccount();
        String hash = TestSessions.tokenHash();
        Session session = TestSessions.of(owner).build();
        store.insert(session, hash);
        Session.Ending ending = Session.Ending.by(EndReason.REVOKED, minutes(3), owner, new SessionId("ses_other"));

        store.end(session.id(), owner, ending);

        assertThat(store.findByTokenHash(hash).orElseThrow().ending()).contains(ending);
        assertThat(reread(session).ending()).contains(ending);
        assertThat(reread(session).active()).isFalse();
    }

    // ---- active list, pages and counts

    @Test
    void activeListsMostRecentlyActiveFirstAndLeavesOutEndedAndOtherPeoplesSessions() {
        AccountId owner = newAccount();
        AccountId someoneElse = newAccount();
        Session old = stored(TestSessions.of(owner).lastActiveAt(minutes(1)).build());
        Session newest = stored(TestSessions.of(owner).lastActiveAt(minutes(30)).build());
        Session middle = stored(TestSessions.of(owner).lastActiveAt(minutes(10)).build());
        Session ended = stored(TestSessions.of(owner).lastActiveAt(minutes(40)).build());
        store.end(ended.id(), owner, revokedAt(minutes(41), owner));
        stored(TestSessions.of(someoneElse).lastActiveAt(minutes(20)).build());

        List<Session> active = store.active(owner, ListFilter.ALL, T0, 50, Optional.empty());

        assertThat(ids(active)).containsExactly(newest.id(), middle.id(), old.id());
    }

    @Test
    void activePagesFollowTheCursorWithoutGapsOrRepeatsEvenWhenTimesTie() {
        AccountId owner = newAccount();
        List<Session> all = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            // pairs share a last-active time, so the id must break ties
            all.add(stored(TestSessions.of(owner).id("ses_page_" + owner.value() + "_" + i).lastActiveAt(minutes(i / 2)).build()));
        }
        List<SessionId> expected = store.active(owner, ListFilter.ALL, T0, 50, Optional.empty()).stream().map(Session::id).toList();

        List<SessionId> paged = new ArrayList<>();
        Optional<SessionStore.PageCursor> cursor = Optional.empty();
        for (int page = 0; page < 10; page++) {
            List<Session> rows = store.active(owner, ListFilter.ALL, T0, 3, cursor);
            paged.addAll(ids(rows));
            if (rows.size() < 3) break;
            Session last = rows.get(rows.size() - 1);
            cursor = Optional.of(new SessionStore.PageCursor(last.lastActiveAt(), last.id().value()));
        }

        List<SessionId> newestFirstThenIdDescending = all.stream()
                .sorted(java.util.Comparator.comparing(Session::lastActiveAt)
                        .thenComparing(s -> s.id().value()).reversed())
                .map(Session::id).toList();
        assertThat(expected).containsExactlyElementsOf(newestFirstThenIdDescending);
        assertThat(paged).containsExactlyElementsOf(expected);
    }

    /**
     * An API key no request has used has no activity of its own: its last-active time is when it was made. It comes after
     * every session that was used, however recently it was made (outside review: a key made a minute ago sat above the
     * sessions active now), and the keys never used come newest first; the pages follow the same order.
     */
    @Test
    void activeListsApiKeysNeverUsedAfterEverySessionWithActivityAndPagesThroughThem() {
        AccountId owner = newAccount();
        Session older = stored(TestSessions.of(owner).lastActiveAt(minutes(5)).build());
        Session recent = stored(TestSessions.of(owner).lastActiveAt(minutes(10)).build());
        Session usedKey = storedKey(TestSessions.of(owner).createdAt(minutes(1)).lastActiveAt(minutes(20))
                .activity(new Session.Activity(0, 3, 0, "")).build());
        Session newKey = storedKey(TestSessions.of(owner).createdAt(minutes(30)).lastActiveAt(minutes(30)).build());
        Session olderKey = storedKey(TestSessions.of(owner).createdAt(minutes(25)).lastActiveAt(minutes(25)).build());

        List<SessionId> expected = List.of(usedKey.id(), recent.id(), older.id(), newKey.id(), olderKey.id());
        assertThat(ids(store.active(owner, ListFilter.ALL, T0, 50, Optional.empty()))).containsExactlyElementsOf(expected);

        for (int size = 1; size <= 4; size++) {
            List<SessionId> paged = new ArrayList<>();
            Optional<SessionStore.PageCursor> cursor = Optional.empty();
            for (int page = 0; page < 10; page++) {
                List<Session> rows = store.active(owner, ListFilter.ALL, T0, size, cursor);
                paged.addAll(ids(rows));
                if (rows.size() < size) break;
                Session last = rows.get(rows.size() - 1);
                cursor = SessionStore.PageCursor.decode(new SessionStore.PageCursor(last.lastActiveAt(), last.id().value(),
                        last.apiKey() && last.activity().requests() == 0).encode());
            }
            assertThat(paged).as("pages of " + size).containsExactlyElementsOf(expected);
        }
    }

    /**
     * An admin's view of a member lists their API keys apart, so that many sessions never push the keys off the list
     * (outside review): without them, the sessions most recently active first, page by page.
     */
    @Test
    void activeWithoutKeysLeavesOutTheOwnersApiKeysAndPagesThroughTheRest() {
        AccountId owner = newAccount();
        Session older = stored(TestSessions.of(owner).lastActiveAt(minutes(5)).build());
        Session recent = stored(TestSessions.of(owner).lastActiveAt(minutes(10)).build());
        Session tie = stored(TestSessions.of(owner).lastActiveAt(minutes(10)).build());
        storedKey(TestSessions.of(owner).createdAt(minutes(1)).lastActiveAt(minutes(20)).activity(new Session.Activity(0, 3, 0, "")).build());
        storedKey(TestSessions.of(owner).createdAt(minutes(30)).lastActiveAt(minutes(30)).build());
        Session ended = stored(TestSessions.of(owner).lastActiveAt(minutes(40)).build());
        store.end(ended.id(), owner, revokedAt(minutes(41), owner));
        stored(TestSessions.of(newAccount()).lastActiveAt(minutes(50)).build());

        List<SessionId> expected = ids(store.active(owner, ListFilter.ALL, T0, 50, Optional.empty())).stream()
                .filter(id -> List.of(older.id(), recent.id(), tie.id()).contains(id)).toList();
        assertThat(ids(store.activeWithoutKeys(owner, 50, Optional.empty()))).containsExactlyElementsOf(expected).hasSize(3);
        for (int size = 1; size <= 3; size++) {
            List<SessionId> paged = new ArrayList<>();
            Optional<SessionStore.PageCursor> cursor = Optional.empty();
            for (int page = 0; page < 10; page++) {
                List<Session> rows = store.activeWithoutKeys(owner, size, cursor);
                paged.addAll(ids(rows));
                if (rows.size() < size) break;
                Session last = rows.get(rows.size() - 1);
                cursor = SessionStore.PageCursor.decode(new SessionStore.PageCursor(last.lastActiveAt(), last.id().value()).encode());
            }
            assertThat(paged).as("pages of " + size).containsExactlyElementsOf(expected);
        }
    }

    /**
     * The first session (a list's current one) comes before the others on the first page whatever its activity, and
     * the pages after leave it out: the cursor names it, and one at that session itself starts the others.
     */
    @Test
    void activePutsTheFirstSessionBeforeTheOthersAndItsCursorsLeaveItOut() {
        AccountId owner = newAccount();
        Session older = stored(TestSessions.of(owner).lastActiveAt(minutes(5)).build());
        Session current = stored(TestSessions.of(owner).lastActiveAt(minutes(7)).build());
        Session recent = stored(TestSessions.of(owner).lastActiveAt(minutes(10)).build());
        Session newKey = storedKey(TestSessions.of(owner).createdAt(minutes(30)).lastActiveAt(minutes(30)).build());

        List<SessionId> expected = List.of(current.id(), recent.id(), older.id(), newKey.id());
        assertThat(ids(store.active(owner, ListFilter.ALL, T0, 50, Optional.of(current.id()), Optional.empty())))
                .containsExactlyElementsOf(expected);

        for (int size = 1; size <= 3; size++) {
            List<SessionId> paged = new ArrayList<>();
            Optional<SessionStore.PageCursor> cursor = Optional.empty();
            for (int page = 0; page < 10; page++) {
                List<Session> rows = store.active(owner, ListFilter.ALL, T0, size, Optional.of(current.id()), cursor);
                paged.addAll(ids(rows));
                if (rows.size() < size) break;
                Session last = rows.get(rows.size() - 1);
                cursor = SessionStore.PageCursor.decode(new SessionStore.PageCursor(last.lastActiveAt(), last.id().value(),
                        last.apiKey() && last.activity().requests() == 0, Optional.of(current.id().value())).encode());
                // Used meanwhile, as listing it is: wherever that moves it, it is not listed again.
                store.recordActivity(List.of(new ActivityRecorder.Flush(current.id(), minutes(40 + page), 1, 0, "")));
            }
            assertThat(paged).as("pages of " + size).containsExactlyElementsOf(expected);
        }
    }

    /**
     * Outside review (PostgreSQL, a member with 500 sessions used during the walk): by activity, a session used between two
     * pages moves ahead of the cursor and no page lists it. By sign-in no use moves one: every session that stays active
     * through the walk is listed exactly once, the API keys among them by when they were made, however the sessions are
     * used between pages.
     */
    @Test
    void aWalkBySignInListsEverySessionOnceWhileTheyAreUsedBetweenPagesWhereOneByActivityMissesSome() {
        AccountId owner = newAccount();
        List<Session> all = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            // pairs share a sign-in time, so the id must break ties; the oldest sign-ins are the most recently active
            all.add(stored(TestSessions.of(owner).createdAt(minutes(i / 2)).lastActiveAt(minutes(100 - i)).build()));
        }
        all.add(storedKey(TestSessions.of(owner).createdAt(minutes(3)).lastActiveAt(minutes(3)).build()));
        List<SessionId> newestSignInFirst = all.stream()
                .sorted(java.util.Comparator.comparing(Session::createdAt).thenComparing(s -> s.id().value()).reversed())
                .map(Session::id).toList();

        for (int size = 1; size <= 4; size++) {
            List<SessionId> bySignIn = new ArrayList<>();
            Optional<SessionStore.PageCursor> cursor = Optional.empty();
            for (int page = 0; page < 20; page++) {
                List<Session> rows = store.activeBySignIn(owner, ListFilter.ALL, T0, size, cursor);
                bySignIn.addAll(ids(rows));
                if (rows.size() < size) break;
                Session last = rows.get(rows.size() - 1);
                cursor = SessionStore.PageCursor.decodeSignedIn(new SessionStore.PageCursor(last.createdAt(), last.id().value()).encodeSignedIn());
                useTheLeastRecentlyActive(owner, minutes(200 + 20 * size + page));
            }
            assertThat(bySignIn).as("pages of " + size).containsExactlyElementsOf(newestSignInFirst);
        }

        List<SessionId> byActivity = new ArrayList<>();
        Optional<SessionStore.PageCursor> cursor = Optional.empty();
        for (int page = 0; page < 20; page++) {
            List<Session> rows = store.active(owner, ListFilter.ALL, T0, 2, cursor);
            byActivity.addAll(ids(rows));
            if (rows.size() < 2) break;
            Session last = rows.get(rows.size() - 1);
            cursor = Optional.of(new SessionStore.PageCursor(last.lastActiveAt(), last.id().value(), last.apiKey() && last.activity().requests() == 0));
            useTheLeastRecentlyActive(owner, minutes(300 + page));
        }
        assertThat(byActivity).as("the known limit of the order by activity").doesNotHaveDuplicates().hasSizeLessThan(all.size());
    }

    /** Uses the owner's least recently active session at {@code at}: it becomes the most recently active. */
    private void useTheLeastRecentlyActive(AccountId owner, Instant at) {
        List<Session> used = store.activeBySignIn(owner, ListFilter.ALL, T0, 50, Optional.empty()).stream()
                .filter(s -> !s.apiKey()).sorted(java.util.Comparator.comparing(Session::lastActiveAt)).limit(1).toList();
        store.recordActivity(List.of(new ActivityRecorder.Flush(used.get(0).id(), at, 1, 0, "")));
    }

    @Test
    void aWalkBySignInTakesEachFilterAndItsCursorsReadInNoOtherOrder() {
        AccountId owner = newAccount();
        Instant inactiveBefore = minutes(100);
        Session verifiedOld = stored(TestSessions.of(owner).verified(true).createdAt(minutes(1)).lastActiveAt(minutes(150)).build());
        Session unverifiedIdle = stored(TestSessions.of(owner).createdAt(minutes(2)).lastActiveAt(minutes(20)).build());
        Session verifiedNew = stored(TestSessions.of(owner).verified(true).createdAt(minutes(3)).lastActiveAt(minutes(50)).build());
        Session unverifiedNew = stored(TestSessions.of(owner).createdAt(minutes(4)).lastActiveAt(minutes(120)).build());
        Session key = storedKey(TestSessions.of(owner).createdAt(minutes(5)).lastActiveAt(minutes(5)).build());
        Session ended = stored(TestSessions.of(owner).verified(true).createdAt(minutes(6)).lastActiveAt(minutes(160)).build());
        store.end(ended.id(), owner, revokedAt(minutes(200), owner));
        stored(TestSessions.of(newAccount()).createdAt(minutes(7)).build());

        assertThat(ids(store.activeBySignIn(owner, ListFilter.ALL, inactiveBefore, 50, Optional.empty())))
                .containsExactly(key.id(), unverifiedNew.id(), verifiedNew.id(), unverifiedIdle.id(), verifiedOld.id());
        assertThat(ids(store.activeBySignIn(owner, ListFilter.VERIFIED, inactiveBefore, 50, Optional.empty())))
                .containsExactly(verifiedNew.id(), verifiedOld.id());
        assertThat(ids(store.activeBySignIn(owner, ListFilter.VERIFIED, inactiveBefore, 1,
                Optional.of(new SessionStore.PageCursor(verifiedNew.createdAt(), verifiedNew.id().value()))))).containsExactly(verifiedOld.id());
        assertThat(ids(store.activeBySignIn(owner, ListFilter.UNVERIFIED, inactiveBefore, 50, Optional.empty())))
                .containsExactly(unverifiedNew.id(), unverifiedIdle.id());
        assertThat(ids(store.activeBySignIn(owner, ListFilter.INACTIVE, inactiveBefore, 50, Optional.empty())))
                .containsExactly(key.id(), verifiedNew.id(), unverifiedIdle.id());
        store.setFlags(verifiedOld.id(), owner, List.of(new SessionFlag("new-country", SessionFlag.Level.HIGH, "First sign-in from Spain")));
        assertThat(ids(store.activeBySignIn(owner, ListFilter.FLAGGED, inactiveBefore, 50, Optional.empty()))).containsExactly(verifiedOld.id());

        String bySignIn = new SessionStore.PageCursor(minutes(3), "ses_abc:def").encodeSignedIn();
        assertThat(SessionStore.PageCursor.decodeSignedIn(bySignIn)).contains(new SessionStore.PageCursor(minutes(3), "ses_abc:def"));
        assertThat(SessionStore.PageCursor.decodeSignedIn("")).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SessionStore.PageCursor.decode(bySignIn))
                .isInstanceOf(SessionProblem.InvalidCursor.class).hasMessageContaining("order=signed-in");
        for (SessionStore.PageCursor byActivity : List.of(new SessionStore.PageCursor(minutes(3), "ses_abc"),
                new SessionStore.PageCursor(minutes(3), "ses_abc", true), new SessionStore.PageCursor(minutes(3), "ses_abc", false, Optional.of("ses_here")))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> SessionStore.PageCursor.decodeSignedIn(byActivity.encode()))
                    .isInstanceOf(SessionProblem.InvalidCursor.class).hasMessageContaining("without order=signed-in");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SessionStore.PageCursor.decodeSignedIn(Cursors.encode("signed-in", "x", "ses_abc")))
                .isInstanceOf(SessionProblem.InvalidCursor.class).hasMessageContaining("not valid");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SessionStore.PageCursor.decodeSignedIn("not a cursor!"))
                .isInstanceOf(SessionProblem.InvalidCursor.class).hasMessageContaining("not valid");
    }

    private Session storedKey(Session session) {
        store.insertKey(session, TestSessions.tokenHash());
        return reread(session);
    }

    /**
     * A place is a record as geolocated, with its region: sessions at one record are one place, and which records are
     * one town (London with its region and without, two records a little apart) is the map's to say, as is which of
     * two towns of one name (SessionMapWebTest).
     */
    @Test
    void placesAreTheRecordsOfTheSessionsAddressesWithTheirRegions() {
        AccountId owner = newAccount();
        GeoLocation london = new GeoLocation("London", "England", "United Kingdom", "GB", "", Optional.of(51.5), Optional.of(-0.12), false);
        GeoLocation londonToo = new GeoLocation("London", "", "United Kingdom", "GB", "", Optional.of(51.52), Optional.of(-0.1), false);
        GeoLocation berlin = new GeoLocation("Berlin", "", "Germany", "DE", "", Optional.of(52.52), Optional.of(13.405), false);
        stored(TestSessions.of(owner).location(london).build());
        stored(TestSessions.of(owner).location(london).build());
        stored(TestSessions.of(owner).location(londonToo).build());
        stored(TestSessions.of(owner).location(berlin).build());
        stored(TestSessions.of(owner).location(GeoLocation.local()).build());

        List<SessionStore.Place> places = store.places(owner, T0);

        assertThat(places).hasSize(4);
        SessionStore.Place first = places.get(0);
        assertThat(first.sessions()).isEqualTo(2);
        assertThat(first.location().region()).isEqualTo("England");
        assertThat(first.location().latitude()).contains(51.5);
        assertThat(first.location().longitude()).contains(-0.12);
        assertThat(places.subList(1, 4)).extracting(p -> p.location().label(), p -> p.location().region(), SessionStore.Place::sessions)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("London, United Kingdom", "", 1),
                        org.assertj.core.groups.Tuple.tuple("Berlin, Germany", "", 1),
                        org.assertj.core.groups.Tuple.tuple(GeoLocation.LOCAL_NETWORK, "", 1));
    }

    @Test
    void cursorSurvivesItsTextForm() {
        SessionStore.PageCursor cursor = new SessionStore.PageCursor(minutes(7), "ses_abc:def");
        SessionStore.PageCursor amongKeysNeverUsed = new SessionStore.PageCursor(minutes(7), "ses_abc:def", true);

        assertThat(SessionStore.PageCursor.decode(cursor.encode())).contains(cursor);
        assertThat(SessionStore.PageCursor.decode(amongKeysNeverUsed.encode())).contains(amongKeysNeverUsed);
        SessionStore.PageCursor afterFirst = new SessionStore.PageCursor(minutes(7), "ses_abc:def", false, Optional.of("ses_here"));
        SessionStore.PageCursor keyAfterFirst = new SessionStore.PageCursor(minutes(7), "ses_abc:def", true, Optional.of("ses_here"));
        assertThat(SessionStore.PageCursor.decode(afterFirst.encode())).contains(afterFirst);
        assertThat(SessionStore.PageCursor.decode(keyAfterFirst.encode())).contains(keyAfterFirst);
        assertThat(SessionStore.PageCursor.decode("")).isEmpty();
    }

    @Test
    void activeFiltersByVerifiedUnverifiedAndInactive() {
        AccountId owner = newAccount();
        Instant inactiveBefore = minutes(100);
        Session verifiedRecent = stored(TestSessions.of(owner).verified(true).lastActiveAt(minutes(150)).build());
        Session verifiedIdle = stored(TestSessions.of(owner).verified(true).lastActiveAt(minutes(50)).build());
        Session unverifiedRecent = stored(TestSessions.of(owner).lastActiveAt(minutes(120)).build());
        Session unverifiedIdle = stored(TestSessions.of(owner).lastActiveAt(minutes(20)).build());
        Session endedVerified = stored(TestSessions.of(owner).verified(true).lastActiveAt(minutes(10)).build());
        store.end(endedVerified.id(), owner, revokedAt(minutes(200), owner));

        assertThat(ids(store.active(owner, ListFilter.VERIFIED, inactiveBefore, 50, Optional.empty())))
                .containsExactly(verifiedRecent.id(), verifiedIdle.id());
        assertThat(ids(store.active(owner, ListFilter.UNVERIFIED, inactiveBefore, 50, Optional.empty())))
                .containsExactly(unverifiedRecent.id(), unverifiedIdle.id());
        assertThat(ids(store.active(owner, ListFilter.INACTIVE, inactiveBefore, 50, Optional.empty())))
                .containsExactly(verifiedIdle.id(), unverifiedIdle.id());
        assertThat(ids(store.active(owner, ListFilter.ALL, inactiveBefore, 50, Optional.empty())))
                .containsExactly(verifiedRecent.id(), unverifiedRecent.id(), verifiedIdle.id(), unverifiedIdle.id());
    }

    @Test
    void filteredPagesFollowTheCursorToo() {
        AccountId owner = newAccount();
        for (int i = 0; i < 5; i++) {
            stored(TestSessions.of(owner).verified(true).lastActiveAt(minutes(i)).build());
            stored(TestSessions.of(owner).verified(false).lastActiveAt(minutes(i)).build());
        }

        List<Session> first = store.active(owner, ListFilter.VERIFIED, T0, 3, Optional.empty());
        Session last = first.get(2);
        List<Session> second = store.active(owner, ListFilter.VERIFIED, T0, 3,
                Optional.of(new SessionStore.PageCursor(last.lastActiveAt(), last.id().value())));

        assertThat(first).extracting(Session::verified).containsOnly(true);
        assertThat(second).extracting(Session::verified).containsOnly(true);
        assertThat(first).extracting(Session::lastActiveAt).containsExactly(minutes(4), minutes(3), minutes(2));
        assertThat(second).extracting(Session::lastActiveAt).containsExactly(minutes(1), minutes(0));
    }

    @Test
    void countCountsTheOwnersActiveSessionsPerFilter() {
        AccountId owner = newAccount();
        AccountId someoneElse = newAccount();
        Instant inactiveBefore = minutes(100);
        stored(TestSessions.of(owner).verified(true).lastActiveAt(minutes(150)).build());
        stored(TestSessions.of(owner).verified(true).lastActiveAt(minutes(50)).build());
        stored(TestSessions.of(owner).lastActiveAt(minutes(120)).build());
        Session ended = stored(TestSessions.of(owner).verified(true).lastActiveAt(minutes(10)).build());
        store.end(ended.id(), owner, revokedAt(minutes(200), owner));
        stored(TestSessions.of(someoneElse).verified(true).build());

        assertThat(store.count(owner, minutes(200), inactiveBefore, Optional.empty())).isEqualTo(new ListFilter.Counts(3, 2, 1, 1));
        assertThat(store.count(newAccount(), minutes(200), inactiveBefore, Optional.empty())).isEqualTo(new ListFilter.Counts(0, 0, 0, 0));
    }

    @Test
    void countLeavesOutTheSessionItIsToldToInEveryFilter() {
        AccountId owner = newAccount();
        Instant inactiveBefore = minutes(100);
        // Both inactive by their rows: a member back after months, whose session's use is not written yet.
        Session here = stored(TestSessions.of(owner).verified(true).lastActiveAt(minutes(50)).build());
        store.setFlags(here.id(), owner, List.of(new SessionFlag("new-device", SessionFlag.Level.HIGH, "First sign-in from Chrome on macOS")));
        stored(TestSessions.of(owner).lastActiveAt(minutes(60)).build());

        assertThat(store.count(owner, minutes(200), inactiveBefore, Optional.empty())).isEqualTo(new ListFilter.Counts(2, 1, 1, 2, 1));
        assertThat(store.count(owner, minutes(200), inactiveBefore, Optional.of(here.id()))).isEqualTo(new ListFilter.Counts(1, 0, 1, 1, 0));
    }

    @Test
    void flagsAreKeptWithTheSessionAndTheFlaggedFilterAndCountFindThem() {
        AccountId owner = newAccount();
        AccountId someoneElse = newAccount();
        Session flagged = stored(TestSessions.of(owner).lastActiveAt(minutes(150)).build());
        Session plain = stored(TestSessions.of(owner).lastActiveAt(minutes(120)).build());
        List<SessionFlag> flags = List.of(new SessionFlag("new-device", SessionFlag.Level.HIGH, "First sign-in from Chrome on macOS"),
                new SessionFlag("new-address", SessionFlag.Level.MEDIUM, "First sign-in from the address 83.45.200.\u2022\u2022\u2022"));

        assertThat(store.setFlags(flagged.id(), someoneElse, flags)).as("only the owner's session").isZero();
        assertThat(store.setFlags(flagged.id(), owner, flags)).isEqualTo(1);
        assertThat(store.setFlags(flagged.id(), owner, flags)).as("repeating changes nothing more").isEqualTo(1);

        assertThat(reread(flagged).flags()).isEqualTo(flags);
        assertThat(reread(flagged).concern()).contains(SessionFlag.Level.HIGH);
        assertThat(reread(plain).flags()).isEmpty();
        assertThat(ids(store.active(owner, ListFilter.FLAGGED, T0, 50, Optional.empty()))).containsExactly(flagged.id());
        assertThat(store.count(owner, minutes(200), T0, Optional.empty()).flagged()).isEqualTo(1);

        store.setFlags(flagged.id(), owner, List.of());
        assertThat(store.active(owner, ListFilter.FLAGGED, T0, 50, Optional.empty())).isEmpty();
        assertThat(store.count(owner, minutes(200), T0, Optional.empty()).flagged()).isZero();
    }

    @Test
    void aFlagsReasonCannotBreakTheStoredForm() {
        SessionFlag tricky = new SessionFlag("new-device", SessionFlag.Level.LOW, "First sign-in from\tEvil\nnew-country\tHIGH\tx");
        assertThat(SessionFlag.decode(SessionFlag.encode(List.of(tricky)))).containsExactly(tricky);
        assertThat(tricky.reason()).isEqualTo("First sign-in from Evil new-country HIGH x");
    }

    // ---- ending

    @Test
    void endingASessionIsIdempotentAndKeepsTheFirstEnding() {
        AccountId owner = newAccount();
        Session session = stored(TestSessions.of(owner).build());
        Session.Ending first = new Session.Ending(minutes(5), EndReason.ADMIN_REVOKED, Optional.of(owner),
                Optional.of(new SessionId("ses_admin")), Optional.of("lost laptop"));

        assertThat(store.end(session.id(), owner, first)).isEqualTo(1);
        assertThat(store.end(session.id(), owner, revokedAt(minutes(9), owner))).isZero();

        assertThat(reread(session).ending()).contains(first);
    }

    @Test
    void expiryEndingRecordsNoActor() {
        AccountId owner = newAccount();
        Session session = stored(TestSessions.of(owner).build());

        store.end(session.id(), owner, Session.Ending.expired(EndReason.IDLE_EXPIRED, minutes(60)));

        Session.Ending ending = reread(session).ending().orElseThrow();
        assertThat(ending.reason()).isEqualTo(EndReason.IDLE_EXPIRED);
        assertThat(ending.by()).isEmpty();
        assertThat(ending.fromSession()).isEmpty();
        assertThat(ending.note()).isEmpty();
    }

    @Test
    void endingSomeoneElsesSessionChangesNothing() {
        AccountId owner = newAccount();
        AccountId intruder = newAccount();
        Session session = stored(TestSessions.of(owner).build());

        assertThat(store.end(session.id(), intruder, revokedAt(minutes(1), intruder))).isZero();
        assertThat(store.end(new SessionId("ses_unknown"), owner, revokedAt(minutes(1), owner))).isZero();

        assertThat(reread(session).active()).isTrue();
    }

    @Test
    void endingManyReturnsExactlyTheIdsItEnded() {
        AccountId owner = newAccount();
        AccountId someoneElse = newAccount();
        Session first = stored(TestSessions.of(owner).build());
        Session second = stored(TestSessions.of(owner).build());
        Session untouched = stored(TestSessions.of(owner).build());
        Session alreadyEnded = stored(TestSessions.of(owner).build());
        Session.Ending earlier = revokedAt(minutes(1), owner);
        store.end(alreadyEnded.id(), owner, earlier);
        Session theirs = stored(TestSessions.of(someoneElse).build());

        List<SessionId> ended = store.end(List.of(first.id(), second.id(), alreadyEnded.id(), theirs.id(),
                new SessionId("ses_unknown")), owner, revokedAt(minutes(2), owner));

        assertThat(ended).containsExactlyInAnyOrder(first.id(), second.id());
        assertThat(reread(first).ending()).contains(revokedAt(minutes(2), owner));
        assertThat(reread(alreadyEnded).ending()).contains(earlier);
        assertThat(reread(untouched).active()).isTrue();
        assertThat(reread(theirs).active()).isTrue();
        assertThat(store.end(List.of(first.id(), second.id()), owner, revokedAt(minutes(3), owner))).isEmpty();
        assertThat(store.end(List.of(), owner, revokedAt(minutes(3), owner))).isEmpty();
    }

    @Test
    void endingAllButOneReturnsTheIdsItEndedAndKeepsTheOne() {
        AccountId owner = newAccount();
        AccountId someoneElse = newAccount();
        Session keep = stored(TestSessions.of(owner).build());
        Session other = stored(TestSessions.of(owner).build());
        Session another = stored(TestSessions.of(owner).build());
        Session alreadyEnded = stored(TestSessions.of(owner).build());
        Session.Ending earlier = revokedAt(minutes(1), owner);
        store.end(alreadyEnded.id(), owner, earlier);
        Session theirs = stored(TestSessions.of(someoneElse).build());

        List<SessionId> ended = store.endAll(owner, Optional.of(keep.id()), revokedAt(minutes(2), owner));

        assertThat(ended).containsExactlyInAnyOrder(other.id(), another.id());
        assertThat(reread(keep).active()).isTrue();
        assertThat(reread(alreadyEnded).ending()).contains(earlier);
        assertThat(reread(theirs).active()).isTrue();
        assertThat(store.endAll(owner, Optional.of(keep.id()), revokedAt(minutes(3), owner))).isEmpty();
    }

    @Test
    void endingAllWithoutAKeeperEndsEveryActiveSession() {
        AccountId owner = newAccount();
        Session one = stored(TestSessions.of(owner).build());
        Session two = stored(TestSessions.of(owner).build());

        assertThat(store.endAll(owner, Optional.empty(), revokedAt(minutes(2), owner)))
                .containsExactlyInAnyOrder(one.id(), two.id());
        assertThat(store.active(owner, ListFilter.ALL, T0, 50, Optional.empty())).isEmpty();
        assertThat(store.endAll(owner, Optional.empty(), revokedAt(minutes(3), owner))).isEmpty();
    }

    // ---- rename and alerts

    @Test
    void renamingChangesOnlyAnActiveSessionOfTheOwner() {
        AccountId owner = newAccount();
        AccountId intruder = newAccount();
        Session session = stored(TestSessions.of(owner).build());
        Session ended = stored(TestSessions.of(owner).name("Old phone").build());
        store.end(ended.id(), owner, revokedAt(minutes(1), owner));

        assertThat(store.rename(session.id(), owner, "Work laptop")).isEqualTo(1);
        assertThat(store.rename(session.id(), owner, "Work laptop")).isEqualTo(1);
        assertThat(store.rename(session.id(), intruder, "Pwned")).isZero();
        assertThat(store.rename(ended.id(), owner, "Renamed after the end")).isZero();

        assertThat(reread(session).name()).isEqualTo("Work laptop");
        assertThat(reread(ended).name()).isEqualTo("Old phone");
    }

    @Test
    void alertsChangeOnlyOnAnActiveSessionOfTheOwner() {
        AccountId owner = newAccount();
        AccountId intruder = newAccount();
        Session session = stored(TestSessions.of(owner).alerts(true).build());
        Session ended = stored(TestSessions.of(owner).alerts(true).build());
        store.end(ended.id(), owner, revokedAt(minutes(1), owner));

        assertThat(store.setAlerts(session.id(), intruder, false)).isZero();
        assertThat(reread(session).alerts()).isTrue();
        assertThat(store.setAlerts(session.id(), owner, false)).isEqualTo(1);
        assertThat(reread(session).alerts()).isFalse();
        assertThat(store.setAlerts(session.id(), owner, true)).isEqualTo(1);
        assertThat(reread(session).alerts()).isTrue();
        assertThat(store.setAlerts(ended.id(), owner, false)).isZero();
        assertThat(reread(ended).alerts()).isTrue();
    }

    // ---- activity

    @Test
    void recordedActivityAddsUpAndLastActiveNeverGoesBackwards() {
        AccountId owner = newAccount();
        Session session = stored(TestSessions.of(owner).lastActiveAt(minutes(1)).build());

        assertThat(store.recordActivity(List.of(new ActivityRecorder.Flush(session.id(), minutes(10), 3, 1, "/settings/sessions"))))
                .isEqualTo(1);
        // a late flush with older activity: counters add, the time and the last page stay
        assertThat(store.recordActivity(List.of(new ActivityRecorder.Flush(session.id(), minutes(5), 2, 0, ""))))
                .isEqualTo(1);

        Session after = reread(session);
        assertThat(after.lastActiveAt()).isEqualTo(minutes(10));
        assertThat(after.activity()).isEqualTo(new Session.Activity(1, 5, 1, "/settings/sessions"));
    }

    @Test
    void flushesOfSeveralNodesAtOnceKeepTheNewestLastActive() throws Exception {
        Session session = stored(TestSessions.of(newAccount()).lastActiveAt(minutes(0)).build());
        // Two nodes serve the same session and flush it at the same time: one newest first (its
        // later flushes carry older times, as a flush that waited would), the other oldest first.
        List<Instant> one = new ArrayList<>();
        List<Instant> other = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            one.add(minutes(100 - 2 * i));
            other.add(minutes(2 * i + 1));
        }
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService nodes = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<?>> flushing = new ArrayList<>();
            for (List<Instant> node : List.of(one, other)) {
                flushing.add(nodes.submit(() -> {
                    go.await();
                    for (Instant at : node) store.recordActivity(List.of(new ActivityRecorder.Flush(session.id(), at, 1, 0, "")));
                    return null;
                }));
            }
            go.countDown();
            for (java.util.concurrent.Future<?> f : flushing) f.get(60, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            nodes.shutdownNow();
        }

        Session after = reread(session);
        assertThat(after.lastActiveAt()).isEqualTo(minutes(100));
        assertThat(after.activity().requests() - session.activity().requests()).as("every flush counted").isEqualTo(100);
    }

    @Test
    void recordedActivityWritesManySessionsInOneBatch() {
        AccountId owner = newAccount();
        Session one = stored(TestSessions.of(owner).build());
        Session two = stored(TestSessions.of(owner).build());

        int changed = store.recordActivity(List.of(
                new ActivityRecorder.Flush(one.id(), minutes(2), 4, 2, "/a"),
                new ActivityRecorder.Flush(two.id(), minutes(3), 1, 0, ""),
                new ActivityRecorder.Flush(new SessionId("ses_gone"), minutes(3), 1, 0, "")));

        assertThat(changed).isEqualTo(2);
        assertThat(reread(one).activity()).isEqualTo(new Session.Activity(1, 4, 2, "/a"));
        assertThat(reread(one).lastActiveAt()).isEqualTo(minutes(2));
        assertThat(reread(two).activity()).isEqualTo(new Session.Activity(1, 1, 0, ""));
        assertThat(reread(two).lastActiveAt()).isEqualTo(minutes(3));
        assertThat(store.recordActivity(List.of())).isZero();
    }

    // ---- addresses, expiry sweep, team policy, purge, timeline

    private static AddressChanges.Address addressOf(Session session) {
        return new AddressChanges.Address(session.ip(), session.location());
    }

    @Test
    void updatingTheAddressRecordsTheNewPlace() {
        AccountId owner = newAccount();
        Session session = stored(TestSessions.of(owner).build());
        var madrid = TestSessions.madrid();
        var to = new AddressChanges.Address(madrid.ip(), madrid.location());

        assertThat(store.updateAddress(session.id(), addressOf(session), to)).isEqualTo(1);

        assertThat(reread(session).ip()).isEqualTo(madrid.ip());
        assertThat(reread(session).location()).isEqualTo(madrid.location());
        assertThat(store.updateAddress(new SessionId("ses_unknown"), addressOf(session), to)).isZero();
    }

    /** The approval card names where a sign-in was made, which its row no longer says once it is used elsewhere. */
    @Test
    void theFirstMoveKeepsTheNetworkAndPlaceTheSessionSignedInFromAndLaterMovesLeaveThem() {
        AccountId owner = newAccount();
        var madrid = TestSessions.madrid();
        Session session = stored(TestSessions.of(owner).ip(madrid.ip()).location(madrid.location()).build());
        Session unmoved = stored(TestSessions.of(owner).build());
        var local = new AddressChanges.Address("127.0.0.1", GeoLocation.local());
        var elsewhere = new AddressChanges.Address("91.1.2.3", GeoLocation.unknown());
        List<SessionId> both = List.of(session.id(), unmoved.id());
        assertThat(store.signedInFrom(owner, both)).as("no session has moved").isEmpty();

        store.updateAddress(session.id(), addressOf(session), local);
        store.updateAddress(session.id(), local, elsewhere);

        var madridWithoutIspOrCoordinates = new GeoLocation("Madrid", "Madrid", "Spain", "ES", "", Optional.empty(), Optional.empty(), false);
        assertThat(store.signedInFrom(owner, both)).as("only the network is kept, and only of the session that moved")
                .containsExactly(Map.entry(session.id(), new AddressChanges.Address("83.45.123.0/24", madridWithoutIspOrCoordinates)));
        assertThat(reread(session).ip()).as("the row is where it is used now").isEqualTo("91.1.2.3");
        assertThat(store.signedInFrom(newAccount(), both)).as("someone else's").isEmpty();
        assertThat(store.signedInFrom(owner, List.of())).isEmpty();
    }

    /** Outside review: the API and the data export named where a session is used now, never where it signed in. */
    @Test
    void whereASessionSignedInIsItsOwnAddressUntilItMovesThenTheKeptNetworkAndUnknownIfItMovedBeforeThatWasKept() {
        AccountId owner = newAccount();
        var madrid = TestSessions.madrid();
        Session unmoved = stored(TestSessions.of(owner).ip(madrid.ip()).location(madrid.location()).build());
        Session moved = stored(TestSessions.of(owner).ip(madrid.ip()).location(madrid.location()).build());
        Session movedLongAgo = stored(TestSessions.of(owner).build());
        var elsewhere = new AddressChanges.Address("91.1.2.3", GeoLocation.unknown());
        store.updateAddress(moved.id(), addressOf(moved), elsewhere);
        timelines.add(moved.id(), minutes(1), "address-changed", "91.1.2.3");
        // Moved before schema V39: its timeline says so, its row kept nothing of where it signed in.
        jdbc().sql("UPDATE sessions SET ip = '91.1.2.3' WHERE id = :id").param("id", movedLongAgo.id().value()).update();
        timelines.add(movedLongAgo.id(), minutes(1), "address-changed", "91.1.2.3");
        List<SessionId> all = List.of(unmoved.id(), moved.id(), movedLongAgo.id());

        var madridWithoutCoordinates = new GeoLocation("Madrid", "Madrid", "Spain", "ES", madrid.location().isp(), Optional.empty(),
                Optional.empty(), false);
        var madridWithoutIspOrCoordinates = new GeoLocation("Madrid", "Madrid", "Spain", "ES", "", Optional.empty(), Optional.empty(), false);
        assertThat(store.signInPlaces(owner, all)).containsOnly(
                Map.entry(unmoved.id(), new SignInPlace(madrid.ip(), madridWithoutCoordinates)),
                Map.entry(moved.id(), new SignInPlace("83.45.123.0/24", madridWithoutIspOrCoordinates)));
        assertThat(store.signInPlaces(newAccount(), all)).as("someone else's").isEmpty();
        assertThat(store.signInPlaces(owner, List.of())).isEmpty();
    }

    private JdbcClient jdbc() {
        return JdbcClient.create(dataSource);
    }

    @Test
    void findingByIdAloneIgnoresTheOwner() {
        AccountId owner = newAccount();
        Session session = stored(TestSessions.of(owner).build());

        assertThat(store.findAnyOwner(session.id())).contains(session);
        assertThat(store.findAnyOwner(new SessionId("ses_unknown"))).isEmpty();
    }

    @Test
    void expiredFindsActiveSessionsPastTheirLifetimeOrIdleTimeoutWithTheReason() {
        AccountId owner = newAccount();
        Instant now = T0.plus(Duration.ofDays(8));
        Session pastLifetime = stored(TestSessions.of(owner).lastActiveAt(now.minusSeconds(60)).build()); // expires T0+7d
        Session idle = stored(TestSessions.of(owner).createdAt(now.minus(Duration.ofDays(1)))
                .lastActiveAt(now.minus(Duration.ofHours(2))).idleTimeout(Duration.ofHours(2)).build());
        Session fresh = stored(TestSessions.of(owner).createdAt(now.minus(Duration.ofDays(1)))
                .lastActiveAt(now.minus(Duration.ofHours(1))).idleTimeout(Duration.ofHours(2)).build());
        Session neverIdles = stored(TestSessions.of(owner).createdAt(now.minus(Duration.ofDays(1)))
                .lastActiveAt(now.minus(Duration.ofDays(1))).idleTimeout(Duration.ZERO).build());
        Session alreadyEnded = stored(TestSessions.of(owner).build());
        store.end(alreadyEnded.id(), owner, revokedAt(minutes(1), owner));

        List<SessionStore.Expired> expired = store.expired(now, 1000).stream()
                .filter(e -> e.owner().equals(owner)).toList();

        assertThat(expired).containsExactlyInAnyOrder(
                new SessionStore.Expired(pastLifetime.id(), owner, EndReason.LIFETIME_EXPIRED),
                new SessionStore.Expired(idle.id(), owner, EndReason.IDLE_EXPIRED));
        assertThat(ids(List.of(fresh, neverIdles))).doesNotContainAnyElementsOf(expired.stream().map(SessionStore.Expired::id).toList());
        assertThat(store.expired(now, 1)).hasSize(1);
    }

    /**
     * What a revocation of a member's sessions ends as expired before it revokes the rest: their open sessions past their
     * lifetime or idle timeout, whole, and no one else's, no unexpired or ended one.
     */
    @Test
    void expiredOfAnOwnerAreTheirOpenSessionsPastTheirLifetimeOrIdleTimeout() {
        AccountId owner = newAccount();
        Instant now = T0.plus(Duration.ofDays(8));
        Session pastLifetime = stored(TestSessions.of(owner).lastActiveAt(now.minusSeconds(60)).build()); // expires T0+7d
        Session idle = stored(TestSessions.of(owner).createdAt(now.minus(Duration.ofDays(1)))
                .lastActiveAt(now.minus(Duration.ofHours(2))).idleTimeout(Duration.ofHours(2)).build());
        Session key = TestSessions.of(owner).appType(AppType.API).idleTimeout(Duration.ZERO).build(); // expires T0+7d
        store.insertKey(key, TestSessions.tokenHash());
        stored(TestSessions.of(owner).createdAt(now.minus(Duration.ofDays(1))).lastActiveAt(now.minus(Duration.ofHours(1)))
                .idleTimeout(Duration.ofHours(2)).build());
        stored(TestSessions.of(owner).createdAt(now.minus(Duration.ofDays(1))).lastActiveAt(now.minus(Duration.ofDays(1)))
                .idleTimeout(Duration.ZERO).build());
        Session ended = stored(TestSessions.of(owner).build());
        store.end(ended.id(), owner, revokedAt(minutes(1), owner));
        stored(TestSessions.of(newAccount()).build());

        List<Session> expired = store.expiredOf(owner, now);

        assertThat(ids(expired)).containsExactlyInAnyOrder(pastLifetime.id(), idle.id(), key.id());
        assertThat(expired).as("whole rows").contains(pastLifetime, idle);
        assertThat(store.expiredOf(owner, T0.plus(Duration.ofDays(1)))).as("none had expired yet").isEmpty();
    }

    /**
     * The sweep's ending records when each session expired, as {@link Session#endedIfExpired} read it before: its
     * lifetime's end, its last use if a policy cut its lifetime to before that, or its last activity plus its idle
     * timeout. It recorded when the sweep ran, up to a sweep interval later, so an end read before moved after.
     */
    @Test
    void endingExpiredSessionsRecordsWhenEachExpiredNotWhenTheSweepRan() {
        AccountId owner = newAccount();
        Instant now = T0.plus(Duration.ofDays(8));
        Session pastLifetime = stored(TestSessions.of(owner).lastActiveAt(minutes(30)).build()); // expires T0+7d
        Session cutShort = stored(TestSessions.of(owner).lifetime(Duration.ofDays(1)).idleTimeout(Duration.ZERO)
                .lastActiveAt(T0.plus(Duration.ofDays(3))).build());
        Session idle = stored(TestSessions.of(owner).createdAt(now.minus(Duration.ofDays(1)))
                .lastActiveAt(now.minus(Duration.ofHours(3))).idleTimeout(Duration.ofHours(2)).build());
        Session revoked = stored(TestSessions.of(owner).build());
        store.end(revoked.id(), owner, revokedAt(minutes(1), owner));

        List<SessionId> ended = new ArrayList<>(store.endExpired(List.of(pastLifetime.id(), cutShort.id(), revoked.id()),
                EndReason.LIFETIME_EXPIRED));
        ended.addAll(store.endExpired(List.of(idle.id()), EndReason.IDLE_EXPIRED));

        assertThat(ended).containsExactlyInAnyOrder(pastLifetime.id(), cutShort.id(), idle.id());
        assertThat(reread(pastLifetime).ending()).contains(Session.Ending.expired(EndReason.LIFETIME_EXPIRED, T0.plus(Duration.ofDays(7))));
        assertThat(reread(cutShort).ending()).as("at its last use, after its shortened lifetime's end")
                .contains(Session.Ending.expired(EndReason.LIFETIME_EXPIRED, T0.plus(Duration.ofDays(3))));
        assertThat(reread(idle).ending()).contains(Session.Ending.expired(EndReason.IDLE_EXPIRED, now.minus(Duration.ofHours(1))));
        for (Session s : List.of(pastLifetime, cutShort, idle)) {
            assertThat(reread(s).ending()).as("as it read before the sweep").isEqualTo(s.endedIfExpired(now).ending());
        }
        assertThat(reread(revoked).ending()).as("an ended session keeps its first ending").contains(revokedAt(minutes(1), owner));
        assertThat(store.endExpired(List.of(pastLifetime.id(), cutShort.id()), EndReason.LIFETIME_EXPIRED)).as("safe to repeat").isEmpty();
    }

    @Test
    void newTeamPolicyChangesTheLifetimesOfTheTeamsActiveSessionsOnly() {
        var member = TestAccounts.insertInto(dataSource, T0);
        AccountId outsider = newAccount();
        Session plain = stored(TestSessions.of(member.id()).build());
        Session remembered = stored(TestSessions.of(member.id()).rememberMe(true).build());
        Session ended = stored(TestSessions.of(member.id()).build());
        store.end(ended.id(), member.id(), revokedAt(minutes(1), member.id()));
        Session elsewhere = stored(TestSessions.of(outsider).build());

        int changed = store.applyPolicy(member.team(), Duration.ofDays(1), Duration.ofDays(60), Duration.ofDays(2), T0);

        assertThat(changed).isEqualTo(2);
        assertThat(reread(plain).expiresAt()).isEqualTo(plain.createdAt().plus(Duration.ofDays(2)));
        assertThat(reread(plain).idleTimeout()).isEqualTo(Duration.ofDays(1));
        assertThat(reread(remembered).expiresAt()).isEqualTo(remembered.createdAt().plus(Duration.ofDays(60)));
        assertThat(reread(ended).expiresAt()).isEqualTo(ended.expiresAt());
        assertThat(reread(ended).idleTimeout()).isEqualTo(ended.idleTimeout());
        assertThat(reread(elsewhere)).isEqualTo(elsewhere);
    }

    @Test
    void purgingDeletesOnlySessionsThatEndedBeforeTheCutoffWithTheirTimelines() {
        AccountId owner = newAccount();
        Session old = stored(TestSessions.of(owner).build());
        timelines.add(old.id(), minutes(1), "signed-in", "from Madrid");
        store.end(old.id(), owner, revokedAt(minutes(10), owner));
        Session recent = stored(TestSessions.of(owner).build());
        store.end(recent.id(), owner, revokedAt(minutes(30), owner));
        Session active = stored(TestSessions.of(owner).build());

        int purged = 0;
        for (int batch = 0; batch < 100; batch++) {
            int n = store.purgeEnded(minutes(20), 50);
            purged += n;
            if (n == 0) break;
        }

        assertThat(purged).isPositive();
        assertThat(store.find(old.id(), owner)).isEmpty();
        assertThat(timelines.latest(old.id(), 10)).isEmpty();
        assertThat(store.find(recent.id(), owner)).isPresent();
        assertThat(store.find(active.id(), owner)).isPresent();
        assertThat(store.purgeEnded(minutes(20), 50)).isZero();
    }

    @Test
    void addressesLastSeenBeforeTheCutoffAreReducedToTheirNetworksAndSoAreTheirTimelines() {
        AccountId owner = newAccount();
        Session idle = stored(TestSessions.of(owner).ip("83.45.123.78").lastActiveAt(minutes(5)).build());
        Session idleV6 = stored(TestSessions.of(owner).ip("2a02:1234:abcd:5:0:0:0:1").lastActiveAt(minutes(5)).build());
        Session recent = stored(TestSessions.of(owner).ip("83.45.124.9").lastActiveAt(minutes(30)).build());
        timelines.add(recent.id(), minutes(6), "address-changed", "83.45.123.79");
        timelines.add(recent.id(), minutes(7), "renamed", "Work laptop");
        timelines.add(recent.id(), minutes(25), "address-changed", "83.45.124.9");

        int batches = 0;
        while (store.reduceAddresses(minutes(20), 2) == 2) batches++;

        assertThat(batches).as("in batches of two").isPositive();
        assertThat(reread(idle).ip()).isEqualTo("83.45.123.0/24");
        assertThat(reread(idleV6).ip()).isEqualTo("2a02:1234:abcd::/48");
        assertThat(reread(recent).ip()).isEqualTo("83.45.124.9");
        assertThat(timelines.latest(recent.id(), 10)).extracting(TimelineStore.Entry::detail)
                .containsExactly("83.45.123.0/24", "Work laptop", "83.45.124.9");
        assertThat(store.reduceAddresses(minutes(20), 2)).as("nothing is left to reduce").isZero();
        assertThat(reread(idle).ip()).isEqualTo("83.45.123.0/24");
    }

    /** A text that is no address (a hand-edited row) would match every batch again and stop the ones behind it. */
    @Test
    void aTextThatIsNoAddressIsDroppedAndHoldsNoBatchUp() {
        AccountId owner = newAccount();
        Session garbled = stored(TestSessions.of(owner).ip("not an address").lastActiveAt(minutes(4)).build());
        Session idle = stored(TestSessions.of(owner).ip("83.45.123.78").lastActiveAt(minutes(5)).build());
        timelines.add(idle.id(), minutes(6), "address-changed", "no address either");

        while (store.reduceAddresses(minutes(20), 1) == 1) {
            // one row a batch
        }

        assertThat(reread(garbled).ip()).isEmpty();
        assertThat(reread(idle).ip()).isEqualTo("83.45.123.0/24");
        assertThat(timelines.latest(idle.id(), 10)).extracting(TimelineStore.Entry::detail).containsExactly("");
    }

    @Test
    void timelineListsTheNewestEntriesOldestFirst() {
        AccountId owner = newAccount();
        Session session = stored(TestSessions.of(owner).build());
        for (int i = 1; i <= 5; i++) {
            timelines.add(session.id(), minutes(i), "kind-" + i, "detail " + i);
        }
        timelines.add(session.id(), minutes(6), "long", "x".repeat(1000));

        assertThat(timelines.latest(session.id(), 3)).extracting(TimelineStore.Entry::kind)
                .containsExactly("kind-4", "kind-5", "long");
        assertThat(timelines.latest(session.id(), 10)).first()
                .isEqualTo(new TimelineStore.Entry(minutes(1), "kind-1", "detail 1"));
        assertThat(timelines.latest(session.id(), 1).get(0).detail()).hasSizeLessThanOrEqualTo(300);
        assertThat(timelines.latest(new SessionId("ses_unknown"), 10)).isEmpty();
    }

    /** The data export's order: by id, which no use of a session changes, so a page after the cursor misses none. */
    @Test
    void everyActiveSessionIsReadInTheOrderOfItsIdsAfterTheCursor() {
        AccountId owner = newAccount();
        List<Session> made = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) made.add(stored(TestSessions.of(owner).lastActiveAt(minutes(i)).build()));
        Session ended = made.remove(2);
        store.end(ended.id(), owner, revokedAt(minutes(10), owner));
        stored(TestSessions.of(newAccount()).build());
        List<String> byId = made.stream().map(s -> s.id().value()).sorted().toList();

        List<Session> first = store.activeById(owner, 2, Optional.empty());
        List<Session> rest = store.activeById(owner, 10, Optional.of(first.get(1).id().value()));

        assertThat(first).extracting(s -> s.id().value()).containsExactlyElementsOf(byId.subList(0, 2));
        assertThat(rest).extracting(s -> s.id().value()).containsExactlyElementsOf(byId.subList(2, 4));
    }

    @Test
    void everyEntryOfSeveralSessionsIsReadAtOnceOldestFirst() {
        AccountId owner = newAccount();
        Session busy = stored(TestSessions.of(owner).build());
        Session quiet = stored(TestSessions.of(owner).build());
        Session silent = stored(TestSessions.of(owner).build());
        for (int i = 1; i <= 150; i++) {
            timelines.add(busy.id(), minutes(i), "address-changed", "10.0.0." + i);
        }
        timelines.add(quiet.id(), minutes(3), "renamed", "Phone");
        timelines.add(quiet.id(), minutes(3), "renamed", "Work phone");

        Map<SessionId, List<TimelineStore.Entry>> all = timelines.all(List.of(busy.id(), quiet.id(), silent.id()));

        assertThat(all.get(busy.id())).as("no limit").hasSize(150).extracting(TimelineStore.Entry::detail)
                .startsWith("10.0.0.1", "10.0.0.2").endsWith("10.0.0.150");
        assertThat(all.get(quiet.id())).as("at the same time, in the order added").extracting(TimelineStore.Entry::detail)
                .containsExactly("Phone", "Work phone");
        assertThat(all).doesNotContainKey(silent.id()).hasSize(2);
        assertThat(timelines.all(List.of())).isEmpty();
    }

    @Test
    void sessionsFoundByIdWhoeverOwnsThemComeInTheOrderAsked() {
        Session first = stored(TestSessions.of(newAccount()).build());
        Session second = stored(TestSessions.of(newAccount()).build());
        List<SessionId> asked = new java.util.ArrayList<>();
        for (int i = 0; i < SessionStore.FIND_CHUNK + 1; i++) asked.add(new SessionId("ses_missing_" + i));
        asked.add(second.id());
        asked.add(first.id());
        asked.add(second.id());

        assertThat(store.findAnyOwner(asked)).extracting(Session::id).containsExactly(second.id(), first.id());
        assertThat(store.findAnyOwner(List.of())).isEmpty();
    }

    // ---- history

    @Test
    void endedListsMostRecentlyEndedFirstAndPagesByCursor() {
        AccountId owner = newAccount();
        AccountId someoneElse = newAccount();
        List<SessionId> endedInOrder = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Session s = stored(TestSessions.of(owner).lastActiveAt(minutes(100 - i)).build());
            // two end at the same moment, so the id breaks the tie
            store.end(s.id(), owner, revokedAt(minutes(i == 4 ? 13 : 10 + i), owner));
            endedInOrder.add(s.id());
        }
        stored(TestSessions.of(owner).build());
        Session theirs = stored(TestSessions.of(someoneElse).build());
        store.end(theirs.id(), someoneElse, revokedAt(minutes(50), someoneElse));

        List<Session> all = store.ended(owner, 50, Optional.empty());
        List<SessionId> paged = new ArrayList<>();
        Optional<SessionStore.PageCursor> cursor = Optional.empty();
        for (int page = 0; page < 10; page++) {
            List<Session> rows = store.ended(owner, 2, cursor);
            paged.addAll(ids(rows));
            if (rows.size() < 2) break;
            Session last = rows.get(rows.size() - 1);
            cursor = Optional.of(new SessionStore.PageCursor(last.ending().orElseThrow().at(), last.id().value()));
        }

        assertThat(ids(all)).containsExactlyInAnyOrderElementsOf(endedInOrder);
        assertThat(all).extracting(s -> s.ending().orElseThrow().at())
                .containsExactly(minutes(13), minutes(13), minutes(12), minutes(11), minutes(10));
        assertThat(ids(all.subList(0, 2))).isSortedAccordingTo((a, b) -> b.value().compareTo(a.value()));
        assertThat(paged).containsExactlyElementsOf(ids(all));
    }

    @Test
    void endingSignInsLeavesApiKeysWhileEndingAllEndsThem() {
        AccountId alice = newAccount();
        Session laptop = stored(TestSessions.of(alice).build());
        Session phone = stored(TestSessions.of(alice).build());
        Session key = TestSessions.of(alice).appType(AppType.API).idleTimeout(Duration.ZERO).build();
        store.insertKey(key, TestSessions.tokenHash());

        assertThat(store.endSignIns(alice, Optional.of(laptop.id()), revokedAt(minutes(5), alice))).containsExactly(phone.id());
        assertThat(reread(key).active()).isTrue();
        assertThat(store.endSignIns(alice, Optional.of(laptop.id()), revokedAt(minutes(6), alice))).as("safe to repeat").isEmpty();
        assertThat(store.endAll(alice, Optional.empty(), revokedAt(minutes(7), alice))).containsExactlyInAnyOrder(laptop.id(), key.id());
    }

    @Test
    void signInsOldestFirstCountsActiveSignInsButNotKeysAppsOrOtherPeoples() {
        AccountId alice = newAccount();
        Session newest = stored(TestSessions.of(alice).createdAt(minutes(3)).build());
        Session oldest = stored(TestSessions.of(alice).createdAt(minutes(1)).build());
        Session middle = stored(TestSessions.of(alice).createdAt(minutes(2)).build());
        Session ended = stored(TestSessions.of(alice).createdAt(minutes(0)).build());
        store.end(List.of(ended.id()), alice, revokedAt(minutes(4), alice));
        stored(TestSessions.of(alice).appType(AppType.OAUTH).createdAt(minutes(0)).build());
        store.insertKey(TestSessions.of(alice).appType(AppType.API).idleTimeout(Duration.ZERO).createdAt(minutes(0)).build(),
                TestSessions.tokenHash());
        stored(TestSessions.of(newAccount()).createdAt(minutes(0)).build());

        assertThat(store.signInsOldestFirst(alice, minutes(5))).containsExactly(oldest.id(), middle.id(), newest.id());
    }

    /** Expired but not yet swept: neither counted by the session limit nor given a policy's longer lifetimes (outside QA). */
    @Test
    void aSessionExpiredBeforeTheSweepIsNotCountedNorRevivedByAPolicy() {
        var member = TestAccounts.insertInto(dataSource, T0);
        Instant now = T0.plus(Duration.ofDays(2));
        Session idle = stored(TestSessions.of(member.id()).createdAt(T0).lastActiveAt(T0).idleTimeout(Duration.ofDays(1)).build());
        Session pastLifetime = stored(TestSessions.of(member.id()).createdAt(T0).lastActiveAt(now.minusSeconds(60))
                .lifetime(Duration.ofDays(1)).build());
        Session live = stored(TestSessions.of(member.id()).createdAt(T0.plusSeconds(1)).lastActiveAt(now.minusSeconds(60))
                .idleTimeout(Duration.ofDays(1)).lifetime(Duration.ofDays(7)).build());
        Session never = stored(TestSessions.of(member.id()).createdAt(T0.plusSeconds(2)).lastActiveAt(T0)
                .idleTimeout(Duration.ZERO).lifetime(Duration.ofDays(30)).build());

        assertThat(store.signInsOldestFirst(member.id(), now)).containsExactly(live.id(), never.id());

        store.applyPolicy(member.team(), Duration.ofDays(30), Duration.ofDays(60), Duration.ofDays(7), now);
        assertThat(reread(idle).idleTimeout()).as("still expired").isEqualTo(Duration.ofDays(1));
        assertThat(reread(pastLifetime).expiresAt()).isEqualTo(pastLifetime.expiresAt());
        assertThat(reread(live).idleTimeout()).isEqualTo(Duration.ofDays(30));
        assertThat(reread(never).idleTimeout()).isEqualTo(Duration.ofDays(30));
        store.applyPolicy(member.id(), Duration.ofDays(30), Duration.ofDays(60), Duration.ofDays(7), now);
        assertThat(reread(idle).idleTimeout()).isEqualTo(Duration.ofDays(1));

        // A shorter policy reaches a session that only looks expired (its last activity not written yet).
        store.applyPolicy(member.team(), Duration.ofHours(1), Duration.ofDays(1), Duration.ofHours(12), now);
        assertThat(reread(idle).idleTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(reread(idle).expiresAt()).isEqualTo(idle.createdAt().plus(Duration.ofHours(12)));
        assertThat(reread(pastLifetime).expiresAt()).isEqualTo(pastLifetime.createdAt().plus(Duration.ofHours(12)));
    }

    @Test
    void teamPolicyLeavesAnApiKeysOwnExpiry() {
        AccountId alice = newAccount();
        Session key = TestSessions.of(alice).appType(AppType.API).idleTimeout(Duration.ZERO).build();
        store.insertKey(key, TestSessions.tokenHash());
        dev.lanyard.account.TeamId team = new dev.lanyard.account.TeamId(JdbcClient.create(dataSource)
                .sql("SELECT team_id FROM accounts WHERE id = :id").param("id", alice.value()).query(String.class).single());
        store.applyPolicy(team, Duration.ofMinutes(1), Duration.ofDays(1), Duration.ofDays(1), T0);
        assertThat(reread(key).expiresAt()).isEqualTo(key.expiresAt());
        assertThat(reread(key).idleTimeout()).isEqualTo(Duration.ZERO);
    }

    @Test
    void hourlyCountsAddUpPerSessionAndHour() {
        AccountId alice = newAccount();
        Session key = TestSessions.of(alice).appType(AppType.API).build();
        store.insertKey(key, TestSessions.tokenHash());
        Instant hour = Instant.parse("2026-01-10T09:00:00Z");
        store.recordHourly(List.of(new ActivityRecorder.Hourly(key.id(), hour, 3),
                new ActivityRecorder.Hourly(key.id(), hour.plus(Duration.ofHours(1)), 1)));
        store.recordHourly(List.of(new ActivityRecorder.Hourly(key.id(), hour, 2)));
        assertThat(store.hourly(List.of(key.id()), hour)).containsExactlyInAnyOrder(
                new ActivityRecorder.Hourly(key.id(), hour, 5), new ActivityRecorder.Hourly(key.id(), hour.plus(Duration.ofHours(1)), 1));
        assertThat(store.hourly(List.of(key.id()), hour.plus(Duration.ofHours(1)))).hasSize(1);
        assertThat(store.find(List.of(key.id()), newAccount())).as("someone else's is left out").isEmpty();
        assertThat(store.find(List.of(key.id()), alice)).hasSize(1);
    }

    @Test
    void approveMarksOnlyAnActiveUnverifiedSignInOfItsOwnerVerified() {
        AccountId alice = newAccount();
        Session phone = stored(TestSessions.of(alice).build());
        Session ended = stored(TestSessions.of(alice).build());
        store.end(ended.id(), alice, new Session.Ending(T0, EndReason.SIGNED_OUT, Optional.empty(), Optional.empty(), Optional.empty()));
        Session key = TestSessions.of(alice).appType(AppType.API).idleTimeout(Duration.ZERO).build();
        store.insertKey(key, TestSessions.tokenHash());

        assertThat(store.approve(phone.id(), newAccount())).as("someone else's").isZero();
        assertThat(store.find(phone.id(), alice).orElseThrow().verified()).isFalse();
        assertThat(store.approve(phone.id(), alice)).isEqualTo(1);
        assertThat(store.find(phone.id(), alice).orElseThrow().verified()).isTrue();
        assertThat(store.approve(phone.id(), alice)).as("repeating it changes nothing").isZero();
        assertThat(store.approve(ended.id(), alice)).as("an ended session").isZero();
        assertThat(store.approve(key.id(), alice)).as("an API key").isZero();
        assertThat(store.find(key.id(), alice).orElseThrow().verified()).isFalse();
    }
}
