package dev.lanyard.passkeys;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.lanyard.account.AccountProblem;
import dev.lanyard.geo.ClientAddresses;

/**
 * How many passkey sign-ins one client address may start: {@value #PER_MINUTE} a minute. Each start keeps a
 * {@link Ceremony} row until it expires, and starting one needs nothing but the sign-in page's CSRF token: without a
 * bound, one address wrote rows as fast as it could ask (outside review: 11,175 in 10 seconds). A person starts one
 * per click of "Sign in with a passkey", so the budget leaves room for a whole office behind one address; an address
 * keeps at most about {@code PER_MINUTE × 6} live ceremonies (they last {@link Ceremonies#CEREMONY}).
 *
 * <p>Counted in memory on each node, per minute from an address's first start, for the address as the sign-in throttle
 * keys it ({@link ClientAddresses#subscriber}: an IPv4 address or an IPv6 /64). Not failures: a start is neither right
 * nor wrong, so the sign-in throttle's budget of failures is left to failed sign-ins.
 */
final class SignInStarts {
    static final int PER_MINUTE = 30;
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private final Clock clock;
    /** Each address's current minute; one gone quiet is dropped (by the cache's own time, after two minutes). */
    private final Cache<String, Minute> minutes = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(2, TimeUnit.MINUTES).build();

    SignInStarts(Clock clock) {
        this.clock = clock;
    }

    /** A minute's starts from one address, the first at {@code start}. */
    private record Minute(Instant start, int count) {
    }

    /**
     * Counts one start from {@code address}, or, when the address has started {@value #PER_MINUTE} in its current minute,
     * throws {@link AccountProblem.TooManyAttempts} with the seconds left of that minute, counting nothing.
     */
    void count(String address) {
        Instant now = clock.instant();
        String key = ClientAddresses.subscriber(address);
        synchronized (minutes) {
            Minute minute = minutes.getIfPresent(key);
            if (minute == null || !now.isBefore(minute.start().plus(MINUTE))) minute = new Minute(now, 0);
            if (minute.count() >= PER_MINUTE) {
                long left = Duration.between(now, minute.start().plus(MINUTE)).toMillis();
                throw AccountProblem.TooManyAttempts.passkeySignIns(Math.max(1, (left + 999) / 1000));
            }
            minutes.put(key, new Minute(minute.start(), minute.count() + 1));
        }
    }
}
