package dev.lanyard.ops;

import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * Tells a failure that is the database being out of reach, or too busy for now (no connection, a lost one, a lock or a
 * timeout), which ends by itself, from a bug or bad data. Requests meeting one are refused with 503 ({@code web}); a
 * scheduled task meeting one says so in a line and runs again at its next time ({@link ScheduledTaskFailures}).
 */
public final class DatabaseUnreachable {

    private DatabaseUnreachable() {
    }

    /** Whether {@code failure}, or one of its causes, is the database being out of reach. */
    public static boolean isCauseOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DataAccessResourceFailureException || t instanceof TransientDataAccessException
                    || t instanceof RecoverableDataAccessException || t instanceof CannotCreateTransactionException
                    || t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException) {
                return true;
            }
        }
        return false;
    }
}
