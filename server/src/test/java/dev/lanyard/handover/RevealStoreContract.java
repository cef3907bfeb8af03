package dev.lanyard.handover;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.simple.JdbcClient;

/** What every {@link RevealStore} must do; run against each database by a subclass. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RevealStoreContract {
    private static final Instant T0 = Instant.parse("2026-01-10T09:15:00.250Z");

    private HikariDataSource dataSource;
    private JdbcClient jdbc;
    private RevealStore store;

    abstract HikariDataSource migratedDatabase();

    @BeforeAll
    void openStore() {
        dataSource = migratedDatabase();
        jdbc = JdbcClient.create(dataSource);
        store = new JdbcRevealStore(jdbc);
    }

    @AfterAll
    void closeDatabase() {
        dataSource.close();
    }

    private static String id(String prefix) {
        return prefix + UUID.randomUUID().toString().substring(0, 8);
    }

    private int rows(String id) {
        return jdbc.sql("SELECT COUNT(*) FROM secret_reveals WHERE reveal_id = :id").param("id", id).query(Integer.class).single();
    }

    @Test
    void aRevealIsTakenOnceAndOnlyByTheSessionThatMadeIt() {
        String reveal = id("rc_reveal");
        String browser = id("ses_browser");
        store.insert(new RevealStore.Reveal(reveal, browser, "sealed", T0.plus(Duration.ofMinutes(5))), T0);

        assertThat(store.take(reveal, "ses_someoneelse", T0)).as("another session").isEmpty();
        assertThat(store.take(reveal, browser, T0)).map(RevealStore.Reveal::sealed).contains("sealed");
        assertThat(store.take(reveal, browser, T0)).as("taken already").isEmpty();
    }

    @Test
    void anExpiredRevealIsNotTakenAndTheNextInsertDeletesIt() {
        String reveal = id("ses_expired");
        String browser = id("ses_browser");
        Instant expires = T0.plus(Duration.ofMinutes(5));
        store.insert(new RevealStore.Reveal(reveal, browser, "sealed", expires), T0);
        String later = id("rc_later");
        store.insert(new RevealStore.Reveal(later, browser, "sealed", expires.plus(Duration.ofMinutes(5))), expires);

        assertThat(rows(reveal)).as("swept when the next reveal is kept").isZero();
        assertThat(store.take(later, browser, expires.plus(Duration.ofMinutes(5)))).as("expired when taken").isEmpty();
    }

    @Test
    void theSweepDeletesExpiredRevealsAndKeepsTheOthers() {
        String old = id("ses_old");
        String fresh = id("rc_fresh");
        String browser = id("ses_browser");
        store.insert(new RevealStore.Reveal(old, browser, "sealed", T0.plus(Duration.ofMinutes(5))), T0);
        store.insert(new RevealStore.Reveal(fresh, browser, "sealed", T0.plus(Duration.ofMinutes(9))), T0.plus(Duration.ofMinutes(4)));

        store.deleteExpired(T0.plus(Duration.ofMinutes(6)));

        assertThat(rows(old)).isZero();
        assertThat(store.take(fresh, browser, T0.plus(Duration.ofMinutes(6)))).isPresent();
    }
}
