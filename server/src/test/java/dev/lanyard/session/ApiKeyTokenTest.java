package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ApiKeyTokenTest {

    @Test
    void generatedKeysHaveThePrefixBase62BodyAndAValidChecksum() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String key = ApiKeyToken.generate();
            assertThat(key).startsWith("lyk_").hasSize(53).matches("lyk_[0-9A-Za-z]{49}");
            assertThat(ApiKeyToken.wellFormed(key)).isTrue();
            assertThat(seen.add(key)).isTrue();
        }
    }

    @Test
    void anyChangedCharacterBreaksTheChecksum() {
        String key = ApiKeyToken.generate();
        for (int i = 4; i < key.length(); i++) {
            char c = key.charAt(i);
            String changed = key.substring(0, i) + (c == 'x' ? 'y' : 'x') + key.substring(i + 1);
            assertThat(ApiKeyToken.wellFormed(changed)).as("position " + i).isFalse();
        }
    }

    @Test
    void malformedValuesAreNotKeys() {
        String key = ApiKeyToken.generate();
        assertThat(ApiKeyToken.wellFormed(null)).isFalse();
        assertThat(ApiKeyToken.wellFormed("")).isFalse();
        assertThat(ApiKeyToken.wellFormed("lyx_" + key.substring(4))).isFalse();
        assertThat(ApiKeyToken.wellFormed(key + "0")).isFalse();
        assertThat(ApiKeyToken.wellFormed(key.substring(0, 52))).isFalse();
        assertThat(ApiKeyToken.wellFormed(key.substring(0, 20) + "-" + key.substring(21))).isFalse();
        assertThat(ApiKeyToken.wellFormed(SessionToken.generate())).as("a session token is not a key").isFalse();
    }

    @Test
    void listsShowOnlyThePrefixAndEightCharacters() {
        String key = ApiKeyToken.generate();
        assertThat(ApiKeyToken.shown(key)).hasSize(12).isEqualTo(key.substring(0, 12));
    }
}
