package dev.lanyard.passkeys;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.regex.Pattern;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.OtherNodes;

/**
 * How many passkey ceremonies one key may start: {@value #PER_MINUTE} a minute. Each start keeps a {@link Ceremony} row
 * until it expires, so without a bound a caller in a loop writes rows as fast as it can ask (outside review: 11,175 in
 * 10 seconds from one address). {@link Passkeys} keeps one of these per kind of start: sign-ins per client address
 * (they need nothing but the sign-in page's CSRF token), and second-factor checks and additions per member (they need
 * a right password or a session, which a loop has as well). A person starts one per click of a passkey button, so the
 * budget is far above what anyone clicks; a key keeps at most about {@code PER_MINUTE × 6} live ceremonies of one kind
 * (they last {@link Ceremonies#CEREMONY}).
 *
 * <p>Counted in memory, per minute from a key's first start, on every node for every node's starts, as the sign-in
 * throttle counts failures (decision 71): a start counted here is told to the other nodes after the fact
 * ({@link OtherNodes}: PostgreSQL {@code NOTIFY}, sent off the request's thread), each of which counts it as one of its
 * own; so a load balancer that spreads one caller over N nodes gives it the budget of one node, not N, give or take the
 * starts made on several nodes in the same few milliseconds. What is told and kept is SHA-256 of the key
 * ({@link OtherNodes#key}), never the address or account. A node that cannot hear the others counts its own starts only.
 * Not failures: a start is neither right nor wrong, so the sign-in throttle's budget of failures is left to wrong
 * passwords and codes.
 */
final class CeremonyStarts {
    static final int PER_MINUTE = 30;
    private static final Duration MINUTE = Duration.ofMinutes(1);
    /** What another node tells: a key as {@link OtherNodes#key} makes it. */
    private static final Pattern HEARD = Pattern.compile("[A-Za-z0-9_-]{43}");

    private final String news;
    private final Clock clock;
    private final OtherNodes nodes;
    private final LongFunction<AccountProblem.TooManyAttempts> refusal;
    /** Each key's current minute; one gone quiet is dropped (by the cache's own time, after two minutes). */
    private final Cache<String, Minute> minutes = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(2, TimeUnit.MINUTES).build();

    /**
     * Starts counted under the name {@code news} on every node (one name per kind of start); {@code refusal} makes the
     * problem thrown past the limit from the seconds left to wait.
     */
    CeremonyStarts(String news, Clock clock, OtherNodes nodes, LongFunction<AccountProblem.TooManyAttempts> refusal) {
        this.news = news;
        this.clock = clock;
        this.nodes = nodes;
        this.refusal = refusal;
        nodes.listen(news, this::heard);
    }

    /** A minute's starts of one key, the first at {@code start}. */
    private record Minute(Instant start, int count) {
        Minute plusOne() {
            return new Minute(start, count + 1);
        }
    }

    /**
     * Counts one start of {@code key} and tells the other nodes, or, when the key has started {@value #PER_MINUTE} in its
     * current minute on all nodes as this one has heard them, throws the {@link AccountProblem.TooManyAttempts} of this
     * kind of start with the seconds left of that minute, counting and telling nothing.
     */
    void count(String key) {
        String hashed = OtherNodes.key(key);
        Instant now = clock.instant();
        synchronized (minutes) {
            Minute minute = current(hashed, now);
            if (minute.count() >= PER_MINUTE) {
                long left = Duration.between(now, minute.start().plus(MINUTE)).toMillis();
                throw refusal.apply(Math.max(1, (left + 999) / 1000));
            }
            minutes.put(hashed, minute.plusOne());
        }
        nodes.tell(news, hashed);
    }

    /**
     * A start another node counted ({@link OtherNodes#listen}), counted here as one of this node's, past the limit or not:
     * it was made. Anything but a key is ignored. Memory work only.
     */
    void heard(String message) {
        if (!HEARD.matcher(message).matches()) return;
        Instant now = clock.instant();
        synchronized (minutes) {
            minutes.put(message, current(message, now).plusOne());
        }
    }

    /** The key's minute at {@code now}: the one it is in, or a new one with no start yet. */
    private Minute current(String hashed, Instant now) {
        Minute minute = minutes.getIfPresent(hashed);
        return minute == null || !now.isBefore(minute.start().plus(MINUTE)) ? new Minute(now, 0) : minute;
    }
}
