package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.Role;
import dev.lanyard.account.TeamId;
import dev.lanyard.geo.GeoLocation;
import dev.lanyard.testsupport.MutableClock;
import org.junit.jupiter.api.Test;

/**
 * The validation cache on its own, with a loader the test controls: what it serves, when it
 * reads again, and the races between a load and a change committed while it reads.
 */
class SessionCacheTest {
    private static final String HASH = TestSessions.tokenHash();
    private static final Duration REFRESH = Duration.ofMinutes(1);

    private final MutableClock clock = new MutableClock(TestSessions.T0);
    private final SessionCache cache = new SessionCache(
            new SessionSettings(null, null, null, 1000L, REFRESH, null, 0, null), clock);
    private final Account alice = new Account(new AccountId("acc_cache_test"), new TeamId("team_a"), "alice@example.com", "Alice",
            Role.ADMIN, TestSessions.T0);
    /** What the database holds now: whether the session has ended, and the account's role. Each load reads it afresh. */
    private final AtomicReference<Optional<EndReason>> ended = new AtomicReference<>(Optional.empty());
    private final AtomicReference<Role> role = new AtomicReference<>(Role.ADMIN);
    private final AtomicInteger loads = new AtomicInteger();
    private final Function<String, CachedSession> loader = hash -> {
        loads.incrementAndGet();
        return read();
    };

    private CachedSession read() {
        return entry(ended.get(), role.get());
    }

    private CachedSession entry(Optional<EndReason> ended, Role role) {
        return new CachedSession(row(ended), new Account(alice.id(), alice.team(), alice.email(), alice.name(), role,
                alice.createdAt()));
    }

    private Session row(Optional<EndReason> ended) {
        return TestSessions.of(alice.id()).id("ses_cache_test").name("Laptop").ended(ended).build();
    }

    private static SessionId id() {
        return new SessionId("ses_cache_test");
    }

    private CachedSession get() {
        return cache.get(HASH, loader).orElseThrow();
    }

    /** As the broadcast does once LISTEN is up (or at once on SQLite). */
    @org.junit.jupiter.api.BeforeEach
    void nodeHearsTheOthers() {
        cache.trust(true);
    }

    @Test
    void newCacheIsNotTrustedUntilTheNodeHearsTheOthers() {
        SessionCache fresh = new SessionCache(new SessionSettings(null, null, null, 1000L, REFRESH, null, 0, null), clock);

        fresh.get(HASH, loader);
        fresh.get(HASH, loader);
        assertThat(fresh.cached(id())).isEmpty();
        assertThat(loads).as("every check reads the database").hasValue(2);

        fresh.trust(true);
        fresh.get(HASH, loader);
        fresh.get(HASH, loader);
        assertThat(loads).hasValue(3);
    }

    @Test
    void secondCheckIsServedWithoutALoad() {
        get();
        get();

        assertThat(loads).hasValue(1);
        assertThat(cache.cached(id())).isPresent();
    }

    @Test
    void entryReadsTheRowToShowOnceThenCountsRequestsPagesAndMovesOnTopOfIt() {
        CachedSession entry = get();
        AtomicInteger reads = new AtomicInteger();
        java.util.function.Supplier<Session> read = () -> {
            reads.incrementAndGet();
            return row(Optional.empty());
        };
        assertThat(entry.now(read)).isEqualTo(row(Optional.empty()));
        Instant later = TestSessions.T0.plusSeconds(30);

        entry.used(later, Optional.empty());
        entry.used(later.minusSeconds(10), Optional.of("/settings/sessions"));
        GeoLocation lisbon = new GeoLocation("Lisbon", "Lisbon", "Portugal", "PT", "MEO", Optional.empty(), Optional.empty(), false);
        assertThat(entry.seenFrom("192.168.1.20")).isTrue();
        assertThat(entry.move(entry.seen(), new AddressChanges.Address("85.240.1.2", lisbon))).isTrue();

        Session now = cache.cached(id()).orElseThrow().now(read);
        assertThat(reads).as("the row is read once per load").hasValue(1);
        assertThat(now.activity()).isEqualTo(new Session.Activity(1, 2, 1, "/settings/sessions"));
        assertThat(now.lastActiveAt()).as("never goes back").isEqualTo(later);
        assertThat(now.ip()).isEqualTo("85.240.1.2");
        assertThat(now.location()).isEqualTo(lisbon);
        assertThat(now.name()).isEqualTo("Laptop");
        assertThat(entry.seenFrom("85.240.1.2")).isTrue();
        assertThat(entry.seenFrom("192.168.1.20")).isFalse();
    }

