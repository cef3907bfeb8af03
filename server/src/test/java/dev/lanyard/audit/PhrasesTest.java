package dev.lanyard.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.lanyard.session.SessionFlag;
import org.junit.jupiter.api.Test;

class PhrasesTest {

    @Test
    void aFlagReasonNamingARightToLeftBrowserIsIsolatedAndAnOrdinaryOneIsNot() {
        String sentence = Phrases.flagged("Chrome on macOS", List.of(
                new SessionFlag("new-device", SessionFlag.Level.HIGH, "First sign-in from \u05d3\u05e4\u05d3\u05e4\u05df"),
                new SessionFlag("new-place", SessionFlag.Level.MEDIUM, "First sign-in from Germany")));

        assertThat(sentence).isEqualTo("Flagged Chrome on macOS as suspicious (high concern): "
                + "\u2068First sign-in from \u05d3\u05e4\u05d3\u05e4\u05df\u2069; First sign-in from Germany");
    }

    @Test
    void aReasonOfSeveralLinesIsIsolatedOnEachLineThatTurns() {
        String hebrew = "\u05d4\u05de\u05d7\u05e9\u05d1 \u05e0\u05d2\u05e0\u05d1";
        String arabic = "\u0627\u0644\u062d\u0627\u0633\u0648\u0628 \u0645\u0633\u0631\u0648\u0642";

        assertThat(Phrases.reason(hebrew + "\nReported by Dana\n" + arabic))
                .isEqualTo("\u2068" + hebrew + "\u2069\nReported by Dana\n\u2068" + arabic + "\u2069");
        assertThat(Phrases.reason(arabic)).as("one line, as before").isEqualTo("\u2068" + arabic + "\u2069");
        assertThat(Phrases.reason("Lost laptop\nReported by Dana")).isEqualTo("Lost laptop\nReported by Dana");
    }
}
