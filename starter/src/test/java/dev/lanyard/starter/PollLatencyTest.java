package dev.lanyard.starter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.nimbusds.jwt.JWTClaimsSet;

import dev.lanyard.starter.testapp.TestApp;

/**
 * How long a poll app takes to learn of an ending, with the default poll-interval (2 s): first against a Lanyard that
 * answers every poll at once (what returnImmediately: true got, the starter's behaviour before long polling), then against
 * one that holds the poll until a SET is queued (RFC 8936 long polling, as Lanyard does). Prints both.
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"lanyard.signals.delivery=poll"})
class PollLatencyTest {
    static final FakeLanyard lanyard = FakeLanyard.startOrFail();

    static {
        lanyard.pollWait = Duration.ZERO;
    }

    @Autowired
    EndedSessions ended;

    @DynamicPropertySource
    static void lanyard(DynamicPropertyRegistry registry) {
        registry.add("lanyard.url", () -> lanyard.issuer);
        registry.add("lanyard.client-id", () -> FakeLanyard.CLIENT_ID);
        registry.add("lanyard.client-secret", () -> FakeLanyard.CLIENT_SECRET);
    }

    @AfterAll
    static void stop() {
        lanyard.close();
    }

    @Test
    void aLongPollBringsAnEndingAtOnceWhereAPollEveryIntervalTookUpToTheInterval() throws Exception {
        PushDeliveryTest.await(() -> !lanyard.streams.isEmpty());
        long[] atOnce = measure(8);
        lanyard.pollWait = Duration.ofSeconds(20);
        Thread.sleep(2_500); // the next poll waits
        long[] held = measure(8);

        System.out.println("poll delivery, queued to known (ms), answered at once every 2 s: " + Arrays.toString(atOnce));
        System.out.println("poll delivery, queued to known (ms), long polling:              " + Arrays.toString(held));
        assertThat(held[held.length - 1]).isLessThan(1_000);
        assertThat(atOnce[atOnce.length - 1]).isGreaterThan(held[held.length - 1]);
    }

    private long[] measure(int n) throws InterruptedException {
        long[] millis = new long[n];
        for (int i = 0; i < n; i++) {
            Thread.sleep(250 + 230L * i); // at various points of the poll-interval
            String sid = UUID.randomUUID().toString();
            JWTClaimsSet claims = lanyard.sessionRevoked(sid, "member-1").build();
            long start = System.nanoTime();
            lanyard.queue(claims.getJWTID(), lanyard.sign(claims, "secevent+jwt"));
            PushDeliveryTest.await(() -> ended.endedAt(sid).isPresent());
            millis[i] = (System.nanoTime() - start) / 1_000_000;
        }
        Arrays.sort(millis);
        return millis;
    }
}
