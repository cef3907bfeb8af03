package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/**
 * How long ago a session was used, as its card says it: whole units of time gone by (outside review: "yesterday" named
 * anything 24 to 48 hours ago, Monday night on Wednesday morning), and from 30 days the day, which pages show in the
 * browser's zone.
 */
class SessionViewAgoTest {
    private static final Instant NOW = Instant.parse("2026-12-02T00:05:00Z");

    private static String ago(Duration before) {
        return SessionView.ago(NOW.minus(before), NOW).toString();
    }

    @Test
    void eachUnitCountsWholeUnitsGoneByAndADayIsTwentyFourHours() {
        assertThat(ago(Duration.ofSeconds(59))).isEqualTo("Just now");
        assertThat(ago(Duration.ofMinutes(1))).isEqualTo("1 minute ago");
        assertThat(ago(Duration.ofMinutes(59))).isEqualTo("59 minutes ago");
        assertThat(ago(Duration.ofHours(1))).isEqualTo("1 hour ago");
        assertThat(ago(Duration.ofHours(24).minusSeconds(1))).isEqualTo("23 hours ago");
        assertThat(ago(Duration.ofHours(24))).isEqualTo("1 day ago");
        assertThat(ago(Duration.ofHours(48).minusSeconds(1))).isEqualTo("1 day ago");
        assertThat(ago(Duration.ofHours(48))).isEqualTo("2 days ago");
        assertThat(ago(Duration.ofDays(30).minusSeconds(1))).isEqualTo("29 days ago");
        assertThat(SessionView.ago(NOW.plusSeconds(5), NOW).toString()).as("a clock a little behind").isEqualTo("Just now");
    }

    /** The review's case: last used Monday 00:10, read on Wednesday 00:05, is 47 hours 55 minutes ago. */
    @Test
    void mondayNightIsNotYesterdayOnWednesdayMorning() {
        assertThat(SessionView.ago(Instant.parse("2026-11-30T00:10:00Z"), NOW).toString()).isEqualTo("1 day ago");
    }

    @Test
    void fromThirtyDaysItIsTheDayWhichPagesShowInTheBrowsersZone() {
        Instant then = NOW.minus(Duration.ofDays(30));

        SessionView.Ago ago = SessionView.ago(then, NOW);

        assertThat(ago.words()).isEqualTo("on");
        assertThat(ago.day()).isEqualTo(then);
        assertThat(ago.dayInUtc()).as("without scripts, named UTC").isEqualTo("2 Nov 2026 UTC");
        assertThat(ago.toString()).isEqualTo("on 2 Nov 2026 UTC");
        assertThat(SessionView.ago(NOW.minusSeconds(3600), NOW).day()).as("words alone").isNull();
    }
}
