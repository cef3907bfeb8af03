package dev.lanyard.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/** Sign-up and sign-in: the only way in and out of the account module. */
@Service
public class Accounts {
    private static final Logger log = LoggerFactory.getLogger(Accounts.class);
    static final int MIN_PASSWORD = 12;
    static final int MAX_PASSWORD = 1024;

    private final AccountStore store;
    private final PasswordHasher hasher;
    private final LoginThrottle throttle;
    private final ApplicationEventPublisher events;
    private final MeterRegistry meters;
    private final TransactionTemplate transactions;
    private final Mailer mailer;
    private final Clock clock;
    private final RecordingTimes recordingTimes = new RecordingTimes();
    private final com.github.benmanes.caffeine.cache.Cache<AccountId, Boolean> emailVerified = com.github.benmanes.caffeine.cache.Caffeine
            .newBuilder().maximumSize(100_000).expireAfterWrite(java.time.Duration.ofMinutes(1)).build();

    Accounts(AccountStore store, PasswordHasher hasher, LoginThrottle throttle, ApplicationEventPublisher events,
             MeterRegistry meters, TransactionTemplate transactions, Mailer mailer, Clock clock) {
        this.mailer = mailer;
        this.transactions = transactions;
        this.store = store;
        this.hasher = hasher;
        this.throttle = throttle;
        this.events = events;
        this.meters = meters;
        this.clock = clock;
    }

    /**
     * Creates a team with the newcomer as its admin. The password is hashed before the
     * transaction starts, so no write lock is held for the ~100 ms that costs.
     *
     * <p>A taken email is said so ({@link AccountProblem.EmailTaken}), which tells whether someone has an
     * account: each taken email counts as a failure from the client address under the sign-in throttle
     * ({@link LoginThrottle}), so that one address cannot test many emails.
     *
     * @throws AccountProblem.TooManyAttempts too many taken emails from this address lately
     */
    public Account signUp(SignUp request) {
        return signUp(request, account -> account);
    }

    /**
     * {@link #signUp(SignUp)}, then {@code then} with the new account in the same transaction: the newcomer's first
     * session starts with the account or neither is kept, so a failure cannot leave an account that a retry finds
     * taken and no one signed in to it.
     */
    public <T> T signUp(SignUp request, java.util.function.Function<Account, T> then) {
        Checked checked = checked(request);
        boolean taken;
        try {
            // A free email is no guess: it forgives nothing, or a new account of one's own would reset the budget.
            taken = throttle.probe(LoginThrottle.What.SIGN_UP, request.address(), () -> store.taken(checked.email(), request.email()));
        } catch (AccountProblem.TooManyAttempts tooMany) {
            meters.counter("lanyard.signup.failures", "reason", "throttled").increment();
            throw AccountProblem.TooManyAttempts.signUps(tooMany.retryAfterSeconds());
        }
        if (taken) {
            meters.counter("lanyard.signup.failures", "reason", "email-taken").increment();
            throw new AccountProblem.EmailTaken();
        }

        String hash = hasher.hash(request.password());
        return transactions.execute(tx -> then.apply(create(TeamId.random(), checked, hash)));
    }

    /** A sign-up's input, checked: the names stripped, the email normalized ({@link EmailRule}). */
    record Checked(String email, String name, String team) {
    }

    /** @throws AccountProblem.InvalidInput naming every field that breaks a rule ({@link dev.lanyard.InputErrors}) */
    Checked checked(SignUp request) {
        String name = dev.lanyard.FreeText.strip(request.name());
        String teamName = dev.lanyard.FreeText.strip(request.team());
        dev.lanyard.InputErrors<AccountProblem.InvalidInput> errors = new dev.lanyard.InputErrors<>(AccountProblem.InvalidInput.class);
        errors.check(() -> {
            checkControlCharacters("name", request.name());
            checkName(name);
        });
        String[] email = {""}; // the normalized email once it passes; a refused one is not compared with the password
        errors.check(() -> {
            checkControlCharacters("email", request.email());
            email[0] = EmailRule.forNewAccount(request.email());
        });
        errors.check(() -> {
            checkControlCharacters("password", request.password());
            checkPassword(request.password(), email[0], name);
        });
        errors.check(() -> {
            checkControlCharacters("team", request.team());
            checkText(teamName, "team", "Enter a team name (up to 100 characters).", "The team name");
        });
        errors.throwIfAny(AccountProblem.InvalidInput::of);
        return new Checked(email[0], name, teamName);
    }

