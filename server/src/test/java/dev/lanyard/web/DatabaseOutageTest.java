package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lanyard.ops.DatabaseDiskHealth;
import dev.lanyard.testsupport.MutableClock;
import jakarta.servlet.FilterChain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.springframework.boot.health.contributor.Status;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.transaction.TransactionSystemException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A request that meets a full disk under the database (outside review: a 500 saying "Nothing you did was lost; please
 * try again", a stack trace per request in the log, health UP) is refused as a database outage is: 503 with Retry-After
 * and a message that says nothing can be stored, one WARN line naming the database's error, and health DOWN.
 */
class DatabaseOutageTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final MutableClock clock = new MutableClock();
    private final DatabaseDiskHealth disk = new DatabaseDiskHealth(clock);
    private final DatabaseOutage outage = new DatabaseOutage(JSON, disk);
    private final Logger logger = (Logger) LoggerFactory.getLogger(DatabaseOutage.class);
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void listen() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(log);
    }

    /** SQLite's SQLITE_FULL, as a sign-in's commit meets it. */
    private static RuntimeException sqliteFull() {
        return new TransactionSystemException("JDBC commit failed", new SQLiteException(
                "[SQLITE_FULL] Insertion failed because database is full (database or disk is full)", SQLiteErrorCode.SQLITE_FULL));
    }

    /** PostgreSQL's disk_full, as Spring translates it (a resource failure, which alone would read as the database out of reach). */
    private static RuntimeException postgresFull() {
        return new DataAccessResourceFailureException("PreparedStatementCallback; SQL [INSERT INTO sessions ...]",
                new SQLException("ERROR: could not extend file \"base/16384/16423\": No space left on device", "53100"));
    }

    private MockHttpServletResponse refuse(String method, String path, RuntimeException failure) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest(method, path);
        MockHttpServletResponse response = new MockHttpServletResponse();
        FilterChain failing = (req, res) -> {
            throw failure;
        };
        outage.doFilter(request, response, failing);
        return response;
    }

    @Test
    void anApiRequestThatMeetsAFullDiskIsRefusedWith503SayingNothingCanBeStored() throws Exception {
        for (RuntimeException full : List.of(sqliteFull(), postgresFull())) {
            MockHttpServletResponse response = refuse("POST", "/api/v1/login", full);

            assertThat(response.getStatus()).isEqualTo(503);
            assertThat(response.getHeader("Retry-After")).isEqualTo(DatabaseOutage.FULL_RETRY_AFTER_SECONDS);
            assertThat(response.getContentType()).startsWith("application/problem+json");
            JsonNode problem = JSON.readTree(response.getContentAsString());
            assertThat(problem.path("type").asString()).isEqualTo("urn:lanyard:problem:database-full");
            assertThat(problem.path("detail").asString()).isEqualTo("Lanyard cannot store anything right now: its database's disk is "
                    + "full. Nothing was changed; try again later.");
        }
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "Refused POST /api/v1/login: the database's disk is full (SQLITE_FULL); nothing can be stored until there is room on it",
                "Refused POST /api/v1/login: the database's disk is full (SQLSTATE 53100); nothing can be stored until there is room on it");
        assertThat(log.list).allSatisfy(line -> {
            assertThat(line.getLevel()).isEqualTo(Level.WARN);
            assertThat(line.getThrowableProxy()).as("no stack trace").isNull();
        });
        assertThat(disk.health().getStatus()).isEqualTo(Status.DOWN);
    }

    @Test
    void aPageThatMeetsAFullDiskSaysSo() throws Exception {
        MockHttpServletResponse response = refuse("POST", "/settings/sessions/ses_1/revoke", sqliteFull());

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeader("Retry-After")).isEqualTo(DatabaseOutage.FULL_RETRY_AFTER_SECONDS);
        assertThat(response.getContentType()).startsWith("text/html");
        assertThat(response.getContentAsString()).contains("<title>Lanyard cannot store anything</title>")
                .contains(DatabaseOutage.FULL_MESSAGE);
    }

    @Test
    void aDatabaseOutOfReachIsStillSaidSoAndAnyOtherFailureLeftToTheErrorPage() throws Exception {
        MockHttpServletResponse unreachable = refuse("GET", "/api/v1/sessions", new DataAccessResourceFailureException("refused",
                new SQLException("Connection refused", "08001")));

        assertThat(unreachable.getStatus()).isEqualTo(503);
        assertThat(JSON.readTree(unreachable.getContentAsString()).path("type").asString()).isEqualTo("urn:lanyard:problem:database-unavailable");
        assertThat(unreachable.getHeader("Retry-After")).isEqualTo(DatabaseOutage.RETRY_AFTER_SECONDS);
        assertThatThrownBy(() -> refuse("GET", "/api/v1/sessions", new IllegalStateException("a bug"))).hasMessage("a bug");
        assertThat(disk.health().getStatus()).isEqualTo(Status.UP);
    }
}
