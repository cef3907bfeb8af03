package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.simple.JdbcClient;

/** What every {@link SigningKeyStore} must do; run against each database by a subclass. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SigningKeyStoreContract {
    private final Instant now = Instant.parse("2026-01-10T09:15:00Z");
    private HikariDataSource dataSource;
    private SigningKeyStore store;

    abstract HikariDataSource migratedDatabase();

    @BeforeAll
    void open() {
        dataSource = migratedDatabase();
        store = new JdbcSigningKeyStore(JdbcClient.create(dataSource));
    }

    @AfterAll
    void close() {
        dataSource.close();
    }

    @BeforeEach
    void empty() {
        JdbcClient.create(dataSource).sql("DELETE FROM oauth_signing_keys").update();
    }

    @Test
    void addingAKeyTwiceKeepsTheFirst() {
        assertThat(store.add(new SigningKeyStore.StoredKey("k1", "{\"a\":1}", now, Optional.empty()))).isTrue();
        assertThat(store.add(new SigningKeyStore.StoredKey("k1", "{\"a\":2}", now, Optional.empty()))).isFalse();
        assertThat(store.published(now)).extracting(SigningKeyStore.StoredKey::jwk).containsExactly("{\"a\":1}");
    }

    @Test
    void aKeyIsRetiredByOneCallOnly() {
        store.add(new SigningKeyStore.StoredKey("once", "{}", now, Optional.empty()));
        assertThat(store.retire("once", now.plusSeconds(5))).isEqualTo(1);
        assertThat(store.retire("once", now.plusSeconds(6))).as("a second node's rotation finds it done").isZero();
        assertThat(store.published(now)).filteredOn(k -> k.kid().equals("once")).singleElement()
                .satisfies(k -> assertThat(k.retiredAt()).contains(now.plusSeconds(5)));
    }

    @Test
    void retiredKeysStayPublishedUntilTheirTimeThenDisappear() {
        store.add(new SigningKeyStore.StoredKey("old", "{}", now, Optional.empty()));
        store.add(new SigningKeyStore.StoredKey("new", "{}", now.plusSeconds(60), Optional.empty()));
        assertThat(store.retireAllBut("new", now.plusSeconds(60))).isEqualTo(1);
        assertThat(store.retireAllBut("new", now.plusSeconds(70))).isZero();
        var published = store.published(now);
        assertThat(published).extracting(SigningKeyStore.StoredKey::kid).containsExactly("new", "old");
        assertThat(published.get(0).retiredAt()).isEmpty();
        assertThat(published.get(1).retiredAt()).contains(now.plusSeconds(60));
        assertThat(store.published(now.plusSeconds(61))).extracting(SigningKeyStore.StoredKey::kid).containsExactly("new");
    }
}
