package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** How long a session lasted, as history says it: the largest unit and the next (outside QA: 47 hours read "1 day"). */
class SessionViewSpanTest {

    @Test
    void theLargestUnitAndTheNextWhenItIsNotZero() {
        assertThat(SessionView.span(Duration.ofSeconds(59))).isEqualTo("less than a minute");
        assertThat(SessionView.span(Duration.ofSeconds(61))).isEqualTo("1 minute");
        assertThat(SessionView.span(Duration.ofMinutes(59))).isEqualTo("59 minutes");
        assertThat(SessionView.span(Duration.ofHours(1))).isEqualTo("1 hour");
        assertThat(SessionView.span(Duration.ofHours(24).minusMinutes(1))).isEqualTo("23 hours 59 minutes");
        assertThat(SessionView.span(Duration.ofDays(1))).isEqualTo("1 day");
        assertThat(SessionView.span(Duration.ofHours(48).minusMinutes(1))).isEqualTo("1 day 23 hours");
        assertThat(SessionView.span(Duration.ofDays(30).plusMinutes(5))).isEqualTo("30 days");
        assertThat(SessionView.span(Duration.ofHours(12))).as("a history retention of 12h").isEqualTo("12 hours");
    }
}