    /**
     * A field of a form that is checked whole ({@link dev.lanyard.ChecksControlCharacters}: the web layer let its control
     * characters through), refused as the web layer refuses them everywhere else, before any other rule reads it.
     */
    static void checkControlCharacters(String field, String raw) {
        dev.lanyard.ControlCharacters.refusal(field, raw).ifPresent(refused -> {
            throw new AccountProblem.InvalidInput(field, refused);
        });
    }

    /** The rules of a person's name, already stripped: given, at most 100 characters, no control or invisible ones. */
    static void checkName(String name) {
        checkText(name, "name", "Enter your name (up to 100 characters).", "The name");
    }

    private static void checkText(String text, String field, String missing, String what) {
        if (text.isEmpty() || dev.lanyard.FreeText.length(text) > 100) throw new AccountProblem.InvalidInput(field, missing);
        dev.lanyard.FreeText.refusal(text, false).ifPresent(refused -> {
            throw new AccountProblem.InvalidInput(field, what + " cannot contain " + refused + ".");
        });
    }

    /**
     * Creates the team {@code teamId} with the newcomer as its admin, in the caller's transaction.
     *
     * @throws AccountProblem.EmailTaken an account with the email was created meanwhile
     */
    Account create(TeamId teamId, Checked checked, String passwordHash) {
        Instant now = clock.instant();
        Team team = new Team(teamId, checked.team(), now, TeamPolicy.DEFAULT);
        Account account = new Account(AccountId.random(), team.id(), checked.email(), checked.name(), Role.ADMIN, now);
        store.insert(team);
        try {
            store.insert(account, passwordHash);
        } catch (DuplicateKeyException raced) {
            throw new AccountProblem.EmailTaken();
        }
        events.publishEvent(new AccountEvent.SignedUp(account, now));
        return account;
    }

    /**
     * Checks an email and password. An email longer than {@link EmailRule#MAX_LENGTH} characters is
     * {@link AccountProblem.InvalidInput} before any work is spent on it. A wrong email and a wrong
     * password cost the same work, get the same answer and take the same time: recording an existing email's
     * failure in the audit log is matched by a wait as long for an unknown one ({@link RecordingTimes}). Each attempt is reserved with the throttle before the password is hashed, so
     * concurrent guesses are counted as they start, not as they finish (see {@link LoginThrottle}). A right
     * password forgives no earlier failures: the caller calls {@link #signedIn} once the sign-in is complete.
     */
    public Account authenticate(String rawEmail, String password, String address) {
        return check(rawEmail, password, address).account();
    }

    /**
     * A signed-in member's password, asked again before a change that needs it ({@code purpose}: "add a passkey"), from
     * the session {@code fromSession} (its public id). Throttled and counted exactly as a sign-in's password is (a
     * failure costs the budget of the member's email and {@code address}; a success forgives nothing), but a wrong one is
     * the member's own failed re-authentication ({@link AccountEvent.ReauthenticationFailed}), not a failed sign-in as
     * them by someone else (docs/decisions/0066).
     *
     * @throws AccountProblem.InvalidCredentials the password is wrong
     * @throws AccountProblem.TooManyAttempts    too many wrong passwords lately
     */
    public void reauthenticate(Account account, String fromSession, String purpose, String password, String address) {
        String secret = password == null ? "" : password;
        LoginThrottle.Attempt attempt = attempt(account, address);
        try (attempt) {
            Optional<AccountStore.Credentials> found = secret.length() > MAX_PASSWORD ? Optional.empty()
                    : store.findByEmail(account.email()).filter(c -> c.account().id().equals(account.id()));
            PasswordHasher.Match match = found.isPresent() ? hasher.check(secret, found.get().passwordHash()) : PasswordHasher.Match.NONE;
            if (!match.ok()) {
                attempt.failed();
                meters.counter("lanyard.login.failures", "reason", "reauthentication").increment();
                events.publishEvent(new AccountEvent.ReauthenticationFailed(account, fromSession, purpose, address, clock.instant()));
                throw new AccountProblem.InvalidCredentials();
            }
            attempt.passed();
            if (match == PasswordHasher.Match.MISREAD) rehashAsTyped(found.get(), secret);
        }
    }

