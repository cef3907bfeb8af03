package dev.lanyard.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Supplier;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Schema V34: an account made by a sign-up confirmed through its mailed link before V29 learns that its email was
 * verified, on both databases; other accounts stay unknown (review AM).
 */
class EmailVerifiedFromSignUpsTest {

    static Stream<Arguments> databases() {
        return Stream.of(Arguments.of("SQLite", (Supplier<HikariDataSource>) () -> MigratedDatabases.sqlite("33")),
                Arguments.of("PostgreSQL", (Supplier<HikariDataSource>) () -> MigratedDatabases.postgres("33")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aSignUpUsedBeforeTheColumnCountsAsAVerifiedEmail(String name, Supplier<HikariDataSource> at33) {
        try (HikariDataSource dataSource = at33.get()) {
            JdbcClient jdbc = JdbcClient.create(dataSource);
            team(jdbc, "team-ivy");
            team(jdbc, "team-bob");
            account(jdbc, "acc-ivy", "team-ivy", "ivy@example.test");
            account(jdbc, "acc-bob", "team-bob", "bob@example.test");
            account(jdbc, "acc-eve", "team-ivy", "eve@example.test");
            // Ivy's own sign-up, used: it made her team.
            signUp(jdbc, "su-1", "ivy@example.test", "team-ivy", 5_000L);
            // Bob's sign-up was never confirmed; someone's for Eve's address made another team.
            signUp(jdbc, "su-2", "bob@example.test", "team-bob", null);
            signUp(jdbc, "su-3", "eve@example.test", "team-other", 6_000L);

            MigratedDatabases.migrateRest(dataSource);

            assertThat(verifiedAt(jdbc, "acc-ivy")).isEqualTo(5_000L);
            assertThat(verifiedAt(jdbc, "acc-bob")).isNull();
            assertThat(verifiedAt(jdbc, "acc-eve")).isNull();
        }
    }

    private static void team(JdbcClient jdbc, String id) {
        jdbc.sql("INSERT INTO teams (id, name, created_at) VALUES (?, ?, 1)").params(id, id).update();
    }

    private static void account(JdbcClient jdbc, String id, String team, String email) {
        jdbc.sql("INSERT INTO accounts (id, team_id, email, name, password_hash, role, created_at) VALUES (?, ?, ?, ?, 'x', 'ADMIN', 1)")
                .params(id, team, email, id).update();
    }

    private static void signUp(JdbcClient jdbc, String id, String email, String team, Long usedAt) {
        jdbc.sql("INSERT INTO sign_ups (id, email, team_id, team_name, created_at, expires_at, used_at) VALUES (?, ?, ?, 'T', 1, 2, ?)")
                .params(id, email, team, usedAt).update();
    }

    private static Long verifiedAt(JdbcClient jdbc, String account) {
        return jdbc.sql("SELECT email_verified_at FROM accounts WHERE id = ?").param(account)
                .query((rs, n) -> rs.getObject(1) == null ? null : rs.getLong(1)).list().get(0);
    }
}
