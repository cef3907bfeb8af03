package dev.lanyard.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

/**
 * Prepares a {@code jdbc:sqlite:} database file's data source before the pool first opens it.
 * <ul>
 * <li>Its directory is created, so {@code java -jar lanyard.jar} works from any directory. SQLite creates a missing
 * file but not a missing directory, and then fails with {@code SQLITE_CANTOPEN} deep inside the connection pool. When
 * the directory cannot be created or written, start-up stops with {@link Unusable}, which
 * {@link SqliteDirectoryFailureAnalyzer} reports in a few lines saying what to do.</li>
 * <li>The settings Lanyard relies on ({@link #REQUIRED}) are added to the URL where it leaves them out: an operator
 * who moves the file with {@code --spring.datasource.url=jdbc:sqlite:/var/lib/lanyard/lanyard.db} would otherwise
 * get no busy timeout (a write meeting another answers {@code SQLITE_BUSY} at once), no foreign keys and a rollback
 * journal. A setting the URL gives is kept as given.</li>
 * </ul>
 */
@Component
final class SqliteDataSource implements BeanPostProcessor {
    private static final String PREFIX = "jdbc:sqlite:";

    /** What application.yml's default URL sets, in its order: what Lanyard's writes and checks assume. */
    static final List<String> REQUIRED = List.of("journal_mode=WAL", "busy_timeout=10000", "foreign_keys=true",
            "synchronous=NORMAL", "transaction_mode=IMMEDIATE");

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource hikari) {
            Optional<Path> file = databaseFile(hikari.getJdbcUrl());
            file.ifPresent(SqliteDataSource::prepare);
            if (file.isPresent()) hikari.setJdbcUrl(withRequiredSettings(hikari.getJdbcUrl()));
        }
        return bean;
    }

    /** {@code url} with each of {@link #REQUIRED} that its query leaves out added at its end. */
    static String withRequiredSettings(String url) {
        int query = url.indexOf('?');
        Set<String> given = new HashSet<>();
        if (query >= 0) for (String pair : url.substring(query + 1).split("&")) given.add(key(pair));
        StringBuilder completed = new StringBuilder(url);
        char separator = query < 0 ? '?' : (url.endsWith("?") || url.endsWith("&") ? 0 : '&');
        for (String setting : REQUIRED) {
            if (given.contains(key(setting))) continue;
            if (separator != 0) completed.append(separator);
            completed.append(setting);
            separator = '&';
        }
        return completed.toString();
    }

    /** A query pair's name, as SQLite's driver reads it (any case). */
    private static String key(String pair) {
        int eq = pair.indexOf('=');
        return (eq < 0 ? pair : pair.substring(0, eq)).toLowerCase(Locale.ROOT);
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
