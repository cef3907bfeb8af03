package dev.lanyard.ops;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

import javax.sql.DataSource;

import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.stereotype.Component;

/**
 * What differs between the two databases Lanyard runs on is decided by this one test: PostgreSQL
 * takes row locks ({@code FOR UPDATE SKIP LOCKED}), carries notifications between nodes
 * ({@code LISTEN}/{@code NOTIFY}) and takes arrays as parameters; SQLite does none of that, and
 * serves one node.
 */
@Component
public final class DatabaseKind {
    private final DataSource dataSource;
    /** Read from the first connection asked for, then kept. */
    private volatile Boolean postgres;

    public DatabaseKind(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Whether the database is PostgreSQL. */
    public boolean postgres() {
        Boolean known = postgres;
        if (known == null) {
            try (Connection c = dataSource.getConnection()) {
                known = postgres(c);
            } catch (SQLException e) {
                throw new CannotGetJdbcConnectionException("Could not tell which database this is", e);
            }
            postgres = known;
        }
        return known;
    }

    /** Whether {@code connection} is to PostgreSQL. */
    public static boolean postgres(Connection connection) throws SQLException {
        return connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
    }
}
