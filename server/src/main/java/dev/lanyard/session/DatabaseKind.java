package dev.lanyard.session;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/**
 * What differs between the two databases Lanyard runs on is decided by this one test: PostgreSQL
 * takes row locks ({@code FOR UPDATE SKIP LOCKED}) and carries notifications between nodes
 * ({@code LISTEN}/{@code NOTIFY}); SQLite does neither, and serves one node.
 */
final class DatabaseKind {
    private DatabaseKind() {
    }

    /** Whether {@code connection} is to PostgreSQL. */
    static boolean postgres(Connection connection) throws SQLException {
        return connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
    }
}
