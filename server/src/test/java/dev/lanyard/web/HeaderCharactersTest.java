package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/** {@link HeaderCharacters} decides exactly as Spring Security's own header predicates. */
class HeaderCharactersTest {
    private static final Predicate<String> SPRING_NAMES = StrictHttpFirewall.ALLOWED_HEADER_NAMES;
    private static final Predicate<String> SPRING_VALUES = StrictHttpFirewall.ALLOWED_HEADER_VALUES;

    private static void agrees(String text) {
        assertThat(HeaderCharacters.allowedName(text)).as("name %s", codes(text)).isEqualTo(SPRING_NAMES.test(text));
        assertThat(HeaderCharacters.allowedValue(text)).as("value %s", codes(text)).isEqualTo(SPRING_VALUES.test(text));
    }

    private static String codes(String text) {
        return text.codePoints().mapToObj(Integer::toHexString).toList().toString();
    }

    @Test
    void everyCodePointAloneAndBetweenLetters() {
        int refused = 0;
        for (int point = 0; point <= Character.MAX_CODE_POINT; point++) {
            String one = new String(Character.toChars(point));
            agrees(one);
            agrees("a" + one + "b");
            if (!HeaderCharacters.allowedValue(one)) refused++;
        }
        assertThat(refused).as("some are refused (controls, unassigned)").isGreaterThan(60);
    }

    @Test
    void surrogatesPairedAndAloneTabsAndTheEmptyString() {
        for (String text : List.of("", "\t", "a\tb", "\uD83D\uDE00", "\uD800", "\uDC00", "a\uD800b", "\uDC00\uD800", "\uD800\uD800\uDC00",
                "Bearer abc", "\u0085", "\u007f", "\u00a0", "x\r\ny", "caf\u00e9", "\uFFFF", "\uFFFD")) {
            agrees(text);
        }
    }

    @Test
    void randomStringsOfEveryKindOfCharacter() {
        Random random = new Random(13);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(12); i > 0; i--) {
                switch (random.nextInt(4)) {
                    case 0 -> text.append((char) (0x20 + random.nextInt(0x5f)));
                    case 1 -> text.append((char) random.nextInt(0x100));
                    case 2 -> text.append((char) random.nextInt(0x10000));
                    default -> text.appendCodePoint(random.nextInt(Character.MAX_CODE_POINT + 1));
                }
            }
            agrees(text.toString());
        }
    }
}