    /**
     * A sign-in's password, checked: the account, and a stamp of the password that was right. The session the sign-in
     * starts carries the stamp ({@code NewSession.withPassword}), and starts only if it is still the member's password
     * ({@link #requireSamePassword}).
     */
    public record PasswordChecked(Account account, String stamp) {
    }

    /** As {@link #authenticate}, for a sign-in that starts a session with the password checked here. */
    public PasswordChecked authenticateForSignIn(String rawEmail, String password, String address) {
        AccountStore.Credentials credentials = check(rawEmail, password, address);
        return new PasswordChecked(credentials.account(), stamp(credentials.passwordHash()));
    }

    /**
     * Refuses a sign-in whose password is no longer the member's: changed since it was checked (the member changed it to
     * lock someone out, with their other sessions ended), or the account removed. Locks the member's row for the caller's
     * transaction, as the change's update does, so the two are ordered.
     *
     * @throws AccountProblem.InvalidCredentials the password checked is not the current one
     */
    @Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
    public void requireSamePassword(AccountId id, String stamp) {
        store.lockAccount(id);
        boolean same = store.passwordHash(id).map(Accounts::stamp)
                .map(now -> MessageDigest.isEqual(now.getBytes(StandardCharsets.US_ASCII), stamp.getBytes(StandardCharsets.US_ASCII)))
                .orElse(false);
        if (!same) {
            meters.counter("lanyard.login.failures", "reason", "password-changed").increment();
            throw new AccountProblem.InvalidCredentials();
        }
    }

