package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.account.MigratedDatabases;
import dev.lanyard.testsupport.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Signing keys live in the database: generated once, shared, rotated without breaking tokens already out. */
class SigningKeysTest {
    private static final JWKSelector ALL = new JWKSelector(new JWKMatcher.Builder().build());

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-10T09:15:00Z"));
    private HikariDataSource dataSource;
    private SigningKeyStore store;

    @BeforeEach
    void open() {
        dataSource = MigratedDatabases.sqlite();
        store = new JdbcSigningKeyStore(JdbcClient.create(dataSource));
    }

    @AfterEach
    void close() {
        dataSource.close();
    }

    private static List<String> kids(List<JWK> keys) {
        return keys.stream().map(JWK::getKeyID).toList();
    }

    @Test
    void theFirstStartGeneratesOneKeyAndEveryLaterStartUsesIt() {
        SigningKeys first = new SigningKeys(store, clock);
        List<String> published = kids(first.get(ALL, null));
        assertThat(published).hasSize(1);
        SigningKeys restarted = new SigningKeys(store, clock);
        assertThat(kids(restarted.get(ALL, null))).isEqualTo(published);
        assertThat(restarted.currentKeyId()).isEqualTo(first.currentKeyId());
        assertThat(first.get(ALL, null).get(0).isPrivate()).as("the signing side holds the private key").isTrue();
    }

    @Test
    void aRotatedKeySignsWhileTheOldOneStaysPublishedUntilItsTokensHaveExpired() throws Exception {
        SigningKeys node = new SigningKeys(store, clock);
        String old = node.currentKeyId();
        String rotated = node.rotate();
        assertThat(node.currentKeyId()).isEqualTo(rotated);
        assertThat(kids(node.get(ALL, null))).containsExactlyInAnyOrder(rotated, old);
        assertThat(kids(node.signing().get(ALL, null))).containsExactly(rotated);

        SigningKeys other = new SigningKeys(store, clock);
        assertThat(other.currentKeyId()).as("another node signs with the new key too").isEqualTo(rotated);

        clock.advance(SigningKeys.RETIRED_PUBLISHED.plus(Duration.ofMinutes(1)));
        assertThat(kids(new SigningKeys(store, clock).get(ALL, null))).containsExactly(rotated);
        assertThat(SigningKeys.RETIRED_PUBLISHED).isGreaterThan(LanyardRegisteredClients.ACCESS_TOKEN_LIFETIME.plus(Duration.ofMinutes(30)));
    }

    @Test
    void theSigningKeyIsRotatedOnceWhenItsLifetimeIsOverWhateverTheNumberOfNodes() {
        SigningKeys a = new SigningKeys(store, clock, Duration.ofDays(90));
        SigningKeys b = new SigningKeys(store, clock, Duration.ofDays(90));
        String first = a.currentKeyId();
        assertThat(a.rotateIfDue()).as("not due yet").isEmpty();

        clock.advance(Duration.ofDays(90).plusMinutes(1));
        var rotated = a.rotateIfDue();
        assertThat(rotated).isPresent();
        assertThat(b.rotateIfDue()).as("the other node finds it done").isEmpty();
        assertThat(store.published(clock.instant()).stream().filter(k -> k.retiredAt().isEmpty()).map(SigningKeyStore.StoredKey::kid))
                .containsExactly(rotated.get());
        assertThat(a.currentKeyId()).isEqualTo(rotated.get());
        assertThat(kids(a.get(ALL, null))).as("the old key stays published for its tokens").contains(first, rotated.get());
        // A node that still signs with the old key (until it reloads) makes tokens the JWKS verifies.
        assertThat(store.retire(first, clock.instant())).as("an old key is retired once").isZero();
    }
}
