package dev.lanyard.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Closeable;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.sqlite.SQLiteConnection;

class SqlStatementMetricsTest {

    @TempDir
    Path dir;

    @Test
    void selectAndWithReadEverythingElseWrites() {
        assertThat(SqlStatementMetrics.isRead("SELECT 1")).isTrue();
        assertThat(SqlStatementMetrics.isRead("  with recent as (select 1) select * from recent")).isTrue();
        assertThat(SqlStatementMetrics.isRead("/* by id */ select 1")).isTrue();
        assertThat(SqlStatementMetrics.isRead("-- note\nSELECT 1")).isTrue();
        assertThat(SqlStatementMetrics.isRead("(SELECT 1) UNION (SELECT 2)")).isTrue();
        assertThat(SqlStatementMetrics.isRead("INSERT INTO t VALUES (1)")).isFalse();
        assertThat(SqlStatementMetrics.isRead("UPDATE t SET a = 1 RETURNING id")).isFalse();
        assertThat(SqlStatementMetrics.isRead("SELECTED")).isFalse();
        assertThat(SqlStatementMetrics.isRead("PRAGMA user_version")).isFalse();
        assertThat(SqlStatementMetrics.isRead("")).isFalse();
    }

    @Test
    void countsStatementsOfJdbcClientBatchesAndFlywayThroughTheWrappedPool() throws Exception {
        SqlStatementMetrics metrics = new SqlStatementMetrics();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        metrics.bindTo(registry);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:sqlite:" + dir.resolve("ops.db"));
        config.setMaximumPoolSize(2);
        HikariDataSource pool = new HikariDataSource(config);
        DataSource counted = (DataSource) metrics.postProcessAfterInitialization(pool, "dataSource");
        try {
            Flyway.configure().dataSource(counted).locations("classpath:db/migration/sqlite").load().migrate();
            long readsBefore = metrics.reads();
            long writesBefore = metrics.writes();
            long threadReadsBefore = metrics.readsOnThisThread();
            long threadWritesBefore = metrics.writesOnThisThread();

            JdbcClient jdbc = JdbcClient.create(counted);
            jdbc.sql("CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT)").update();
            jdbc.sql("INSERT INTO things (id, name) VALUES (:id, :name)").params(Map.of("id", 1, "name", "one")).update();
            new NamedParameterJdbcTemplate(counted).batchUpdate("INSERT INTO things (id, name) VALUES (:id, :name)",
                    new MapSqlParameterSource[]{params(2, "two"), params(3, "three"), params(4, "four")});
            List<String> names = jdbc.sql("SELECT name FROM things ORDER BY id").query(String.class).list();

            assertThat(names).containsExactly("one", "two", "three", "four");
            assertThat(metrics.writes() - writesBefore).isEqualTo(5);
            assertThat(metrics.reads() - readsBefore).isEqualTo(1);
            assertThat(metrics.writesOnThisThread() - threadWritesBefore).as("this thread's own").isEqualTo(5);
            assertThat(metrics.readsOnThisThread() - threadReadsBefore).isEqualTo(1);
            Thread other = new Thread(() -> jdbc.sql("SELECT COUNT(*) FROM things").query(Long.class).single());
            other.start();
            other.join();
            assertThat(metrics.reads() - readsBefore).as("every thread's, in the meter").isEqualTo(2);
            assertThat(metrics.readsOnThisThread() - threadReadsBefore).as("another thread's read is not this thread's").isEqualTo(1);
            assertThat(registry.get("lanyard.sql.statements").tag("kind", "read").functionCounter().count())
                    .isEqualTo(metrics.reads());
            assertThat(registry.get("lanyard.sql.statements").tag("kind", "write").functionCounter().count())
                    .isEqualTo(metrics.writes());
        } finally {
            ((Closeable) counted).close();
        }
        assertThat(pool.isClosed()).isTrue();
    }

    @Test
    void unwrapReachesThePoolAndTheDriverConnection() throws Exception {
        SqlStatementMetrics metrics = new SqlStatementMetrics();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:sqlite:" + dir.resolve("unwrap.db"));
        try (HikariDataSource pool = new HikariDataSource(config)) {
            DataSource counted = (DataSource) metrics.postProcessAfterInitialization(pool, "dataSource");

            assertThat(counted.isWrapperFor(HikariDataSource.class)).isTrue();
            assertThat(counted.unwrap(HikariDataSource.class)).isSameAs(pool);
            assertThat(metrics.postProcessAfterInitialization(counted, "again")).isSameAs(counted);
            try (Connection connection = counted.getConnection()) {
                assertThat(connection.isWrapperFor(SQLiteConnection.class)).isTrue();
                assertThat(connection.unwrap(SQLiteConnection.class)).isInstanceOf(SQLiteConnection.class);
                assertThat(connection.equals(connection)).isTrue();
            }
        }
    }

    private static MapSqlParameterSource params(int id, String name) {
        return new MapSqlParameterSource().addValue("id", id).addValue("name", name);
    }
}
