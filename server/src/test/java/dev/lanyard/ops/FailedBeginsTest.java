package dev.lanyard.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Another process holds SQLite's write lock past busy_timeout: the transaction that could not begin fails as an outage,
 * and the ones after the lock is released work, in transactions (found from outside: every write answered 500 until a
 * restart, each write kept all the same).
 */
class FailedBeginsTest {
    @TempDir
    Path dir;

    @Test
    void aTransactionThatCouldNotBeginLeavesNoConnectionThatBeginsNone() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("busy.db") + "?journal_mode=WAL&busy_timeout=100&transaction_mode=IMMEDIATE";
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        pool.setMaximumPoolSize(1);
        try (pool; Connection other = DriverManager.getConnection(url)) {
            DataSource lent = (DataSource) new FailedBegins().postProcessAfterInitialization(pool, "dataSource");
            JdbcClient jdbc = JdbcClient.create(lent);
            TransactionTemplate transactions = new TransactionTemplate(new JdbcTransactionManager(lent));
            jdbc.sql("CREATE TABLE things (id INTEGER PRIMARY KEY)").update();

            try (Statement lock = other.createStatement()) {
                lock.execute("BEGIN IMMEDIATE");
                assertThatThrownBy(() -> transactions.executeWithoutResult(tx -> jdbc.sql("INSERT INTO things VALUES (1)").update()))
                        .isInstanceOf(CannotCreateTransactionException.class);
                lock.execute("ROLLBACK");
            }

            transactions.executeWithoutResult(tx -> {
                jdbc.sql("INSERT INTO things VALUES (2)").update();
                tx.setRollbackOnly();
            });
            transactions.executeWithoutResult(tx -> jdbc.sql("INSERT INTO things VALUES (3)").update());

            assertThat(jdbc.sql("SELECT id FROM things ORDER BY id").query(Integer.class).list())
                    .as("the rolled back insert is not kept; the committed one is").containsExactly(3);
            assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isEqualTo(1);
        }
    }
}
