package dev.lanyard.account;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.testsupport.SqliteDatabase;
import dev.lanyard.testsupport.TestPostgres;
import org.flywaydb.core.Flyway;

/**
 * Empty databases with Lanyard's schema, for store contract tests that need no Spring context:
 * a fresh SQLite file, or a fresh database on the test run's PostgreSQL server. Close them after use.
 */
public final class MigratedDatabases {

    private MigratedDatabases() {
    }

    public static HikariDataSource sqlite() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(SqliteDatabase.freshUrl());
        return migrated(config, "sqlite");
    }

    public static HikariDataSource postgres() {
        TestPostgres postgres = TestPostgres.shared();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.jdbcUrl(postgres.createDatabase()));
        config.setUsername(postgres.user());
        config.setPassword(postgres.password());
        return migrated(config, "postgresql");
    }

    private static HikariDataSource migrated(HikariConfig config, String folder) {
        config.setMaximumPoolSize(2);
        config.setPoolName("contract-" + folder);
        HikariDataSource dataSource = new HikariDataSource(config);
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration/" + folder).load().migrate();
        return dataSource;
    }
}