    @Test
    void aMoveFromAnAddressTheEntryHasAlreadyLeftIsRefused() {
        CachedSession entry = get();
        AddressChanges.Address loaded = entry.seen();
        GeoLocation lisbon = new GeoLocation("Lisbon", "Lisbon", "Portugal", "PT", "MEO", Optional.empty(), Optional.empty(), false);

        assertThat(entry.move(loaded, new AddressChanges.Address("85.240.1.2", lisbon))).isTrue();
        assertThat(entry.move(loaded, new AddressChanges.Address("85.240.9.9", lisbon))).as("a concurrent move lost the race").isFalse();
        assertThat(entry.seen().ip()).isEqualTo("85.240.1.2");
    }

    @Test
    void accountsAreSharedByTheSessionsOfOneMemberUntilTheyChange() {
        CachedSession first = get();
        CachedSession second = cache.get(TestSessions.tokenHash(), loader).orElseThrow();
        assertThat(second.account()).isSameAs(first.account());

        role.set(Role.MEMBER);
        cache.evictTeam(alice.team());
        CachedSession third = cache.get(TestSessions.tokenHash(), loader).orElseThrow();
        assertThat(third.account().role()).isEqualTo(Role.MEMBER);
        assertThat(get().account()).as("reloaded, stale since the team changed").isSameAs(third.account());
    }

    @Test
    void accountsOfOneTeamShareTheTeamsIdThoughEachRowReadMakesItsOwn() {
        Account bob = new Account(new AccountId("acc_cache_bob"), new TeamId(new String("team_a")), "bob@example.com", "Bob",
                Role.MEMBER, TestSessions.T0);
        CachedSession alices = get();
        CachedSession bobs = cache.get(TestSessions.tokenHash(), hash -> new CachedSession(
                TestSessions.of(bob.id()).id("ses_cache_bob").build(), bob)).orElseThrow();

        assertThat(bobs.account()).isEqualTo(bob);
        assertThat(bobs.account().team()).isSameAs(alices.account().team());
    }

    @Test
    void anAddressThatIsNotDottedIpv4IsKeptAsWrittenAndMovesLikeAnyOther() {
        GeoLocation lisbon = new GeoLocation("Lisbon", "Lisbon", "Portugal", "PT", "MEO", Optional.empty(), Optional.empty(), false);
        Session row = row(Optional.empty()).movedTo("2001:db8::1", lisbon);
        CachedSession entry = cache.get(HASH, hash -> new CachedSession(row, alice)).orElseThrow();

        assertThat(entry.seenFrom("2001:db8::1")).isTrue();
        assertThat(entry.seenFrom("2001:db8::2")).isFalse();
        assertThat(entry.seen()).isEqualTo(new AddressChanges.Address("2001:db8::1", lisbon));
        assertThat(entry.move(entry.seen(), new AddressChanges.Address("85.240.1.2", lisbon))).isTrue();
        assertThat(entry.seenFrom("85.240.1.2")).isTrue();
        assertThat(entry.seenFrom("2001:db8::1")).isFalse();

        CachedSession key = new CachedSession(row(Optional.empty()).movedTo("", GeoLocation.unknown()), alice);
        assertThat(key.seen().ip()).as("a key not used yet has no address").isEmpty();
        assertThat(key.seenFrom("85.240.1.2")).isFalse();
    }

