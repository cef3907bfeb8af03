package dev.lanyard.factors;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.session.SessionId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.simple.JdbcClient;

/** What every {@link FactorStore} must do; run against each database by a subclass. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FactorStoreContract {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.125Z");
    private static final FactorStore.Starter STARTER = new FactorStore.Starter(new SessionId("ses_laptop"), "key-hash");

    private HikariDataSource dataSource;
    private FactorStore store;

    abstract HikariDataSource migratedDatabase();

    @BeforeAll
    void openStore() {
        dataSource = migratedDatabase();
        store = new JdbcFactorStore(JdbcClient.create(dataSource));
    }

    @AfterAll
    void closeDatabase() {
        dataSource.close();
    }

    private AccountId someone() {
        return TestAccounts.insertInto(dataSource, T0).id();
    }

    @Test
    void enrolmentWaitsForConfirmationAndRestartingReplacesItsSeed() {
        AccountId alice = someone();
        assertThat(store.find(alice)).isEmpty();

        assertThat(store.startEnrolment(alice, "plain:FIRST", STARTER, T0)).isEqualTo(1);
        assertThat(store.startEnrolment(alice, "plain:SECOND", STARTER, T0.plusSeconds(5))).isEqualTo(1);

        FactorStore.Totp pending = store.find(alice).orElseThrow();
        assertThat(pending.sealedSeed()).isEqualTo("plain:SECOND");
        assertThat(pending.confirmed()).isFalse();
        assertThat(pending.createdAt()).isEqualTo(T0.plusSeconds(5));
    }

    @Test
    void aPendingEnrolmentKnowsWhoStartedItUntilItIsConfirmed() {
        AccountId alice = someone();
        FactorStore.Starter phone = new FactorStore.Starter(new SessionId("ses_phone"), "other-key-hash");
        store.startEnrolment(alice, "plain:FIRST", STARTER, T0);
        assertThat(store.find(alice).orElseThrow().startedBy()).contains(STARTER);

        store.startEnrolment(alice, "plain:SECOND", phone, T0.plusSeconds(5));
        assertThat(store.find(alice).orElseThrow().startedBy()).as("starting again replaces whoever started").contains(phone);

        assertThat(store.confirm(alice, "plain:SECOND", 7, T0.plusSeconds(10))).isEqualTo(1);
        assertThat(store.find(alice).orElseThrow().startedBy()).as("a confirmed app belongs to no session").isEmpty();
    }

    @Test
    void confirmingTurnsOnOnlyTheSeedWhoseCodeWasChecked() {
        AccountId alice = someone();
        store.startEnrolment(alice, "plain:CHECKED", STARTER, T0);
        // Started again between the check of a code of CHECKED and the confirmation.
        store.startEnrolment(alice, "plain:NEWER", STARTER, T0.plusSeconds(1));

        assertThat(store.confirm(alice, "plain:CHECKED", 100, T0.plusSeconds(2))).isZero();
        FactorStore.Totp pending = store.find(alice).orElseThrow();
        assertThat(pending.confirmed()).isFalse();
        assertThat(pending.sealedSeed()).isEqualTo("plain:NEWER");

        assertThat(store.confirm(alice, "plain:NEWER", 100, T0.plusSeconds(3))).isEqualTo(1);
    }

    @Test
    void aRecoveryCodeIsFoundByAnyOfItsFormsAndStillWorksOnce() {
        AccountId alice = someone();
        store.replaceRecoveryCodes(alice, List.of("a1:new", "legacy"), T0);

        assertThat(store.useRecoveryCode(alice, List.of("a1:other", "legacy"), T0)).isEqualTo(1);
        assertThat(store.useRecoveryCode(alice, List.of("a1:other", "legacy"), T0)).isZero();
        assertThat(store.useRecoveryCode(alice, List.of("a1:new", "sha-of-it"), T0)).isEqualTo(1);
        assertThat(store.useRecoveryCode(alice, List.of(), T0)).isZero();
        assertThat(store.unusedRecoveryCodes(alice)).isZero();
    }

    /** Recovery codes without an app (decision 0066): a member with passkeys turning the app off keeps them. */
    @Test
    void deletingOnlyTheAppKeepsTheRecoveryCodesWhichStillWorkOnce() {
        AccountId alice = someone();
        store.startEnrolment(alice, "plain:SEED", STARTER, T0);
        store.confirm(alice, "plain:SEED", 1, T0);
        store.replaceRecoveryCodes(alice, List.of("h1", "h2"), T0);

        assertThat(store.deleteApp(alice)).isEqualTo(1);
        assertThat(store.deleteApp(alice)).isZero();
        assertThat(store.find(alice)).isEmpty();
        assertThat(store.unusedRecoveryCodes(alice)).isEqualTo(2);
        assertThat(store.useRecoveryCode(alice, List.of("h1"), T0)).isEqualTo(1);
        assertThat(store.useRecoveryCode(alice, List.of("h1"), T0)).isZero();
    }

    @Test
    void aConfirmedAppIsNotReplacedByANewEnrolment() {
        AccountId alice = someone();
        store.startEnrolment(alice, "plain:FIRST", STARTER, T0);
        assertThat(store.confirm(alice, "plain:FIRST", 100, T0.plusSeconds(10))).isEqualTo(1);
        assertThat(store.confirm(alice, "plain:FIRST", 101, T0.plusSeconds(20))).as("a repeat changes nothing").isZero();

        assertThat(store.startEnrolment(alice, "plain:OTHER", STARTER, T0.plusSeconds(30))).isZero();

        FactorStore.Totp totp = store.find(alice).orElseThrow();
        assertThat(totp.sealedSeed()).isEqualTo("plain:FIRST");
        assertThat(totp.confirmedAt()).contains(T0.plusSeconds(10));
        assertThat(totp.lastStep()).isEqualTo(100);
    }

    @Test
    void aStepIsAcceptedOnceAndNeverOneBeforeIt() {
        AccountId alice = someone();
        store.startEnrolment(alice, "plain:SEED", STARTER, T0);
        store.confirm(alice, "plain:SEED", 100, T0);

        assertThat(store.useStep(alice, 100)).as("the confirming code's step").isZero();
        assertThat(store.useStep(alice, 101)).isEqualTo(1);
        assertThat(store.useStep(alice, 101)).as("replayed").isZero();
        assertThat(store.useStep(alice, 99)).as("older").isZero();
        assertThat(store.useStep(alice, 102)).isEqualTo(1);
    }

    @Test
    void concurrentUsesOfOneStepSucceedExactlyOnce() throws Exception {
        AccountId alice = someone();
        store.startEnrolment(alice, "plain:SEED", STARTER, T0);
        store.confirm(alice, "plain:SEED", 100, T0);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Integer>> uses = java.util.Collections.nCopies(8, () -> store.useStep(alice, 200));
            int accepted = 0;
            for (Future<Integer> f : pool.invokeAll(uses)) accepted += f.get();
            assertThat(accepted).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aPendingEnrolmentAcceptsNoStep() {
        AccountId alice = someone();
        store.startEnrolment(alice, "plain:SEED", STARTER, T0);
        assertThat(store.useStep(alice, 5)).isZero();
    }

    @Test
    void recoveryCodesWorkOnceAndRegeneratingReplacesThem() {
        AccountId alice = someone();
        AccountId bob = someone();
        store.replaceRecoveryCodes(alice, List.of("h1", "h2", "h3"), T0);
        store.replaceRecoveryCodes(bob, List.of("h1"), T0);

        assertThat(store.useRecoveryCode(alice, List.of("h2"), T0)).isEqualTo(1);
        assertThat(store.useRecoveryCode(alice, List.of("h2"), T0)).isZero();
        assertThat(store.useRecoveryCode(alice, List.of("nope"), T0)).isZero();
        assertThat(store.unusedRecoveryCodes(alice)).isEqualTo(2);
        assertThat(store.unusedRecoveryCodes(bob)).as("another member's codes are their own").isEqualTo(1);

        store.replaceRecoveryCodes(alice, List.of("n1", "n2"), T0.plusSeconds(60));
        assertThat(store.useRecoveryCode(alice, List.of("h1"), T0)).as("old codes are gone").isZero();
        assertThat(store.unusedRecoveryCodes(alice)).isEqualTo(2);
    }

    @Test
    void aRecoveryCodeIsKnownAsUsedOnlyOnceUsedAndOnlyByItsOwnAccount() {
        AccountId alice = someone();
        AccountId bob = someone();
        store.replaceRecoveryCodes(alice, List.of("a1:h1", "h2"), T0);
        store.replaceRecoveryCodes(bob, List.of("a1:h1"), T0);

        assertThat(store.recoveryCodeUsed(alice, List.of("a1:h1", "sha"))).as("not used yet").isFalse();
        store.useRecoveryCode(alice, List.of("a1:h1", "sha"), T0);
        assertThat(store.recoveryCodeUsed(alice, List.of("a1:h1", "sha"))).isTrue();
        assertThat(store.recoveryCodeUsed(alice, List.of("nope"))).as("no code at all").isFalse();
        assertThat(store.recoveryCodeUsed(alice, List.of())).isFalse();
        assertThat(store.recoveryCodeUsed(bob, List.of("a1:h1"))).as("another member's code is their own").isFalse();
    }

    @Test
    void deletingRemovesTheAppAndItsRecoveryCodes() {
        AccountId alice = someone();
        store.startEnrolment(alice, "plain:SEED", STARTER, T0);
        store.confirm(alice, "plain:SEED", 1, T0);
        store.replaceRecoveryCodes(alice, List.of("h1"), T0);

        assertThat(store.delete(alice)).isEqualTo(1);
        assertThat(store.delete(alice)).isZero();
        assertThat(store.find(alice)).isEmpty();
        assertThat(store.unusedRecoveryCodes(alice)).isZero();
    }

    private FactorStore.Challenge challenge(AccountId who, String idHash, Instant expires) {
        return new FactorStore.Challenge(idHash, who, true, "WEB", false, "/oauth2/authorize?x=1", T0, expires, 0, Optional.empty(), "stamp");
    }

    @Test
    void aChallengeReadsBackAndIsConsumedOnce() {
        AccountId alice = someone();
        String id = "c" + java.util.UUID.randomUUID();
        store.insert(challenge(alice, id, T0.plus(Duration.ofMinutes(5))));

        assertThat(store.findChallenge(id)).hasValueSatisfying(c -> {
            assertThat(c.account()).isEqualTo(alice);
            assertThat(c.rememberMe()).isTrue();
            assertThat(c.returnPath()).isEqualTo("/oauth2/authorize?x=1");
            assertThat(c.passwordStamp()).isEqualTo("stamp");
            assertThat(c.usedAt()).isEmpty();
        });
        assertThat(store.consume(id, T0.plusSeconds(10), 5)).isEqualTo(1);
        assertThat(store.consume(id, T0.plusSeconds(11), 5)).isZero();
        assertThat(store.findChallenge(id).orElseThrow().usedAt()).contains(T0.plusSeconds(10));
    }

    @Test
    void anExpiredChallengeOrOneWithTooManyFailuresCannotBeConsumed() {
        AccountId alice = someone();
        String late = "c" + java.util.UUID.randomUUID();
        String failing = "c" + java.util.UUID.randomUUID();
        store.insert(challenge(alice, late, T0.plus(Duration.ofMinutes(5))));
        store.insert(challenge(alice, failing, T0.plus(Duration.ofMinutes(5))));

        assertThat(store.consume(late, T0.plus(Duration.ofMinutes(5)), 5)).isZero();
        for (int i = 1; i <= 5; i++) assertThat(store.fail(failing)).isEqualTo(i);
        assertThat(store.consume(failing, T0.plusSeconds(1), 5)).isZero();
        assertThat(store.fail("unknown")).isZero();
    }

    @Test
    void expiredChallengesAreDeleted() {
        AccountId alice = someone();
        String old = "c" + java.util.UUID.randomUUID();
        String fresh = "c" + java.util.UUID.randomUUID();
        store.insert(challenge(alice, old, T0.plusSeconds(1)));
        store.insert(challenge(alice, fresh, T0.plus(Duration.ofDays(1))));

        assertThat(store.deleteExpired(T0.plusSeconds(2))).isGreaterThanOrEqualTo(1);
        assertThat(store.findChallenge(old)).isEmpty();
        assertThat(store.findChallenge(fresh)).isPresent();
    }
}
