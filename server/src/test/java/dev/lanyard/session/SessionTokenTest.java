package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** ASVS 5.0 V7.2.3: session tokens come from a CSPRNG with at least 128 bits of entropy. */
class SessionTokenTest {

    @Test
    void tokensAreThirtyTwoRandomBytesAndNeverRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String token = SessionToken.generate();
            assertThat(Base64.getUrlDecoder().decode(token)).hasSize(32);
            assertThat(seen.add(token)).isTrue();
        }
    }

    @Test
    void theStoredHashRevealsNothingOfTheToken() {
        String token = SessionToken.generate();
        assertThat(SessionToken.hash(token)).doesNotContain(token).isNotEqualTo(SessionToken.hash(SessionToken.generate()));
    }
}
