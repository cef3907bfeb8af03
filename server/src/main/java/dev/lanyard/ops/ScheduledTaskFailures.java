package dev.lanyard.ops;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.boot.task.SimpleAsyncTaskSchedulerCustomizer;
import org.springframework.boot.task.ThreadPoolTaskSchedulerCustomizer;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.util.ErrorHandler;

/**
 * How the scheduler Spring Boot makes logs a {@code @Scheduled} task that failed. A database out of reach (decision 15:
 * the node recovers by itself) gets one WARN line naming the task, as the outboxes' and the activity flush's "will try
 * again" lines do, where Spring logged "Unexpected error occurred in scheduled task" at ERROR with a full stack trace,
 * each minute of a 66 s PostgreSQL outage for the grant cleanup alone (outside review). Any other failure is a bug, and
 * keeps Spring's ERROR with its trace, but a full disk under the database ({@link DatabaseFull}), which is one WARN line
 * too. Set on the scheduler itself, so it holds for every task, one added later too.
 */
@Component
class ScheduledTaskFailures implements ErrorHandler, ThreadPoolTaskSchedulerCustomizer, SimpleAsyncTaskSchedulerCustomizer {
    private static final Logger log = LoggerFactory.getLogger(ScheduledTaskFailures.class);

    @Override
    public void customize(ThreadPoolTaskScheduler scheduler) {
        scheduler.setErrorHandler(this);
    }

    @Override
    public void customize(SimpleAsyncTaskScheduler scheduler) {
        scheduler.setErrorHandler(this);
    }

    private final DatabaseDiskHealth disk;

    ScheduledTaskFailures(DatabaseDiskHealth disk) {
        this.disk = disk;
    }

    @Override
    public void handleError(Throwable failure) {
        java.util.Optional<String> full = DatabaseFull.code(failure);
        if (full.isPresent()) {
            disk.full();
            log.warn("{} could not write: the database's disk is full ({}); it runs again at its next time", task(failure), full.get());
        } else if (DatabaseUnreachable.isCauseOf(failure)) {
            log.warn("{} could not reach the database; it runs again at its next time: {}", task(failure), oneLine(failure));
        } else {
            log.error("Unexpected error occurred in scheduled task {}", task(failure), failure);
        }
    }

    /**
     * The task the failure came out of, as {@code Class.method}: the outermost of Lanyard's own frames in its stack (made
     * where it was thrown, inside the task), which is the scheduled method (its proxy's, when it has one, named as the class).
     */
    static String task(Throwable failure) {
        StackTraceElement[] frames = failure.getStackTrace();
        for (int i = frames.length - 1; i >= 0; i--) {
            String type = frames[i].getClassName();
            if (!type.startsWith("dev.lanyard.")) continue;
            String simple = type.substring(type.lastIndexOf('.') + 1);
            int proxy = simple.indexOf("$$");
            return (proxy < 0 ? simple : simple.substring(0, proxy)) + "." + frames[i].getMethodName();
        }
        return "A scheduled task";
    }

    /** The failure and its root cause, each its class and its message's first line. */
    private static String oneLine(Throwable failure) {
        Throwable root = NestedExceptionUtils.getMostSpecificCause(failure);
        return root == failure ? described(failure) : described(failure) + " (" + described(root) + ")";
    }

    private static String described(Throwable t) {
        String message = t.getMessage() == null ? "" : ": " + t.getMessage().lines().findFirst().orElse("");
        return t.getClass().getSimpleName() + message;
    }
}
