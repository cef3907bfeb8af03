package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * A session id behaves as the value it was made from, whether it is held packed (the form Lanyard
 * makes: "ses_" and 16 base64url characters) or as given (anything else).
 */
class SessionIdTest {
    @Test
    void idsLanyardMakesReadBackExactlyAndCompareAsTheirValue() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            SessionId id = SessionId.random();
            String value = id.value();
            assertThat(value).matches("ses_[A-Za-z0-9_-]{16}");
            SessionId again = new SessionId(value);
            assertThat(again.value()).isEqualTo(value);
            assertThat(again).isEqualTo(id).hasSameHashCodeAs(id);
            assertThat(again.hashCode()).isEqualTo(value.hashCode());
            assertThat(again.toString()).isEqualTo(value);
            assertThat(seen.add(value)).isTrue();
        }
    }

    @Test
    void everyCharacterInEveryPositionReadsBack() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int position = 0; position < 16; position++) {
            for (char c : alphabet.toCharArray()) {
                char[] digits = "AAAAAAAAAAAAAAAA".toCharArray();
                digits[position] = c;
                String value = "ses_" + new String(digits);
                assertThat(new SessionId(value).value()).isEqualTo(value);
            }
        }
        for (String value : List.of("ses_AAAAAAAAAAAAAAAA", "ses________________", "ses_----------------", "ses_zzzzzzzzzzzzzzzz")) {
            assertThat(new SessionId(value).value()).isEqualTo(value);
        }
    }

    @Test
    void idsThatDifferInOneCharacterAreDifferent() {
        SessionId a = new SessionId("ses_AAAAAAAAAAAAAAAA");
        for (int position = 0; position < 16; position++) {
            char[] digits = "AAAAAAAAAAAAAAAA".toCharArray();
            digits[position] = 'B';
            assertThat(new SessionId("ses_" + new String(digits))).isNotEqualTo(a);
        }
    }

    @Test
    void otherValuesAreKeptAsGiven() {
        for (String value : List.of("ses_test1_abc", "ses_AAAAAAAAAAAAAAA", "ses_AAAAAAAAAAAAAAAAA", "ses_AAAAAAAAAAAAAAA=",
                "ses_AAAAAAAAAAAAAAA\u00e9", "ses_AAAAAAAA AAAAAAA", "key_AAAAAAAAAAAAAAAA", "SES_AAAAAAAAAAAAAAAA", "", "ses_")) {
            SessionId id = new SessionId(value);
            assertThat(id.value()).isEqualTo(value);
            assertThat(id).isEqualTo(new SessionId(value)).hasSameHashCodeAs(value);
        }
        assertThat(new SessionId("key_AAAAAAAAAAAAAAAA")).isNotEqualTo(new SessionId("ses_AAAAAAAAAAAAAAAA"));
        assertThat(new SessionId("Aa")).as("same hash code, different value").isNotEqualTo(new SessionId("BB"));
        assertThatThrownBy(() -> new SessionId(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void shortFormShowsTheFirstTenCharacters() {
        assertThat(new SessionId("ses_3fA9xYz0QwErTy12").shortForm()).isEqualTo("ses_3fA9xY…");
        assertThat(new SessionId("ses_short").shortForm()).isEqualTo("ses_short");
    }
}
