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
}
