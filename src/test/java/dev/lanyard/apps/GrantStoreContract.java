package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.simple.JdbcClient;

/** What every {@link GrantStore} must do; run against each database by a subclass. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GrantStoreContract {
    private final Instant now = Instant.parse("2026-01-10T09:15:00Z");
    private HikariDataSource dataSource;
    private GrantStore store;

    abstract HikariDataSource migratedDatabase();

    @BeforeAll
    void open() {
        dataSource = migratedDatabase();
        store = new JdbcGrantStore(JdbcClient.create(dataSource));
    }

    @AfterAll
    void close() {
        dataSource.close();
    }

    private StoredGrant grant(String id, Optional<String> code, Optional<String> access, Optional<String> refresh) {
        return new StoredGrant(id, "app_1", "acc_1", Optional.of("ses_" + id), Optional.of("key"), Optional.of("state_" + id),
                code, access, refresh, Optional.empty(), "{\"grantType\":\"authorization_code\"}", now, now);
    }

    @Test
    void savedGrantIsFoundByIdAndByEachHash() {
        StoredGrant grant = grant("g_find", Optional.of("code_find"), Optional.of("access_find"), Optional.of("refresh_find"));
        store.save(grant);
        assertThat(store.find("g_find")).contains(grant);
        assertThat(store.findByHash("code_find", Optional.of(GrantStore.Kind.CODE))).contains(grant);
        assertThat(store.findByHash("access_find", Optional.of(GrantStore.Kind.ACCESS))).contains(grant);
        assertThat(store.findByHash("refresh_find", Optional.of(GrantStore.Kind.REFRESH))).contains(grant);
        assertThat(store.findByHash("state_g_find", Optional.of(GrantStore.Kind.STATE))).contains(grant);
        assertThat(store.findByHash("refresh_find", Optional.empty())).contains(grant);
        assertThat(store.findByHash("refresh_find", Optional.of(GrantStore.Kind.ACCESS))).isEmpty();
    }

    @Test
    void savingAgainReplacesTheTokensAndKeepsTheCreationTime() {
        store.save(grant("g_rotate", Optional.of("code_rotate"), Optional.of("access_1"), Optional.of("refresh_1")));
        StoredGrant rotated = new StoredGrant("g_rotate", "app_1", "acc_1", Optional.of("ses_g_rotate"), Optional.of("key"),
                Optional.empty(), Optional.of("code_rotate"), Optional.of("access_2"), Optional.of("refresh_2"), Optional.of("id_2"),
                "{}", now.plusSeconds(60), now.plusSeconds(60));
        store.save(rotated);
        assertThat(store.findByHash("refresh_1", Optional.of(GrantStore.Kind.REFRESH))).isEmpty();
        StoredGrant found = store.findByHash("refresh_2", Optional.of(GrantStore.Kind.REFRESH)).orElseThrow();
        assertThat(found.accessHash()).contains("access_2");
        assertThat(found.idTokenHash()).contains("id_2");
        assertThat(found.stateHash()).isEmpty();
        assertThat(found.updatedAt()).isEqualTo(now.plusSeconds(60));
    }

    @Test
    void aRefreshTokenIsUsedOnlyOnce() {
        assertThat(store.useRefresh("used_once", "g_used", now)).isTrue();
        assertThat(store.useRefresh("used_once", "g_used", now)).isFalse();
        assertThat(store.usedRefresh("used_once")).contains("g_used");
        assertThat(store.usedRefresh("never_used")).isEmpty();
    }

    @Test
    void sessionsOfAMembersGrantsForAnApp() {
        store.save(grant("g_s1", Optional.empty(), Optional.empty(), Optional.empty()));
        store.save(grant("g_s2", Optional.empty(), Optional.empty(), Optional.empty()));
        assertThat(store.sessions("acc_1", "app_1")).contains("ses_g_s1", "ses_g_s2");
        assertThat(store.sessions("acc_2", "app_1")).isEmpty();
    }

    @Test
    void deleteIsIdempotent() {
        store.save(grant("g_delete", Optional.empty(), Optional.empty(), Optional.empty()));
        assertThat(store.delete("g_delete")).isEqualTo(1);
        assertThat(store.delete("g_delete")).isZero();
        assertThat(store.find("g_delete")).isEmpty();
    }
}
