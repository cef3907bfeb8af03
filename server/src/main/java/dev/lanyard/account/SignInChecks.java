package dev.lanyard.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;

/**
 * What {@link Accounts} checks under the sign-in throttle ({@link LoginThrottle}): a sign-in's password, a signed-in
 * member's password asked again, a second factor's code and a proof other than a password. Each attempt is reserved
 * before the work it guards and counted as it ends. Runs in no transaction of its own.
 */
final class SignInChecks {
    private static final Logger log = LoggerFactory.getLogger(Accounts.class);
    static final String TOO_LONG = "This password is longer than " + AccountInput.MAX_PASSWORD
            + " characters, so it cannot be right. Check what you typed.";

    private final AccountStore store;
    private final PasswordHasher hasher;
    private final LoginThrottle throttle;
    private final ApplicationEventPublisher events;
    private final MeterRegistry meters;
    private final Clock clock;
    private final RecordingTimes recordingTimes = new RecordingTimes();

    SignInChecks(AccountStore store, PasswordHasher hasher, LoginThrottle throttle, ApplicationEventPublisher events,
                 MeterRegistry meters, Clock clock) {
        this.store = store;
        this.hasher = hasher;
        this.throttle = throttle;
        this.events = events;
        this.meters = meters;
        this.clock = clock;
    }

    /** {@link Accounts#reauthenticate}: a signed-in member's password, asked again. */
    void reauthenticate(Account account, String fromSession, String purpose, String password, String address) {
        String secret = password == null ? "" : password;
        LoginThrottle.Attempt attempt = attempt(account, address);
        try (attempt) {
            Optional<AccountStore.Credentials> found = AccountInput.tooLong(secret) ? Optional.empty()
                    : store.findByEmail(account.email()).filter(c -> c.account().id().equals(account.id()));
            PasswordHasher.Match match = found.isPresent() ? hasher.check(secret, found.get().passwordHash()) : PasswordHasher.Match.NONE;
            if (!match.ok()) {
                attempt.failed();
                meters.counter("lanyard.login.failures", "reason", "reauthentication").increment();
                events.publishEvent(new AccountEvent.ReauthenticationFailed(account, fromSession, purpose, address, clock.instant()));
                throw new AccountProblem.InvalidCredentials();
            }
            attempt.passed();
            if (match.storedInAnOlderForm()) rehashNormalized(found.get(), secret, match);
        }
    }

    /**
     * {@link Accounts#requireSamePassword}, in the caller's transaction: locks the member's row, as a password change's
     * update does, so the two are ordered.
     */
    void requireSamePassword(AccountId id, String stamp) {
        store.lockAccount(id);
        checkSamePassword(id, stamp);
    }

    /** As {@link #requireSamePassword}, without the lock. */
    private void checkSamePassword(AccountId id, String stamp) {
        boolean same = store.passwordHash(id).map(SignInChecks::stamp)
                .map(now -> MessageDigest.isEqual(now.getBytes(StandardCharsets.US_ASCII), stamp.getBytes(StandardCharsets.US_ASCII)))
                .orElse(false);
        if (!same) {
            meters.counter("lanyard.login.failures", "reason", "password-changed").increment();
            throw new AccountProblem.PasswordChanged();
        }
    }

