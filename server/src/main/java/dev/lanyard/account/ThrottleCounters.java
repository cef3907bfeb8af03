package dev.lanyard.account;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.lanyard.account.LoginThrottle.EmailAndAddress;
import dev.lanyard.account.LoginThrottle.Rule;
import dev.lanyard.account.ThrottleCounts.Bucket;
import dev.lanyard.account.ThrottleCounts.Failures;

/**
 * The three counters of a {@link LoginThrottle} in this node's memory (per email and address, per address, the email's
 * ceiling), forgotten an hour after their last use, and what reserving an attempt, its outcome and what other nodes
 * tell do to each. Which rule applies and what is told to other nodes is the throttle's to say.
 */
class ThrottleCounters {
    private final ConcurrentMap<EmailAndAddress, Failures> pairs = counters();
    private final ConcurrentMap<String, Failures> addresses = counters();
    private final ConcurrentMap<String, Bucket> emails = counters();

    private static <K, V> ConcurrentMap<K, V> counters() {
        return Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(1, TimeUnit.HOURS).<K, V>build().asMap();
    }

    /**
     * Reserves one attempt on each of the pair's three counters, the email-and-address one under {@code perPair}, the
     * address's under {@code perAddress}; when one does not admit it, gives back what was taken and returns false.
     */
    boolean reserve(EmailAndAddress pair, Instant now, Rule perPair, Rule perAddress) {
        List<Runnable> taken = new ArrayList<>(3);
        boolean reserved = reserve(pairs, pair, now, perPair, taken)
                && reserve(addresses, pair.address(), now, perAddress, taken)
                && reserveCeiling(pair.email(), now, taken);
        if (!reserved) taken.forEach(Runnable::run);
        return reserved;
    }

    private static <K> boolean reserve(ConcurrentMap<K, Failures> counters, K key, Instant now, Rule rule, List<Runnable> taken) {
        boolean[] granted = {false};
        counters.compute(key, (k, failures) -> {
            Failures current = failures == null ? Failures.NONE : failures;
            granted[0] = current.admits(now, rule);
            return granted[0] ? current.withPending(+1) : failures;
        });
        if (granted[0]) taken.add(() -> counters.computeIfPresent(key, (k, failures) -> failures.withPending(-1)));
        return granted[0];
    }

    private boolean reserveCeiling(String email, Instant now, List<Runnable> taken) {
        boolean[] granted = {false};
        emails.compute(email, (k, bucket) -> {
            Bucket current = (bucket == null ? Bucket.EMPTY : bucket).drained(now);
            granted[0] = current.admits();
            return granted[0] ? current.withPending(+1) : current;
        });
        if (granted[0]) taken.add(() -> emails.computeIfPresent(email, (k, bucket) -> bucket.withPending(-1)));
        return granted[0];
    }

    /** How long, in whole seconds and at least one, the pair's next attempt must wait. */
    long waitSeconds(EmailAndAddress pair, Instant now) {
        Duration wait = max(waitOf(pairs.get(pair), now), waitOf(addresses.get(pair.address()), now));
        Bucket bucket = emails.get(pair.email());
        if (bucket != null) wait = max(wait, bucket.drained(now).wait(now));
        return Math.max(1, wait.toSeconds() + (wait.toMillisPart() > 0 ? 1 : 0));
    }

    private static Duration waitOf(Failures failures, Instant now) {
        if (failures == null) return Duration.ZERO;
        return failures.blockedUntil().isAfter(now) ? Duration.between(now, failures.blockedUntil()) : Duration.ZERO;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** A reserved attempt failed: counted on the three counters, its reservation given back. */
    void failed(EmailAndAddress pair, Instant now, Rule perPair, Rule perAddress) {
        pairs.compute(pair, (k, f) -> (f == null ? Failures.NONE.withPending(1) : f).failed(now, perPair));
        addresses.compute(pair.address(), (k, f) -> (f == null ? Failures.NONE.withPending(1) : f).failed(now, perAddress));
        emails.compute(pair.email(), (k, b) -> (b == null ? Bucket.EMPTY.withPending(1) : b).drained(now).failed());
    }

    /** A failure another node counted, added as one of this node's would be (with no attempt in flight). */
    void counted(EmailAndAddress pair, Instant now, Rule perPair, Rule perAddress) {
        pairs.compute(pair, (k, f) -> (f == null ? Failures.NONE : f).counted(now, perPair));
        addresses.compute(pair.address(), (k, f) -> (f == null ? Failures.NONE : f).counted(now, perAddress));
        emails.compute(pair.email(), (k, b) -> (b == null ? Bucket.EMPTY : b).drained(now).counted());
    }

    /**
     * Forgives the pair's failures on the email-and-address counter ({@code returned}: attempts in flight that are
     * over with it). Returns whether there were any.
     */
    boolean forgive(EmailAndAddress pair, int returned) {
        boolean[] had = {false};
        pairs.computeIfPresent(pair, (k, f) -> {
            had[0] = f.count() > 0;
            return f.forgiven(returned);
        });
        return had[0];
    }

    /** Gives back a reserved attempt that ended without an outcome. */
    void release(EmailAndAddress pair) {
        pairs.computeIfPresent(pair, (k, f) -> f.withPending(-1));
        releaseAddressAndEmail(pair);
    }

    /** Gives back the reservation an attempt held on the address's counter and the email's ceiling. */
    void releaseAddressAndEmail(EmailAndAddress pair) {
        addresses.computeIfPresent(pair.address(), (k, f) -> f.withPending(-1));
        emails.computeIfPresent(pair.email(), (k, b) -> b.withPending(-1));
    }
}
