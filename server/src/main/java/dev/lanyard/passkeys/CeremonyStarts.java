package dev.lanyard.passkeys;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.lanyard.account.AccountProblem;

/**
 * How many passkey ceremonies one key may start: {@value #PER_MINUTE} a minute. Each start keeps a {@link Ceremony} row
 * until it expires, so without a bound a caller in a loop writes rows as fast as it can ask (outside review: 11,175 in
 * 10 seconds from one address). {@link Passkeys} keeps one of these per kind of start: sign-ins per client address
 * (they need nothing but the sign-in page's CSRF token), and second-factor checks and additions per member (they need
 * a right password or a session, which a loop has as well). A person starts one per click of a passkey button, so the
 * budget is far above what anyone clicks; a key keeps at most about {@code PER_MINUTE × 6} live ceremonies of one kind
 * (they last {@link Ceremonies#CEREMONY}).
 *
 * <p>Counted in memory on each node, per minute from a key's first start. Not failures: a start is neither right nor
 * wrong, so the sign-in throttle's budget of failures is left to wrong passwords and codes.
 */
final class CeremonyStarts {
    static final int PER_MINUTE = 30;
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private final Clock clock;
    private final LongFunction<AccountProblem.TooManyAttempts> refusal;
    /** Each key's current minute; one gone quiet is dropped (by the cache's own time, after two minutes). */
    private final Cache<String, Minute> minutes = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(2, TimeUnit.MINUTES).build();

    /** {@code refusal} makes the problem thrown past the limit from the seconds left to wait. */
    CeremonyStarts(Clock clock, LongFunction<AccountProblem.TooManyAttempts> refusal) {
        this.clock = clock;
        this.refusal = refusal;
    }

    /** A minute's starts of one key, the first at {@code start}. */
    private record Minute(Instant start, int count) {
    }

    /**
     * Counts one start of {@code key}, or, when the key has started {@value #PER_MINUTE} in its current minute, throws
     * the {@link AccountProblem.TooManyAttempts} of this kind of start with the seconds left of that minute, counting nothing.
     */
    void count(String key) {
        Instant now = clock.instant();
        synchronized (minutes) {
            Minute minute = minutes.getIfPresent(key);
            if (minute == null || !now.isBefore(minute.start().plus(MINUTE))) minute = new Minute(now, 0);
            if (minute.count() >= PER_MINUTE) {
                long left = Duration.between(now, minute.start().plus(MINUTE)).toMillis();
                throw refusal.apply(Math.max(1, (left + 999) / 1000));
            }
            minutes.put(key, new Minute(minute.start(), minute.count() + 1));
        }
    }
}
