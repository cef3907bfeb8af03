package dev.lanyard.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.lanyard.testsupport.MutableClock;
import org.junit.jupiter.api.Test;

/** The throttle on its own, with a clock the tests move and threads held by latches. */
class LoginThrottleTest {
    private static final String EMAIL = "alice@example.com";
    private static final String GUESSER = "203.0.113.7";
    private static final String OWNER = "198.51.100.1";

    private final MutableClock clock = new MutableClock();
    private final LoginThrottle throttle = new LoginThrottle(clock);

    private boolean fails(String email, String address) {
        try (LoginThrottle.Attempt attempt = throttle.begin(email, address)) {
            attempt.failed();
            return true;
        } catch (AccountProblem.TooManyAttempts refused) {
            return false;
        }
    }

    private long waitSeconds(String email, String address) {
        return catchThrowableOfType(AccountProblem.TooManyAttempts.class, () -> throttle.begin(email, address)).retryAfterSeconds();
    }

    @Test
    void concurrentGuessesAreCountedAsTheyStartSoOnlyTheFreeOnesGetThrough() throws Exception {
        int threads = 40;
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch allTried = new CountDownLatch(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Boolean>> outcomes = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                outcomes.add(pool.submit(() -> {
                    start.await();
                    LoginThrottle.Attempt attempt;
                    try {
                        attempt = throttle.begin(EMAIL, GUESSER);
                    } catch (AccountProblem.TooManyAttempts refused) {
                        allTried.countDown();
                        return false;
                    }
                    // Every guess is in flight (its password being hashed) until all have been let through or refused.
                    allTried.countDown();
                    allTried.await();
                    attempt.failed();
                    return true;
                }));
            }
            start.countDown();
            int passed = 0;
            for (Future<Boolean> outcome : outcomes) if (outcome.get(30, TimeUnit.SECONDS)) passed++;

            assertThat(passed).isEqualTo(LoginThrottle.PER_EMAIL_AND_ADDRESS.free());
            assertThat(waitSeconds(EMAIL, GUESSER)).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentRightPasswordsFromOneAddressAreNeverRefused() throws Exception {
        // An API client signing in on a few connections at once: each attempt is in flight while the
        // others start and finish, and none may leave a reservation behind.
        int threads = 4;
        int each = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> refusals = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                refusals.add(pool.submit(() -> {
                    int refused = 0;
                    for (int n = 0; n < each; n++) {
                        try (LoginThrottle.Attempt attempt = throttle.begin(EMAIL, OWNER)) {
                            attempt.succeeded();
                        } catch (AccountProblem.TooManyAttempts tooMany) {
                            refused++;
                        }
                    }
                    return refused;
                }));
            }
            int refused = 0;
            for (Future<Integer> r : refusals) refused += r.get(60, TimeUnit.SECONDS);
            assertThat(refused).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void pastTheFreeBudgetOnlyOneAttemptIsInFlightAtATime() {
        for (int i = 0; i < LoginThrottle.PER_EMAIL_AND_ADDRESS.free(); i++) assertThat(fails(EMAIL, GUESSER)).isTrue();
        clock.advance(Duration.ofSeconds(waitSeconds(EMAIL, GUESSER)));

        try (LoginThrottle.Attempt first = throttle.begin(EMAIL, GUESSER)) {
            assertThatThrownBy(() -> throttle.begin(EMAIL, GUESSER)).isInstanceOf(AccountProblem.TooManyAttempts.class);
            first.failed();
        }
        assertThat(waitSeconds(EMAIL, GUESSER)).isEqualTo(2);
    }

    @Test
    void anAttemptClosedWithoutAnOutcomeGivesItsReservationBack() {
        for (int i = 0; i < 20; i++) {
            try (LoginThrottle.Attempt attempt = throttle.begin(EMAIL, GUESSER)) {
                assertThat(attempt).isNotNull();
            }
        }

        for (int i = 0; i < LoginThrottle.PER_EMAIL_AND_ADDRESS.free(); i++) assertThat(fails(EMAIL, GUESSER)).isTrue();
    }

    @Test
    void aSlowGuesserNeverLocksTheOwnerOutFromTheirOwnAddress() {
        // One wrong guess whenever allowed, for two days: the old throttle kept this email locked for good.
        java.time.Instant end = clock.instant().plus(Duration.ofDays(2));
        int guesses = 0;
        while (clock.instant().isBefore(end)) {
            if (fails(EMAIL, GUESSER)) guesses++;
            else clock.advance(Duration.ofSeconds(waitSeconds(EMAIL, GUESSER)));

            try (LoginThrottle.Attempt owner = throttle.begin(EMAIL, OWNER)) {
                owner.succeeded();
            }
        }
        assertThat(guesses).as("the guesser was slowed to a few guesses an hour").isBetween(48 * 3, 48 * 13);
    }

    @Test
    void guessesAtOneEmailFromManyAddressesMeetTheAccountWideCeiling() {
        int address = 0;
        for (int i = 0; i < LoginThrottle.EMAIL_CEILING; i++) {
            assertThat(fails(EMAIL, "192.0.2." + (address++ % 250))).isTrue();
        }

        long wait = waitSeconds(EMAIL, OWNER);
        assertThat(wait).isEqualTo(LoginThrottle.EMAIL_CEILING_WINDOW.toSeconds() / LoginThrottle.EMAIL_CEILING);
        assertThat(fails("bob@example.com", OWNER)).as("other emails are not held up").isTrue();
        clock.advance(Duration.ofSeconds(wait));
        try (LoginThrottle.Attempt owner = throttle.begin(EMAIL, OWNER)) {
            owner.succeeded();
        }
    }

    @Test
    void successForgivesTheEmailAndAddressButNotTheAddress() {
        for (int i = 0; i < LoginThrottle.PER_ADDRESS.free() - 5; i++) assertThat(fails("guess" + i + "@example.com", GUESSER)).isTrue();
        for (int i = 0; i < 4; i++) assertThat(fails(EMAIL, GUESSER)).isTrue();
        try (LoginThrottle.Attempt own = throttle.begin(EMAIL, GUESSER)) {
            own.succeeded();
        }

        assertThat(fails(EMAIL, GUESSER)).as("the address's 20th failure").isTrue();
        assertThat(waitSeconds("someone@example.com", GUESSER)).as("the address budget was not reset").isPositive();
    }

    @Test
    void failuresFromManyAddressesOfOneIpv6SlashSixtyFourAreThrottledAsFromOneAddress() {
        int counted = 0;
        for (int i = 1; i <= 19; i++) if (fails(EMAIL, "2001:db8::" + i)) counted++;

        assertThat(counted).as("2001:db8::1 to 2001:db8::19 share one email-and-address budget")
                .isEqualTo(LoginThrottle.PER_EMAIL_AND_ADDRESS.free());
        assertThat(waitSeconds(EMAIL, "2001:db8::ffff:1")).isPositive();
        assertThat(fails(EMAIL, "2001:db8:0:1::1")).as("the next /64 is another address").isTrue();
    }

    @Test
    void theAddressBudgetOverAllEmailsCountsAnIpv6SlashSixtyFourAsOneAddress() {
        for (int i = 0; i < LoginThrottle.PER_ADDRESS.free(); i++) {
            assertThat(fails("guess" + i + "@example.com", "2001:db8:7:7:" + Integer.toHexString(i + 1) + "::1")).isTrue();
        }

        assertThat(waitSeconds("someone@example.com", "2001:db8:7:7:ffff::1")).isPositive();
    }

    @Test
    void anIpv4MappedIpv6AddressIsCountedAsItsIpv4Address() {
        for (int i = 0; i < LoginThrottle.PER_EMAIL_AND_ADDRESS.free(); i++) assertThat(fails(EMAIL, "::ffff:" + GUESSER)).isTrue();

        assertThat(waitSeconds(EMAIL, GUESSER)).isPositive();
    }

    @Test
    void anAddressIsKeyedAsItsIpv4AddressOrItsIpv6SlashSixtyFour() {
        assertThat(LoginThrottle.block("203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(LoginThrottle.block("::ffff:203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(LoginThrottle.block("2001:DB8:0:1:2:3:4:5")).isEqualTo("2001:db8:0:1::/64");
        assertThat(LoginThrottle.block("2001:db8:0:1::9")).isEqualTo("2001:db8:0:1::/64");
        assertThat(LoginThrottle.block("not an address")).isEqualTo("not an address");
    }

    @Test
    void aRightPasswordThatASecondFactorMustFollowForgivesNothing() {
        for (int i = 0; i < LoginThrottle.PER_EMAIL_AND_ADDRESS.free() - 1; i++) assertThat(fails(EMAIL, GUESSER)).isTrue();
        try (LoginThrottle.Attempt password = throttle.begin(EMAIL, GUESSER)) {
            password.passed();
        }

        assertThat(fails(EMAIL, GUESSER)).as("the fifth failure").isTrue();
        assertThat(waitSeconds(EMAIL, GUESSER)).as("the wrong codes before the right password still count").isPositive();

        throttle.forgive(EMAIL, GUESSER);
        assertThat(fails(EMAIL, GUESSER)).as("a completed sign-in forgives them").isTrue();
    }

    @Test
    void signUpsAndInvitationsHaveBudgetsOfTheirOwnPerAddress() {
        for (int i = 0; i < LoginThrottle.PER_EMAIL_AND_ADDRESS.free(); i++) {
            try (LoginThrottle.Attempt taken = throttle.begin(LoginThrottle.What.SIGN_UP, "2001:db8:9::" + (i + 1))) {
                taken.failed();
            }
        }

        assertThatThrownBy(() -> throttle.begin(LoginThrottle.What.SIGN_UP, "2001:db8:9::77")).isInstanceOf(AccountProblem.TooManyAttempts.class);
        try (LoginThrottle.Attempt other = throttle.begin(LoginThrottle.What.INVITATION, "2001:db8:9::77")) {
            other.passed();
        }
        assertThat(fails(EMAIL, "2001:db8:9::77")).as("nor are passwords from there held up yet").isTrue();
    }
}
