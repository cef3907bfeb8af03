package dev.lanyard.account;

import java.net.Inet4Address;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.lanyard.geo.ClientAddresses;
import dev.lanyard.geo.IpLiteral;
import org.springframework.stereotype.Component;

/**
 * Slows password guessing without letting a guesser lock the real owner out.
 *
 * <p>Three counters, each keyed whether or not the account exists, so the throttle reveals nothing:
 * <ul>
 * <li>per email and client address: 5 free failures, then each failure doubles the wait (1 s, 2 s, …,
 *     at most 5 minutes). Someone guessing at an email from their own address slows only themselves:
 *     the owner, signing in from another address, is not held up by it.</li>
 * <li>per client address, over all emails: 20 free failures, then doubling waits up to 15 minutes.</li>
 * <li>per email, over all addresses: a ceiling of 50 failures an hour (a bucket that forgets one
 *     failure every 72 s), against guessing spread over many addresses. A single slow guesser never
 *     reaches it, so it cannot keep an account locked for ever.</li>
 * </ul>
 *
 * <p>A client address is an IPv4 address, or an IPv6 address's /64 ({@link #block}): one subscriber is
 * usually given a whole /64, so keying on the full IPv6 address would hand one guesser 2^64 fresh budgets.
 *
 * <p>An attempt is reserved <em>before</em> the password is hashed ({@link #begin}): attempts still in
 * flight count as failures-to-be, so concurrent guesses cannot all pass the check and only then be
 * counted. While a counter is past its free budget, it lets one attempt through at a time. A completed
 * sign-in ({@link Attempt#succeeded}, {@link #forgive}) clears the email-and-address counter only; the
 * address counter stays, so a guesser cannot reset their budget by signing in to an account of their own.
 * A right password that a second factor must follow clears nothing ({@link Attempt#passed}): else each
 * right password would wipe the wrong codes counted since, and the codes could be guessed without end.
 * Counters are kept per node, in memory, and forgotten an hour after their last use: guessing against N
 * nodes gets at most N times the budget.
 */
@Component
class LoginThrottle {
    static final Rule PER_EMAIL_AND_ADDRESS = new Rule(5, Duration.ofMinutes(5));
    static final Rule PER_ADDRESS = new Rule(20, Duration.ofMinutes(15));
    static final int EMAIL_CEILING = 50;
    static final Duration EMAIL_CEILING_WINDOW = Duration.ofHours(1);

    private final Clock clock;
    private final ConcurrentMap<EmailAndAddress, Failures> pairs = counters();
    private final ConcurrentMap<String, Failures> addresses = counters();
    private final ConcurrentMap<String, Bucket> emails = counters();

    LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    private static <K, V> ConcurrentMap<K, V> counters() {
        return Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(1, TimeUnit.HOURS).<K, V>build().asMap();
    }

    /** How many failures are free, and the longest wait after that. */
    record Rule(int free, Duration cap) {
    }

    private record EmailAndAddress(String email, String address) {
    }

    /**
     * Reserves one sign-in attempt for {@code email} from {@code address}, or throws
     * {@link AccountProblem.TooManyAttempts} when a counter asks the caller to wait. The caller reports
     * the outcome on the returned attempt; closing it unreported (an error on the way) gives the
     * reservation back without counting a failure.
     */
    Attempt begin(String email, String rawAddress) {
        Instant now = clock.instant();
        String address = block(rawAddress);
        EmailAndAddress pair = new EmailAndAddress(email, address);
        List<Runnable> taken = new ArrayList<>(3);
        boolean reserved = reserve(pairs, pair, now, PER_EMAIL_AND_ADDRESS, taken)
                && reserve(addresses, address, now, PER_ADDRESS, taken)
                && reserveCeiling(email, now, taken);
        if (!reserved) {
            taken.forEach(Runnable::run);
            throw new AccountProblem.TooManyAttempts(waitSeconds(email, pair, address, now));
        }
        return new Attempt(email, pair, address);
    }

    /**
     * Reserves one attempt at something other than a password that is throttled per client address only
     * ({@code what}: a passkey sign-in, a sign-up, an invitation): the per-email counters are kept per
     * address under a key that no email can equal.
     */
    Attempt begin(What what, String address) {
        return begin(what.key + " " + block(address), address);
    }

    /**
     * Asks {@code found} under {@code what}'s budget at {@code address}: a yes is a guess that hit (an email
     * that has an account) and counts as a failure; a no forgives nothing. Returns what {@code found} said.
     *
     * @throws AccountProblem.TooManyAttempts without asking, when the address must wait
     */
    boolean probe(What what, String address, java.util.function.BooleanSupplier found) {
        try (Attempt attempt = begin(what, address)) {
            boolean hit = found.getAsBoolean();
            if (hit) attempt.failed();
            else attempt.passed();
            return hit;
        }
    }

    /** What is throttled per address, besides passwords; each has its own email-and-address budget. */
    enum What {
        PROOF("proof"), SIGN_UP("sign-up"), INVITATION("invitation"), PASSWORD_RESET("password-reset");

        private final String key;

        What(String key) {
            this.key = key;
        }
    }

