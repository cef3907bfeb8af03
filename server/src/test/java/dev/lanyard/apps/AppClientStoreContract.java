package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.account.Account;
import dev.lanyard.account.TeamId;
import dev.lanyard.account.TestAccounts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.simple.JdbcClient;

/** What every {@link AppClientStore} must do; run against each database by a subclass. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AppClientStoreContract {
    private final Instant now = Instant.parse("2026-01-10T09:15:00Z");
    private HikariDataSource dataSource;
    private AppClientStore store;
    private Account admin;

    abstract HikariDataSource migratedDatabase();

    @BeforeAll
    void open() {
        dataSource = migratedDatabase();
        store = new JdbcAppClientStore(JdbcClient.create(dataSource));
        admin = TestAccounts.insertInto(dataSource, now);
    }

    @AfterAll
    void close() {
        dataSource.close();
    }

    private AppClient app(String id, String name, boolean confidential) {
        return new AppClient(id, admin.team(), "lc_" + id, name, "About " + name, "", List.of("https://a.example/cb", "https://b.example/cb"),
                confidential, Set.of("openid", "email"), Optional.of("https://a.example/logout"), now, now);
    }

    @Test
    void insertedAppIsFoundByIdAndClientIdWithEveryField() {
        AppClient app = app("app_found", "Wiki", true);
        store.insert(app, Optional.of("{sha256}abc"));
        assertThat(store.find("app_found")).contains(app);
        assertThat(store.findByClientId("lc_app_found")).contains(app);
        assertThat(store.secretHash("app_found")).contains("{sha256}abc");
    }

    @Test
    void publicAppHasNoSecret() {
        store.insert(app("app_public", "Mobile", false), Optional.empty());
        assertThat(store.secretHash("app_public")).isEmpty();
        assertThat(store.find("app_public").orElseThrow().backchannelLogoutUri()).contains("https://a.example/logout");
    }

    @Test
    void updateChangesFieldsButNeverAnotherTeamsApp() {
        store.insert(app("app_update", "Old", false), Optional.empty());
        AppClient changed = new AppClient("app_update", admin.team(), "lc_app_update", "New", "", "https://a.example/logo.png",
                List.of("https://c.example/cb"), false, Set.of("openid"), Optional.empty(), now, now.plusSeconds(5));
        assertThat(store.update(changed)).isEqualTo(1);
        assertThat(store.find("app_update")).contains(changed);
        AppClient foreign = new AppClient("app_update", new TeamId("team_other"), "lc_app_update", "Stolen", "", "",
                List.of("https://evil.example/cb"), false, Set.of("openid"), Optional.empty(), now, now);
        assertThat(store.update(foreign)).isZero();
        assertThat(store.find("app_update").orElseThrow().name()).isEqualTo("New");
    }

    @Test
    void deleteIsIdempotentAndScopedToTheTeam() {
        store.insert(app("app_delete", "Gone", false), Optional.empty());
        assertThat(store.delete("app_delete", new TeamId("team_other"))).isZero();
        assertThat(store.delete("app_delete", admin.team())).isEqualTo(1);
        assertThat(store.delete("app_delete", admin.team())).isZero();
        assertThat(store.find("app_delete")).isEmpty();
    }

    @Test
    void listGivesTheTeamsAppsByName() {
        Account other = TestAccounts.insertInto(dataSource, now);
        store.insert(app("app_list_b", "Zeta", false), Optional.empty());
        store.insert(app("app_list_a", "Alpha", false), Optional.empty());
        store.insert(new AppClient("app_list_c", other.team(), "lc_app_list_c", "Theirs", "", "", List.of("https://x.example/cb"),
                false, Set.of("openid"), Optional.empty(), now, now), Optional.empty());
        List<String> names = store.list(admin.team(), 100).stream().map(AppClient::name).toList();
        assertThat(names).contains("Alpha", "Zeta").doesNotContain("Theirs");
        assertThat(names.indexOf("Alpha")).isLessThan(names.indexOf("Zeta"));
        assertThat(store.list(admin.team(), 1)).hasSize(1);
    }
}
