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
        return sqlite("latest");
    }

    public static HikariDataSource postgres() {
        return postgres("latest");
    }

    /** A fresh SQLite file migrated up to schema {@code version} ("latest" for all). */
    public static HikariDataSource sqlite(String version) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(SqliteDatabase.freshUrl());
        return migrated(config, "sqlite", version);
    }

    /** A fresh PostgreSQL database migrated up to schema {@code version} ("latest" for all). */
    public static HikariDataSource postgres(String version) {
        TestPostgres postgres = TestPostgres.shared();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.jdbcUrl(postgres.createDatabase()));
        config.setUsername(postgres.user());
        config.setPassword(postgres.password());
        return migrated(config, "postgresql", version);
    }

    /** Migrates a database made by {@link #sqlite(String)} or {@link #postgres(String)} the rest of the way. */
    public static void migrateRest(HikariDataSource dataSource) {
        migrate(dataSource, folder(dataSource), "latest");
    }

    private static HikariDataSource migrated(HikariConfig config, String folder, String version) {
        config.setMaximumPoolSize(2);
        config.setPoolName("contract-" + folder);
        HikariDataSource dataSource = new HikariDataSource(config);
        migrate(dataSource, folder, version);
        return dataSource;
    }

    private static void migrate(HikariDataSource dataSource, String folder, String version) {
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration/" + folder).target(version).load().migrate();
    }

    private static String folder(HikariDataSource dataSource) {
        return dataSource.getJdbcUrl().startsWith("jdbc:sqlite:") ? "sqlite" : "postgresql";
    }
}