    /** An opaque stamp of a password hash: SHA-256 of it, in hex. Says nothing of the password. */
    static String stamp(String passwordHash) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(passwordHash.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A sign-in's email and password, checked as {@link Accounts#authenticate(String, String, String)} says. */
    AccountStore.Credentials password(String rawEmail, String password, String address) {
        String email = EmailRule.forSignIn(rawEmail);
        String secret = password == null ? "" : password;
        // Longer than any password Lanyard takes, so never right: refused before the email is looked up or anything is
        // hashed (a 100 KB password was hashed to answer 401), in the same words whether or not the email has an account.
        if (AccountInput.tooLong(secret)) throw new AccountProblem.InvalidInput("password", TOO_LONG);
        LoginThrottle.Attempt attempt;
        try {
            attempt = throttle.begin(email, address);
        } catch (AccountProblem.TooManyAttempts tooMany) {
            meters.counter("lanyard.login.failures", "reason", "throttled").increment();
            throw tooMany;
        }
        try (attempt) {
            Optional<AccountStore.Credentials> found = store.findByEmail(email)
                    .or(() -> EmailRule.asStoredBefore(rawEmail).flatMap(store::findByEmail));
            PasswordHasher.Match match;
            if (found.isPresent()) {
                match = hasher.check(secret, found.get().passwordHash());
            } else {
                hasher.checkDecoy(secret);
                match = PasswordHasher.Match.NONE;
            }
            if (!match.ok()) {
                attempt.failed();
                meters.counter("lanyard.login.failures", "reason", "invalid-credentials").increment();
                long started = System.nanoTime();
                events.publishEvent(new AccountEvent.SignInFailed(email, found.map(AccountStore.Credentials::account),
                        address, clock.instant()));
                long spent = System.nanoTime() - started;
                // Only an existing email's failure is written to the audit log: an unknown one waits as long.
                if (found.isPresent()) recordingTimes.recorded(spent);
                else recordingTimes.matchRecording(spent);
                throw new AccountProblem.InvalidCredentials();
            }
            // Not forgiven yet: a second factor may follow, whose wrong codes a right password must not wipe.
            attempt.passed();
            if (match.storedInAnOlderForm()) return rehashNormalized(found.get(), secret, match);
            return found.get();
        }
    }

    /**
     * Stores a password that matched only in an older form (as typed before passwords were normalized, composed or
     * decomposed, or as the pages once misread it, decision 55) hashed normalized, as every password is hashed now; a
     * change meanwhile wins.
     */
    private AccountStore.Credentials rehashNormalized(AccountStore.Credentials credentials, String password, PasswordHasher.Match match) {
        String hash = hasher.hash(password);
        if (store.updatePassword(credentials.account().id(), credentials.passwordHash(), hash) == 0) {
            // Another sign-in stored it normalized first (or the password changed): stamp what is stored now if it is this one.
            return store.passwordHash(credentials.account().id()).filter(now -> hasher.matches(password, now))
                    .map(now -> new AccountStore.Credentials(credentials.account(), now)).orElse(credentials);
        }
        log.info("Stored the password of account {} normalized: it had been hashed {}", credentials.account().id().value(),
                switch (match) {
                    case MISREAD -> "as a page misread it";
                    case DECOMPOSED -> "decomposed (NFD), before passwords were normalized";
                    default -> "as typed, before passwords were normalized";
                });
        return new AccountStore.Credentials(credentials.account(), hash);
    }

    /** {@link Accounts#signedIn}: the failures of this address at this email are forgiven. */
    void signedIn(Account account, String address) {
        throttle.forgive(account.email(), address);
    }

    /** An attempt of {@code account}'s from {@code address} under the sign-in throttle; a refusal is counted as throttled. */
    private LoginThrottle.Attempt attempt(Account account, String address) {
        try {
            return throttle.begin(account.email(), address);
        } catch (AccountProblem.TooManyAttempts tooMany) {
            meters.counter("lanyard.login.failures", "reason", "throttled").increment();
            throw tooMany;
        }
    }

    /** {@link Accounts#checkThrottled}: a one-time code, under the same budget as passwords. */
    boolean code(Account account, String address, java.util.function.BooleanSupplier check) {
        LoginThrottle.Attempt attempt = attempt(account, address);
        try (attempt) {
            boolean ok = check.getAsBoolean();
            if (ok) attempt.succeeded();
            else {
                attempt.failed();
                meters.counter("lanyard.login.failures", "reason", "invalid-code").increment();
            }
            return ok;
        }
    }

    /** {@link Accounts#authenticate(Accounts.Proof, String)}: a proof other than a password, under the address's budget. */
    Optional<Account> proof(Accounts.Proof proof, String address) {
        LoginThrottle.Attempt attempt;
        try {
            // No email is typed: the per-email counters are kept per address (LoginThrottle.What).
            attempt = throttle.begin(LoginThrottle.What.PROOF, address);
        } catch (AccountProblem.TooManyAttempts tooMany) {
            meters.counter("lanyard.login.failures", "reason", "throttled").increment();
            throw tooMany;
        }
        try (attempt) {
            Optional<Account> account = proof.verify().flatMap(store::find);
            if (account.isEmpty()) {
                attempt.failed();
                meters.counter("lanyard.login.failures", "reason", "invalid-proof").increment();
            } else {
                attempt.succeeded();
            }
            return account;
        }
    }
}
