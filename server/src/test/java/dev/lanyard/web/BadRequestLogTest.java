package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;

import dev.lanyard.testsupport.MutableClock;
import org.junit.jupiter.api.Test;

class BadRequestLogTest {
    private final MutableClock clock = new MutableClock();
    private final BadRequestLog log = new BadRequestLog(clock);

    @Test
    void atMostTenLinesAMinuteAndTheNextLineCountsTheRest() {
        for (int i = 0; i < BadRequestLog.PER_MINUTE; i++) {
            assertThat(log.line(400, "GET", "/login", "unparsable")).isPresent();
        }
        for (int i = 0; i < 500; i++) {
            assertThat(log.line(400, "GET", "/login", "unparsable")).isEmpty();
        }

        clock.advance(Duration.ofMinutes(1));

        assertThat(log.line(400, "GET", "/login", "unparsable")).hasValueSatisfying(line -> assertThat(line).endsWith("(500 more not logged)"));
        assertThat(log.line(400, "GET", "/login", "unparsable")).hasValueSatisfying(line -> assertThat(line).doesNotContain("more not logged"));
    }

    @Test
    void aLineIsOneLineOfPrintableTextWithAShortPath() {
        Optional<String> line = log.line(400, "GET", "/a\r\n2026-01-01 ERROR forged\u0000" + "x".repeat(5000), "unparsable");

        assertThat(line).hasValueSatisfying(l -> {
            assertThat(l).doesNotContain("\r", "\n", "\u0000");
            assertThat(l.length()).isLessThan(200);
        });
    }

    @Test
    void theTokenOfAMailedLinkIsNotLogged() {
        assertThat(log.line(400, "POST", "/invite/tok3n_-X?", "unparsable")).hasValueSatisfying(l ->
                assertThat(l).contains("POST /invite/[redacted]?").doesNotContain("tok3n"));
        assertThat(log.line(400, "GET", "/not-me/s3cret/all", "unparsable")).hasValueSatisfying(l ->
                assertThat(l).contains("/not-me/[redacted]/all").doesNotContain("s3cret"));
    }
}
