package dev.lanyard.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class RecordingTimesTest {
    private final List<Long> waits = new ArrayList<>();
    private final RecordingTimes times = new RecordingTimes(waits::add);

    @Test
    void anUnknownEmailWaitsWhatRecordingTookLessWhatItSpent() {
        times.recorded(2_000_000);
        times.matchRecording(300_000);
        assertThat(waits).containsExactly(1_700_000L);
    }

    @Test
    void eachWaitIsOneOfTheRecentRecordings() {
        for (int i = 1; i <= 3; i++) times.recorded(i * 1_000_000L);
        for (int i = 0; i < 300; i++) times.matchRecording(0);
        assertThat(waits).containsOnly(1_000_000L, 2_000_000L, 3_000_000L).contains(1_000_000L, 2_000_000L, 3_000_000L);
    }

    @Test
    void onlyTheLastSamplesCount() {
        times.recorded(9_000_000);
        for (int i = 0; i < RecordingTimes.SAMPLES; i++) times.recorded(1_000_000);
        for (int i = 0; i < 500; i++) times.matchRecording(0);
        assertThat(waits).containsOnly(1_000_000L);
    }

    @Test
    void nothingIsWaitedBeforeAnyRecordingOrWhenItSpentLonger() {
        times.matchRecording(0);
        times.recorded(1_000_000);
        times.matchRecording(1_500_000);
        assertThat(waits).isEmpty();
    }
}
