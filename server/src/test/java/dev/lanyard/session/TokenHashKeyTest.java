package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenHashKeyTest {
    private static final String HASH = "0123456789abcdef".repeat(4);

    @Test
    void equalHashesAreEqualKeysAndAnyDifferingDigitMakesAnotherKey() {
        TokenHashKey key = TokenHashKey.of(HASH).orElseThrow();
        assertThat(key).isEqualTo(TokenHashKey.of(new String(HASH.toCharArray())).orElseThrow()).hasSameHashCodeAs(TokenHashKey.of(HASH).orElseThrow());
        for (int i = 0; i < 64; i++) {
            char[] changed = HASH.toCharArray();
            changed[i] = changed[i] == 'f' ? '0' : 'f';
            assertThat(TokenHashKey.of(new String(changed)).orElseThrow()).as("digit %d", i).isNotEqualTo(key);
        }
        assertThat(key).isNotEqualTo(null).isNotEqualTo(HASH);
        assertThat(TokenHashKey.of(HASH.toUpperCase())).isEmpty();
        assertThat(TokenHashKey.of(HASH.substring(1))).isEmpty();
    }
}
