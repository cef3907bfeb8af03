package dev.lanyard.ops;

import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns {@link SqliteDataSource.Unusable} into a short start-up report instead of a long stack trace. */
final class SqliteDirectoryFailureAnalyzer extends AbstractFailureAnalyzer<SqliteDataSource.Unusable> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, SqliteDataSource.Unusable cause) {
        return new FailureAnalysis(cause.getMessage(),
                remedy(cause.directory()) + ", start Lanyard from a directory"
                        + " where it may create ./data, or point spring.datasource.url at another file"
                        + " (for example --spring.datasource.url=jdbc:sqlite:/var/lib/lanyard/lanyard.db; Lanyard adds the SQLite settings"
                        + " it needs to a URL that leaves them out).", cause);
    }

    /**
     * What to do about the directory as it is: "Create" only one that is missing (outside review: an existing read-only
     * one was to be created), naming the user it must be writable by, whom the operator may not be logged in as.
     */
    static String remedy(Path directory) {
        String user = "the user Lanyard runs as (" + System.getProperty("user.name") + ")";
        if (Files.isDirectory(directory)) return "Make " + directory + " writable by " + user;
        if (Files.exists(directory)) return "Move the file " + directory + " out of the way";
        return "Create " + directory + " and make it writable by " + user;
    }
}