    @Test
    void idleTimeoutEndsTheSessionToTheMillisecond() {
        long last = TestSessions.T0.toEpochMilli();
        for (Duration idle : List.of(Duration.ofDays(30), Duration.ofDays(1), Duration.ofMillis(1_500), Duration.ofMillis(1),
                Duration.ofDays(400))) {
            CachedSession entry = new CachedSession(TestSessions.of(alice.id()).idleTimeout(idle).lifetime(Duration.ofDays(1000)).build(), alice);
            assertThat(entry.expiry(last + idle.toMillis() - 1)).as(idle.toString()).isEmpty();
            assertThat(entry.expiry(last + idle.toMillis())).as(idle.toString()).contains(EndReason.IDLE_EXPIRED);
        }
        CachedSession never = new CachedSession(TestSessions.of(alice.id()).idleTimeout(Duration.ZERO).build(), alice);
        assertThat(never.expiry(last + Duration.ofDays(6).toMillis())).isEmpty();
        assertThat(never.expiry(last + Duration.ofDays(7).toMillis())).as("its lifetime").contains(EndReason.LIFETIME_EXPIRED);
    }

    @Test
    void anAdminsKeyWithoutTheAdminScopeActsAsAMember() {
        Session row = row(Optional.empty());
        CachedSession limited = CachedSession.of(row, alice, Optional.of(java.util.Set.of("sessions:read")));
        CachedSession admin = CachedSession.of(row, alice, Optional.of(java.util.Set.of(SessionCache.ADMIN_SCOPE)));
        CachedSession signIn = CachedSession.of(row, alice, Optional.empty());

        assertThat(limited.account().role()).isEqualTo(Role.MEMBER);
        assertThat(limited.keyScopes()).contains(java.util.Set.of("sessions:read"));
        assertThat(admin.account().role()).isEqualTo(Role.ADMIN);
        assertThat(signIn.keyScopes()).isEmpty();
        assertThat(signIn.account()).isSameAs(alice);
    }

    @Test
    void hashesThatAreNotLowerCaseHexFindNothingAndReadNothing() {
        assertThat(cache.get(HASH.toUpperCase(java.util.Locale.ROOT), loader)).isEmpty();
        assertThat(cache.get(HASH.substring(1) + "g", loader)).isEmpty();
        assertThat(cache.get(HASH.substring(2), loader)).isEmpty();
        assertThat(loads).hasValue(0);
    }

