package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Set;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.simple.JdbcClient;

/** What every {@link ConsentStore} must do; run against each database by a subclass. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConsentStoreContract {
    private final Instant now = Instant.parse("2026-01-10T09:15:00Z");
    private HikariDataSource dataSource;
    private ConsentStore store;

    abstract HikariDataSource migratedDatabase();

    @BeforeAll
    void open() {
        dataSource = migratedDatabase();
        store = new JdbcConsentStore(JdbcClient.create(dataSource));
    }

    @AfterAll
    void close() {
        dataSource.close();
    }

    @Test
    void savingAgainReplacesTheScopesAndTime() {
        store.save(new Consent("app_a", "acc_replace", Set.of("openid"), now));
        store.save(new Consent("app_a", "acc_replace", Set.of("openid", "email"), now.plusSeconds(10)));
        assertThat(store.find("app_a", "acc_replace")).contains(new Consent("app_a", "acc_replace", Set.of("openid", "email"), now.plusSeconds(10)));
    }

    @Test
    void consentsByMemberAndByAppMostRecentFirst() {
        store.save(new Consent("app_m1", "acc_list", Set.of("openid"), now));
        store.save(new Consent("app_m2", "acc_list", Set.of("openid"), now.plusSeconds(5)));
        store.save(new Consent("app_m1", "acc_other", Set.of("openid"), now.plusSeconds(9)));
        assertThat(store.byMember("acc_list")).extracting(Consent::clientId).containsExactly("app_m2", "app_m1");
        assertThat(store.byClient("app_m1", 10)).extracting(Consent::accountId).containsExactly("acc_other", "acc_list");
        assertThat(store.byClient("app_m1", 1)).hasSize(1);
    }

    @Test
    void deleteIsIdempotentAndTouchesOnlyThatMember() {
        store.save(new Consent("app_d", "acc_d1", Set.of("openid"), now));
        store.save(new Consent("app_d", "acc_d2", Set.of("openid"), now));
        assertThat(store.delete("app_d", "acc_d1")).isEqualTo(1);
        assertThat(store.delete("app_d", "acc_d1")).isZero();
        assertThat(store.find("app_d", "acc_d1")).isEmpty();
        assertThat(store.find("app_d", "acc_d2")).isPresent();
    }
}
