package dev.lanyard.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.lanyard.ops.DatabaseKind;

/** The sign-up store on each database: one email's sign-ups, made at the same moment, are counted one after the other. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SignUpStoreContract {
    private static final Instant AT = Instant.parse("2026-01-10T09:15:00Z");

    private HikariDataSource dataSource;
    private SignUpStore store;
    private TransactionTemplate transactions;

    abstract HikariDataSource migratedDatabase();

    @BeforeAll
    void openStore() {
        dataSource = migratedDatabase();
        store = new JdbcSignUpStore(JdbcClient.create(dataSource), new DatabaseKind(dataSource));
        transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    @AfterAll
    void closeDatabase() {
        dataSource.close();
    }

    private static SignUpStore.Waiting taken(String email) {
        return new SignUpStore.Waiting(Ids.random("signup_", 12), email, Optional.empty(), Optional.empty(), null, null, null, AT, AT.plusSeconds(86_400));
    }

    /**
     * The second of two sign-ups of one email counts the first even while it is still being made: its transaction waits for
     * the first's (PostgreSQL: the email's lock; SQLite: one writer at a time), then counts.
     */
    @Test
    void aSignUpMadeMeanwhileIsCountedOnceItsTransactionEnds() throws Exception {
        String email = TestAccounts.uniqueEmail("meanwhile");
        CountDownLatch firstInserted = new CountDownLatch(1);
        CountDownLatch secondStarted = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<?> first = threads.submit(() -> transactions.executeWithoutResult(tx -> {
                store.lockEmail(email);
                store.insert(taken(email));
                firstInserted.countDown();
                await(secondStarted);
                pause();
            }));
            Future<Integer> second = threads.submit(() -> {
                await(firstInserted);
                secondStarted.countDown();
                return transactions.execute(tx -> {
                    store.lockEmail(email);
                    return store.mailedSince(email, AT.minusSeconds(1)).size();
                });
            });

            first.get(30, TimeUnit.SECONDS);
            assertThat(second.get(30, TimeUnit.SECONDS)).as("the first sign-up, counted by the second").isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("not reached within 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Holds the first transaction open while the second gets to its count. */
    private static void pause() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
