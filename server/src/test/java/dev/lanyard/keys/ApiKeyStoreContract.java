package dev.lanyard.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.session.SessionId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.simple.JdbcClient;

/** What every {@link ApiKeyStore} must do; run against each database by a subclass. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ApiKeyStoreContract {
    private static final Instant T0 = Instant.parse("2026-01-10T09:15:00.250Z");

    private HikariDataSource dataSource;
    private JdbcClient jdbc;
    private ApiKeyStore store;

    abstract HikariDataSource migratedDatabase();

    @BeforeAll
    void openStore() {
        dataSource = migratedDatabase();
        jdbc = JdbcClient.create(dataSource);
        store = new JdbcApiKeyStore(jdbc);
    }

    @AfterAll
    void closeDatabase() {
        dataSource.close();
    }

    /** A key and the session row it is (only the columns the store reads). */
    private ApiKey stored(AccountId owner, Instant created, Optional<Instant> expires, KeyScope... scopes) {
        SessionId id = new SessionId("ses_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 16));
        jdbc.sql("""
                INSERT INTO sessions (id, token_hash, account_id, app_type, remember_me, device_type, ip, created_at,
                    last_active_at, idle_timeout_ms, expires_at, api_key)
                VALUES (:id, :hash, :owner, 'API', :no, 'UNKNOWN', '', :at, :at, 0, :expires, :yes)
                """).param("id", id.value()).param("hash", "h" + id.value()).param("owner", owner.value()).param("no", false)
                .param("yes", true).param("at", created.toEpochMilli())
                .param("expires", expires.orElse(Instant.parse("9999-12-31T23:59:59Z")).toEpochMilli()).update();
        ApiKey key = new ApiKey(id, owner, "key " + id.value(), "lyk_abcdefgh", Set.of(scopes), created, expires);
        store.insert(key);
        return key;
    }

    @Test
    void aStoredKeyReadsBackAsItWasWritten() {
        AccountId alice = TestAccounts.insertInto(dataSource, T0).id();
        ApiKey key = stored(alice, T0, Optional.of(T0.plus(Duration.ofDays(30))), KeyScope.SESSIONS_READ, KeyScope.ADMIN);
        ApiKey never = stored(alice, T0, Optional.empty(), KeyScope.SESSIONS_WRITE);
        assertThat(store.find(key.id())).contains(key);
        assertThat(store.find(never.id())).contains(never);
        assertThat(store.find(new SessionId("ses_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 16)))).isEmpty();
    }

    @Test
    void activeListsOnlyTheOwnersKeysWhoseSessionIsActiveNewestFirstInPages() {
        AccountId alice = TestAccounts.insertInto(dataSource, T0).id();
        AccountId bob = TestAccounts.insertInto(dataSource, T0).id();
        ApiKey first = stored(alice, T0, Optional.empty(), KeyScope.SESSIONS_READ);
        ApiKey second = stored(alice, T0.plusSeconds(60), Optional.empty(), KeyScope.SESSIONS_READ);
        ApiKey third = stored(alice, T0.plusSeconds(120), Optional.empty(), KeyScope.SESSIONS_READ);
        ApiKey revoked = stored(alice, T0.plusSeconds(180), Optional.empty(), KeyScope.SESSIONS_READ);
        stored(bob, T0, Optional.empty(), KeyScope.SESSIONS_READ);
        jdbc.sql("UPDATE sessions SET ended_at = :at, end_reason = 'REVOKED' WHERE id = :id")
                .param("at", T0.plusSeconds(200).toEpochMilli()).param("id", revoked.id().value()).update();

        assertThat(store.active(alice, 2, Optional.empty())).containsExactly(third, second);
        assertThat(store.active(alice, 2, Optional.of(new ApiKeyStore.Cursor(second.createdAt(), second.id().value()))))
                .containsExactly(first);
        assertThat(store.find(revoked.id())).as("still found for its details").isPresent();
    }

    @Test
    void aRevealIsTakenOnceAndOnlyByTheSessionThatCreatedIt() {
        SessionId key = new SessionId("ses_reveal" + java.util.UUID.randomUUID().toString().substring(0, 8));
        SessionId browser = new SessionId("ses_browser" + java.util.UUID.randomUUID().toString().substring(0, 8));
        store.insertReveal(new ApiKeyStore.Reveal(key, browser, "sealed", T0.plus(Duration.ofMinutes(5))), T0);

        assertThat(store.takeReveal(key, new SessionId("ses_someoneelse"), T0)).as("another session").isEmpty();
        assertThat(store.takeReveal(key, browser, T0)).map(ApiKeyStore.Reveal::sealed).contains("sealed");
        assertThat(store.takeReveal(key, browser, T0)).as("taken already").isEmpty();
    }

    @Test
    void anExpiredRevealIsNotTakenAndTheNextInsertDeletesIt() {
        SessionId key = new SessionId("ses_expired" + java.util.UUID.randomUUID().toString().substring(0, 8));
        SessionId browser = new SessionId("ses_browser" + java.util.UUID.randomUUID().toString().substring(0, 8));
        Instant expires = T0.plus(Duration.ofMinutes(5));
        store.insertReveal(new ApiKeyStore.Reveal(key, browser, "sealed", expires), T0);
        SessionId later = new SessionId("ses_later" + java.util.UUID.randomUUID().toString().substring(0, 8));
        store.insertReveal(new ApiKeyStore.Reveal(later, browser, "sealed", expires.plus(Duration.ofMinutes(5))), expires);

        assertThat(jdbc.sql("SELECT COUNT(*) FROM api_key_reveals WHERE key_id = :k").param("k", key.value()).query(Integer.class).single())
                .as("swept when the next reveal is kept").isZero();
        assertThat(store.takeReveal(later, browser, expires.plus(Duration.ofMinutes(5)))).as("expired when taken").isEmpty();
    }

    @Test
    void theSweepDeletesExpiredRevealsAndKeepsTheOthers() {
        SessionId old = new SessionId("ses_old" + java.util.UUID.randomUUID().toString().substring(0, 8));
        SessionId fresh = new SessionId("ses_fresh" + java.util.UUID.randomUUID().toString().substring(0, 8));
        SessionId browser = new SessionId("ses_browser" + java.util.UUID.randomUUID().toString().substring(0, 8));
        store.insertReveal(new ApiKeyStore.Reveal(old, browser, "sealed", T0.plus(Duration.ofMinutes(5))), T0);
        store.insertReveal(new ApiKeyStore.Reveal(fresh, browser, "sealed", T0.plus(Duration.ofMinutes(9))), T0.plus(Duration.ofMinutes(4)));

        store.deleteExpiredReveals(T0.plus(Duration.ofMinutes(6)));

        assertThat(jdbc.sql("SELECT COUNT(*) FROM api_key_reveals WHERE key_id = :k").param("k", old.value()).query(Integer.class).single()).isZero();
        assertThat(store.takeReveal(fresh, browser, T0.plus(Duration.ofMinutes(6)))).isPresent();
    }
}
