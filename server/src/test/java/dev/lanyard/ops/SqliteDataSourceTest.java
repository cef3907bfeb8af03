package dev.lanyard.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.Lanyard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.io.support.SpringFactoriesLoader;

/** Issue 8 item 1: starting from a directory without ./data. */
@ExtendWith(OutputCaptureExtension.class)
class SqliteDataSourceTest {
    @TempDir
    Path temp;

    private static HikariDataSource pool(String url) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        pool.setMaximumPoolSize(1);
        return pool;
    }

    @Test
    void aSqliteFileInAMissingDirectoryOpensOnceTheDataSourceIsPrepared() throws Exception {
        Path file = temp.resolve("data/nested/lanyard.db");
        HikariDataSource pool = pool("jdbc:sqlite:" + file + "?journal_mode=WAL&foreign_keys=true");
        try (pool) {
            new SqliteDataSource().postProcessBeforeInitialization(pool, "dataSource");
            try (Connection connection = pool.getConnection()) {
                assertThat(connection.isValid(1)).isTrue();
            }
        }
        assertThat(file).exists();
    }

    /** An operator who moves the file gives its path alone: Lanyard's settings come with it (outside QA). */
    @Test
    void aUrlWithoutLanyardsSettingsGetsThemAndOneSetIsKeptAsGiven() throws Exception {
        String defaults = "journal_mode=WAL&busy_timeout=10000&foreign_keys=true&synchronous=NORMAL&transaction_mode=IMMEDIATE";
        assertThat(SqliteDataSource.withRequiredSettings("jdbc:sqlite:/var/lib/lanyard/lanyard.db"))
                .isEqualTo("jdbc:sqlite:/var/lib/lanyard/lanyard.db?" + defaults);
        assertThat(SqliteDataSource.withRequiredSettings("jdbc:sqlite:./data/lanyard.db?" + defaults))
                .isEqualTo("jdbc:sqlite:./data/lanyard.db?" + defaults);
        assertThat(SqliteDataSource.withRequiredSettings("jdbc:sqlite:l.db?BUSY_TIMEOUT=500&cache_size=2000"))
                .isEqualTo("jdbc:sqlite:l.db?BUSY_TIMEOUT=500&cache_size=2000&journal_mode=WAL&foreign_keys=true&synchronous=NORMAL"
                        + "&transaction_mode=IMMEDIATE");
        assertThat(SqliteDataSource.withRequiredSettings("jdbc:sqlite:l.db?")).isEqualTo("jdbc:sqlite:l.db?" + defaults);

        Path file = temp.resolve("moved/lanyard.db");
        HikariDataSource pool = pool("jdbc:sqlite:" + file);
        try (pool) {
            new SqliteDataSource().postProcessBeforeInitialization(pool, "dataSource");
            try (Connection connection = pool.getConnection(); java.sql.Statement st = connection.createStatement()) {
                assertThat(pragma(st, "journal_mode")).isEqualToIgnoringCase("wal");
                assertThat(pragma(st, "foreign_keys")).isEqualTo("1");
                assertThat(pragma(st, "busy_timeout")).isEqualTo("10000");
            }
        }
    }

    private static String pragma(java.sql.Statement st, String name) throws java.sql.SQLException {
        try (java.sql.ResultSet rs = st.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * The database holds password hashes, second-factor seeds and full addresses: the directory and file Lanyard makes are
     * its user's only, and SQLite gives its write-ahead log and shared-memory file the database file's permissions. Under
     * the usual umask (022) they were rwxr-xr-x and rw-r--r-- (outside review).
     */
    @Test
    void theDirectoryAndDatabaseFilesLanyardMakesAreItsUsersOnly() throws Exception {
        Path file = temp.resolve("data/nested/lanyard.db");
        ListAppender<ILoggingEvent> warnings = warnings();
        try (HikariDataSource pool = pool("jdbc:sqlite:" + file)) {
            new SqliteDataSource().postProcessBeforeInitialization(pool, "dataSource");
            assertThat(permissions(temp.resolve("data"))).isEqualTo("rwx------");
            assertThat(permissions(file.getParent())).isEqualTo("rwx------");
            assertThat(permissions(file)).isEqualTo("rw-------");
            try (Connection connection = pool.getConnection(); java.sql.Statement st = connection.createStatement()) {
                st.execute("CREATE TABLE t (x TEXT)");
                st.execute("INSERT INTO t VALUES ('written')");
                assertThat(permissions(file.resolveSibling("lanyard.db-wal"))).isEqualTo("rw-------");
                assertThat(permissions(file.resolveSibling("lanyard.db-shm"))).isEqualTo("rw-------");
            }
        } finally {
            stop(warnings);
        }
        assertThat(warnings.list).isEmpty();
    }

    /** An operator's permissions are theirs to change: a database others can read is named in one warning, and left as it was. */
    @Test
    void anExistingDatabaseOthersCanReadIsWarnedOfOnceAndLeftAsItWas() throws Exception {
        Path directory = Files.createDirectories(temp.resolve("old data"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path file = Files.createFile(directory.resolve("lanyard.db"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        ListAppender<ILoggingEvent> warnings = warnings();
        try {
            SqliteDataSource.prepare(file);
        } finally {
            stop(warnings);
        }

        assertThat(warnings.list).singleElement().satisfies(warning -> {
            assertThat(warning.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
            assertThat(warning.getFormattedMessage()).contains(file + " (rw-r--r--)").doesNotContain(directory + " (")
                    .endsWith("run chmod 600 '" + file + "'*");
        });
        assertThat(permissions(directory)).isEqualTo("rwxr-xr-x");
        assertThat(permissions(file)).isEqualTo("rw-r--r--");
    }

    /** Writing the folder lets others replace the files; listing it shows only names, so scripts/run.sh's data/ is fine. */
    @Test
    void aFolderOthersCanWriteIsWarnedOfAndOneTheyCanOnlyListIsNot() throws Exception {
        Path listed = Files.createDirectories(temp.resolve("listed"));
        Files.setPosixFilePermissions(listed, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path writable = Files.createDirectories(temp.resolve("writable"));
        Files.setPosixFilePermissions(writable, PosixFilePermissions.fromString("rwxrwxr-x"));
        ListAppender<ILoggingEvent> warnings = warnings();
        try {
            SqliteDataSource.prepare(listed.resolve("lanyard.db"));
            assertThat(warnings.list).as("a folder others can only list, an owner-only file").isEmpty();
            SqliteDataSource.prepare(writable.resolve("lanyard.db"));
        } finally {
            stop(warnings);
        }
        assertThat(permissions(listed.resolve("lanyard.db"))).isEqualTo("rw-------");
        assertThat(warnings.list).singleElement().satisfies(warning -> assertThat(warning.getFormattedMessage())
                .contains(writable + " (rwxrwxr-x)").endsWith("run chmod 700 " + writable));
    }

    @Test
    void anExistingDatabaseOnlyItsUserCanReadIsNotWarnedOf() throws Exception {
        Path file = temp.resolve("private/lanyard.db");
        SqliteDataSource.prepare(file);
        ListAppender<ILoggingEvent> warnings = warnings();
        try {
            SqliteDataSource.prepare(file);
        } finally {
            stop(warnings);
        }
        assertThat(warnings.list).isEmpty();
    }

    private static String permissions(Path path) throws java.io.IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static ListAppender<ILoggingEvent> warnings() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(SqliteDataSource.class)).addAppender(appender);
        return appender;
    }

    private static void stop(ListAppender<ILoggingEvent> appender) {
        ((Logger) LoggerFactory.getLogger(SqliteDataSource.class)).detachAppender(appender);
        appender.stop();
    }

    @Test
    void theFileOfEverySqliteUrlFormIsFound() {
        Path here = Path.of("").toAbsolutePath();
        assertThat(SqliteDataSource.databaseFile("jdbc:sqlite:./data/lanyard.db?journal_mode=WAL"))
                .contains(here.resolve("data/lanyard.db"));
        assertThat(SqliteDataSource.databaseFile("jdbc:sqlite:/var/lib/lanyard/l.db")).contains(Path.of("/var/lib/lanyard/l.db"));
        assertThat(SqliteDataSource.databaseFile("jdbc:sqlite:file:/var/lib/l.db?mode=rwc")).contains(Path.of("/var/lib/l.db"));
        assertThat(SqliteDataSource.databaseFile("jdbc:sqlite:file:///var/lib/l.db")).contains(Path.of("/var/lib/l.db"));
        assertThat(SqliteDataSource.databaseFile("JDBC:SQLITE:l.db")).contains(here.resolve("l.db"));
    }

    @Test
    void inMemoryAndOtherDatabasesAreLeftAlone() {
        assertThat(SqliteDataSource.databaseFile("jdbc:sqlite::memory:")).isEmpty();
        assertThat(SqliteDataSource.databaseFile("jdbc:sqlite:file::memory:?cache=shared")).isEmpty();
        assertThat(SqliteDataSource.databaseFile("jdbc:sqlite:")).isEmpty();
        assertThat(SqliteDataSource.databaseFile("jdbc:postgresql://localhost/lanyard")).isEmpty();
        assertThat(SqliteDataSource.databaseFile(null)).isEmpty();
    }

    @Test
    void aDirectoryThatCannotBeCreatedStopsStartUpWithOneClearReport() throws Exception {
        Path inTheWay = Files.writeString(temp.resolve("data"), "a file, not a directory");
        Path file = inTheWay.resolve("lanyard.db");

        assertThatThrownBy(() -> SqliteDataSource.prepare(file))
                .isInstanceOfSatisfying(SqliteDataSource.Unusable.class, unusable -> {
                    assertThat(unusable.getMessage()).isEqualTo("The SQLite database directory " + inTheWay
                            + " is unusable: it cannot be created (a file of that name is in the way).");
                    FailureAnalysis analysis = analyze(new IllegalStateException("bean creation failed", unusable));
                    assertThat(analysis.getDescription()).isEqualTo(unusable.getMessage());
                    assertThat(analysis.getAction()).startsWith("Move the file " + inTheWay + " out of the way, ")
                            .contains("spring.datasource.url");
                });
    }

    /**
     * The whole application, started on a SQLite file whose directory cannot be created: Lanyard's report alone, without
     * the web server's long line of the same exception before it (outside review: "Error starting Tomcat context").
     */
    @Test
    void theWholeApplicationReportsADirectoryThatCannotBeCreatedInAFewLines(CapturedOutput output) throws Exception {
        Path inTheWay = Files.writeString(temp.resolve("data"), "a file, not a directory");

        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> new SpringApplicationBuilder(Lanyard.class)
                .run("--server.address=127.0.0.1", "--server.port=0", "--spring.datasource.url=jdbc:sqlite:" + inTheWay.resolve("lanyard.db"),
                        "--lanyard.geo.directory=" + temp.resolve("geo")));

        assertThat(failure).isNotNull();
        assertThat(output.getAll()).contains("APPLICATION FAILED TO START", "The SQLite database directory " + inTheWay + " is unusable")
                .doesNotContain("Error starting Tomcat context", "UnsatisfiedDependencyException", "Application run failed");
    }

    /**
     * An existing directory Lanyard cannot write is to be made writable, not created (outside review: a read-only data
     * directory was reported as unusable with "Create /x/ro and make it writable…"). Running as root, the test cannot make
     * a directory it cannot write; the report is worded from what is on disk, which it can.
     */
    @Test
    void anExistingDirectoryThatIsNotWritableIsToBeMadeWritableAndAMissingOneCreated() throws Exception {
        Path readOnly = Files.createDirectories(temp.resolve("ro"));
        Path missing = temp.resolve("missing/data");
        String user = "the user Lanyard runs as (" + System.getProperty("user.name") + ")";

        FailureAnalysis notWritable = analyze(new SqliteDataSource.Unusable(readOnly, "it is not writable"));
        FailureAnalysis notMade = analyze(new SqliteDataSource.Unusable(missing, "it cannot be created (permission denied)"));

        assertThat(notWritable.getDescription()).isEqualTo("The SQLite database directory " + readOnly + " is unusable: it is not writable.");
        assertThat(notWritable.getAction()).startsWith("Make " + readOnly + " writable by " + user + ", start Lanyard from")
                .doesNotContain("Create");
        assertThat(notMade.getAction()).startsWith("Create " + missing + " and make it writable by " + user + ", start Lanyard from");
    }

    /** Analyzes as Spring Boot does at start-up, through the analyzers registered in spring.factories. */
    private static FailureAnalysis analyze(Throwable failure) {
        // Analyzers that need a bean factory cannot be made here; they are not the ones under test.
        return SpringFactoriesLoader.forDefaultResourceLocation(SqliteDataSourceTest.class.getClassLoader())
                .load(FailureAnalyzer.class, SpringFactoriesLoader.FailureHandler.handleMessage((message, unmade) -> { })).stream()
                .filter(SqliteDirectoryFailureAnalyzer.class::isInstance)
                .map(analyzer -> analyzer.analyze(failure))
                .filter(java.util.Objects::nonNull).findFirst().orElseThrow();
    }
}
