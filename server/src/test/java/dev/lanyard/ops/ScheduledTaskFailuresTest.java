package dev.lanyard.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lanyard.testsupport.MutableClock;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.springframework.boot.health.contributor.Status;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/** Which failures of a scheduled task are the database out of reach or its disk full, and how the task is named in its line. */
class ScheduledTaskFailuresTest {

    @Test
    void connectionFailuresTimeoutsAndTheirWrappersAreTheDatabaseOutOfReach() {
        assertThat(DatabaseUnreachable.isCauseOf(new DataAccessResourceFailureException("gone"))).isTrue();
        assertThat(DatabaseUnreachable.isCauseOf(new QueryTimeoutException("slow"))).isTrue();
        assertThat(DatabaseUnreachable.isCauseOf(new CannotCreateTransactionException("no connection"))).isTrue();
        assertThat(DatabaseUnreachable.isCauseOf(new IllegalStateException("wrapped",
                new java.sql.SQLNonTransientConnectionException("closed")))).isTrue();
        assertThat(DatabaseUnreachable.isCauseOf(new DataIntegrityViolationException("a bug or bad data"))).isFalse();
        assertThat(DatabaseUnreachable.isCauseOf(new NullPointerException())).isFalse();
    }

    /** SQLite's SQLITE_FULL at a commit, PostgreSQL's disk_full (53100) as Spring translates it: a full disk, named. */
    @Test
    void aFullDiskIsToldFromOtherFailuresByTheDatabasesOwnCode() {
        assertThat(DatabaseFull.code(new TransactionSystemException("JDBC commit failed",
                new SQLiteException("[SQLITE_FULL] Insertion failed because database is full (database or disk is full)",
                        SQLiteErrorCode.SQLITE_FULL)))).contains("SQLITE_FULL");
        assertThat(DatabaseFull.code(new DataAccessResourceFailureException("PreparedStatementCallback",
                new SQLException("ERROR: could not extend file: No space left on device", "53100")))).contains("SQLSTATE 53100");
        assertThat(DatabaseFull.isCauseOf(new DataAccessResourceFailureException("gone", new SQLException("refused", "08001")))).isFalse();
        assertThat(DatabaseFull.isCauseOf(new UncategorizedSQLException("busy", "UPDATE sessions",
                new SQLiteException("[SQLITE_BUSY] The database file is locked", SQLiteErrorCode.SQLITE_BUSY)))).isFalse();
    }

    /** A scheduled task that meets a full disk says so in one WARN line, no stack trace, and health says so too. */
    @Test
    void aTaskThatMeetsAFullDiskSaysSoInOneLineAndInHealth() {
        MutableClock clock = new MutableClock();
        DatabaseDiskHealth disk = new DatabaseDiskHealth(clock);
        Logger logger = (Logger) LoggerFactory.getLogger(ScheduledTaskFailures.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            assertThat(disk.health().getStatus()).isEqualTo(Status.UP);

            new ScheduledTaskFailures(disk).handleError(new TransactionSystemException("JDBC commit failed",
                    new SQLiteException("[SQLITE_FULL] database or disk is full", SQLiteErrorCode.SQLITE_FULL)));

            assertThat(appender.list).singleElement().satisfies(line -> {
                assertThat(line.getLevel()).isEqualTo(Level.WARN);
                assertThat(line.getFormattedMessage()).endsWith("could not write: the database's disk is full (SQLITE_FULL); it runs "
                        + "again at its next time");
                assertThat(line.getThrowableProxy()).isNull();
            });
            assertThat(disk.health().getStatus()).isEqualTo(Status.DOWN);
            assertThat(disk.health().getDetails()).containsEntry("lastFailedWrite", clock.instant().toString());
            clock.advance(DatabaseDiskHealth.REPORTED_FOR.plusMillis(1));
            assertThat(disk.health().getStatus()).as("no write failed for a minute").isEqualTo(Status.UP);
        } finally {
            logger.detachAppender(appender);
        }
    }

    /** The outermost of Lanyard's frames is the scheduled method; a proxy's generated name is left out. */
    @Test
    void theTaskIsTheOutermostOfLanyardsOwnFrames() {
        RuntimeException failure = new RuntimeException("failed");
        failure.setStackTrace(new StackTraceElement[] {
                new StackTraceElement("org.postgresql.Driver", "connect", null, 1),
                new StackTraceElement("dev.lanyard.apps.JdbcSigningKeyStore", "published", null, 2),
                new StackTraceElement("dev.lanyard.apps.SigningKeys", "rotateIfDue", null, 3),
                new StackTraceElement("dev.lanyard.apps.SigningKeys$$SpringCGLIB$$0", "rotateIfDue", null, 4),
                new StackTraceElement("org.springframework.scheduling.support.ScheduledMethodRunnable", "run", null, 5)});

        assertThat(ScheduledTaskFailures.task(failure)).isEqualTo("SigningKeys.rotateIfDue");
        RuntimeException withoutFrames = new RuntimeException("failed");
        withoutFrames.setStackTrace(new StackTraceElement[0]);
        assertThat(ScheduledTaskFailures.task(withoutFrames)).isEqualTo("A scheduled task");
    }
}
