package dev.lanyard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reset-link} uses the server's database as it is (decision 67 addendum, decision 63): a missing file is not
 * created, and a schema of another build is neither used nor migrated.
 */
class ResetLinkCommandDatabaseTest {
    @TempDir
    Path temp;

    private static CommandRun command(String url) {
        return CommandRun.resetLink(Clock.systemUTC(), List.of("ada@example.com", "--spring.datasource.url=" + url));
    }

    /** A SQLite file migrated as the server migrates it, up to {@code version} ("latest" for this build's). */
    private String migrated(String name, String version) {
        String url = "jdbc:sqlite:" + temp.resolve(name);
        try (HikariDataSource database = new HikariDataSource()) {
            database.setJdbcUrl(url);
            Flyway.configure().dataSource(database).locations("classpath:db/migration/sqlite").target(version).load().migrate();
        }
        return url;
    }

    private static String schemaVersion(String url) throws Exception {
        try (HikariDataSource database = new HikariDataSource()) {
            database.setJdbcUrl(url);
            return Flyway.configure().dataSource(database).locations("classpath:db/migration/sqlite").load().info().current()
                    .getVersion().getVersion();
        }
    }

    @Test
    void aMissingDatabaseIsRefusedAndNotCreated() {
        Path file = temp.resolve("nowhere").resolve("lanyard.db");

        CommandRun run = command("jdbc:sqlite:" + file);

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().strip()).isEqualTo("reset-link: There is no database at " + file
                + ": give the server's spring.datasource.url (the server creates the file at its first start).");
        assertThat(file.getParent()).doesNotExist();
    }

    @Test
    void anEmptyDatabaseIsRefusedAndLeftEmpty() throws Exception {
        Path file = Files.createFile(temp.resolve("empty.db"));

        CommandRun run = command("jdbc:sqlite:" + file);

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err().strip()).isEqualTo("reset-link: The file " + file + " is empty, no Lanyard database: give the server's"
                + " spring.datasource.url.");
        assertThat(Files.size(file)).as("not written to, not even made a database (outside review AG)").isZero();
    }

    /**
     * The command checks the settings as the server does at start: a duration without its unit is refused in the
     * server's words (a wrong argument, before the database is opened), whichever setting it is.
     */
    @Test
    void aDurationWithoutItsUnitIsRefusedAsTheServerRefusesIt() {
        CommandRun run = CommandRun.resetLink(Clock.systemUTC(), List.of("ada@example.com", "--spring.datasource.url="
                + migrated("bare-duration.db", "latest"), "--lanyard.session.history-retention=90"));

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().strip()).isEqualTo("reset-link: lanyard.session.history-retention: '90' has no unit, and a bare number"
                + " would be read as milliseconds. Give a unit, e.g. 90d (or ms, s, m, h, d).");
    }

    /** A {@code lanyard.*} key Lanyard does not read is warned of with the nearest it does, as at the server's start; the command goes on. */
    @Test
    void anUnknownSettingIsWarnedOfAndTheCommandGoesOn() {
        CommandRun run = CommandRun.resetLink(Clock.systemUTC(), List.of("nobody@example.com", "--spring.datasource.url="
                + migrated("unknown-key.db", "latest"), "--lanyard.session.sweep-intervall=5m", "--lanyard.web.public-url=https://lanyard.example",
                "--lanyard.session.history-retention=0"));

        assertThat(run.status()).as(run.err()).isEqualTo(1);
        assertThat(run.err().lines()).containsExactly(
                "reset-link: warning: Unknown setting lanyard.session.sweep-intervall is ignored; did you mean lanyard.session.sweep-interval?",
                "reset-link: no account has the email nobody@example.com; nothing was made.");
    }

    /** A setting the command refuses is a wrong argument (exit 2), said by the name the operator gave (outside review AG). */
    @Test
    void aBadPublicUrlIsAWrongArgument() {
        CommandRun run = CommandRun.resetLink(Clock.systemUTC(), List.of("ada@example.com", "--spring.datasource.url="
                + migrated("bad-url.db", "latest"), "--lanyard.web.public-url=notaurl"));

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("lanyard.web.public-url");
    }

    @Test
    void aSchemaOlderThanThisBuildsIsRefusedAndNotMigrated() throws Exception {
        String url = migrated("older.db", "31");

        CommandRun run = command(url);

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains("The database's schema is at version 31, older than this build's")
                .contains("start this build's server once to migrate it");
        assertThat(schemaVersion(url)).isEqualTo("31");
    }

    @Test
    void aSchemaNewerThanThisBuildsIsRefusedAsTheServerRefusesIt() throws Exception {
        String url = migrated("newer.db", "latest");
        try (HikariDataSource database = new HikariDataSource()) {
            database.setJdbcUrl(url);
            try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by,"
                        + " installed_on, execution_time, success) VALUES (999, '999', 'from a newer build', 'SQL', 'V999__newer.sql', 1, '',"
                        + " CURRENT_TIMESTAMP, 1, 1)");
            }
        }

        CommandRun run = command(url);

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains("The database's schema is at version 999, written by a newer Lanyard");
    }

    @Test
    void theServersSchemaIsUsedAsItIs() {
        CommandRun run = command(migrated("current.db", "latest"));

        assertThat(run.status()).as("no account there, but the schema was accepted: " + run.err()).isEqualTo(1);
        assertThat(run.err()).startsWith("reset-link: no account has the email ada@example.com");
    }
}
