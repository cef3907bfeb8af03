package dev.lanyard.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

import dev.lanyard.geo.ClientAddresses;
import org.springframework.beans.factory.annotation.Autowired;
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
 *
 * <p>Every node counts every node's failures (decision 71). The counters live in memory on each node,
 * forgotten an hour after their last use, keyed by SHA-256 of the email and of the address, never the
 * text. A failure counted here is then told to the other nodes ({@link OtherNodes}: PostgreSQL
 * {@code NOTIFY}, sent off the request's thread, so nobody waits for it), which add it to the same three
 * counters; a completed sign-in that forgives failures here tells them to forgive them too (only when
 * there were failures to forgive, so a sign-in without earlier failures sends nothing). What is told
 * holds the two hashes only. Attempts in flight stay per node: guesses sent to N nodes at the same
 * moment can each take what is left of a free budget on each node before their failures are heard
 * (at most N times the free failures at once), and past it N attempts may be in flight, one per node.
 * While this node may be missing the others' failures ({@link OtherNodes#hearing} is false: its
 * listening connection is down, or it has not listened yet) it fails safe: the two doubling counters
 * give no free failure, so each failure here makes the next attempt wait (1 s, 2 s, … up to their caps,
 * so never for ever); the ceiling is unchanged. What was told while it did not hear is not told again:
 * it stays counted on the nodes that heard it.
 *
 * <p>The counters themselves, and what each step does to them, are {@link ThrottleCounters}'.
 */
@Component
class LoginThrottle {
    static final Rule PER_EMAIL_AND_ADDRESS = new Rule(5, Duration.ofMinutes(5));
    static final Rule PER_ADDRESS = new Rule(20, Duration.ofMinutes(15));
    static final int EMAIL_CEILING = 50;
    static final Duration EMAIL_CEILING_WINDOW = Duration.ofHours(1);
    /** What the doubling counters leave free while this node may be missing the other nodes' failures. */
    static final int FREE_WHILE_NOT_HEARING = 1;
    /** The name the throttle's messages go under to the other nodes ({@link OtherNodes}). */
    static final String NEWS = "login-throttle";
    /** A message: this letter, the email's key, {@code .}, the address's key. */
    private static final char FAILED = 'f';
    private static final char FORGIVEN = 's';

    private final Clock clock;
    private final OtherNodes nodes;
    private final ThrottleCounters counters = new ThrottleCounters();

    /** A throttle alone: no other node to tell or hear. */
    LoginThrottle(Clock clock) {
        this(clock, OtherNodes.NONE);
    }

    @Autowired
    LoginThrottle(Clock clock, OtherNodes nodes) {
        this.clock = clock;
        this.nodes = nodes;
        nodes.listen(NEWS, this::heard);
    }

    /** How many failures are free, and the longest wait after that. */
    record Rule(int free, Duration cap) {
        /** This rule while this node may be missing the other nodes' failures: no free failure. */
        Rule notHearing() {
            return new Rule(Math.min(free, FREE_WHILE_NOT_HEARING), cap);
        }
    }

    /** The keys of an email and of a client address: SHA-256 of each, base64url, so no email is kept or told. */
    record EmailAndAddress(String email, String address) {
        static EmailAndAddress of(String email, String address) {
            return new EmailAndAddress(key(email), key(address));
        }
    }

    /**
     * Reserves one sign-in attempt for {@code email} from {@code address}, or throws
     * {@link AccountProblem.TooManyAttempts} when a counter asks the caller to wait. The caller reports
     * the outcome on the returned attempt; closing it unreported (an error on the way) gives the
     * reservation back without counting a failure.
     */
    Attempt begin(String email, String rawAddress) {
        Instant now = clock.instant();
        EmailAndAddress pair = EmailAndAddress.of(email, block(rawAddress));
        boolean hearing = nodes.hearing();
        if (!counters.reserve(pair, now, rule(PER_EMAIL_AND_ADDRESS, hearing), rule(PER_ADDRESS, hearing))) {
            throw new AccountProblem.TooManyAttempts(counters.waitSeconds(pair, now));
        }
        return new Attempt(pair);
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
    boolean probe(What what, String address, BooleanSupplier found) {
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

    /**
     * A completed sign-in: this address's failures at this email are forgiven, as {@link Attempt#succeeded} does, here and
     * on the other nodes.
     */
    void forgive(String email, String address) {
        forgiven(EmailAndAddress.of(email, block(address)), 0);
    }

    /** The address the counters are kept for ({@link ClientAddresses#subscriber}): an IPv4 address, or an IPv6 /64. */
    static String block(String address) {
        return ClientAddresses.subscriber(address);
    }

    private static Rule rule(Rule rule, boolean hearing) {
        return hearing ? rule : rule.notHearing();
    }

    /**
     * Forgives the pair's failures ({@code returned}: attempts in flight here that are over with it) and, if there were
     * any, tells the other nodes.
     */
    private void forgiven(EmailAndAddress pair, int returned) {
        if (counters.forgive(pair, returned)) nodes.tell(NEWS, FORGIVEN + pair.email() + "." + pair.address());
    }

    /**
     * What another node told ({@link OtherNodes#listen}): a failure it counted, added to the three counters here as
     * one of this node's would be (with no attempt in flight), or failures it forgave, forgiven here too. Anything
     * else is ignored. Memory work only.
     */
    void heard(String message) {
        int dot = message.indexOf('.');
        if (dot < 2 || dot == message.length() - 1) return;
        EmailAndAddress pair = new EmailAndAddress(message.substring(1, dot), message.substring(dot + 1));
        Instant now = clock.instant();
        switch (message.charAt(0)) {
            case FAILED -> counters.counted(pair, now, PER_EMAIL_AND_ADDRESS, PER_ADDRESS);
            case FORGIVEN -> counters.forgive(pair, 0);
            default -> {
            }
        }
    }

    /** SHA-256 of the text, base64url without padding: 43 characters, none of them a comma or a dot ({@link OtherNodes#key}). */
    static String key(String text) {
        return OtherNodes.key(text);
    }

    /** One reserved attempt; report exactly one outcome, or close it to give the reservation back. */
    final class Attempt implements AutoCloseable {
        private final EmailAndAddress pair;
        private boolean done;

        private Attempt(EmailAndAddress pair) {
            this.pair = pair;
        }

        /** The attempt failed: counted here, then told to the other nodes. */
        void failed() {
            if (done) return;
            done = true;
            Instant now = clock.instant();
            boolean hearing = nodes.hearing();
            counters.failed(pair, now, rule(PER_EMAIL_AND_ADDRESS, hearing), rule(PER_ADDRESS, hearing));
            nodes.tell(NEWS, FAILED + pair.email() + "." + pair.address());
        }

        /**
         * Right, but the sign-in is not complete (a second factor follows, or it was not a sign-in): the
         * reservation is given back and nothing is forgiven.
         */
        void passed() {
            close();
        }

        /** The sign-in is complete: this address's guesses at this email are forgiven, here and on the other nodes. */
        void succeeded() {
            if (done) return;
            done = true;
            forgiven(pair, 1);
            counters.releaseAddressAndEmail(pair);
        }

        @Override
        public void close() {
            if (done) return;
            done = true;
            counters.release(pair);
        }
    }
}
