package dev.lanyard.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;

import dev.lanyard.Lanyard;
import dev.lanyard.testsupport.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.Environment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.mock.env.MockEnvironment;

/**
 * A database Lanyard cannot connect to at start is reported in a few lines naming its URL and the driver's reason: it was
 * 186 lines whose first error named a filter's bean (outside review).
 */
@ExtendWith(OutputCaptureExtension.class)
class UnreachableDatabaseFailureAnalyzerTest {
    private static final String PASSWORD = "velvet-otter-9";

    @TempDir
    Path temp;

    @Test
    void aServerThatRefusesTheConnectionIsNamedWithTheDriversReason() {
        String url = "jdbc:postgresql://127.0.0.1:1/lanyard";
        FailureAnalysis analysis = analyze(asAtStart(connect(url, "lanyard", PASSWORD)), environment(url));

        assertThat(analysis.getDescription()).isEqualTo("Lanyard could not connect to its database at jdbc:postgresql://127.0.0.1:1/lanyard:"
                + " Connection to 127.0.0.1:1 refused. Check that the hostname and port are correct and that the postmaster is accepting"
                + " TCP/IP connections. (ConnectException: Connection refused)");
        assertThat(analysis.getAction()).isEqualTo("Check spring.datasource.url, spring.datasource.username and"
                + " spring.datasource.password, and that the database server is running and can be reached from this machine.");
    }

    @Test
    void aWrongPasswordAndAMissingDatabaseAreNamedWithoutThePassword() {
        TestPostgres postgres = TestPostgres.shared();
        String url = postgres.jdbcUrl("postgres");
        FailureAnalysis wrongPassword = analyze(asAtStart(connect(url, postgres.user(), PASSWORD)), environment(url));
        assertThat(wrongPassword.getDescription()).startsWith("Lanyard could not connect to its database at " + url + ": ")
                .contains("password authentication failed").doesNotContain(PASSWORD);

        String missing = postgres.jdbcUrl("no_such_database");
        FailureAnalysis noDatabase = analyze(asAtStart(connect(missing, postgres.user(), postgres.password())), environment(missing));
        assertThat(noDatabase.getDescription()).contains("database \"no_such_database\" does not exist");
    }

    @Test
    void theUrlIsShownWithoutItsQueryOrUserPartAndThePasswordNowhere() {
        String url = "jdbc:postgresql://ada:" + PASSWORD + "@db.internal:5432/lanyard?password=" + PASSWORD + "&sslmode=require";
        SQLException refused = new SQLException("FATAL: no entry for " + PASSWORD, "28000");

        FailureAnalysis analysis = analyze(asAtStart(refused), environment(url));

        assertThat(analysis.getDescription()).isEqualTo("Lanyard could not connect to its database at jdbc:postgresql://db.internal:5432/lanyard:"
                + " FATAL: no entry for [redacted]");
    }

    /** A failing statement is a bug or bad data, not an unreachable database: another analyzer's, or the stack trace's. */
    @Test
    void otherDatabaseErrorsAreNotThisAnalyzers() {
        FailureAnalyzer analyzer = new UnreachableDatabaseFailureAnalyzer(environment("jdbc:postgresql://db/lanyard"));
        assertThat(analyzer.analyze(asAtStart(new SQLException("syntax error at or near \"SELCT\"", "42601")))).isNull();
        assertThat(analyzer.analyze(asAtStart(new SQLException("no state")))).isNull();
        assertThat(analyzer.analyze(new IllegalStateException("no database at all"))).isNull();
    }

    /**
     * The whole application, started on a PostgreSQL nobody listens on: the short report, and no stack trace, nor the web
     * server's one-line account of the same exception before it (outside review: "Error starting Tomcat context", a long
     * chain of exception messages, came first).
     */
    @Test
    void theWholeApplicationReportsAnUnreachableDatabaseInAFewLines(CapturedOutput output) {
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> new SpringApplicationBuilder(Lanyard.class)
                .run("--server.address=127.0.0.1", "--server.port=0", "--spring.datasource.url=jdbc:postgresql://127.0.0.1:1/x",
                        "--spring.datasource.username=lanyard", "--spring.datasource.password=" + PASSWORD,
                        "--lanyard.geo.directory=" + temp.resolve("geo")));

        assertThat(failure).isNotNull();
        assertThat(output.getAll()).contains("APPLICATION FAILED TO START", "Lanyard could not connect to its database at"
                + " jdbc:postgresql://127.0.0.1:1/x: Connection to 127.0.0.1:1 refused.").doesNotContain("Application run failed")
                .doesNotContain("Error starting Tomcat context", "UnsatisfiedDependencyException").doesNotContain(PASSWORD);
    }

    private static SQLException connect(String url, String user, String password) {
        try {
            DriverManager.getConnection(url, user, password).close();
        } catch (SQLException e) {
            return e;
        }
        throw new AssertionError("connected to " + url);
    }

    /** As the start-up meets it: the driver's exception under Spring's, under the bean that needed a connection. */
    private static Throwable asAtStart(SQLException driver) {
        return new BeanCreationException("flyway", "Failed to instantiate [org.flywaydb.core.Flyway]",
                new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection", driver));
    }

    private static Environment environment(String url) {
        return new MockEnvironment().withProperty("spring.datasource.url", url).withProperty("spring.datasource.password", PASSWORD);
    }

    /** Analyzes as Spring Boot does at start-up, through the analyzers registered in spring.factories, given the environment. */
    private static FailureAnalysis analyze(Throwable failure, Environment environment) {
        return SpringFactoriesLoader.forDefaultResourceLocation(UnreachableDatabaseFailureAnalyzerTest.class.getClassLoader())
                // Analyzers that need a bean factory cannot be made here; this one needs the environment only.
                .load(FailureAnalyzer.class, SpringFactoriesLoader.ArgumentResolver.of(Environment.class, environment),
                        SpringFactoriesLoader.FailureHandler.handleMessage((message, unmade) -> { }))
                .stream().map(analyzer -> analyzer.analyze(failure)).filter(Objects::nonNull).findFirst()
                .orElseThrow(() -> new AssertionError("no analyzer explains " + failure));
    }
}
