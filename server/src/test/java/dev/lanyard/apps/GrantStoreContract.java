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
    void aGrantIsFoundByItsEarlierIdTokensTheLastOnesKept() {
        StoredGrant grant = grant("g_ids", Optional.empty(), Optional.of("access_ids"), Optional.empty());
        store.save(grant);
        for (int i = 1; i <= 4; i++) store.keepEarlierIdToken("g_ids", "id_earlier_" + i, now.plusSeconds(i), 3);
        store.keepEarlierIdToken("g_ids", "id_earlier_4", now.plusSeconds(9), 3);

        assertThat(store.findByHash("id_earlier_4", Optional.of(GrantStore.Kind.ID_TOKEN))).contains(grant);
        assertThat(store.findByHash("id_earlier_2", Optional.of(GrantStore.Kind.ID_TOKEN))).contains(grant);
        assertThat(store.findByHash("id_earlier_1", Optional.of(GrantStore.Kind.ID_TOKEN))).as("past the last 3").isEmpty();
        assertThat(store.findByHash("id_earlier_2", Optional.of(GrantStore.Kind.ACCESS))).as("an ID token only").isEmpty();

        assertThat(store.delete("g_ids")).isEqualTo(1);
        store.save(grant);
        assertThat(store.findByHash("id_earlier_4", Optional.of(GrantStore.Kind.ID_TOKEN))).as("deleted with the grant").isEmpty();
        store.delete("g_ids");
    }

    @Test
    void aRefreshTokenIsUsedOnlyOnce() {
        assertThat(store.useUp("used_once", "g_used", now)).isTrue();
        assertThat(store.useUp("used_once", "g_used", now)).isFalse();
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
    void deleteOwnDeletesAnAppsClientCredentialsGrantsOnly() {
        StoredGrant own = new StoredGrant("g_own", "app_own", "lc_own", Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of("access_own"), Optional.empty(), Optional.empty(), "{\"grantType\":\"client_credentials\"}", now, now);
        StoredGrant otherApp = new StoredGrant("g_own_other", "app_other", "lc_other", Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of("access_own_other"), Optional.empty(), Optional.empty(), "{}", now, now);
        StoredGrant members = new StoredGrant("g_own_member", "app_own", "acc_1", Optional.of("ses_own"), Optional.of("key"),
                Optional.empty(), Optional.empty(), Optional.of("access_own_member"), Optional.empty(), Optional.empty(), "{}", now, now);
        StoredGrant pending = new StoredGrant("g_own_pending", "app_own", "acc_1", Optional.empty(), Optional.empty(),
                Optional.of("state_own"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), "{}", now, now);
        for (StoredGrant g : new StoredGrant[] {own, otherApp, members, pending}) store.save(g);

        assertThat(store.deleteOwn("app_own", "lc_own")).containsExactly("access_own");
        assertThat(store.find("g_own")).isEmpty();
        assertThat(store.find("g_own_other")).contains(otherApp);
        assertThat(store.find("g_own_member")).contains(members);
        assertThat(store.find("g_own_pending")).contains(pending);
        assertThat(store.deleteOwn("app_own", "lc_own")).isEmpty();
    }

    @Test
    void deleteIsIdempotent() {
        store.save(grant("g_delete", Optional.empty(), Optional.empty(), Optional.empty()));
        assertThat(store.delete("g_delete")).isEqualTo(1);
        assertThat(store.delete("g_delete")).isZero();
        assertThat(store.find("g_delete")).isEmpty();
    }

    @Test
    void purgeDeletesGrantsWhoseSessionEndedOrIsGoneAndUnfinishedOnesWithTheirUsedRefreshTokens() {
        JdbcClient jdbc = JdbcClient.create(dataSource);
        jdbc.sql("INSERT INTO teams (id, name, created_at) VALUES ('team_purge', 'Purge', 0)").update();
        jdbc.sql("""
                INSERT INTO accounts (id, team_id, email, name, password_hash, role, created_at)
                VALUES ('acc_purge', 'team_purge', 'purge@example.com', 'Purge', '{noop}x', 'MEMBER', 0)""").update();
        // A year before the other tests' grants, so that this purge leaves theirs alone.
        Instant then = now.minus(java.time.Duration.ofDays(365));
        Instant cutoff = then.plusSeconds(3600);
        session(jdbc, "ses_live", null);
        session(jdbc, "ses_ended_long_ago", then.toEpochMilli());
        session(jdbc, "ses_ended_just_now", cutoff.plusSeconds(1).toEpochMilli());
        store.save(withSession("p_live", "ses_live", then));
        store.save(withSession("p_ended", "ses_ended_long_ago", then));
        store.save(withSession("p_recent", "ses_ended_just_now", then));
        store.save(withSession("p_gone", "ses_purged_with_the_history", then));
        store.save(new StoredGrant("p_unfinished", "app_1", "acc_purge", Optional.empty(), Optional.empty(),
                Optional.of("state_unfinished"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), "{}", then, then));
        store.useUp("refresh_of_ended", "p_ended", then);
        store.useUp("refresh_of_live", "p_live", then);
        store.keepEarlierIdToken("p_ended", "id_of_ended", then, 20);
        store.keepEarlierIdToken("p_live", "id_of_live", then, 20);

        int purged = store.purge(cutoff, then.plusSeconds(1), 2) + store.purge(cutoff, then.plusSeconds(1), 2);

        assertThat(purged).isEqualTo(3);
        assertThat(store.find("p_ended")).isEmpty();
        assertThat(store.find("p_gone")).isEmpty();
        assertThat(store.find("p_unfinished")).isEmpty();
        assertThat(store.find("p_live")).isPresent();
        assertThat(store.find("p_recent")).as("ended after the cutoff: kept a while").isPresent();
        assertThat(store.usedRefresh("refresh_of_ended")).isEmpty();
        assertThat(store.usedRefresh("refresh_of_live")).contains("p_live");
        assertThat(JdbcClient.create(dataSource).sql("SELECT token_hash FROM oauth_earlier_id_tokens WHERE token_hash LIKE 'id_of_%'")
                .query(String.class).list()).as("earlier ID tokens go with their grant").containsExactly("id_of_live");
        assertThat(store.purge(cutoff, then.plusSeconds(1), 2)).as("nothing left to purge").isZero();
    }

    @Test
    void unredeemedFindsLiveGrantsWhoseCodeWasNeverExchangedBeforeTheCutoff() {
        JdbcClient jdbc = JdbcClient.create(dataSource);
        jdbc.sql("INSERT INTO teams (id, name, created_at) VALUES ('team_unr', 'Unredeemed', 0)").update();
        jdbc.sql("""
                INSERT INTO accounts (id, team_id, email, name, password_hash, role, created_at)
                VALUES ('acc_unr', 'team_unr', 'unr@example.com', 'Unredeemed', '{noop}x', 'MEMBER', 0)""").update();
        Instant issued = now.minusSeconds(600);
        for (String id : java.util.List.of("u_old", "u_young", "u_exchanged", "u_ended")) {
            session(jdbc, "ses_" + id, "acc_unr", id.equals("u_ended") ? issued.toEpochMilli() : null);
        }
        store.save(unredeemed("u_old", Optional.empty(), issued));
        store.save(unredeemed("u_young", Optional.empty(), now));
        store.save(unredeemed("u_exchanged", Optional.of("access_u"), issued));
        store.save(unredeemed("u_ended", Optional.empty(), issued));

        assertThat(store.unredeemed(now.minusSeconds(60), 100)).filteredOn(g -> g.accountId().equals("acc_unr"))
                .containsExactly(new GrantStore.SessionOf("ses_u_old", "acc_unr"));
        assertThat(store.find("u_old")).as("changes nothing").isPresent();
    }

    private static StoredGrant unredeemed(String id, Optional<String> access, Instant at) {
        return new StoredGrant(id, "app_1", "acc_unr", Optional.of("ses_" + id), Optional.of("key"), Optional.empty(),
                Optional.of("code_" + id), access, Optional.empty(), Optional.empty(), "{}", at, at);
    }

    private static StoredGrant withSession(String id, String session, Instant at) {
        return new StoredGrant(id, "app_1", "acc_purge", Optional.of(session), Optional.of("key"), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), "{}", at, at);
    }

    private static void session(JdbcClient jdbc, String id, Long endedAt) {
        session(jdbc, id, "acc_purge", endedAt);
    }

    private static void session(JdbcClient jdbc, String id, String account, Long endedAt) {
        jdbc.sql("""
                INSERT INTO sessions (id, token_hash, account_id, app_type, remember_me, device_type, user_agent, browser,
                    browser_version, os, os_version, ip, city, country, country_code, created_at, last_active_at,
                    idle_timeout_ms, expires_at, ended_at, end_reason)
                VALUES (:id, :hash, :account, 'OAUTH', :no, 'DESKTOP', '', '', '', '', '', '127.0.0.1', '', '', '', 0, 0, 0,
                    4102444800000, :ended, :reason)""")
                .param("id", id).param("hash", "hash_" + id).param("account", account).param("no", false)
                .param("ended", endedAt, java.sql.Types.BIGINT).param("reason", endedAt == null ? null : "REVOKED", java.sql.Types.VARCHAR)
                .update();
    }
}
