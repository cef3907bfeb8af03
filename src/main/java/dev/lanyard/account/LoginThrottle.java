package dev.lanyard.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.stereotype.Component;

/**
 * Slows password guessing without locking the real owner out for long.
 *
 * <p>Failures are counted per account (by email, whether or not it exists, so the throttle itself
 * reveals nothing) and per client address. A few failures are free; once they are used up, the
 * next attempt must wait, and each further failure doubles the wait, capped so that an owner is never kept out for more than a few minutes
 * by someone else's guessing. A success clears the account's counter but not the address's, so a
 * guesser cannot reset their budget by signing in to an account of their own. Counters are kept
 * per node, in memory: guessing against N nodes gets at most N times the budget.
 */
@Component
class LoginThrottle {
    static final int FREE_ACCOUNT_FAILURES = 5;
    static final int FREE_ADDRESS_FAILURES = 20;
    static final Duration ACCOUNT_CAP = Duration.ofMinutes(5);
    static final Duration ADDRESS_CAP = Duration.ofMinutes(15);

    private final Clock clock;
    private final Cache<String, Failures> accounts = Caffeine.newBuilder()
            .maximumSize(100_000).expireAfterAccess(1, TimeUnit.HOURS).build();
    private final Cache<String, Failures> addresses = Caffeine.newBuilder()
            .maximumSize(100_000).expireAfterAccess(1, TimeUnit.HOURS).build();

    LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    /** Throws {@link AccountProblem.TooManyAttempts} while either counter asks the caller to wait. */
    void check(String email, String address) {
        Instant now = clock.instant();
        long wait = Math.max(waitSeconds(accounts.getIfPresent(email), now),
                waitSeconds(addresses.getIfPresent(address), now));
        if (wait > 0) throw new AccountProblem.TooManyAttempts(wait);
    }

    void failed(String email, String address) {
        Instant now = clock.instant();
        accounts.asMap().merge(email, Failures.first(now, FREE_ACCOUNT_FAILURES, ACCOUNT_CAP),
                (old, x) -> old.next(now, FREE_ACCOUNT_FAILURES, ACCOUNT_CAP));
        addresses.asMap().merge(address, Failures.first(now, FREE_ADDRESS_FAILURES, ADDRESS_CAP),
                (old, x) -> old.next(now, FREE_ADDRESS_FAILURES, ADDRESS_CAP));
    }

    void succeeded(String email) {
        accounts.invalidate(email);
    }

    private static long waitSeconds(Failures failures, Instant now) {
        if (failures == null || !failures.blockedUntil().isAfter(now)) return 0;
        return Math.max(1, Duration.between(now, failures.blockedUntil()).toSeconds()
                + (Duration.between(now, failures.blockedUntil()).toMillisPart() > 0 ? 1 : 0));
    }

    record Failures(int count, Instant blockedUntil) {
        static Failures first(Instant now, int free, Duration cap) {
            return new Failures(0, now).next(now, free, cap);
        }

        Failures next(Instant now, int free, Duration cap) {
            int count = this.count + 1;
            if (count < free) return new Failures(count, now);
            long seconds = Math.min(cap.toSeconds(), 1L << Math.min(count - free, 20));
            return new Failures(count, now.plusSeconds(seconds));
        }
    }
}
