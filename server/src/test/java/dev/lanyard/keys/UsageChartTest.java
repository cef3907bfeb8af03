package dev.lanyard.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The caption under an API key's usage chart counts its requests in words that fit the number. */
class UsageChartTest {
    private static final Instant HOUR = Instant.parse("2026-12-05T10:00:00Z");

    private static UsageChart chart(long... requests) {
        List<ApiKeys.HourCount> hours = new java.util.ArrayList<>();
        for (int i = 0; i < requests.length; i++) hours.add(new ApiKeys.HourCount(HOUR.plusSeconds(3600L * i), requests[i]));
        return UsageChart.of(hours);
    }

    @Test
    void oneRequestIsSaidInTheSingular() {
        assertThat(chart(0, 1, 0).caption()).isEqualTo("1 request in the last 24 hours; the busiest hour had 1.");
    }

    @Test
    void severalRequestsAreSaidInThePluralWithTheBusiestHour() {
        assertThat(chart(2, 5, 0).caption()).isEqualTo("7 requests in the last 24 hours; the busiest hour had 5.");
    }

    @Test
    void noRequestsAreSaidWithoutABusiestHour() {
        assertThat(chart(0, 0, 0).caption()).isEqualTo("No requests in the last 24 hours.");
    }
}