    /** A completed sign-in: this address's failures at this email are forgiven, as {@link Attempt#succeeded} does. */
    void forgive(String email, String address) {
        pairs.computeIfPresent(new EmailAndAddress(email, block(address)),
                (k, f) -> f.pending() > 0 ? new Failures(0, Instant.EPOCH, f.pending()) : null);
    }

    /**
     * The address the counters are kept for: an IPv4 address as it is (an IPv4-mapped IPv6 address is
     * its IPv4 address), an IPv6 address as its /64, {@code 2001:db8:0:1::/64}. A text that is no IP
     * address is kept as it is. Never asks DNS.
     */
    static String block(String address) {
        return IpLiteral.parse(address).map(ip -> {
            return ip instanceof Inet4Address ? ip.getHostAddress() : ClientAddresses.leadingGroups(ip, 4) + ":/64";
        }).orElse(address == null ? "" : address);
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

    private long waitSeconds(String email, EmailAndAddress pair, String address, Instant now) {
        Duration wait = max(waitOf(pairs.get(pair), now), waitOf(addresses.get(address), now));
        Bucket bucket = emails.get(email);
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

    /** One reserved attempt; report exactly one outcome, or close it to give the reservation back. */
    final class Attempt implements AutoCloseable {
        private final String email;
        private final EmailAndAddress pair;
        private final String address;
        private boolean done;

        private Attempt(String email, EmailAndAddress pair, String address) {
            this.email = email;
            this.pair = pair;
            this.address = address;
        }

        void failed() {
            if (done) return;
            done = true;
            Instant now = clock.instant();
            pairs.compute(pair, (k, f) -> (f == null ? Failures.NONE.withPending(1) : f).failed(now, PER_EMAIL_AND_ADDRESS));
            addresses.compute(address, (k, f) -> (f == null ? Failures.NONE.withPending(1) : f).failed(now, PER_ADDRESS));
            emails.compute(email, (k, b) -> (b == null ? Bucket.EMPTY.withPending(1) : b).drained(now).failed());
        }

        /**
         * Right, but the sign-in is not complete (a second factor follows, or it was not a sign-in): the
         * reservation is given back and nothing is forgiven.
         */
        void passed() {
            close();
        }

        /** The sign-in is complete: this address's guesses at this email are forgiven. */
        void succeeded() {
            if (done) return;
            done = true;
            pairs.computeIfPresent(pair, (k, f) -> f.pending() > 1 ? new Failures(0, Instant.EPOCH, f.pending() - 1) : null);
            addresses.computeIfPresent(address, (k, f) -> f.withPending(-1));
            emails.computeIfPresent(email, (k, b) -> b.withPending(-1));
        }

        @Override
        public void close() {
            if (done) return;
            done = true;
            pairs.computeIfPresent(pair, (k, f) -> f.withPending(-1));
            addresses.computeIfPresent(address, (k, f) -> f.withPending(-1));
            emails.computeIfPresent(email, (k, b) -> b.withPending(-1));
        }
    }

    /** Failures so far, until when the next attempt must wait, and attempts in flight. */
    record Failures(int count, Instant blockedUntil, int pending) {
        static final Failures NONE = new Failures(0, Instant.EPOCH, 0);

        /**
         * Within the free budget, as many attempts as are left of it may be in flight; past it, one at a
         * time once the wait is over.
         */
        boolean admits(Instant now, Rule rule) {
            if (blockedUntil.isAfter(now)) return false;
            return count + pending < rule.free() || pending == 0;
        }

        Failures withPending(int delta) {
            return new Failures(count, blockedUntil, Math.max(0, pending + delta));
        }

        Failures failed(Instant now, Rule rule) {
            int failures = count + 1;
            Instant until = failures < rule.free() ? blockedUntil
                    : now.plusSeconds(Math.min(rule.cap().toSeconds(), 1L << Math.min(failures - rule.free(), 20)));
            return new Failures(failures, until, Math.max(0, pending - 1));
        }
    }

    /** The per-email ceiling: failures that drain away at {@link #EMAIL_CEILING} per window. */
    record Bucket(double level, Instant at, int pending) {
        static final Bucket EMPTY = new Bucket(0, Instant.EPOCH, 0);
        private static final double PER_MILLI = (double) EMAIL_CEILING / EMAIL_CEILING_WINDOW.toMillis();

        Bucket drained(Instant now) {
            if (!now.isAfter(at)) return this;
            return new Bucket(Math.max(0, level - Duration.between(at, now).toMillis() * PER_MILLI), now, pending);
        }

        boolean admits() {
            return level + pending + 1 <= EMAIL_CEILING;
        }

        Bucket withPending(int delta) {
            return new Bucket(level, at, Math.max(0, pending + delta));
        }

        Bucket failed() {
            return new Bucket(level + 1, at, Math.max(0, pending - 1));
        }

        /** How long until one more attempt fits. */
        Duration wait(Instant now) {
            double over = level + pending + 1 - EMAIL_CEILING;
            return over <= 0 ? Duration.ZERO : Duration.ofMillis((long) Math.ceil(over / PER_MILLI));
        }
    }
}
