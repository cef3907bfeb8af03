package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import dev.lanyard.account.AccountId;
import dev.lanyard.testsupport.MutableClock;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** A member holds at most two download slots, everyone together six; a slot comes back once its body is written. */
class DownloadsTest {
    private final MutableClock clock = new MutableClock(java.time.Instant.parse("2026-12-04T12:00:00Z"));
    private final Downloads downloads = new Downloads(clock);

    @Test
    void aMemberHasTwoSlotsAndEveryoneSixAndEachComesBackOnce() {
        AccountId ada = new AccountId("acc_ada");
        Runnable first = downloads.take(ada);
        downloads.take(ada);
        assertThatThrownBy(() -> downloads.take(ada)).isInstanceOf(SessionProblem.TooManyDownloads.class);
        first.run();
        first.run(); // given back once, however often
        Runnable third = downloads.take(ada);
        assertThatThrownBy(() -> downloads.take(ada)).as("still two, not three").isInstanceOf(SessionProblem.TooManyDownloads.class);
        third.run();

        List<Runnable> others = new ArrayList<>();
        for (int i = 0; i < Downloads.IN_ALL - 1; i++) others.add(downloads.take(new AccountId("acc_" + i)));
        assertThatThrownBy(() -> downloads.take(new AccountId("acc_bob"))).as("six in all").isInstanceOf(SessionProblem.TooManyDownloads.class);
        others.get(0).run();
        downloads.take(new AccountId("acc_bob"));
    }

    @Test
    void theSlotIsHeldWhileTheBodyIsWrittenAndGivenBackAfterItOrItsFailure() throws Exception {
        AccountId ada = new AccountId("acc_ada");
        StreamingResponseBody fails = out -> {
            throw new java.io.IOException("client went away");
        };
        ResponseEntity<StreamingResponseBody> one = downloads.limited(ada, () -> ResponseEntity.ok(out -> out.write(1)));
        ResponseEntity<StreamingResponseBody> two = downloads.limited(ada, () -> ResponseEntity.ok(fails));
        assertThatThrownBy(() -> downloads.limited(ada, () -> ResponseEntity.ok(out -> { })))
                .isInstanceOf(SessionProblem.TooManyDownloads.class);

        one.getBody().writeTo(new ByteArrayOutputStream());
        assertThatThrownBy(() -> two.getBody().writeTo(new ByteArrayOutputStream())).isInstanceOf(java.io.IOException.class);

        assertThatThrownBy(() -> downloads.limited(ada, () -> {
            throw new IllegalStateException("the export could not start");
        })).isInstanceOf(IllegalStateException.class);
        downloads.limited(ada, () -> ResponseEntity.ok(out -> { }));
        assertThat(downloads.limited(ada, () -> ResponseEntity.ok(out -> { })).getStatusCode().value()).isEqualTo(200);
    }

    /** A slot whose body never ran (its request cancelled before it started) counts no more after the longest download. */
    @Test
    void aSlotNeverGivenBackCountsNoMoreAfterTheLongestADownloadMayRun() {
        AccountId ada = new AccountId("acc_ada");
        downloads.take(ada);
        downloads.take(ada);
        assertThatThrownBy(() -> downloads.take(ada)).isInstanceOf(SessionProblem.TooManyDownloads.class);

        clock.advance(Downloads.LOST_AFTER.plusSeconds(1));

        downloads.take(ada);
    }
}
