package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.function.Supplier;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.MigratedDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The session lists' cursors leave the server sealed with a key every node reads from the database (schema V44), on
 * both databases: one node's cursor reads on another, and no one reads the session id in it.
 */
class SealedCursorsTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-04T17:40:00Z"), ZoneOffset.UTC);
    private static final AccountId OWNER = new AccountId("acc_owner");
    private static final String SESSION = "ses_S02dZg52YXKNu_2M";

    static Stream<Arguments> databases() {
        return Stream.of(Arguments.of("SQLite", (Supplier<HikariDataSource>) MigratedDatabases::sqlite),
                Arguments.of("PostgreSQL", (Supplier<HikariDataSource>) MigratedDatabases::postgres));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aCursorSealedByOneNodeOpensOnAnotherAndShowsNoSessionId(String name, Supplier<HikariDataSource> database) {
        try (HikariDataSource dataSource = database.get()) {
            JdbcClient jdbc = JdbcClient.create(dataSource);
            SealedCursors one = new SealedCursors(new JdbcSharedKeys(jdbc, CLOCK));
            SealedCursors other = new SealedCursors(new JdbcSharedKeys(jdbc, CLOCK));
            String cursor = new SessionStore.PageCursor(CLOCK.instant(), SESSION).encodeSignedIn();

            String sealed = one.seal(cursor, OWNER);
            assertThat(other.open(sealed, OWNER)).isEqualTo(cursor);
            assertThat(one.seal(cursor, OWNER)).as("a fresh nonce each time").isNotEqualTo(sealed);
            assertThat(sealed).as("short enough for a URL").hasSizeLessThan(Cursors.MAX_LENGTH);
            String decoded = new String(Base64.getUrlDecoder().decode(sealed), StandardCharsets.ISO_8859_1);
            assertThat(decoded).doesNotContain(SESSION).doesNotContain(SESSION.substring(4)).doesNotContain("signed-in");
            assertThat(jdbc.sql("SELECT COUNT(*) FROM shared_keys").query(Integer.class).single()).as("one key, made once").isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aCursorChangedOrSealedForAnotherListOrByAnotherServerIsRefused(String name, Supplier<HikariDataSource> database) {
        try (HikariDataSource dataSource = database.get(); HikariDataSource elsewhere = database.get()) {
            SealedCursors cursors = new SealedCursors(new JdbcSharedKeys(JdbcClient.create(dataSource), CLOCK));
            SealedCursors anotherServer = new SealedCursors(new JdbcSharedKeys(JdbcClient.create(elsewhere), CLOCK));
            String cursor = new SessionStore.PageCursor(CLOCK.instant(), SESSION).encode();
            String sealed = cursors.seal(cursor, OWNER);

            for (int at = 0; at < sealed.length(); at += 7) {
                String changed = sealed.substring(0, at) + (sealed.charAt(at) == 'A' ? 'B' : 'A') + sealed.substring(at + 1);
                assertThatThrownBy(() -> cursors.open(changed, OWNER)).as(changed).isInstanceOf(SessionProblem.InvalidCursor.class);
            }
            assertThatThrownBy(() -> cursors.open(sealed, new AccountId("acc_other"))).isInstanceOf(SessionProblem.InvalidCursor.class);
            assertThatThrownBy(() -> anotherServer.open(sealed, OWNER)).isInstanceOf(SessionProblem.InvalidCursor.class);
            assertThatThrownBy(() -> cursors.open(cursor, OWNER)).as("not sealed").isInstanceOf(SessionProblem.InvalidCursor.class);
            for (String bad : new String[] {"!!!", "abc", "A".repeat(600), sealed.substring(0, 20), sealed + "="}) {
                assertThatThrownBy(() -> cursors.open(bad, OWNER)).as(bad).isInstanceOf(SessionProblem.InvalidCursor.class);
            }
        }
    }
}
