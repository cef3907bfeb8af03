package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.lanyard.account.Account;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.ops.DatabaseKind;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Approve and Deny of one sign-in sent at the same moment from two verified sessions of the member, as two nodes would
 * (outside review): the one that comes second answers as it would once the first is done, and records nothing. Here the
 * first runs in a transaction held open until the second waits for it (on PostgreSQL, for the sign-in's row; on SQLite,
 * which writes one transaction at a time, for the database), then commits.
 */
@LanyardSpringTest
class ApprovalRaceTest {
    @Autowired
    Sessions sessions;
    @Autowired
    Approvals approvals;
    @Autowired
    Accounts accounts;
    @Autowired
    SessionStore store;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    DatabaseKind database;

    private final ExecutorService two = Executors.newFixedThreadPool(2);
    private Account alice;
    private SessionId laptop;
    private SessionId desktop;
    private SessionId phone;

    @BeforeEach
    void aliceOnTwoVerifiedSessionsAndANewSignIn() {
        alice = accounts.signUp(TestAccounts.alice());
        laptop = signIn(Verification.PASSWORD_AND_CODE);
        desktop = signIn(Verification.PASSWORD_AND_CODE);
        phone = signIn(Verification.NONE);
    }

    @AfterEach
    void stopThreads() {
        two.shutdownNow();
    }

    private SessionId signIn(Verification verification) {
        return sessions.start(new NewSession(alice.id(), TestSessions.madrid(), AppType.WEB, false, verification)).session().id();
    }

    private CurrentSession from(SessionId id) {
        return new CurrentSession(id, alice, AppType.WEB);
    }

    /** The audit entries of what was done to the session since it signed in. */
    private List<String> audited(SessionId id) {
        return jdbc.sql("SELECT action FROM audit_entries WHERE session_id = :id AND action LIKE 'session.%'"
                        + " AND action <> 'session.signed-in' ORDER BY seq")
                .param("id", id.value()).query(String.class).list();
    }

    /**
     * Runs {@code first} in a transaction, starts {@code second} on another thread while that transaction is open, and
     * commits it once {@code second} waits for it. Returns {@code second}'s answer, to be read after {@code first} committed.
     */
    private <T> Future<T> whileHeld(Runnable first, Callable<T> second) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        Future<?> holding = two.submit(() -> transactions.executeWithoutResult(tx -> {
            first.run();
            done.countDown();
            try {
                commit.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        try {
            assertThat(done.await(30, TimeUnit.SECONDS)).as("the first is done, uncommitted").isTrue();
            Future<T> answer = two.submit(second);
            waitUntilSomethingWaits();
            commit.countDown();
            holding.get(30, TimeUnit.SECONDS);
            return answer;
        } finally {
            commit.countDown();
        }
    }

    /** PostgreSQL says when a statement waits for a lock; SQLite does not, so it is given time enough to. */
    private void waitUntilSomethingWaits() throws InterruptedException {
        if (!database.postgres()) {
            Thread.sleep(300);
            return;
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (jdbc.sql("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
                .query(Integer.class).single() == 0) {
            assertThat(System.nanoTime()).as("the second waits for the first").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static Throwable thrownBy(Future<?> answer) {
        try {
            answer.get(30, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anApprovalWhileADenyCommitsFindsTheSignInGoneAndRecordsNothing() throws Exception {
        Future<Boolean> approved = whileHeld(() -> approvals.deny(phone, from(desktop)), () -> approvals.approve(phone, from(laptop)));

        assertThat(thrownBy(approved)).as("as after the deny: no such session").isInstanceOf(SessionProblem.NotFound.class);
        Session row = store.find(phone, alice.id()).orElseThrow();
        assertThat(row.verified()).isFalse();
        assertThat(row.ending()).hasValueSatisfying(e -> assertThat(e.reason()).isEqualTo(EndReason.DENIED));
        assertThat(audited(phone)).containsExactly("session.denied");
    }

    @Test
    void aDenyWhileAnApprovalCommitsFindsTheSignInVerifiedAndLeavesIt() throws Exception {
        Future<Boolean> denied = whileHeld(() -> approvals.approve(phone, from(laptop)), () -> approvals.deny(phone, from(desktop)));

        assertThat(thrownBy(denied)).as("as after the approval: sign it out instead").isInstanceOf(SessionProblem.NotPending.class)
                .hasMessageContaining("sign it out instead");
        Session row = store.find(phone, alice.id()).orElseThrow();
        assertThat(row.active()).isTrue();
        assertThat(row.verified()).isTrue();
        assertThat(audited(phone)).containsExactly("session.approved");
    }

    /** A second factor passed on the sign-in itself as it is denied: not reported as verified, since it has ended. */
    @Test
    void aSecondFactorWhileADenyCommitsFindsTheSignInGone() throws Exception {
        Future<Boolean> verified = whileHeld(() -> approvals.deny(phone, from(desktop)),
                () -> sessions.verify(phone, alice.id(), Verification.PASSWORD_AND_CODE));

        assertThat(thrownBy(verified)).as("as after the deny").isInstanceOf(SessionProblem.NotFound.class);
        assertThat(store.find(phone, alice.id()).orElseThrow().verified()).isFalse();
        assertThat(audited(phone)).containsExactly("session.denied");
    }

    @Test
    void twoApprovalsAtOnceRecordOne() throws Exception {
        Future<Boolean> again = whileHeld(() -> approvals.approve(phone, from(laptop)), () -> approvals.approve(phone, from(desktop)));

        assertThat(again.get(30, TimeUnit.SECONDS)).as("verified already").isTrue();
        assertThat(audited(phone)).containsExactly("session.approved");
    }
}
