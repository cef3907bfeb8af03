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

    /**
     * A key past its expiry is no longer active, though the sweep has not ended its session yet (outside review: it was
     * listed as active until the sweep); one expiring later is.
     */
    @Test
    void activeLeavesOutAKeyPastItsExpiryThatTheSweepHasNotEnded() {
        AccountId alice = TestAccounts.insertInto(dataSource, T0).id();
        ApiKey expired = stored(alice, T0, Optional.of(T0.plusSeconds(30)), KeyScope.SESSIONS_READ);
        ApiKey later = stored(alice, T0.plusSeconds(1), Optional.of(T0.plusSeconds(90)), KeyScope.SESSIONS_READ);

        assertThat(store.active(alice, T0.plusSeconds(29), 10, Optional.empty())).containsExactly(later, expired);
        assertThat(store.active(alice, T0.plusSeconds(30), 10, Optional.empty())).as("at its expiry").containsExactly(later);
        assertThat(store.active(alice, T0.plusSeconds(90), 10, Optional.empty())).isEmpty();
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

        assertThat(store.active(alice, T0.plusSeconds(300), 2, Optional.empty())).containsExactly(third, second);
        assertThat(store.active(alice, T0.plusSeconds(300), 2, Optional.of(new ApiKeyStore.Cursor(second.createdAt(), second.id().value()))))
                .containsExactly(first);
        assertThat(store.find(revoked.id())).as("still found for its details").isPresent();
    }

    @Test
    void activeWithListsTheOwnersActiveKeysHoldingTheScopeAndRemovingTheAdminScopeChangesThem() {
        AccountId eve = TestAccounts.insertInto(dataSource, T0).id();
        AccountId bob = TestAccounts.insertInto(dataSource, T0).id();
        ApiKey admin = stored(eve, T0, Optional.empty(), KeyScope.SESSIONS_READ, KeyScope.ADMIN, KeyScope.SESSIONS_WRITE);
        ApiKey alone = stored(eve, T0.plusSeconds(60), Optional.empty(), KeyScope.ADMIN);
        stored(eve, T0.plusSeconds(120), Optional.empty(), KeyScope.SESSIONS_WRITE);
        ApiKey ended = stored(eve, T0.plusSeconds(180), Optional.empty(), KeyScope.ADMIN, KeyScope.SESSIONS_READ);
        stored(bob, T0, Optional.empty(), KeyScope.ADMIN, KeyScope.SESSIONS_READ);
        jdbc.sql("UPDATE sessions SET ended_at = :at, end_reason = 'REVOKED' WHERE id = :id")
                .param("at", T0.plusSeconds(200).toEpochMilli()).param("id", ended.id().value()).update();

        assertThat(store.activeWith(eve, KeyScope.ADMIN)).containsExactly(admin, alone);
        assertThat(store.activeWith(eve, KeyScope.SESSIONS_READ)).as("sessions:write is not sessions:read")
                .containsExactly(admin);

        assertThat(store.removeAdminScope(admin.id(), Set.of(KeyScope.SESSIONS_WRITE, KeyScope.SESSIONS_READ))).isEqualTo(1);
        assertThat(store.find(admin.id()).orElseThrow().scopes()).containsExactlyInAnyOrder(KeyScope.SESSIONS_READ, KeyScope.SESSIONS_WRITE);
        assertThat(jdbc.sql("SELECT scopes FROM api_keys WHERE session_id = :id").param("id", admin.id().value()).query(String.class).single())
                .as("stored as every key is").isEqualTo("sessions:read sessions:write");
        assertThat(store.activeWith(eve, KeyScope.ADMIN)).containsExactly(alone);
        assertThat(store.removeAdminScope(admin.id(), Set.of(KeyScope.SESSIONS_READ))).as("it no longer holds it: safe to repeat").isZero();
        assertThat(store.find(admin.id()).orElseThrow().scopes()).containsExactlyInAnyOrder(KeyScope.SESSIONS_READ, KeyScope.SESSIONS_WRITE);
    }

    /**
     * The regular check's query (decision 0018): active keys holding the admin scope whose owner is not an admin, which a
     * change of role made by an earlier build left with it, oldest first; not an admin's, not an ended one, not one without
     * the scope. Taking the scope leaves an admin's key alone, as an owner made admin again meanwhile.
     */
    @Test
    void adminScopeWithoutAdminFindsTheActiveAdminKeysOfMembersOnly() {
        AccountId eve = TestAccounts.insertInto(dataSource, T0).id();
        AccountId ada = TestAccounts.insertInto(dataSource, T0).id();
        jdbc.sql("UPDATE accounts SET role = 'ADMIN' WHERE id = :id").param("id", ada.value()).update();
        ApiKey kept = stored(eve, T0, Optional.empty(), KeyScope.SESSIONS_READ, KeyScope.ADMIN);
        ApiKey alone = stored(eve, T0.plusSeconds(60), Optional.empty(), KeyScope.ADMIN);
        ApiKey ended = stored(eve, T0.plusSeconds(120), Optional.empty(), KeyScope.ADMIN, KeyScope.SESSIONS_READ);
        jdbc.sql("UPDATE sessions SET ended_at = :at, end_reason = 'REVOKED' WHERE id = :id")
                .param("at", T0.plusSeconds(200).toEpochMilli()).param("id", ended.id().value()).update();
        stored(eve, T0.plusSeconds(180), Optional.empty(), KeyScope.SESSIONS_WRITE);
        ApiKey admins = stored(ada, T0, Optional.empty(), KeyScope.ADMIN, KeyScope.SESSIONS_READ);
        java.util.function.Supplier<java.util.List<ApiKey>> found = () -> store.adminScopeWithoutAdmin(1000).stream()
                .filter(k -> k.owner().equals(eve) || k.owner().equals(ada)).toList();

        assertThat(found.get()).containsExactly(kept, alone);
        assertThat(store.adminScopeWithoutAdmin(1)).hasSize(1);

        assertThat(store.removeAdminScope(admins.id(), Set.of(KeyScope.SESSIONS_READ))).as("an admin's key keeps it").isZero();
        assertThat(store.removeAdminScope(kept.id(), Set.of(KeyScope.SESSIONS_READ))).isEqualTo(1);
        assertThat(found.get()).containsExactly(alone);
        jdbc.sql("UPDATE accounts SET role = 'ADMIN' WHERE id = :id").param("id", eve.value()).update();
        assertThat(found.get()).as("its owner is an admin again").isEmpty();
    }
}
