package dev.lanyard.passkeys;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A refused passkey's reason is logged as one line: the browser's client data may carry line breaks. */
class PasskeyRefusalLogTest {
    @Test
    void lineBreaksInWhatTheBrowserSentCannotStartALogLine() {
        String forged = "value has an invalid syntax:'https://x\n2026-05-01 12:00:00.000  WARN 1 --- [main] FORGED\r\u0085\u2028'";
        assertThat(Ceremonies.printable(forged)).doesNotContain("\n", "\r", "\u0085", "\u2028")
                .isEqualTo("value has an invalid syntax:'https://x?2026-05-01 12:00:00.000  WARN 1 --- [main] FORGED???'");
    }

    @Test
    void aLongReasonIsCutAndNoneIsEmpty() {
        assertThat(Ceremonies.printable("x".repeat(1000))).hasSize(301).endsWith("…");
        assertThat(Ceremonies.printable(null)).isEmpty();
    }
}
