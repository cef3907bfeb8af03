package dev.lanyard.ops;

import java.sql.SQLException;
import java.util.Optional;

import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Tells a failure that is the database's disk being full from any other: SQLite's {@code SQLITE_FULL}, PostgreSQL's
 * {@code disk_full} (SQLSTATE 53100). Nothing can be stored until an operator makes room, and nothing else is wrong:
 * requests meeting one are refused with 503 and a message that says so ({@code web}), not the 500 of a bug, and the
 * log says it in one line, not a stack trace per request (outside review); health component {@code databaseDisk} says
 * so too ({@link DatabaseDiskHealth}).
 */
public final class DatabaseFull {
    /** PostgreSQL's SQLSTATE for {@code disk_full}. */
    static final String POSTGRES_DISK_FULL = "53100";

    private DatabaseFull() {
    }

    /** Whether {@code failure}, or one of its causes, is the database's disk being full. */
    public static boolean isCauseOf(Throwable failure) {
        return code(failure).isPresent();
    }

    /** The database's own word for the full disk in {@code failure} or its causes ({@code SQLITE_FULL}, {@code SQLSTATE 53100}), for the log. */
    public static Optional<String> code(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLiteException sqlite && sqlite.getResultCode() == SQLiteErrorCode.SQLITE_FULL) return Optional.of("SQLITE_FULL");
            if (t instanceof SQLException sql && POSTGRES_DISK_FULL.equals(sql.getSQLState())) return Optional.of("SQLSTATE " + POSTGRES_DISK_FULL);
        }
        return Optional.empty();
    }
}
