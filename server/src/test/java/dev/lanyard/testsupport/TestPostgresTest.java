package dev.lanyard.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

class TestPostgresTest {

    private final TestPostgres postgres = TestPostgres.shared();

    @Test
    void oneServerPerJvm() {
        assertThat(TestPostgres.shared()).isSameAs(postgres);
    }

    @Test
    void createdDatabasesAreSeparateAndWork() throws SQLException {
        String first = postgres.createDatabase();
        String second = postgres.createDatabase();
        assertThat(first).isNotEqualTo(second);

        for (String database : List.of(first, second)) {
            try (Connection connection = postgres.dataSource(database).getConnection();
                    Statement statement = connection.createStatement()) {
                assertThat(single(statement, "select version()")).startsWith("PostgreSQL 18");
                assertThat(single(statement, "select current_database()")).isEqualTo(database);
                assertThat(single(statement, "show listen_addresses")).isEqualTo("127.0.0.1");
                // the same table name in both databases: only works if they are really separate
                statement.execute("create table note (id int primary key, body text not null)");
                try (PreparedStatement insert = connection.prepareStatement("insert into note values (1, ?)")) {
                    insert.setString(1, "written in " + database);
                    insert.executeUpdate();
                }
                assertThat(single(statement, "select string_agg(body, ',') from note")).isEqualTo("written in " + database);
            }
        }
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(first), postgres.user(), postgres.password());
                Statement statement = connection.createStatement()) {
            assertThat(single(statement, "select count(*) from note")).isEqualTo("1");
        }
    }

    @Test
    void listenNotifyReachesAnotherConnectionOnCommit() throws SQLException {
        String database = postgres.createDatabase();
        try (Connection listener = postgres.dataSource(database).getConnection();
                Connection notifier = postgres.dataSource(database).getConnection()) {
            try (Statement statement = listener.createStatement()) {
                statement.execute("LISTEN session_ended");
            }
            PGConnection pgListener = listener.unwrap(PGConnection.class);
            String notifierPid;
            try (Statement statement = notifier.createStatement()) {
                notifierPid = single(statement, "select pg_backend_pid()");
            }

            notifier.setAutoCommit(false);
            try (PreparedStatement notify = notifier.prepareStatement("select pg_notify('session_ended', ?)")) {
                notify.setString(1, "session-42");
                notify.execute();
            }
            assertThat(pgListener.getNotifications(200)).isNullOrEmpty(); // not before commit
            notifier.commit();

            PGNotification[] notifications = pgListener.getNotifications(10_000);
            assertThat(notifications).hasSize(1);
            assertThat(notifications[0].getName()).isEqualTo("session_ended");
            assertThat(notifications[0].getParameter()).isEqualTo("session-42");
            assertThat(String.valueOf(notifications[0].getPID())).isEqualTo(notifierPid);
        }
    }

    private static String single(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).isTrue();
            return rows.getString(1);
        }
    }
}