    @Test
    void ipv4AddressesArePackedExactlyAndEverythingElseIsKeptAsWritten() {
        for (String ip : List.of("83.45.123.78", "1.2.3.4", "255.255.255.255", "10.0.0.1")) {
            int packed = PackedIpv4.pack(ip);
            assertThat(packed).as(ip).isNotEqualTo(PackedIpv4.NONE);
            assertThat(PackedIpv4.format(packed)).isEqualTo(ip);
            assertThat(PackedIpv4.is(ip, packed)).isTrue();
        }
        for (String ip : List.of("", "0.0.0.0", "01.2.3.4", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ", "::1", "2001:db8::1", "1..2.3", "a.b.c.d")) {
            assertThat(PackedIpv4.pack(ip)).as(ip).isEqualTo(PackedIpv4.NONE);
        }
        assertThat(PackedIpv4.is("1.2.3.5", PackedIpv4.pack("1.2.3.4"))).isFalse();
    }

    @Test
    void evictedSessionIsReadAgainOnItsNextCheck() {
        get();
        ended.set(Optional.of(EndReason.REVOKED));

        cache.evict(List.of(id()));

        assertThat(cache.cached(id())).isEmpty();
        assertThat(get().ended()).contains(EndReason.REVOKED);
        assertThat(loads).hasValue(2);
    }

    @Test
    void entryIsReadAgainAfterTheRefreshIntervalAndCanStillBeEvicted() {
        get();
        clock.advance(REFRESH.plusSeconds(1));

        get();
        assertThat(loads).as("refreshed").hasValue(2);

        // The expired entry's removal must not unregister the entry that replaced it.
        cache.evict(List.of(id()));
        get();
        assertThat(loads).as("the reloaded entry was evicted").hasValue(3);
    }

    @Test
    void teamChangeMakesItsCachedSessionsStale() {
        get();
        role.set(Role.MEMBER);

        cache.evictTeam(alice.team());

        assertThat(cache.cached(id())).isEmpty();
        assertThat(get().account().role()).isEqualTo(Role.MEMBER);
        assertThat(loads).hasValue(2);
        get();
        assertThat(loads).as("the new entry is not stale").hasValue(2);
    }

    @Test
    void otherTeamsChangeLeavesTheEntryAlone() {
        get();

        cache.evictTeam(new TeamId("team_b"));

        get();
        assertThat(loads).hasValue(1);
    }

    @Test
    void changeCommittedWhileALoadIsReadingIsNotLostToTheStaleRow() throws Exception {
        CachedSession loaded = loadWhileCommitting(() -> {
            ended.set(Optional.of(EndReason.REVOKED));
            cache.evict(List.of(id())); // after the commit, before the load has registered the session
        });

        assertThat(loaded.ended()).contains(EndReason.REVOKED);
        assertThat(get().ended()).contains(EndReason.REVOKED);
    }

    @Test
    void teamChangeCommittedWhileALoadIsReadingIsNotLostToTheStaleRole() throws Exception {
        loadWhileCommitting(() -> {
            role.set(Role.MEMBER);
            cache.evictTeam(alice.team());
        });

        assertThat(get().account().role()).isEqualTo(Role.MEMBER);
    }

    @Test
    void untrustedCacheServesNothingAndLoadsEveryCheck() {
        get();

        cache.trust(false);

        assertThat(cache.cached(id())).isEmpty();
        get();
        get();
        assertThat(loads).hasValue(3);
    }

    @Test
    void cachePastItsLeaseIsNotTrustedAndIsClearedWhenTrustedAgain() {
        get();

        cache.trustUntil(System.nanoTime() - 1);

        assertThat(cache.trusted()).as("the lease ran out").isFalse();
        assertThat(cache.cached(id())).isEmpty();
        get();
        assertThat(loads).as("read from the database while the lease is out").hasValue(2);
        cache.trustUntil(System.nanoTime() + TimeUnit.HOURS.toNanos(1));
        get();
        get();
        assertThat(loads).as("cleared: the first check after reads again, once").hasValue(3);
    }

    @Test
    void loadInFlightWhileTheCacheIsClearedIsNotKept() throws Exception {
        CachedSession loaded = loadWhileCommitting(() -> {
            ended.set(Optional.of(EndReason.REVOKED));
            cache.clear();
        });
        assertThat(loaded.ended()).as("read again before it is served").contains(EndReason.REVOKED);
        assertThat(get().ended()).contains(EndReason.REVOKED);
        assertThat(loads).as("the load in flight, its second read, and nothing more").hasValue(2);
    }

    /**
     * Starts a load whose first read sees the row as it is, then holds it while {@code commit}
     * changes the row and tells the cache, as a commit on another thread would; returns what the
     * load put in the cache.
     */
    private CachedSession loadWhileCommitting(Runnable commit) throws Exception {
        CountDownLatch read = new CountDownLatch(1);
        CountDownLatch committed = new CountDownLatch(1);
        Function<String, CachedSession> slowFirstLoad = hash -> {
            CachedSession before = read();
            if (loads.incrementAndGet() > 1) return before;
            read.countDown();
            await(committed);
            return before; // what it read before the commit
        };
        CompletableFuture<Optional<CachedSession>> loading =
                CompletableFuture.supplyAsync(() -> cache.get(HASH, slowFirstLoad));
        await(read);
        commit.run();
        committed.countDown();
        return loading.get(10, TimeUnit.SECONDS).orElseThrow();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) throw new AssertionError("timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
