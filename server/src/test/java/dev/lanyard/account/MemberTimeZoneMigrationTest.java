package dev.lanyard.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.util.function.Supplier;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Schema V35: accounts made before it have no time zone (their mails say UTC, as before) and can be given one, on both databases. */
class MemberTimeZoneMigrationTest {

    static Stream<Arguments> databases() {
        return Stream.of(Arguments.of("SQLite", (Supplier<HikariDataSource>) () -> MigratedDatabases.sqlite("34")),
                Arguments.of("PostgreSQL", (Supplier<HikariDataSource>) () -> MigratedDatabases.postgres("34")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void anAccountFromBeforeHasNoZoneUntilOneIsKept(String name, Supplier<HikariDataSource> at34) {
        try (HikariDataSource dataSource = at34.get()) {
            JdbcClient jdbc = JdbcClient.create(dataSource);
            jdbc.sql("INSERT INTO teams (id, name, created_at) VALUES ('team-old', 'Old', 1)").update();
            jdbc.sql("INSERT INTO accounts (id, team_id, email, name, password_hash, role, created_at) "
                    + "VALUES ('acc-old', 'team-old', 'old@example.test', 'Old', 'x', 'ADMIN', 1)").update();

            MigratedDatabases.migrateRest(dataSource);

            assertThat(jdbc.sql("SELECT time_zone FROM accounts WHERE id = 'acc-old'").query((rs, n) -> rs.getString(1)).list())
                    .containsExactly((String) null);
            JdbcAccountStore store = new JdbcAccountStore(jdbc);
            AccountId old = new AccountId("acc-old");
            assertThat(store.timeZone(old)).isEmpty();
            assertThat(store.setTimeZone(old, java.util.Optional.of(ZoneId.of("America/Argentina/ComodRivadavia")), java.util.Optional.empty())).isEqualTo(1);
            assertThat(store.timeZone(old)).contains(ZoneId.of("America/Argentina/ComodRivadavia"));
        }
    }
}
