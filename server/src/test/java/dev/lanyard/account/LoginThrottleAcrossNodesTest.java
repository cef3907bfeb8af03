package dev.lanyard.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.testsupport.WiredNode;
import org.junit.jupiter.api.Test;

/**
 * Two throttles, as on two nodes, joined by a wire that delivers what one tells to the other at once (the PostgreSQL
 * channel is {@code ThrottleTwoNodesTest}'s): every node counts every node's failures (decision 71).
 */
class LoginThrottleAcrossNodesTest {
    private static final String EMAIL = "alice@example.com";
    private static final String GUESSER = "203.0.113.7";
    private static final String OWNER = "198.51.100.1";

    private final MutableClock clock = new MutableClock();
    private final WiredNode[] nodes = WiredNode.pair(LoginThrottle.NEWS);
    private final WiredNode nodeA = nodes[0];
    private final WiredNode nodeB = nodes[1];
    private final LoginThrottle a = new LoginThrottle(clock, nodeA);
    private final LoginThrottle b = new LoginThrottle(clock, nodeB);

    private static boolean fails(LoginThrottle throttle, String email, String address) {
        try (LoginThrottle.Attempt attempt = throttle.begin(email, address)) {
            attempt.failed();
            return true;
        } catch (AccountProblem.TooManyAttempts refused) {
            return false;
        }
    }

    private static boolean succeeds(LoginThrottle throttle, String email, String address) {
        try (LoginThrottle.Attempt attempt = throttle.begin(email, address)) {
            attempt.succeeded();
            return true;
        } catch (AccountProblem.TooManyAttempts refused) {
            return false;
        }
    }

    /** How long an attempt must wait now, or 0 when one would be let through (its reservation given back). */
    private static long waitSeconds(LoginThrottle throttle, String email, String address) {
        try (LoginThrottle.Attempt attempt = throttle.begin(email, address)) {
            return 0;
        } catch (AccountProblem.TooManyAttempts refused) {
            return refused.retryAfterSeconds();
        }
    }

    @Test
    void failuresSpreadOverTwoNodesMeetTheBudgetOfOne() {
        for (int i = 0; i < LoginThrottle.PER_EMAIL_AND_ADDRESS.free(); i++) {
            assertThat(fails(i % 2 == 0 ? a : b, EMAIL, GUESSER)).as("free failure %d", i + 1).isTrue();
        }

        assertThat(waitSeconds(a, EMAIL, GUESSER)).isEqualTo(1);
        assertThat(waitSeconds(b, EMAIL, GUESSER)).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(fails(b, EMAIL, GUESSER)).isTrue();
        assertThat(waitSeconds(a, EMAIL, GUESSER)).as("the wait doubles on the other node too").isEqualTo(2);
    }

    @Test
    void theAddressBudgetOverAllEmailsIsSharedByTheNodes() {
        for (int i = 0; i < LoginThrottle.PER_ADDRESS.free(); i++) {
            assertThat(fails(i % 2 == 0 ? a : b, "guess" + i + "@example.com", GUESSER)).isTrue();
        }

        assertThat(waitSeconds(a, "someone@example.com", GUESSER)).isPositive();
        assertThat(waitSeconds(b, "someone@example.com", GUESSER)).isPositive();
        assertThat(fails(a, "someone@example.com", OWNER)).as("another address is not held up").isTrue();
    }

    @Test
    void theCeilingOfAnEmailFillsWithTheFailuresOfEveryNode() {
        for (int i = 0; i < LoginThrottle.EMAIL_CEILING; i++) {
            assertThat(fails(i % 2 == 0 ? a : b, EMAIL, "192.0.2." + (i % 250))).isTrue();
        }

        long wait = LoginThrottle.EMAIL_CEILING_WINDOW.toSeconds() / LoginThrottle.EMAIL_CEILING;
        assertThat(waitSeconds(a, EMAIL, OWNER)).isEqualTo(wait);
        assertThat(waitSeconds(b, EMAIL, OWNER)).isEqualTo(wait);
    }

    @Test
    void aSignInOnOneNodeForgivesTheOwnersEarlierFailuresOnTheOther() {
        for (int i = 0; i < LoginThrottle.PER_EMAIL_AND_ADDRESS.free() - 1; i++) assertThat(fails(b, EMAIL, OWNER)).isTrue();

        assertThat(succeeds(a, EMAIL, OWNER)).isTrue();

        for (int i = 0; i < LoginThrottle.PER_EMAIL_AND_ADDRESS.free(); i++) {
            assertThat(fails(b, EMAIL, OWNER)).as("node B forgave them: failure %d is free", i + 1).isTrue();
        }
        assertThat(waitSeconds(b, EMAIL, OWNER)).isPositive();
    }

