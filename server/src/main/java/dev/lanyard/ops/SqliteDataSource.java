package dev.lanyard.ops;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 * <li>The database holds password hashes, second-factor seeds (unencrypted without {@code lanyard.factors.seed-key}),
 * full client addresses and the mail outbox's links, so on a POSIX file system the directory it makes is its user's only
 * ({@code rwx------}) and so is the file, made empty before SQLite opens it (an empty file is an empty database;
 * SQLite would make it {@code rw-r--r--} under the usual umask, and gives its {@code -wal}, {@code -shm} and
 * {@code -journal} files the database file's permissions). An existing directory or file that other users can read
 * or write is left as the operator made it, and named in one warning at start saying what to run (outside review).</li>
 * </ul>
 */
@Component
final class SqliteDataSource implements BeanPostProcessor {
    private static final Logger log = LoggerFactory.getLogger(SqliteDataSource.class);
    private static final String PREFIX = "jdbc:sqlite:";
    /** Files SQLite keeps beside the database, with the database file's permissions. */
    private static final List<String> COMPANIONS = List.of("-wal", "-shm", "-journal");
    /** What other users must not have on the database's files: reading them, or writing them. */
    private static final Set<PosixFilePermission> OTHERS_IN_A_FILE = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
    /**
     * What other users must not have on the database's directory: writing it, which lets them replace or remove the files.
     * Listing it shows only names; the files themselves are checked. So {@code scripts/run.sh}'s {@code data/}, made with
     * the usual umask for the geolocation files, holding an owner-only database is not warned of.
     */
    private static final Set<PosixFilePermission> OTHERS_IN_A_DIRECTORY = EnumSet.of(PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_WRITE);

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

    /**
     * Makes sure the directory of {@code file} exists and can be written, and that the file exists, both made its user's
     * only where they are missing (on POSIX file systems); throws {@link Unusable} otherwise. Warns once of an existing
     * directory or file that other users can read or write.
     */
    static void prepare(Path file) {
        Path directory = file.getParent();
        if (directory == null) return;
        boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
        try {
            if (posix) Files.createDirectories(directory, ownerOnly("rwx------"));
            else Files.createDirectories(directory);
        } catch (IOException | SecurityException e) {
            throw new Unusable(directory, "it cannot be created (" + reason(e) + ")");
        }
        if (!Files.isWritable(directory)) throw new Unusable(directory, "it is not writable");
        try {
            if (posix && !Files.exists(file)) Files.createFile(file, ownerOnly("rw-------"));
        } catch (FileAlreadyExistsException madeMeanwhile) {
            // Another process made it first: SQLite opens it as it is.
        } catch (IOException | SecurityException e) {
            throw new Unusable(directory, "the database file " + file.getFileName() + " cannot be created in it (" + reason(e) + ")");
        }
        if (posix) warnIfOthersGetIn(directory, file);
    }

    private static FileAttribute<Set<PosixFilePermission>> ownerOnly(String permissions) {
        return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions));
    }

    /** Logs one warning naming the database's files that other users can read or write, and its directory if they can write it. */
    private static void warnIfOthersGetIn(Path directory, Path file) {
        List<String> exposed = new ArrayList<>();
        boolean directoryExposed = othersGetIn(directory, OTHERS_IN_A_DIRECTORY, exposed);
        boolean filesExposed = false;
        for (Path each : databaseFiles(file)) {
            filesExposed |= othersGetIn(each, OTHERS_IN_A_FILE, exposed);
        }
        if (exposed.isEmpty()) return;
        List<String> commands = new ArrayList<>();
        if (directoryExposed) commands.add("chmod 700 " + shellWord(directory));
        // With a * : the -wal and -shm files of a running node too, which keep their permissions until SQLite makes them anew.
        if (filesExposed) commands.add("chmod 600 " + shellWord(file) + "*");
        log.warn("Other users of this machine can read or write Lanyard's SQLite database, which holds password hashes, second-factor"
                + " seeds and client addresses: {}. Lanyard leaves permissions it did not set as they are; to make them this user's"
                + " only, run {}", String.join(", ", exposed), String.join(" && ", commands));
    }

    /** The database file and those of its companions that exist. */
    private static List<Path> databaseFiles(Path file) {
        List<Path> files = new ArrayList<>(List.of(file));
        for (String suffix : COMPANIONS) {
            Path companion = file.resolveSibling(file.getFileName() + suffix);
            if (Files.exists(companion)) files.add(companion);
        }
        return files;
    }

    /** Whether others have any of {@code forbidden} on {@code path}; if so, adds it with its permissions to {@code exposed}. */
    private static boolean othersGetIn(Path path, Set<PosixFilePermission> forbidden, List<String> exposed) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
            if (permissions.stream().noneMatch(forbidden::contains)) return false;
            exposed.add(path + " (" + PosixFilePermissions.toString(permissions) + ")");
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException unreadable) {
            return false; // SQLite says so when it opens the file
        }
    }

    /** {@code path} as one word of a shell command, quoted when it holds more than letters, digits and {@code /._-}. */
    private static String shellWord(Path path) {
        String text = path.toString();
        return text.matches("[A-Za-z0-9/._-]+") ? text : "'" + text.replace("'", "'\\''") + "'";
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
