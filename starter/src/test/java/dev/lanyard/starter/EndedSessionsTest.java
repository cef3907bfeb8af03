package dev.lanyard.starter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

class EndedSessionsTest {
    final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));

    @Test
    void endedSessionIsForgottenAfterTheLongestSessionLifetime() {
        EndedSessions ended = new EndedSessions(clock, Duration.ofDays(365), 1000);
        ended.sessionEnded("sid-1", clock.instant());

        clock.advance(Duration.ofDays(364));
        assertThat(ended.isEnded("sid-1", null, null)).isTrue();

        clock.advance(Duration.ofDays(2));
        assertThat(ended.isEnded("sid-1", null, null)).isFalse();
    }

    @Test
    void endedSessionsStayWithinTheirCapacity() {
        EndedSessions ended = new EndedSessions(clock, Duration.ofDays(365), 100);
        for (int i = 0; i < 10_000; i++) ended.sessionEnded("sid-" + i, clock.instant());

        assertThat(ended.size()).isLessThanOrEqualTo(100);
    }

    /** The log names the property to raise, and its value now. */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void forgettingAnEndingForRoomNamesThePropertyThatSetsTheCapacity(CapturedOutput output) {
        EndedSessions ended = new EndedSessions(clock, Duration.ofDays(365), 10);
        for (int i = 0; i < 100; i++) ended.sessionEnded("sid-" + i, clock.instant());
        ended.size(); // evictions run

        assertThat(output.getOut()).containsPattern("WARN.*More Lanyard sessions ended than this app can remember "
                + "\\(lanyard\\.signals\\.ended-capacity, now 10\\).*raise lanyard\\.signals\\.ended-capacity");
    }

    /** An ending forgotten to make room could be any login's: those that began before it are taken as ended, later ones are not. */
    @Test
    void anEndingForgottenForRoomEndsEveryLoginThatBeganBeforeIt() {
        EndedSessions ended = new EndedSessions(clock, Duration.ofDays(365), 100);
        Instant loggedIn = clock.instant();
        clock.advance(Duration.ofMinutes(1));
        for (int i = 0; i < 1_000; i++) {
            clock.advance(Duration.ofSeconds(1));
            ended.sessionEnded("sid-" + i, clock.instant());
        }
        ended.size(); // evictions run

        boolean everyOneKnown = java.util.stream.IntStream.range(0, 1_000).allMatch(i -> ended.endedAt("sid-" + i).isPresent());
        assertThat(everyOneKnown).as("some were forgotten").isFalse();
        assertThat(java.util.stream.IntStream.range(0, 1_000).allMatch(i -> ended.isEnded("sid-" + i, null, loggedIn)))
                .as("every ended login is still refused").isTrue();
        assertThat(ended.isEnded("sid-other", null, loggedIn)).as("a login from before: it may be a forgotten one").isTrue();
        assertThat(ended.isEnded("sid-new", null, clock.instant().plusSeconds(1))).as("a login after every forgotten ending").isFalse();
    }

    @Test
    void endingASessionAgainKeepsWhenItFirstEnded() {
        EndedSessions ended = new EndedSessions(clock, Duration.ofDays(1), 100);
        Instant first = clock.instant();
        ended.sessionEnded("sid-1", first);
        ended.sessionEnded("sid-1", first.plusSeconds(30));

        assertThat(ended.endedAt("sid-1")).contains(first);
    }

    /** Back-channel logout (no reason) arrives before the Shared Signals event (with one): the page still says why. */
    @Test
    void aReasonToldAfterTheEndingWasRecordedWithoutOneIsKept() {
        EndedSessions ended = new EndedSessions(clock, Duration.ofDays(1), 100);
        Instant first = clock.instant();
        ended.sessionEnded("sid-1", first);
        ended.sessionEnded("sid-1", first.minusSeconds(1), "You were signed out from another device.");

        assertThat(ended.reason("sid-1", "member-1")).contains("You were signed out from another device.");
        assertThat(ended.endedAt("sid-1")).contains(first);
    }

    /** The other order: the Shared Signals event first, then back-channel logout, which carries no reason. */
    @Test
    void anEndingToldAgainWithoutAReasonKeepsTheReasonRecorded() {
        EndedSessions ended = new EndedSessions(clock, Duration.ofDays(1), 100);
        Instant first = clock.instant();
        ended.sessionEnded("sid-1", first, "You were signed out from another device.");
        ended.sessionEnded("sid-1", first.plusSeconds(1));

        assertThat(ended.reason("sid-1", "member-1")).contains("You were signed out from another device.");
        assertThat(ended.endedAt("sid-1")).contains(first);
    }

    @Test
    void aReasonRecordedIsNotReplacedByAnotherTold() {
        EndedSessions ended = new EndedSessions(clock, Duration.ofDays(1), 100);
        ended.sessionEnded("sid-1", clock.instant(), "An admin of your team signed you out.");
        ended.sessionEnded("sid-1", clock.instant(), "You signed out.");
        ended.sessionEnded("sid-1", clock.instant(), " ");

        assertThat(ended.reason("sid-1", "member-1")).contains("An admin of your team signed you out.");
    }

    /** Back-channel logout and the Shared Signals event may arrive at the same moment on two threads: the reason is kept. */
    @Test
    void aReasonToldWhileTheSameEndingIsRecordedWithoutOneIsKept() throws Exception {
        for (int round = 0; round < 200; round++) {
            EndedSessions ended = new EndedSessions(clock, Duration.ofDays(1), 100);
            CountDownLatch start = new CountDownLatch(1);
            Thread backChannel = new Thread(() -> {
                await(start);
                ended.sessionEnded("sid-1", clock.instant());
            });
            Thread signal = new Thread(() -> {
                await(start);
                ended.sessionEnded("sid-1", clock.instant(), "You were signed out from another device.");
            });
            backChannel.start();
            signal.start();
            start.countDown();
            backChannel.join();
            signal.join();

            assertThat(ended.reason("sid-1", null)).as("round " + round).contains("You were signed out from another device.");
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void signedOutEverywhereEndsOnlyLoginsThatBeganBefore() {
        EndedSessions ended = new EndedSessions(clock, Duration.ofDays(1), 100);
        ended.everySessionEnded("member-1", clock.instant());

        assertThat(ended.isEnded(null, "member-1", clock.instant().minusSeconds(1))).isTrue();
        assertThat(ended.isEnded(null, "member-1", clock.instant().plusSeconds(1))).isFalse();
        assertThat(ended.isEnded("sid-7", "member-2", clock.instant().minusSeconds(1))).isFalse();
    }

    /**
     * Endings lost in a gap (Lanyard's events not kept, a stream set up again) end every login that began before it.
     * "Began" is the login's own start (its ID token's iat), not when its person signed in at Lanyard (auth_time): signing
     * in again while Lanyard's browser session lives keeps auth_time, and would be refused forever.
     */
    @Test
    void aGapEndsEveryLoginThatBeganBeforeItButNotALoginAfterItWhateverItsAuthTime() {
        EndedSessions ended = new EndedSessions(clock, Duration.ofDays(365), 100);
        Instant signedInAtLanyard = clock.instant();
        Instant firstLogin = clock.instant().plusSeconds(10);
        clock.advance(Duration.ofMinutes(1));

        ended.everyLoginEndedBefore(clock.instant(), "a test gap");

        assertThat(ended.isEnded("sid-1", "member-1", signedInAtLanyard, firstLogin)).isTrue();
        assertThat(ended.isEnded("sid-1", "member-1", null, null)).isTrue();
        assertThat(ended.isEnded("sid-2", "member-1", signedInAtLanyard, clock.instant().plusSeconds(1))).isFalse();
        ended.everyLoginEndedBefore(clock.instant().minusSeconds(30), "an older gap");
        assertThat(ended.endedBefore()).contains(clock.instant());
    }

    /** The same for endings forgotten to make room: compared with the login's start, so a new login after them is taken. */
    @Test
    void anEndingForgottenForRoomIsComparedWithTheLoginsStartNotItsAuthTime() {
        EndedSessions ended = new EndedSessions(clock, Duration.ofDays(365), 10);
        Instant signedInAtLanyard = clock.instant();
        clock.advance(Duration.ofMinutes(1));
        for (int i = 0; i < 100; i++) ended.sessionEnded("sid-" + i, clock.instant());
        ended.size();
        clock.advance(Duration.ofMinutes(1));

        assertThat(ended.isEnded("sid-new", "member-1", signedInAtLanyard, clock.instant())).isFalse();
    }

    /**
     * A login whose iat is in the gap's own second: iat cannot tell it from the gap, so when this app first saw it does. Seen
     * before the gap was noticed, or never, it may have ended unheard (refused); seen after, it began after the gap (taken,
     * or the person who signs in right after the gap would be refused again).
     */
    @Test
    void aLoginOfTheGapsOwnSecondIsEndedIfSeenBeforeTheGapAndTakenIfSeenAfter() {
        EndedSessions ended = new EndedSessions(clock, Duration.ofDays(365), 100);
        Instant second = clock.instant();
        clock.advance(Duration.ofMillis(100));
        ended.loginSeen("sid-before");
        clock.advance(Duration.ofMillis(300));

        ended.everyLoginEndedBefore(clock.instant(), "a test gap");
        clock.advance(Duration.ofMillis(100));
        ended.loginSeen("sid-after");
        ended.loginSeen("sid-before"); // seen again: the first time counts

        assertThat(ended.isEnded("sid-before", "member-1", second, second)).isTrue();
        assertThat(ended.isEnded("sid-never-seen", "member-1", second, second)).isTrue();
        assertThat(ended.isEnded(null, "member-1", second, second)).isTrue();
        assertThat(ended.isEnded("sid-after", "member-1", second, second)).isFalse();
        assertThat(ended.isEnded("sid-next-second", "member-1", second, second.plusSeconds(1))).isFalse();
        assertThat(ended.isEnded("sid-after", "member-1", second, second.minusSeconds(1))).isTrue();
    }

    /** A gap told by a SET is in whole seconds: it is taken as noticed when this app learnt of it, not at its second's start. */
    @Test
    void aGapToldInWholeSecondsIsNoticedWhenThisAppLearntOfIt() {
        EndedSessions ended = new EndedSessions(clock, Duration.ofDays(365), 100);
        Instant second = clock.instant();
        clock.advance(Duration.ofMillis(200));
        ended.loginSeen("sid-before");
        clock.advance(Duration.ofMillis(300));

        ended.everyLoginEndedBefore(second, "Lanyard changed this app's Shared Signals stream to enabled");

        assertThat(ended.isEnded("sid-before", "member-1", second, second)).isTrue();
    }
}
