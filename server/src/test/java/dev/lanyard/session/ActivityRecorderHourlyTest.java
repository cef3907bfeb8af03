package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** A key's requests per hour, counted in memory between flushes (decision 0018), across hours, reads and failed writes. */
class ActivityRecorderHourlyTest {
    private static final SessionId KEY = new SessionId("ses_key");
    private static final Instant TEN = Instant.parse("2026-12-01T10:00:00Z");
    private static final Instant ELEVEN = Instant.parse("2026-12-01T11:00:00Z");

    /** A store that keeps what is written, or refuses every write while {@code failing}. */
    private static final class Writes {
        final List<ActivityRecorder.Hourly> hourly = new ArrayList<>();
        boolean failing;

        @SuppressWarnings("unchecked")
        SessionStore store() {
            return (SessionStore) Proxy.newProxyInstance(SessionStore.class.getClassLoader(), new Class<?>[]{SessionStore.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "recordActivity" -> {
                            if (failing) throw new IllegalStateException("database down");
                            yield ((Collection<?>) args[0]).size();
                        }
                        case "recordHourly" -> {
                            if (failing) throw new IllegalStateException("database down");
                            hourly.addAll((Collection<ActivityRecorder.Hourly>) args[0]);
                            yield ((Collection<?>) args[0]).size();
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }
    }

    private static void request(ActivityRecorder recorder, Instant at) {
        recorder.record(KEY, at, Optional.empty(), true);
    }

    private static long sum(List<ActivityRecorder.Hourly> counts, Instant hour) {
        return counts.stream().filter(h -> h.hour().equals(hour)).mapToLong(ActivityRecorder.Hourly::requests).sum();
    }

    @Test
    void requestsAreCountedInTheirHourEvenOutOfOrderAndSurviveAFailedWrite() {
        Writes writes = new Writes();
        ActivityRecorder recorder = new ActivityRecorder(writes.store());
        request(recorder, TEN.plusSeconds(3500));
        request(recorder, ELEVEN.plusSeconds(10));
        request(recorder, TEN.plusSeconds(3590)); // a late request of the previous hour
        request(recorder, ELEVEN.plusSeconds(20));

        List<ActivityRecorder.Hourly> pending = recorder.pendingHourly(List.of(KEY));
        assertThat(sum(pending, TEN)).isEqualTo(2);
        assertThat(sum(pending, ELEVEN)).isEqualTo(2);

        writes.failing = true;
        assertThat(recorder.flush()).as("nothing written").isZero();
        request(recorder, ELEVEN.plusSeconds(30));
        writes.failing = false;
        recorder.flush();

        assertThat(sum(writes.hourly, TEN)).isEqualTo(2);
        assertThat(sum(writes.hourly, ELEVEN)).isEqualTo(3);
        assertThat(recorder.pendingHourly(List.of(KEY))).as("all written").isEmpty();
    }

    @Test
    void aSignInIsNotCountedPerHour() {
        Writes writes = new Writes();
        ActivityRecorder recorder = new ActivityRecorder(writes.store());
        recorder.record(KEY, TEN, Optional.empty(), false);
        recorder.flush();
        assertThat(writes.hourly).isEmpty();
    }
}
