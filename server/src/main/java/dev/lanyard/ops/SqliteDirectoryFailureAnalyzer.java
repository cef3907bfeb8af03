package dev.lanyard.ops;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns {@link SqliteDirectory.Unusable} into a short start-up report instead of a long stack trace. */
final class SqliteDirectoryFailureAnalyzer extends AbstractFailureAnalyzer<SqliteDirectory.Unusable> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, SqliteDirectory.Unusable cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Create " + cause.directory() + " and make it writable by this user, start Lanyard from a directory"
                        + " where it may create ./data, or point spring.datasource.url at another file"
                        + " (for example --spring.datasource.url=jdbc:sqlite:/var/lib/lanyard/lanyard.db).", cause);
    }
}
