package dev.lanyard.ops;

import java.io.IOException;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.env.Environment;

/**
 * Turns a database Lanyard cannot connect to at start (PostgreSQL down or unreachable, an unknown host, a wrong user or
 * password, a database that does not exist) into a short start-up report naming the URL and the driver's reason. It was
 * 186 lines whose first error named a filter's bean ({@code appCors}) and whose cause came last (outside review). Found by
 * the SQL state's class, anywhere in the failure's causes: {@code 08} connection, {@code 28} authorization, {@code 3D}
 * catalog. The URL is shown without its query and user part, and the configured password never.
 */
final class UnreachableDatabaseFailureAnalyzer implements FailureAnalyzer {
    private static final Set<String> CONNECTION_CLASSES = Set.of("08", "28", "3D");

    private final Environment environment;

    UnreachableDatabaseFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLException sql && connectionFailure(sql)) {
                return new FailureAnalysis("Lanyard could not connect to its database at " + shownUrl() + ": " + reason(sql),
                        "Check spring.datasource.url, spring.datasource.username and spring.datasource.password, and that the"
                                + " database server is running and can be reached from this machine.", failure);
            }
        }
        return null;
    }

    private static boolean connectionFailure(SQLException sql) {
        String state = sql.getSQLState();
        return state != null && state.length() >= 2 && CONNECTION_CLASSES.contains(state.substring(0, 2).toUpperCase(Locale.ROOT));
    }

    /** {@code spring.datasource.url} up to its query (which may carry a password), without a user part. */
    private String shownUrl() {
        String url = environment.getProperty("spring.datasource.url", "");
        int query = url.indexOf('?');
        if (query >= 0) url = url.substring(0, query);
        return url.replaceFirst("//[^/@]*@", "//");
    }

    /** The driver's message's first line, with what it gives as its own cause (an unknown host) and never the password. */
    private String reason(SQLException sql) {
        String message = sql.getMessage() == null ? sql.getClass().getSimpleName() : sql.getMessage().lines().findFirst().orElse("");
        if (sql.getCause() instanceof IOException io && io.getMessage() != null && !message.contains(io.getMessage()))
            message += " (" + io.getClass().getSimpleName() + ": " + io.getMessage() + ")";
        String password = environment.getProperty("spring.datasource.password", "");
        return password.isEmpty() ? message : message.replace(password, "[redacted]");
    }
}
