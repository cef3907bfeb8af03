package dev.lanyard.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.account.MigratedDatabases;
import dev.lanyard.ops.DatabaseKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Schema V38: signals queued before it take their app's team's turn in a claim, those of an app deleted since the app's
 * own, as before; on both databases.
 */
class SignalOutboxTeamMigrationTest {

    static Stream<Arguments> databases() {
        return Stream.of(Arguments.of("SQLite", (Supplier<HikariDataSource>) () -> MigratedDatabases.sqlite("37")),
                Arguments.of("PostgreSQL", (Supplier<HikariDataSource>) () -> MigratedDatabases.postgres("37")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void signalsQueuedBeforeTakeTheirAppsTeamsTurn(String name, Supplier<HikariDataSource> at37) {
        try (HikariDataSource dataSource = at37.get()) {
            JdbcClient jdbc = JdbcClient.create(dataSource);
            jdbc.sql("INSERT INTO teams (id, name, created_at) VALUES ('team-old', 'Old', 1)").update();
            jdbc.sql("INSERT INTO oauth_clients (id, team_id, client_id, name, redirect_uris, confidential, scopes, created_at, updated_at)"
                    + " VALUES ('app-old', 'team-old', 'app-old', 'Old', '', TRUE, 'ssf', 1, 1)").update();
            for (String[] row : List.of(new String[] {"app-old", "old-1"}, new String[] {"app-old", "old-2"},
                    new String[] {"app-deleted", "deleted-1"})) {
                jdbc.sql("INSERT INTO signal_outbox (kind, stream_id, app_id, target, jti, claims, created_at, next_attempt_at)"
                                + " VALUES ('push', :app, :app, '', :jti, '{}', 1, 1)")
                        .param("app", row[0]).param("jti", row[1]).update();
            }

            MigratedDatabases.migrateRest(dataSource);

            assertThat(jdbc.sql("SELECT jti, team_id FROM signal_outbox ORDER BY id").query((rs, n) -> rs.getString(1) + " " + rs.getString(2))
                    .list()).containsExactly("old-1 team-old", "old-2 team-old", "deleted-1 app-deleted");
            SignalOutboxStore store = new JdbcSignalOutboxStore(jdbc, new DatabaseKind(dataSource));
            Instant now = Instant.ofEpochMilli(2);
            assertThat(store.claim("c1", now, now.plus(Duration.ofMinutes(1)), 2)).as("the deleted app's turn comes before the team's second")
                    .extracting(SignalOutboxStore.Outgoing::jti).containsExactly("old-1", "deleted-1");
        }
    }
}