    @Test
    void aCompletedSignInAfterASecondFactorForgivesOnTheOtherNodeToo() {
        for (int i = 0; i < LoginThrottle.PER_EMAIL_AND_ADDRESS.free(); i++) assertThat(fails(a, EMAIL, OWNER)).isTrue();
        clock.advance(Duration.ofSeconds(waitSeconds(a, EMAIL, OWNER)));

        b.forgive(EMAIL, OWNER);

        assertThat(waitSeconds(a, EMAIL, OWNER)).isZero();
        assertThat(fails(a, EMAIL, OWNER)).isTrue();
        assertThat(waitSeconds(a, EMAIL, OWNER)).as("one failure of five again").isZero();
    }

    @Test
    void aSignInWithNothingToForgiveTellsTheOtherNodesNothing() {
        assertThat(succeeds(a, EMAIL, OWNER)).isTrue();
        a.forgive(EMAIL, OWNER);
        try (LoginThrottle.Attempt secondFactorFollows = a.begin(EMAIL, OWNER)) {
            secondFactorFollows.passed();
        }

        assertThat(nodeA.told).isEmpty();
    }

    @Test
    void whatIsToldHoldsNeitherTheEmailNorTheAddress() {
        fails(a, EMAIL, GUESSER);
        clock.advance(Duration.ofMinutes(10));
        succeeds(a, EMAIL, GUESSER);

        assertThat(nodeA.told).hasSize(2).allSatisfy(message -> {
            assertThat(message).doesNotContain("alice", "example", "203.0", "113").hasSizeLessThan(100)
                    .matches("[fs][A-Za-z0-9_-]{43}\\.[A-Za-z0-9_-]{43}");
        });
        assertThat(nodeA.told.get(0)).startsWith("f");
        assertThat(nodeA.told.get(1)).startsWith("s");
    }

    @Test
    void anotherNodesFailureLeavesThisNodesAttemptsInFlightAlone() {
        LoginThrottle.Attempt inFlight = b.begin(EMAIL, GUESSER);
        for (int i = 0; i < LoginThrottle.PER_EMAIL_AND_ADDRESS.free() - 1; i++) assertThat(fails(a, EMAIL, GUESSER)).isTrue();

        inFlight.close();

        assertThat(fails(b, EMAIL, GUESSER)).as("the fifth failure").isTrue();
        assertThat(waitSeconds(b, EMAIL, GUESSER)).isEqualTo(1);
        assertThat(waitSeconds(a, EMAIL, GUESSER)).isEqualTo(1);
    }

    @Test
    void aNodeThatMayHaveMissedTheOthersFailuresGivesNoFreeFailureButNeverLocksForEver() {
        nodeB.hearing = false;

        assertThat(fails(b, EMAIL, GUESSER)).isTrue();
        assertThat(waitSeconds(b, EMAIL, GUESSER)).as("no free failure while it may be missing some").isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(fails(b, EMAIL, GUESSER)).isTrue();
        assertThat(waitSeconds(b, EMAIL, GUESSER)).isEqualTo(2);
        assertThat(succeeds(b, EMAIL, OWNER)).as("the owner, from their own address, is not held up").isTrue();

        // Doubling, but never past the cap.
        for (int i = 0; i < 30; i++) {
            clock.advance(Duration.ofSeconds(waitSeconds(b, EMAIL, GUESSER)));
            assertThat(fails(b, EMAIL, GUESSER)).isTrue();
        }
        assertThat(waitSeconds(b, EMAIL, GUESSER)).isLessThanOrEqualTo(LoginThrottle.PER_ADDRESS.cap().toSeconds());

        nodeB.hearing = true;
        clock.advance(Duration.ofSeconds(waitSeconds(b, EMAIL, OWNER) + waitSeconds(b, EMAIL, GUESSER)));
        assertThat(succeeds(b, EMAIL, GUESSER)).as("once the wait is over, the right password signs in").isTrue();
    }

    @Test
    void aNodeThatHearsAgainGivesTheFreeBudgetBack() {
        nodeB.hearing = false;
        assertThat(fails(b, EMAIL, GUESSER)).isTrue();
        clock.advance(Duration.ofSeconds(1));

        nodeB.hearing = true;

        for (int i = 1; i < LoginThrottle.PER_EMAIL_AND_ADDRESS.free(); i++) assertThat(fails(b, EMAIL, GUESSER)).isTrue();
        assertThat(waitSeconds(b, EMAIL, GUESSER)).isEqualTo(1);
    }

    @Test
    void messagesThatAreNoThrottlesAreIgnored() {
        for (String garbage : List.of("", "f", "f.", "fx.", "f.x", "xabc.def", "sabc.def", "f" + "a".repeat(43))) a.heard(garbage);

        for (int i = 0; i < LoginThrottle.PER_EMAIL_AND_ADDRESS.free(); i++) assertThat(fails(a, EMAIL, GUESSER)).isTrue();
    }
}
