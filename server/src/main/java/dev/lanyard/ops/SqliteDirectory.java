package dev.lanyard.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

/**
 * Creates the directory of a {@code jdbc:sqlite:} database file before the pool first opens it, so
 * {@code java -jar lanyard.jar} works from any directory. SQLite creates a missing file but not a
 * missing directory, and then fails with {@code SQLITE_CANTOPEN} deep inside the connection pool. When
 * the directory cannot be created or written, start-up stops with {@link Unusable}, which
 * {@link SqliteDirectoryFailureAnalyzer} reports in a few lines saying what to do.
 */
@Component
final class SqliteDirectory implements BeanPostProcessor {
    private static final String PREFIX = "jdbc:sqlite:";

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource hikari) databaseFile(hikari.getJdbcUrl()).ifPresent(SqliteDirectory::prepare);
        return bean;
    }

    /** The file a SQLite JDBC URL points at; empty for other databases and in-memory ones. */
    static Optional<Path> databaseFile(String url) {
        if (url == null || !url.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) return Optional.empty();
        String location = url.substring(PREFIX.length());
        int query = location.indexOf('?');
        if (query >= 0) location = location.substring(0, query);
        if (location.startsWith("file:")) {
            location = location.substring("file:".length());
            // file:///abs/path and file://host/path: the path starts at the third slash.
            if (location.startsWith("//")) location = location.substring(location.indexOf('/', 2) < 0 ? 2 : location.indexOf('/', 2));
        }
        if (location.isBlank() || location.contains(":memory:")) return Optional.empty();
        try {
            return Optional.of(Path.of(location).toAbsolutePath().normalize());
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    /** Makes sure the directory of {@code file} exists and can be written; throws {@link Unusable} otherwise. */
    static void prepare(Path file) {
        Path directory = file.getParent();
        if (directory == null) return;
        try {
            Files.createDirectories(directory);
        } catch (IOException | SecurityException e) {
            throw new Unusable(directory, "it cannot be created (" + reason(e) + ")");
        }
        if (!Files.isWritable(directory)) throw new Unusable(directory, "it is not writable");
    }

    private static String reason(Exception e) {
        if (e instanceof java.nio.file.FileAlreadyExistsException) return "a file of that name is in the way";
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** The SQLite database's directory is missing and cannot be made, or cannot be written. */
    static final class Unusable extends IllegalStateException {
        private final Path directory;

        Unusable(Path directory, String why) {
            super("The SQLite database directory " + directory + " is unusable: " + why + ".");
            this.directory = directory;
        }

        Path directory() {
            return directory;
        }
    }
}
