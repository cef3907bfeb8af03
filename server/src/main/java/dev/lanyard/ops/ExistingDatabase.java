package dev.lanyard.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.flywaydb.core.api.MigrationVersion;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The server's database as a command run beside the server uses it (the operator's {@code reset-link}, decision 67
 * addendum): as it is, never created and never migrated, since the server may be running on it.
 * <ul>
 * <li>A SQLite file must exist, checked before any bean is made: the driver would create an empty one.</li>
 * <li>Its schema must be this build's, as the context starts. A newer one is refused as the server refuses it (decision
 * 63); an older one, or none, is refused too: the server migrates at its start, and a command must not migrate under a
 * running older server. Read from Flyway's history table and the migrations this build holds, without starting Flyway
 * (which took a third of the command's time).</li>
 * </ul>
 * The data source is prepared as the server's ({@link SqliteDataSource}: Lanyard's SQLite settings, the busy timeout
 * among them). Not a component of the server: the command's own small context imports it.
 */
@Import({SqliteDataSource.class, DatabaseKind.class})
public class ExistingDatabase {

    @Bean
    static BeanFactoryPostProcessor sqliteFileExists(Environment environment) {
        return beans -> requireFile(environment.getProperty("spring.datasource.url"));
    }

    @Bean
    InitializingBean thisBuildsSchema(JdbcClient jdbc, DatabaseKind database) {
        // The folders of application.yml's spring.flyway.locations (classpath:db/migration/{vendor}).
        String folder = "db/migration/" + (database.postgres() ? "postgresql" : "sqlite");
        return () -> requireSchema(history(jdbc), newestIn(folder));
    }

    static void requireFile(String url) {
        Optional<Path> file = SqliteDataSource.databaseFile(url);
        if (file.isPresent() && !Files.isRegularFile(file.get()))
            throw new Refused("There is no database at " + file.get() + ": give the server's spring.datasource.url"
                    + " (the server creates the file at its first start).");
        // An empty file is no database either, and connecting would write one into it (outside review AG).
        if (file.isPresent() && size(file.get()) == 0)
            throw new Refused("The file " + file.get() + " is empty, no Lanyard database: give the server's spring.datasource.url.");
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException unreadable) {
            return -1; // said by the connection, which cannot read it either
        }
    }

    /** A row of Flyway's history: a migration's version and whether it was applied. */
    record Applied(MigrationVersion version, boolean success) {
    }

    /** Flyway's history of the database's migrations; empty when it has none (no Lanyard schema). */
    static List<Applied> history(JdbcClient jdbc) {
        try {
            return jdbc.sql("SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL")
                    .query((rs, n) -> new Applied(MigrationVersion.fromVersion(rs.getString(1)), rs.getBoolean(2))).list();
        } catch (DataAccessException noHistory) {
            return List.of();
        }
    }

    /** The newest migration of {@code folder} on the class path ({@code V32__what.sql}). */
    static MigrationVersion newestIn(String folder) {
        try {
            Resource[] scripts = new PathMatchingResourcePatternResolver(ExistingDatabase.class.getClassLoader())
                    .getResources("classpath*:" + folder + "/V*__*.sql");
            return Arrays.stream(scripts).map(Resource::getFilename).filter(Objects::nonNull)
                    .map(name -> MigrationVersion.fromVersion(name.substring(1, name.indexOf("__")).replace('_', '.')))
                    .max(MigrationVersion::compareTo).orElseThrow(() -> new IllegalStateException("No migrations in " + folder));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void requireSchema(List<Applied> history, MigrationVersion known) {
        if (history.isEmpty())
            throw new Refused("The database has no Lanyard schema: give the server's spring.datasource.url, or start the server on it once.");
        Optional<Applied> failed = history.stream().filter(a -> !a.success()).findFirst();
        if (failed.isPresent())
            throw new Refused("The database's migration to version " + failed.get().version() + " failed: start the server to see why.");
        MigrationVersion current = history.stream().map(Applied::version).max(MigrationVersion::compareTo).orElseThrow();
        if (current.compareTo(known) > 0)
            throw new Refused("The database's schema is at version " + current + ", written by a newer Lanyard; this build knows"
                    + " versions up to " + known + ": use the build that runs on it.");
        if (current.compareTo(known) < 0)
            throw new Refused("The database's schema is at version " + current + ", older than this build's " + known
                    + ": use the build that runs on it, or start this build's server once to migrate it.");
    }

    /** The database cannot be used as it is; the message says why and what to do, in one line. */
    public static final class Refused extends IllegalStateException {
        Refused(String message) {
            super(message);
        }
    }
}
