package dev.lanyard.ops;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns {@link SqliteDataSource.Unusable} into a short start-up report instead of a long stack trace. */
final class SqliteDirectoryFailureAnalyzer extends AbstractFailureAnalyzer<SqliteDataSource.Unusable> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, SqliteDataSource.Unusable cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Create " + cause.directory() + " and make it writable by this user, start Lanyard from a directory"
                        + " where it may create ./data, or point spring.datasource.url at another file"
                        + " (for example --spring.datasource.url=jdbc:sqlite:/var/lib/lanyard/lanyard.db; Lanyard adds the SQLite settings"
                        + " it needs to a URL that leaves them out).", cause);
    }
}
