package dev.lanyard.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.transaction.CannotCreateTransactionException;

/** Which failures of a scheduled task are the database out of reach, and how the task is named in its line. */
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
