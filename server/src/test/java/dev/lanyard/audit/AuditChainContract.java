package dev.lanyard.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.TeamId;
import dev.lanyard.ops.DatabaseKind;
import dev.lanyard.session.SessionId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What the audit chain must do on every database: append without gaps, also under concurrency,
 * and show exactly where it was tampered with. Run by a subclass per database; every test uses
 * teams of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AuditChainContract {
    static final Instant T0 = Instant.parse("2026-01-10T09:15:00.250Z");
    private static final AtomicInteger TEAMS = new AtomicInteger();

    private HikariDataSource dataSource;
    private JdbcAuditStore store;
    private AuditLog audit;
    private DataSourceTransactionManager transactions;
    private JdbcClient jdbc;

    /** A new, empty database with the schema migrated. */
    abstract HikariDataSource migratedDatabase();

    @BeforeAll
    void open() {
        dataSource = migratedDatabase();
        dataSource.getHikariConfigMXBean().setMaximumPoolSize(5);
        jdbc = JdbcClient.create(dataSource);
        store = new JdbcAuditStore(jdbc, new NamedParameterJdbcTemplate(dataSource), new DatabaseKind(dataSource));
        transactions = new DataSourceTransactionManager(dataSource);
        audit = new AuditLog(store, transactions);
    }

    @AfterAll
    void close() {
        dataSource.close();
    }

    static TeamId newTeam() {
        return new TeamId("team_contract" + TEAMS.incrementAndGet() + "_" + System.nanoTime());
    }

    static AuditEntry.Draft draft(TeamId team, Instant at, String detail) {
        return new AuditEntry.Draft(team, at, new AuditEntry.Actor(Optional.of(new AccountId("acc_ada")), "ada@example.com",
                "Ada", Optional.of(new SessionId("ses_laptop"))), Optional.of(new AccountId("acc_bob")),
                Optional.of(new SessionId("ses_phone")), AuditAction.SESSION_REVOKED, detail, Optional.of("83.45.123.78"));
    }

    private List<AuditEntry> appendMany(TeamId team, int n) {
        return appendMany(team, n, T0);
    }

    private List<AuditEntry> appendMany(TeamId team, int n, Instant from) {
        for (int i = 0; i < n; i++) audit.record(draft(team, from.plusSeconds(i), "Entry " + (i + 1)));
        return all(team);
    }

    private List<AuditEntry> all(TeamId team) {
        return store.find(AuditQuery.all(team), AuditStore.SeqRange.ALL, false, 100_000);
    }

    // ---- appending

    @Test
    void appendedEntriesFormAGapFreeChainThatVerifies() {
        TeamId team = newTeam();

        List<AuditEntry> entries = appendMany(team, 5);

        assertThat(entries).extracting(AuditEntry::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(entries.get(0).prevHash()).isEqualTo(ChainHash.GENESIS);
        for (int i = 1; i < entries.size(); i++) assertThat(entries.get(i).prevHash()).isEqualTo(entries.get(i - 1).hash());
        assertThat(entries).allSatisfy(e -> assertThat(e.hash()).isEqualTo(e.expectedHash()).hasSize(64));
        assertThat(store.head(team)).contains(new AuditStore.Head(5, entries.get(4).hash(), entries.get(4).at()));
        assertThat(audit.verify(team)).isEqualTo(new AuditLog.Verification.Intact(5));
    }

    @Test
    void storedEntryReadsBackWithEveryValue() {
        TeamId team = newTeam();
        AuditEntry.Draft draft = draft(team, T0, "Signed out Safari on iPhone, “quoted”, with a comma\nand a new line");

        audit.record(draft);

        AuditEntry stored = all(team).get(0);
        assertThat(stored.team()).isEqualTo(team);
        assertThat(stored.at()).isEqualTo(T0);
        assertThat(stored.actor()).isEqualTo(draft.actor());
        assertThat(stored.subject()).isEqualTo(draft.subject());
        assertThat(stored.session()).isEqualTo(draft.session());
        assertThat(stored.action()).isEqualTo("session.revoked");
        assertThat(stored.detail()).isEqualTo(draft.detail());
        assertThat(stored.ip()).contains("83.45.123.78");
    }

    @Test
    void systemEntryWithoutActorSubjectOrAddressKeepsThemMissing() {
        TeamId team = newTeam();

        audit.record(new AuditEntry.Draft(team, T0, AuditEntry.Actor.SYSTEM, Optional.empty(), Optional.empty(),
                AuditAction.SESSION_EXPIRED, "Expired", Optional.empty()));

        AuditEntry stored = all(team).get(0);
        assertThat(stored.actor().system()).isTrue();
        assertThat(stored.subject()).isEmpty();
        assertThat(stored.session()).isEmpty();
        assertThat(stored.ip()).isEmpty();
        assertThat(audit.verify(team)).isInstanceOf(AuditLog.Verification.Intact.class);
    }

    @Test
    void teamsHaveChainsOfTheirOwn() {
        TeamId one = newTeam();
        TeamId other = newTeam();

        appendMany(one, 3);
        appendMany(other, 2);

        assertThat(all(one)).extracting(AuditEntry::seq).containsExactly(1L, 2L, 3L);
        assertThat(all(other)).extracting(AuditEntry::seq).containsExactly(1L, 2L);
        assertThat(audit.verify(other)).isEqualTo(new AuditLog.Verification.Intact(2));
    }

    @Test
    void timeNeverGoesBackwardsAlongAChain() {
        TeamId team = newTeam();

        audit.record(draft(team, T0.plusSeconds(10), "later clock"));
        audit.record(draft(team, T0, "earlier clock, committed after"));

        assertThat(all(team)).extracting(AuditEntry::at).containsExactly(T0.plusSeconds(10), T0.plusSeconds(10));
    }

    @Test
    void entriesOfATransactionCommitWithItAndVanishWithItsRollback() {
        TeamId team = newTeam();
        TransactionTemplate tx = new TransactionTemplate(transactions);

        tx.executeWithoutResult(status -> {
            audit.record(draft(team, T0, "one"));
            audit.record(draft(team, T0, "two"));
            assertThat(store.head(team)).as("linked only when the transaction commits").isEmpty();
        });
        assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
            audit.record(draft(team, T0, "rolled back"));
            throw new IllegalStateException("the change failed");
        })).hasMessage("the change failed");
        tx.executeWithoutResult(status -> audit.record(draft(team, T0, "three")));

        assertThat(all(team)).extracting(AuditEntry::detail).containsExactly("one", "two", "three");
        assertThat(audit.verify(team)).isEqualTo(new AuditLog.Verification.Intact(3));
    }

    @Test
    void moreEntriesInOneTransactionThanOneInsertHoldsFormAChainThatVerifies() {
        TeamId team = newTeam();
        int n = JdbcAuditInserts.INSERT_CHUNK * 2 + 7;

        new TransactionTemplate(transactions).executeWithoutResult(status -> {
            for (int i = 0; i < n; i++) audit.record(draft(team, T0.plusMillis(i), "Signed out session " + (i + 1)));
        });

        List<AuditEntry> entries = all(team);
        assertThat(entries).extracting(AuditEntry::seq).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(1, n).boxed().toList());
        assertThat(entries.get(n - 1).detail()).isEqualTo("Signed out session " + n);
        assertThat(audit.verify(team)).isEqualTo(new AuditLog.Verification.Intact(n));
    }

    @Test
    void manyEntriesOfOneTransactionReadBackWithEveryValueAndEveryMissingOne() {
        // One transaction writes them all at once (on PostgreSQL in one statement of arrays): each
        // value, each missing one and each odd character comes back as it was drafted.
        TeamId team = newTeam();
        List<AuditEntry.Draft> drafts = new java.util.ArrayList<>();
        for (int i = 0; i < JdbcAuditInserts.INSERT_CHUNK + 5; i++) {
            drafts.add(i % 2 == 0 ? draft(team, T0.plusMillis(i), "Signed out “" + i + "”, with a comma\nand {braces}, \"quotes\" and \\")
                    : new AuditEntry.Draft(team, T0.plusMillis(i), AuditEntry.Actor.SYSTEM, Optional.empty(), Optional.empty(),
                    AuditAction.SESSION_EXPIRED, "NULL", Optional.empty()));
        }

        new TransactionTemplate(transactions).executeWithoutResult(status -> drafts.forEach(audit::record));

        List<AuditEntry> stored = all(team);
        assertThat(stored).hasSize(drafts.size());
        for (int i = 0; i < drafts.size(); i++) {
            AuditEntry.Draft d = drafts.get(i);
            AuditEntry e = stored.get(i);
            assertThat(e.seq()).isEqualTo(i + 1);
            assertThat(e.at()).isEqualTo(d.at());
            assertThat(e.actor()).isEqualTo(d.actor());
            assertThat(e.subject()).isEqualTo(d.subject());
            assertThat(e.session()).isEqualTo(d.session());
            assertThat(e.action()).isEqualTo(d.action().code());
            assertThat(e.detail()).isEqualTo(d.detail());
            assertThat(e.ip()).isEqualTo(d.ip());
        }
        assertThat(audit.verify(team)).isEqualTo(new AuditLog.Verification.Intact(drafts.size()));
    }

    @Test
    void oneTransactionWritingToTwoTeamsExtendsBothChains() {
        TeamId one = newTeam();
        TeamId other = newTeam();
        appendMany(other, 1);

        new TransactionTemplate(transactions).executeWithoutResult(status -> {
            audit.record(draft(other, T0, "other"));
            audit.record(draft(one, T0, "one"));
        });

        assertThat(all(one)).extracting(AuditEntry::seq).containsExactly(1L);
        assertThat(all(other)).extracting(AuditEntry::seq).containsExactly(1L, 2L);
    }

    @Test
    void concurrentAppendsForOneTeamKeepAGapFreeChain() throws Exception {
        TeamId team = newTeam();
        int threads = 4;
        int each = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) audit.record(draft(team, T0, "thread " + thread + " entry " + i));
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) f.get(2, TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }

        List<AuditEntry> entries = all(team);
        assertThat(entries).hasSize(threads * each);
        assertThat(entries).extracting(AuditEntry::seq).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(1, threads * each).boxed().toList());
        assertThat(audit.verify(team)).isEqualTo(new AuditLog.Verification.Intact(threads * each));
    }

    @Test
    void headMovedByAnotherTransactionIsReadAgain() {
        TeamId team = newTeam();
        appendMany(team, 2);
        AuditLog racing = new AuditLog(readingStaleHeadOnce(Optional.of(new AuditStore.Head(1, "stale", T0))), transactions);

        racing.record(draft(team, T0, "after the race"));

        assertThat(all(team)).extracting(AuditEntry::seq).containsExactly(1L, 2L, 3L);
        assertThat(audit.verify(team)).isEqualTo(new AuditLog.Verification.Intact(3));
    }

    @Test
    void headCreatedByAnotherTransactionIsReadAgain() {
        TeamId team = newTeam();
        appendMany(team, 1);
        AuditLog racing = new AuditLog(readingStaleHeadOnce(Optional.empty()), transactions);

        racing.record(draft(team, T0, "second, though it saw no head"));

        assertThat(all(team)).extracting(AuditEntry::seq).containsExactly(1L, 2L);
        assertThat(audit.verify(team)).isEqualTo(new AuditLog.Verification.Intact(2));
    }

    /** The store, except that its first head read returns {@code stale}: as if another node appended just after it. */
    private AuditStore readingStaleHeadOnce(Optional<AuditStore.Head> stale) {
        AtomicBoolean first = new AtomicBoolean(true);
        return (AuditStore) Proxy.newProxyInstance(AuditStore.class.getClassLoader(), new Class<?>[] {AuditStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("head") && first.getAndSet(false)) return stale;
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    // ---- tampering

    @Test
    void editedEntryFailsVerificationAtThatEntry() {
        TeamId team = newTeam();
        appendMany(team, 6);

        jdbc.sql("UPDATE audit_entries SET detail = 'Nothing happened here' WHERE team_id = :team AND seq = 4")
                .param("team", team.value()).update();

        assertThat(audit.verify(team)).isInstanceOfSatisfying(AuditLog.Verification.Broken.class, broken -> {
            assertThat(broken.at()).isEqualTo(4);
            assertThat(broken.problem()).isEqualTo(AuditLog.Problem.HASH_MISMATCH);
            assertThat(broken.checked()).isEqualTo(3);
        });
    }

    @Test
    void editedEntryWithARecomputedHashFailsAtTheNextEntry() {
        TeamId team = newTeam();
        List<AuditEntry> entries = appendMany(team, 5);
        AuditEntry forged = new AuditEntry(team, 2, entries.get(1).at(), AuditEntry.Actor.SYSTEM, Optional.empty(),
                Optional.empty(), "session.expired", "Forged", Optional.empty(), entries.get(0).hash(), "", 3, Optional.empty());

        jdbc.sql("""
                        UPDATE audit_entries SET actor_id = NULL, actor_email = '', actor_name = '', actor_session_id = NULL,
                        subject_id = NULL, session_id = NULL, action = 'session.expired', detail = 'Forged', ip = NULL,
                        ip_commit = NULL, ip_salt = NULL, hash = :hash WHERE team_id = :team AND seq = 2""")
                .param("hash", ChainHash.of(forged)).param("team", team.value()).update();

        assertThat(audit.verify(team)).isInstanceOfSatisfying(AuditLog.Verification.Broken.class, broken -> {
            assertThat(broken.at()).isEqualTo(3);
            assertThat(broken.problem()).isEqualTo(AuditLog.Problem.PREV_HASH_MISMATCH);
        });
    }

    @Test
    void deletedEntryShowsAsAGapWhereItWas() {
        TeamId team = newTeam();
        appendMany(team, 6);

        jdbc.sql("DELETE FROM audit_entries WHERE team_id = :team AND seq = 3").param("team", team.value()).update();

        assertThat(audit.verify(team)).isInstanceOfSatisfying(AuditLog.Verification.Broken.class, broken -> {
            assertThat(broken.at()).isEqualTo(3);
            assertThat(broken.problem()).isEqualTo(AuditLog.Problem.GAP);
            assertThat(broken.checked()).isEqualTo(2);
        });
    }

    @Test
    void deletedNewestEntriesShowAgainstTheHead() {
        TeamId team = newTeam();
        appendMany(team, 6);

        jdbc.sql("DELETE FROM audit_entries WHERE team_id = :team AND seq >= 5").param("team", team.value()).update();

        assertThat(audit.verify(team)).isInstanceOfSatisfying(AuditLog.Verification.Broken.class, broken -> {
            assertThat(broken.at()).isEqualTo(5);
            assertThat(broken.problem()).isEqualTo(AuditLog.Problem.GAP);
        });
    }

    @Test
    void entryWrittenPastTheHeadIsReported() {
        TeamId team = newTeam();
        List<AuditEntry> entries = appendMany(team, 2);
        AuditEntry extra = draft(team, T0, "slipped in").link(3, T0, entries.get(1).hash());

        store.insert(List.of(extra));

        assertThat(audit.verify(team)).isInstanceOfSatisfying(AuditLog.Verification.Broken.class, broken -> {
            assertThat(broken.at()).isEqualTo(3);
            assertThat(broken.problem()).isEqualTo(AuditLog.Problem.HEAD_MISMATCH);
        });
    }

    @Test
    void verificationReadsALongChainInBatches() {
        TeamId team = newTeam();
        int n = AuditLog.BATCH * 2 + 7;
        List<AuditEntry.Draft> drafts = new ArrayList<>();
        for (int i = 0; i < n; i++) drafts.add(draft(team, T0.plusMillis(i), "Entry " + i));
        new TransactionTemplate(transactions).executeWithoutResult(status -> audit.append(drafts));

        assertThat(audit.verify(team)).isEqualTo(new AuditLog.Verification.Intact(n));

        jdbc.sql("UPDATE audit_entries SET ip = '10.0.0.1' WHERE team_id = :team AND seq = :seq")
                .param("team", team.value()).param("seq", AuditLog.BATCH + 5).update();
        assertThat(audit.verify(team)).isInstanceOfSatisfying(AuditLog.Verification.Broken.class,
                broken -> assertThat(broken.at()).isEqualTo(AuditLog.BATCH + 5));
    }

    // ---- retention (PRODUCT.md D6, docs/decisions/0049)

    private String ipOf(TeamId team, long seq) {
        return jdbc.sql("SELECT ip FROM audit_entries WHERE team_id = :team AND seq = :seq")
                .param("team", team.value()).param("seq", seq).query(String.class).single();
    }

    private Optional<String> saltOf(TeamId team, long seq) {
        return jdbc.sql("SELECT ip_salt FROM audit_entries WHERE team_id = :team AND seq = :seq")
                .param("team", team.value()).param("seq", seq).query(String.class).optional();
    }

    @Test
    void addressesOlderThanTheRetentionAreReducedToTheirNetworkAndTheChainStillVerifies() {
        TeamId team = newTeam();
        appendMany(team, 4);

        audit.reduceAddresses(T0.plusSeconds(2));

        assertThat(ipOf(team, 1)).isEqualTo("83.45.123.0/24");
        assertThat(ipOf(team, 2)).isEqualTo("83.45.123.0/24");
        assertThat(saltOf(team, 1)).isEmpty();
        assertThat(ipOf(team, 3)).isEqualTo("83.45.123.78");
        assertThat(saltOf(team, 3)).isPresent();
        assertThat(all(team)).extracting(AuditEntry::version).containsOnly(3);
        assertThat(audit.verify(team)).isEqualTo(new AuditLog.Verification.Intact(4));

        audit.reduceAddresses(T0.plusSeconds(60));
        assertThat(all(team)).extracting(e -> e.ip().orElseThrow()).containsOnly("83.45.123.0/24");
        assertThat(audit.verify(team)).isEqualTo(new AuditLog.Verification.Intact(4));
    }

    @Test
    void anAddressChangedOtherThanByReducingItFailsVerificationAtThatEntry() {
        TeamId team = newTeam();
        appendMany(team, 6);
        audit.reduceAddresses(T0.plusSeconds(2));

        // Another network for a reduced address; another address of the same network with its salt kept;
        // the salt dropped but the full address left.
        jdbc.sql("UPDATE audit_entries SET ip = '10.1.2.0/24' WHERE team_id = :team AND seq = 2").param("team", team.value()).update();
        assertThat(audit.verify(team)).isInstanceOfSatisfying(AuditLog.Verification.Broken.class, broken -> {
            assertThat(broken.at()).isEqualTo(2);
            assertThat(broken.problem()).isEqualTo(AuditLog.Problem.HASH_MISMATCH);
        });
        jdbc.sql("UPDATE audit_entries SET ip = '83.45.123.0/24' WHERE team_id = :team AND seq = 2").param("team", team.value()).update();
        assertThat(audit.verify(team)).isEqualTo(new AuditLog.Verification.Intact(6));

        jdbc.sql("UPDATE audit_entries SET ip = '83.45.123.99' WHERE team_id = :team AND seq = 4").param("team", team.value()).update();
        assertThat(audit.verify(team)).isInstanceOfSatisfying(AuditLog.Verification.Broken.class, broken -> {
            assertThat(broken.at()).isEqualTo(4);
            assertThat(broken.detail()).contains("address");
        });
        jdbc.sql("UPDATE audit_entries SET ip = '83.45.123.78' WHERE team_id = :team AND seq = 4").param("team", team.value()).update();
        assertThat(audit.verify(team)).isEqualTo(new AuditLog.Verification.Intact(6));

        jdbc.sql("UPDATE audit_entries SET ip_salt = NULL WHERE team_id = :team AND seq = 5").param("team", team.value()).update();
        assertThat(audit.verify(team)).isInstanceOfSatisfying(AuditLog.Verification.Broken.class,
                broken -> assertThat(broken.at()).isEqualTo(5));
    }

    @Test
    void entriesWrittenBeforeVersionTwoKeepTheirAddressAndStillVerify() {
        TeamId team = newTeam();
        AuditEntry.Draft old = draft(team, T0, "Written by an earlier Lanyard");
        AuditEntry unhashed = new AuditEntry(team, 1, T0, old.actor(), old.subject(), old.session(), old.action().code(),
                old.detail(), old.ip(), ChainHash.GENESIS, "");
        AuditEntry v1 = new AuditEntry(team, 1, T0, old.actor(), old.subject(), old.session(), old.action().code(),
                old.detail(), old.ip(), ChainHash.GENESIS, ChainHash.of(unhashed));
        new TransactionTemplate(transactions).executeWithoutResult(tx -> {
            store.insert(List.of(v1));
            store.createHead(team, new AuditStore.Head(1, v1.hash(), T0));
        });
        audit.record(draft(team, T0.plusSeconds(1), "Written by this one"));

        audit.reduceAddresses(T0.plusSeconds(60));

        assertThat(ipOf(team, 1)).isEqualTo("83.45.123.78");
        assertThat(ipOf(team, 2)).isEqualTo("83.45.123.0/24");
        assertThat(all(team)).extracting(AuditEntry::version).containsExactly(1, 3);
        assertThat(audit.verify(team)).isEqualTo(new AuditLog.Verification.Intact(2));
    }

    @Test
    void a6to4AddressKeepsItsIpv4SlashTwentyFourAndAVersionTwoEntryTheSlashFortyEightItsHashCovers() {
        TeamId team = newTeam();
        AuditEntry.Draft d = draft(team, T0, "Written by an earlier Lanyard");
        String sixToFour = "2002:532d:7b4e::1";
        AuditEntry.Seal seal = ChainHash.seal(sixToFour);
        AuditEntry unhashed = new AuditEntry(team, 1, T0, d.actor(), d.subject(), d.session(), d.action().code(), d.detail(),
                Optional.of(sixToFour), ChainHash.GENESIS, "", 2, Optional.of(seal));
        AuditEntry v2 = new AuditEntry(team, 1, T0, d.actor(), d.subject(), d.session(), d.action().code(), d.detail(),
                Optional.of(sixToFour), ChainHash.GENESIS, ChainHash.of(unhashed), 2, Optional.of(seal));
        new TransactionTemplate(transactions).executeWithoutResult(tx -> {
            store.insert(List.of(v2));
            store.createHead(team, new AuditStore.Head(1, v2.hash(), T0));
        });
        audit.record(new AuditEntry.Draft(team, T0.plusSeconds(1), d.actor(), d.subject(), d.session(), d.action(),
                "Written by this one", Optional.of(sixToFour)));

        audit.reduceAddresses(T0.plusSeconds(60));

        assertThat(ipOf(team, 1)).as("what its hash covers: changing it would read as tampering").isEqualTo("2002:532d:7b4e::/48");
        assertThat(ipOf(team, 2)).as("the IPv4 /24, not the whole IPv4 address").isEqualTo("2002:532d:7b00::/40");
        assertThat(all(team)).extracting(AuditEntry::version).containsExactly(2, 3);
        assertThat(audit.verify(team)).isEqualTo(new AuditLog.Verification.Intact(2));

        jdbc.sql("UPDATE audit_entries SET ip = '2002:532d:7b4e::/48' WHERE team_id = :team AND seq = 2")
                .param("team", team.value()).update();
        assertThat(audit.verify(team)).isInstanceOfSatisfying(AuditLog.Verification.Broken.class,
                broken -> assertThat(broken.at()).isEqualTo(2));
    }

    @Test
    void entriesOlderThanTheRetentionAreRemovedAndTheChainVerifiesFromWhereItNowStarts() {
        // Older than every other test's entries, so that the removal, which looks at every team, leaves theirs.
        Instant from = T0.minus(Duration.ofDays(3000));
        TeamId team = newTeam();
        List<AuditEntry> entries = appendMany(team, 7, from);
        Duration retention = Duration.ofDays(400);
        int batch = audit.removeBatch;
        audit.removeBatch = 2;
        try {
            // Entries 1 to 5 (T0 … T0+4s) are older than the retention, in three transactions of at most 2.
            audit.removeOlderThan(retention, from.plusSeconds(5).plus(retention));
        } finally {
            audit.removeBatch = batch;
        }

        List<AuditEntry> left = all(team);
        assertThat(left).extracting(AuditEntry::seq).containsExactly(6L, 7L, 8L, 9L, 10L);
        assertThat(left.subList(2, 5)).extracting(AuditEntry::action).containsOnly(AuditAction.OLD_ENTRIES_REMOVED.code());
        assertThat(left.get(4).detail()).startsWith("Removed 1 entry older than 400 days (the audit retention).")
                .endsWith("The log now starts after entry 5, hash " + entries.get(4).hash() + ".");
        assertThat(store.anchor(team)).contains(new AuditStore.Anchor(5, entries.get(4).hash(), entries.get(4).at()));
        assertThat(audit.verify(team)).isEqualTo(new AuditLog.Verification.Intact(5, 6));
        assertThat(AuditPages.message(audit.verify(team)))
                .isEqualTo("The audit log is intact: all 5 entries check out, from entry 6 (older ones were removed by the audit retention) to the newest.");

        // Run again: nothing more of this team is old enough, nothing of it changes.
        audit.removeOlderThan(retention, from.plusSeconds(5).plus(retention));
        assertThat(all(team)).hasSize(5);
    }

    /** The retention (on another node) removes the oldest entries while a verification is reading the chain. */
    @Test
    void aVerificationDuringTheRetentionIsNotReportedAsTampering() {
        Instant from = T0.minus(Duration.ofDays(5000));
        TeamId team = newTeam();
        appendMany(team, 6, from);
        Duration retention = Duration.ofDays(400);
        AtomicBoolean first = new AtomicBoolean(true);
        AuditStore retentionDuringTheRead = (AuditStore) Proxy.newProxyInstance(AuditStore.class.getClassLoader(),
                new Class<?>[] {AuditStore.class}, (proxy, method, args) -> {
                    // After the verification read the anchor and the head, before it reads the entries.
                    if (method.getName().equals("find") && first.getAndSet(false)) {
                        audit.removeOlderThan(retention, from.plusSeconds(3).plus(retention));
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });

        AuditLog.Verification verified = new AuditLog(retentionDuringTheRead, transactions).verify(team);

        assertThat(first).isFalse();
        assertThat(verified).isEqualTo(new AuditLog.Verification.Intact(4, 4));
    }

    @Test
    void entriesRemovedFromTheStartOtherThanByTheRetentionAreReported() {
        Instant from = T0.minus(Duration.ofDays(6000));
        TeamId team = newTeam();
        List<AuditEntry> entries = appendMany(team, 6, from);
        Duration retention = Duration.ofDays(400);
        audit.removeOlderThan(retention, from.plusSeconds(2).plus(retention));
        assertThat(audit.verify(team)).isEqualTo(new AuditLog.Verification.Intact(5, 3));

        // The first remaining entry deleted: a gap where it was.
        jdbc.sql("DELETE FROM audit_entries WHERE team_id = :team AND seq = 3").param("team", team.value()).update();
        assertThat(audit.verify(team)).isInstanceOfSatisfying(AuditLog.Verification.Broken.class, broken -> {
            assertThat(broken.at()).isEqualTo(3);
            assertThat(broken.problem()).isEqualTo(AuditLog.Problem.GAP);
        });

        // The anchor moved past it by hand as well: no entry of the retention says so.
        jdbc.sql("UPDATE audit_anchors SET seq = 3, hash = :hash WHERE team_id = :team")
                .param("hash", entries.get(2).hash()).param("team", team.value()).update();
        assertThat(audit.verify(team)).isInstanceOfSatisfying(AuditLog.Verification.Broken.class, broken -> {
            assertThat(broken.at()).isEqualTo(4);
            assertThat(broken.problem()).isEqualTo(AuditLog.Problem.GAP);
            assertThat(broken.detail()).contains("no entry of the audit retention");
        });
    }

    @Test
    void emptyLogVerifies() {
        assertThat(audit.verify(newTeam())).isEqualTo(new AuditLog.Verification.Intact(0));
    }

    // ---- reading

    @Test
    void pagesGoFromNewestToOldestByCursor() {
        TeamId team = newTeam();
        appendMany(team, 5);

        AuditLog.Page first = audit.page(AuditQuery.all(team), 2, Optional.empty());
        AuditLog.Page second = audit.page(AuditQuery.all(team), 2, first.nextCursor());
        AuditLog.Page last = audit.page(AuditQuery.all(team), 2, second.nextCursor());

        assertThat(first.items()).extracting(AuditEntry::seq).containsExactly(5L, 4L);
        assertThat(second.items()).extracting(AuditEntry::seq).containsExactly(3L, 2L);
        assertThat(last.items()).extracting(AuditEntry::seq).containsExactly(1L);
        assertThat(last.nextCursor()).isEmpty();
    }

    @Test
    void filtersByActorActionAndTimeRange() {
        TeamId team = newTeam();
        AccountId bob = new AccountId("acc_bob");
        audit.record(draft(team, T0, "ada revokes"));
        audit.record(new AuditEntry.Draft(team, T0.plus(Duration.ofHours(1)), new AuditEntry.Actor(Optional.of(bob),
                "Bob@Example.com".toLowerCase(), "Bob", Optional.empty()), Optional.of(bob), Optional.empty(),
                AuditAction.SIGNED_IN, "bob signs in", Optional.empty()));
        audit.record(new AuditEntry.Draft(team, T0.plus(Duration.ofDays(1)), new AuditEntry.Actor(Optional.empty(),
                "bob@example.com", "", Optional.empty()), Optional.of(bob), Optional.empty(),
                AuditAction.SIGN_IN_FAILED, "someone fails as bob", Optional.of("198.51.100.7")));
        audit.record(new AuditEntry.Draft(team, T0.plus(Duration.ofDays(2)), AuditEntry.Actor.SYSTEM, Optional.of(bob),
                Optional.empty(), AuditAction.SESSION_EXPIRED, "bob's session expires", Optional.empty()));

        assertThat(details(query(team, Optional.of(bob), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())))
                .containsExactly("bob signs in");
        assertThat(details(query(team, Optional.empty(), Optional.of("bob@example.com"), Optional.empty(), Optional.empty(), Optional.empty())))
                .containsExactly("someone fails as bob", "bob signs in");
        assertThat(details(query(team, Optional.empty(), Optional.empty(), Optional.of("session.revoked"), Optional.empty(), Optional.empty())))
                .containsExactly("ada revokes");
        assertThat(details(query(team, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(T0.plusSeconds(1)), Optional.of(T0.plus(Duration.ofDays(2))))))
                .containsExactly("someone fails as bob", "bob signs in");
        assertThat(details(query(team, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(T0.plus(Duration.ofDays(3))), Optional.empty()))).isEmpty();
        assertThat(details(AuditQuery.ownedBy(team, bob))).as("done by bob or to bob")
                .containsExactly("bob's session expires", "someone fails as bob", "bob signs in", "ada revokes");
        assertThat(details(AuditQuery.ownedBy(team, new AccountId("acc_ada")))).containsExactly("ada revokes");
        assertThat(details(AuditQuery.ownedBy(newTeam(), bob))).as("another team's").isEmpty();
    }

    @Test
    void ownEntriesPageWithoutRepeatingOnesThatAreBothDoneAndSuffered() {
        TeamId team = newTeam();
        AccountId ada = new AccountId("acc_ada");
        for (int i = 0; i < 5; i++) {
            audit.record(new AuditEntry.Draft(team, T0, AuditEntry.Actor.of(new dev.lanyard.account.Account(ada, team,
                    "ada@example.com", "Ada", dev.lanyard.account.Role.ADMIN, T0), Optional.empty()), Optional.of(ada),
                    Optional.empty(), AuditAction.SIGNED_IN, "ada " + i, Optional.empty()));
        }

        AuditLog.Page first = audit.page(AuditQuery.ownedBy(team, ada), 3, Optional.empty());
        AuditLog.Page second = audit.page(AuditQuery.ownedBy(team, ada), 3, first.nextCursor());

        assertThat(first.items()).extracting(AuditEntry::seq).containsExactly(5L, 4L, 3L);
        assertThat(second.items()).extracting(AuditEntry::seq).containsExactly(2L, 1L);
        assertThat(second.nextCursor()).isEmpty();
    }

    @Test
    void exportHandsOverEveryMatchingEntryOldestFirstInBatches() {
        TeamId team = newTeam();
        int n = AuditLog.BATCH + 3;
        List<AuditEntry.Draft> drafts = new ArrayList<>();
        for (int i = 0; i < n; i++) drafts.add(draft(team, T0, "Entry " + i));
        new TransactionTemplate(transactions).executeWithoutResult(status -> audit.append(drafts));
        List<Long> seen = new ArrayList<>();

        audit.export(AuditQuery.all(team), e -> seen.add(e.seq()));

        assertThat(seen).hasSize(n).isSorted().startsWith(1L).endsWith((long) n);
    }

    private static AuditQuery query(TeamId team, Optional<AccountId> actor, Optional<String> email, Optional<String> action,
                                    Optional<Instant> from, Optional<Instant> to) {
        return new AuditQuery(team, Optional.empty(), actor, email, action, from, to);
    }

    private List<String> details(AuditQuery query) {
        return audit.page(query, 100, Optional.empty()).items().stream().map(AuditEntry::detail).toList();
    }
}