    /** An opaque stamp of a password hash: SHA-256 of it, in hex. Says nothing of the password. */
    private static String stamp(String passwordHash) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(passwordHash.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private AccountStore.Credentials check(String rawEmail, String password, String address) {
        String email = EmailRule.forSignIn(rawEmail);
        String secret = password == null ? "" : password;
        LoginThrottle.Attempt attempt;
        try {
            attempt = throttle.begin(email, address);
        } catch (AccountProblem.TooManyAttempts tooMany) {
            meters.counter("lanyard.login.failures", "reason", "throttled").increment();
            throw tooMany;
        }
        try (attempt) {
            Optional<AccountStore.Credentials> found = secret.length() > MAX_PASSWORD ? Optional.empty() : store.findByEmail(email)
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
            if (match == PasswordHasher.Match.MISREAD) return rehashAsTyped(found.get(), secret);
            return found.get();
        }
    }

    /** Stores a password that matched only as the pages once misread it (decision 55) hashed as typed; a change meanwhile wins. */
    private AccountStore.Credentials rehashAsTyped(AccountStore.Credentials credentials, String password) {
        String hash = hasher.hash(password);
        if (store.updatePassword(credentials.account().id(), credentials.passwordHash(), hash) == 0) {
            // Another sign-in stored it as typed first (or the password changed): stamp what is stored now if it is this one.
            return store.passwordHash(credentials.account().id()).filter(now -> hasher.matches(password, now))
                    .map(now -> new AccountStore.Credentials(credentials.account(), now)).orElse(credentials);
        }
        log.info("Stored the password of account {} as typed: it had been set on a page that misread it", credentials.account().id().value());
        return new AccountStore.Credentials(credentials.account(), hash);
    }

    /**
     * A sign-in of {@code account} from {@code address} is complete (the password was the last step): the
     * failures of this address at this email are forgiven ({@link LoginThrottle}). Not called when a second
     * factor follows the password; a right code forgives them instead.
     */
    public void signedIn(Account account, String address) {
        throttle.forgive(account.email(), address);
    }

    /**
     * Changes the password of {@code id} (PRODUCT.md V4) under the rules of sign-up, after checking the current
     * one. A wrong current password counts towards the sign-in throttle like a failed sign-in from
     * {@code change.origin().address()}. Both hashes are computed before the transaction; inside it the new hash
     * is stored (only if the password was not changed meanwhile), {@link AccountEvent.PasswordChanged} is
     * published (the member's other sign-ins end with it when asked) and the notification mail is queued.
     *
     * @throws AccountProblem.InvalidInput    a missing current password, a new one that breaks the rules, or both (each
     *                                        field named)
     * @throws AccountProblem.WrongPassword   the current password is wrong, with the new one's broken rules if any
     * @throws AccountProblem.TooManyAttempts too many wrong passwords lately
     */
    public Account changePassword(AccountId id, PasswordChange change) {
        Account account = store.find(id).orElseThrow(AccountProblem.NotFound::new);
        // Every field at fault at once, except what depends on knowing the current password: whether the new one
        // differs from it is said only once it is known to be right.
        dev.lanyard.InputErrors<AccountProblem.InvalidInput> errors = new dev.lanyard.InputErrors<>(AccountProblem.InvalidInput.class);
        boolean currentGiven = errors.check(() -> {
            if (change.current().isEmpty()) throw new AccountProblem.InvalidInput("currentPassword", "Enter your current password.");
        });
        boolean nextKeepsTheRules = errors.check(() -> {
            try {
                checkPassword(change.next(), account.email(), account.name());
            } catch (AccountProblem.InvalidInput invalid) {
                throw new AccountProblem.InvalidInput("newPassword", invalid.getMessage());
            }
        });
        if (!currentGiven) errors.throwIfAny(AccountProblem.InvalidInput::of);
        if (change.current().length() > MAX_PASSWORD) throw new AccountProblem.WrongPassword(errors.found());
        AccountStore.Credentials credentials = store.findByEmail(account.email()).filter(c -> c.account().id().equals(id))
                .orElseThrow(AccountProblem.NotFound::new);
        LoginThrottle.Attempt attempt = throttle.begin(account.email(), change.origin().address());
        try (attempt) {
            if (!hasher.check(change.current(), credentials.passwordHash()).ok()) {
                attempt.failed();
                meters.counter("lanyard.password.change.failures", "reason", "wrong-password").increment();
                events.publishEvent(new AccountEvent.ReauthenticationFailed(account, change.origin().session(), "change the password",
                        change.origin().address(), clock.instant()));
                throw new AccountProblem.WrongPassword(errors.found());
            }
            attempt.succeeded();
        }
        if (nextKeepsTheRules && change.next().equals(change.current()))
            throw new AccountProblem.InvalidInput("newPassword", "Choose a new password that differs from the current one.");
        errors.throwIfAny(AccountProblem.InvalidInput::of);
        String hash = hasher.hash(change.next());
        return transactions.execute(tx -> {
            // Changed by another request since it was checked: the current password given here is no longer it.
            if (store.updatePassword(id, credentials.passwordHash(), hash) == 0) throw new AccountProblem.WrongPassword();
            Instant now = clock.instant();
            events.publishEvent(new AccountEvent.PasswordChanged(account, change.origin().session(), change.signOutOthers(),
                    change.origin().address(), now));
            mailer.send(account.team(), account.email(), PasswordChangedMail.SUBJECT,
                    PasswordChangedMail.body(account, change, now, mailer.baseUrl(), !mailer.usesOutbox()));
            return account;
        });
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

    /**
     * Checks a one-time code of {@code account} (a second factor) under the same throttle as passwords, so
     * wrong codes and wrong passwords share one budget per email and client address; a right code completes
     * what it guards (a sign-in's second step) and forgives that budget's failures. Returns what
     * {@code check} said; throws {@link AccountProblem.TooManyAttempts} without running it when the
     * throttle asks the caller to wait.
     */
    public boolean checkThrottled(Account account, String address, java.util.function.BooleanSupplier check) {
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

    /** A proof of who someone is other than their password, such as a passkey's assertion: whose it is, or empty when it failed. */
    @FunctionalInterface
    public interface Proof {
        Optional<AccountId> verify();
    }

    /**
     * Runs a sign-in {@code proof} other than a password under the sign-in throttle of the client {@code address}
     * ({@link LoginThrottle}): reserved before it runs, a failure counted against the address as a wrong
     * password from it would be, so guessing with passkeys and with passwords share one budget. Returns the
     * member proved, if they are still one; throws {@link AccountProblem.TooManyAttempts} while the address
     * must wait.
     */
    public Optional<Account> authenticate(Proof proof, String address) {
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

    public Optional<Account> find(AccountId id) {
        return store.find(id);
    }

    /** The accounts among {@code ids} that are not removed, by id, read in one statement (a page of a list, not N lookups). */
    public java.util.Map<AccountId, Account> find(java.util.Collection<AccountId> ids) {
        java.util.Map<AccountId, Account> found = new java.util.HashMap<>();
        store.find(ids).forEach(a -> found.put(a.id(), a));
        return found;
    }

    /** The account even if it was removed from its team (its ended sessions still name it). */
    public Optional<Account> findIncludingRemoved(AccountId id) {
        return store.findIncludingRemoved(id);
    }

    /** {@link #findIncludingRemoved(AccountId)} for many accounts, by id, in one statement. */
    public java.util.Map<AccountId, Account> findIncludingRemoved(java.util.Collection<AccountId> ids) {
        java.util.Map<AccountId, Account> found = new java.util.HashMap<>();
        store.findIncludingRemoved(ids).forEach(a -> found.put(a.id(), a));
        return found;
    }

    public Optional<Team> team(TeamId id) {
        return store.findTeam(id);
    }

    /**
     * Locks the member's row until the caller's transaction ends, so that sign-ins of one member
     * under a session limit are counted one at a time (PRODUCT.md L5).
     */
    @Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
    public void lockSignIns(AccountId id) {
        store.lockAccount(id);
    }

    /**
     * Locks {@code admin}'s team for the caller's transaction and checks, with it locked, that they are still its
     * admin ({@link AccountStore#lockTeamAsAdmin}): the role a session carries may be older than a removal or a
     * change of role.
     *
     * @throws AccountProblem.Forbidden no longer an admin of the team
     */
    @Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
    public void lockTeamAsAdmin(Account admin) {
        store.lockTeamAsAdmin(admin);
    }

    /** What an admin set for the member over the team's policy (PRODUCT.md L3, L5). */
    public MemberRules memberRules(AccountId id) {
        return store.memberRules(id);
    }

    /** The team's session policy. */
    public TeamPolicy policy(TeamId id) {
        return store.findTeam(id).map(Team::policy).orElse(TeamPolicy.DEFAULT);
    }

    /**
     * Replaces the session policy of the admin's own team. Listeners (sessions) apply it to the
     * team's existing sessions in the same transaction.
     */
    @Transactional
    public void changePolicy(Account admin, TeamPolicy policy) {
        changePolicy(admin, policy, Optional.empty());
    }

    /**
     * {@link #changePolicy(Account, TeamPolicy)} if the policy is still the one whose {@link TeamPolicy#version()} is
     * {@code readVersion}, when given.
     *
     * @throws AccountProblem.PolicyChanged another admin changed it since it was read: nothing is saved
     */
    @Transactional
    public void changePolicy(Account admin, TeamPolicy policy, Optional<String> readVersion) {
        if (admin.role() != Role.ADMIN) throw new AccountProblem.Forbidden();
        store.lockTeamAsAdmin(admin);
        TeamPolicy before = policy(admin.team());
        if (readVersion.isPresent() && !readVersion.get().equals(before.version())) throw new AccountProblem.PolicyChanged();
        store.updatePolicy(admin.team(), policy);
        events.publishEvent(new AccountEvent.PolicyChanged(admin.team(), admin.id(), before, policy, clock.instant()));
    }

    /**
     * Whether the member was shown to read mail at their address (OpenID Connect's {@code email_verified}). Userinfo asks
     * on each call and runs no SQL for an active token (decision 44): the answer is kept for a minute on this node (an
     * address once verified stays so; one not yet verified is seen as verified within the minute).
     */
    public boolean emailVerified(AccountId id) {
        return emailVerified.get(id, store::emailVerified);
    }

    /**
     * The rules of a chosen password (decision 68), for the account of {@code email} named {@code name}: its length, not one
     * that guessers try early, not that email address or name. The message names only what the chooser typed or is shown.
     *
     * @throws AccountProblem.InvalidInput on the field {@code password}
     */
    static void checkPassword(String password, String email, String name) {
        if (password == null || password.length() < MIN_PASSWORD)
            throw new AccountProblem.InvalidInput("password", "Use a password of at least " + MIN_PASSWORD + " characters.");
        if (password.length() > MAX_PASSWORD)
            throw new AccountProblem.InvalidInput("password", "Use a password of at most " + MAX_PASSWORD + " characters.");
        if (CommonPasswords.guessable(password))
            throw new AccountProblem.InvalidInput("password", "This password is one that guessers try early (a common password, "
                    + "a repeated or ordered run, a walk along the keyboard). Choose another: a few unrelated words make a strong one.");
        if (PersonalPasswords.own(password, email, name))
            throw new AccountProblem.InvalidInput("password", "This password is your email address or your name (or part of it), "
                    + "which guessers who know whose account it is try first. Choose another: a few unrelated words make a strong one.");
    }
}
