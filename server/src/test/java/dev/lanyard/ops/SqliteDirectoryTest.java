package dev.lanyard.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;

/** Issue 8 item 1: starting from a directory without ./data. */
class SqliteDirectoryTest {
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
            new SqliteDirectory().postProcessBeforeInitialization(pool, "dataSource");
            try (Connection connection = pool.getConnection()) {
                assertThat(connection.isValid(1)).isTrue();
            }
        }
        assertThat(file).exists();
    }

    @Test
    void theFileOfEverySqliteUrlFormIsFound() {
        Path here = Path.of("").toAbsolutePath();
        assertThat(SqliteDirectory.databaseFile("jdbc:sqlite:./data/lanyard.db?journal_mode=WAL"))
                .contains(here.resolve("data/lanyard.db"));
        assertThat(SqliteDirectory.databaseFile("jdbc:sqlite:/var/lib/lanyard/l.db")).contains(Path.of("/var/lib/lanyard/l.db"));
        assertThat(SqliteDirectory.databaseFile("jdbc:sqlite:file:/var/lib/l.db?mode=rwc")).contains(Path.of("/var/lib/l.db"));
        assertThat(SqliteDirectory.databaseFile("jdbc:sqlite:file:///var/lib/l.db")).contains(Path.of("/var/lib/l.db"));
        assertThat(SqliteDirectory.databaseFile("JDBC:SQLITE:l.db")).contains(here.resolve("l.db"));
    }

    @Test
    void inMemoryAndOtherDatabasesAreLeftAlone() {
        assertThat(SqliteDirectory.databaseFile("jdbc:sqlite::memory:")).isEmpty();
        assertThat(SqliteDirectory.databaseFile("jdbc:sqlite:file::memory:?cache=shared")).isEmpty();
        assertThat(SqliteDirectory.databaseFile("jdbc:sqlite:")).isEmpty();
        assertThat(SqliteDirectory.databaseFile("jdbc:postgresql://localhost/lanyard")).isEmpty();
        assertThat(SqliteDirectory.databaseFile(null)).isEmpty();
    }

    @Test
    void aDirectoryThatCannotBeCreatedStopsStartUpWithOneClearReport() throws Exception {
        Path inTheWay = Files.writeString(temp.resolve("data"), "a file, not a directory");
        Path file = inTheWay.resolve("lanyard.db");

        assertThatThrownBy(() -> SqliteDirectory.prepare(file))
                .isInstanceOfSatisfying(SqliteDirectory.Unusable.class, unusable -> {
                    assertThat(unusable.getMessage()).isEqualTo("The SQLite database directory " + inTheWay
                            + " is unusable: it cannot be created (a file of that name is in the way).");
                    FailureAnalysis analysis = analyze(new IllegalStateException("bean creation failed", unusable));
                    assertThat(analysis.getDescription()).isEqualTo(unusable.getMessage());
                    assertThat(analysis.getAction()).contains("spring.datasource.url").contains(inTheWay.toString());
                });
    }

    /** Analyzes as Spring Boot does at start-up, through the analyzers registered in spring.factories. */
    private static FailureAnalysis analyze(Throwable failure) {
        // Analyzers that need a bean factory cannot be made here; they are not the ones under test.
        return SpringFactoriesLoader.forDefaultResourceLocation(SqliteDirectoryTest.class.getClassLoader())
                .load(FailureAnalyzer.class, SpringFactoriesLoader.FailureHandler.handleMessage((message, unmade) -> { })).stream()
                .filter(SqliteDirectoryFailureAnalyzer.class::isInstance)
                .map(analyzer -> analyzer.analyze(failure))
                .filter(java.util.Objects::nonNull).findFirst().orElseThrow();
    }
}
