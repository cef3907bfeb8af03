package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Supplier;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lanyard.session.Sessions;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.support.ScheduledMethodRunnable;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The grant cleanup during a database outage, run by the application's own scheduler as {@code @Scheduled} runs it: one
 * WARN line naming the task and no stack trace, where Spring logged "Unexpected error occurred in scheduled task" at
 * ERROR with a full trace every minute of a 66 s PostgreSQL outage (outside review). A bug keeps its ERROR and trace.
 */
@LanyardSpringTest
class GrantCleanupOutageTest {
    @Autowired
    TaskScheduler scheduler;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    Clock clock;
    @Autowired
    Sessions sessions;

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void listen() {
        logged.start();
        failuresLogger().addAppender(logged);
    }

    @AfterEach
    void stopListening() {
        failuresLogger().detachAppender(logged);
        logged.stop();
    }

    private static Logger failuresLogger() {
        return (Logger) LoggerFactory.getLogger("dev.lanyard.ops.ScheduledTaskFailures");
    }

    @Test
    void anUnreachableDatabaseIsOneWarningLineNamingTheTask() throws Exception {
        runOnTheScheduler(failingWith(() -> new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
                new java.sql.SQLTransientConnectionException("HikariPool-1 - Connection is not available, request timed out after 5000ms"))));

        assertThat(logged.list).singleElement().satisfies(line -> {
            assertThat(line.getLevel()).isEqualTo(Level.WARN);
            assertThat(line.getFormattedMessage()).isEqualTo("GrantCleanup.endUnredeemed could not reach the database; it runs again at"
                    + " its next time: CannotGetJdbcConnectionException: Failed to obtain JDBC Connection (SQLTransientConnectionException:"
                    + " HikariPool-1 - Connection is not available, request timed out after 5000ms)");
            assertThat(line.getThrowableProxy()).as("no stack trace").isNull();
        });
    }

    @Test
    void aBugIsStillAnErrorWithItsStackTrace() throws Exception {
        runOnTheScheduler(failingWith(() -> new IllegalStateException("a bug")));

        assertThat(logged.list).singleElement().satisfies(line -> {
            assertThat(line.getLevel()).isEqualTo(Level.ERROR);
            assertThat(line.getFormattedMessage()).isEqualTo("Unexpected error occurred in scheduled task GrantCleanup.endUnredeemed");
            assertThat(line.getThrowableProxy().getMessage()).isEqualTo("a bug");
        });
    }

    /** A grant store whose every call fails with a new {@code failure}, made where it is thrown, as a real store's is. */
    private static GrantStore failingWith(Supplier<RuntimeException> failure) {
        return (GrantStore) Proxy.newProxyInstance(GrantStore.class.getClassLoader(), new Class<?>[] {GrantStore.class},
                (proxy, method, arguments) -> {
                    throw failure.get();
                });
    }

    private void runOnTheScheduler(GrantStore grants) throws Exception {
        GrantCleanup cleanup = new GrantCleanup(grants, transactions, clock, sessions);
        scheduler.schedule(new ScheduledMethodRunnable(cleanup, GrantCleanup.class.getDeclaredMethod("endUnredeemed")), Instant.now()).get();
    }
}
