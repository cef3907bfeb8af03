package dev.lanyard.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sign-up with the email confirmed first (decision 61), when {@link #confirmsEmail()}: a sign-up creates no account
 * and says nothing about the email. It mails a link to the address, and the account and its team are created when
 * the link is used ({@link #confirm}). If the email already has an account, its owner is mailed that someone tried
 * instead. Both answers are the same, and take the same time (the password is hashed either way, and one row and one
 * mail are written either way), so sign-up tells no one whether an email has an account.
 *
 * <p>Each sign-up sends a mail, so each counts under the sign-up throttle from its address ({@link LoginThrottle}),
 * and one address is sent at most {@link #MAILS_PER_HOUR} sign-up mails in any hour, whoever asks.
 */
@Service
public class SignUps {
    private static final Logger log = LoggerFactory.getLogger(SignUps.class);
    static final Duration LINK_LIFETIME = Duration.ofHours(24);
    static final int MAILS_PER_HOUR = 3;

    private final Accounts accounts;
    private final AccountStore store;
    private final SignUpStore signUps;
    private final PasswordHasher hasher;
    private final LoginThrottle throttle;
    private final TransactionTemplate transactions;
    private final Mailer mailer;
    private final MeterRegistry meters;
    private final Clock clock;
    private final boolean confirmsEmail;

    SignUps(Accounts accounts, AccountStore store, SignUpStore signUps, PasswordHasher hasher, LoginThrottle throttle,
            TransactionTemplate transactions, Mailer mailer, MeterRegistry meters, Clock clock, SignUpSettings settings) {
        this.accounts = accounts;
        this.store = store;
        this.signUps = signUps;
        this.hasher = hasher;
        this.throttle = throttle;
        this.transactions = transactions;
        this.mailer = mailer;
        this.meters = meters;
        this.clock = clock;
        if (Boolean.TRUE.equals(settings.confirmEmail()) && mailer.usesOutbox()) {
            throw needsMailServer();
        }
        this.confirmsEmail = settings.confirmEmail() != null ? settings.confirmEmail() : !mailer.usesOutbox();
    }

    /** {@code lanyard.sign-up.confirm-email=true} without a mail server ({@link ConfirmEmailNeedsMail} says it before the migration). */
    static dev.lanyard.ops.InvalidSetting needsMailServer() {
        return new dev.lanyard.ops.InvalidSetting("lanyard.sign-up.confirm-email",
                "true needs a mail server (spring.mail.host): the link that finishes a sign-up is mailed.",
                "Set spring.mail.host, or leave lanyard.sign-up.confirm-email unset.");
    }

    /** Whether sign-ups mail a link first ({@link #request}) instead of creating the account at once ({@link Accounts#signUp}). */
    public boolean confirmsEmail() {
        return confirmsEmail;
    }

    /** What a sign-up answers, whoever owns the email: where the link went, and until when it works. */
    public record Requested(String email, Instant expiresAt) {
    }

    /** What a confirmation link is for, shown before it is used. */
    public record Waiting(String email, String name, String team) {
    }

    /**
     * Mails a link that finishes the sign-up, or, if the email already has an account, mails its owner that someone
     * tried. Answers the same either way.
     *
     * @throws AccountProblem.InvalidInput   a field breaks a rule (said before anything is counted or sent)
     * @throws AccountProblem.TooManyAttempts too many sign-ups from this address, or mails to this email in the last hour
     */
    public Requested request(SignUp request) {
        AccountInput.Checked checked = AccountInput.checked(request);
        LoginThrottle.Attempt attempt;
        try {
            attempt = throttle.begin(LoginThrottle.What.SIGN_UP, request.address());
        } catch (AccountProblem.TooManyAttempts tooMany) {
            meters.counter("lanyard.signup.failures", "reason", "throttled").increment();
            throw AccountProblem.TooManyAttempts.signUpsFromAddress(tooMany.retryAfterSeconds());
        }
        try (attempt) {
            // Each sign-up sends a mail, or is refused for the mails already sent: each counts, so that neither is free.
            attempt.failed();
            // Before the hash, so a refused one costs none; it answers alike whether or not the email has an account.
            requireRoomForMail(checked.email(), clock.instant());
            // Hashed whether or not the email is free, so both answers take the same time.
            String hash = hasher.hash(request.password());
            return transactions.execute(tx -> record(checked, request, hash));
        }
    }

    /** @throws AccountProblem.TooManyAttempts the email was sent {@link #MAILS_PER_HOUR} sign-up mails in the last hour */
    private void requireRoomForMail(String email, Instant now) {
        var recent = signUps.mailedSince(email, now.minus(Duration.ofHours(1)));
        if (recent.size() >= MAILS_PER_HOUR) {
            meters.counter("lanyard.signup.failures", "reason", "mails-per-hour").increment();
            long wait = Duration.between(now, recent.get(0).plus(Duration.ofHours(1))).toSeconds() + 1;
            throw AccountProblem.TooManyAttempts.signUpMails(MAILS_PER_HOUR, Math.max(1, wait));
        }
    }

    private Requested record(AccountInput.Checked checked, SignUp request, String passwordHash) {
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS); // as every instant the API writes
        signUps.lockEmail(checked.email());
        requireRoomForMail(checked.email(), now); // again in the transaction, after any other sign-up of this email
        Instant expires = now.plus(LINK_LIFETIME);
        String id = Ids.random("signup_", 12);
        Optional<Account> owner = store.holder(checked.email(), request.email());
        if (owner.isPresent()) {
            signUps.insert(new SignUpStore.Waiting(id, checked.email(), Optional.empty(), Optional.empty(), null, null, null, now, expires));
            mailer.send(owner.get().team(), checked.email(), "Someone tried to sign up for Lanyard with your email", """
                    Someone tried to create a Lanyard account with this email address on %s, from %s.
                    This address already has a Lanyard account, so nothing was created and nothing about your account changed.

                    If it was you, log in instead: %s/login

                    If it wasn't you, you can ignore this mail.
                    """.formatted(MailTimes.in(store.timeZone(owner.get().id()), now), request.address(), mailer.baseUrl()));
            meters.counter("lanyard.signup.requests", "email", "taken").increment();
        } else {
            String token = Ids.random("", 32);
            TeamId team = TeamId.random();
            signUps.insert(new SignUpStore.Waiting(id, checked.email(), Optional.of(Members.hash(token)), Optional.of(team),
                    checked.team(), checked.name(), passwordHash, now, expires));
            mailer.send(team, checked.email(), "Confirm your email to finish signing up for Lanyard", """
                    Someone, we hope you, signed up for Lanyard with this email address on %s.
                    To finish creating your account, open this link within 24 hours:

                    %s/signup/confirm/%s

                    If it wasn't you, ignore this mail: no account is created without the link.
                    """.formatted(MailTimes.utc(now), mailer.baseUrl(), token), expires); // no account yet, nor its zone
            meters.counter("lanyard.signup.requests", "email", "free").increment();
        }
        return new Requested(checked.email(), expires);
    }

    /**
     * The sign-up a link finishes, while the link can still be used.
     *
     * @throws AccountProblem.EmailTaken the email got an account since (another sign-up's link used first, an invitation
     *                                   accepted): said to the link's holder only, who has the mailbox
     */
    public Optional<Waiting> waiting(String token) {
        if (!LinkTokens.plausible(token)) return Optional.empty();
        Optional<SignUpStore.Waiting> signUp = signUps.usable(Members.hash(token), clock.instant());
        if (signUp.isPresent() && store.taken(signUp.get().email(), signUp.get().email())) throw new AccountProblem.EmailTaken();
        return signUp.map(s -> new Waiting(s.email(), s.name(), s.teamName()));
    }

    /**
     * Creates the account and team the link's sign-up asked for, if {@code password} is the one chosen at sign-up; the
     * link is used up. The password is asked again because anyone may start a sign-up for someone else's address: the
     * link in the owner's mailbox must not finish one with a password the starter chose. A wrong one leaves the link
     * as it was.
     *
     * @throws AccountProblem.SignUpLinkUnusable    the link is unknown, expired or used
     * @throws AccountProblem.SignUpPasswordMismatch the password is not the one this sign-up was made with
     * @throws AccountProblem.EmailTaken            the email got an account since (another sign-up's link, an invitation)
     * @throws AccountProblem.TooManyAttempts       too many wrong passwords or sign-ups from this address lately
     */
    public Account confirm(String token, String password, String address) {
        return confirm(token, password, address, account -> account);
    }

    /** {@link #confirm(String, String, String)}, then {@code then} with the new account in the same transaction. */
    public <T> T confirm(String token, String password, String address, java.util.function.Function<Account, T> then) {
        if (!LinkTokens.plausible(token)) throw new AccountProblem.SignUpLinkUnusable();
        String tokenHash = Members.hash(token);
        SignUpStore.Waiting chosen = signUps.usable(tokenHash, clock.instant()).orElseThrow(AccountProblem.SignUpLinkUnusable::new);
        // Each check costs a password hash: wrong ones count under the address's sign-up budget, as sign-ups do.
        LoginThrottle.Attempt attempt;
        try {
            attempt = throttle.begin(LoginThrottle.What.SIGN_UP, address);
        } catch (AccountProblem.TooManyAttempts tooMany) {
            throw AccountProblem.TooManyAttempts.signUpsFromAddress(tooMany.retryAfterSeconds());
        }
        try (attempt) {
            if (password == null || password.isEmpty() || AccountInput.tooLong(password)
                    || hasher.check(password, chosen.passwordHash()) == PasswordHasher.Match.NONE) {
                attempt.failed();
                throw new AccountProblem.SignUpPasswordMismatch();
            }
            attempt.passed();
        }
        return create(tokenHash, signUp -> new AccountInput.Checked(signUp.email(), signUp.name(), signUp.teamName()),
                chosen.passwordHash(), then);
    }

    /**
     * Creates the account with the link holder's own name, team name and password instead of the sign-up's, and then
     * {@code then} in the same transaction; the link is used up. For the address's owner when someone else started the
     * sign-up (or they forgot the password they chose): the link reached their mailbox, which is all the sign-up's
     * password stood for, and the starter's password and names are dropped, so whoever started it has no way in. This
     * keeps anyone who starts {@link #MAILS_PER_HOUR} sign-ups an hour for an address from keeping its owner out: each
     * of those mails' links lets the owner in with their own password.
     *
     * @throws AccountProblem.InvalidInput       naming every field that breaks a rule (the sign-up's rules)
     * @throws AccountProblem.SignUpLinkUnusable the link is unknown, expired or used
     * @throws AccountProblem.EmailTaken         the email got an account since (another sign-up's link, an invitation)
     */
    public <T> T confirmOwn(String token, String name, String team, String password, String address,
                            java.util.function.Function<Account, T> then) {
        if (!LinkTokens.plausible(token)) throw new AccountProblem.SignUpLinkUnusable();
        String tokenHash = Members.hash(token);
        SignUpStore.Waiting chosen = signUps.usable(tokenHash, clock.instant()).orElseThrow(AccountProblem.SignUpLinkUnusable::new);
        AccountInput.Checked own = AccountInput.checked(new SignUp(chosen.email(), password, name, team, address));
        // One hash per use of a link, which works once: bounded by the mails sent, so no throttle of its own.
        String hash = hasher.hash(password);
        return create(tokenHash, signUp -> own, hash, then);
    }

    /** Uses the link up and creates the account it was mailed for, with the names {@code details} gives and {@code passwordHash}. */
    private <T> T create(String tokenHash, java.util.function.Function<SignUpStore.Waiting, AccountInput.Checked> details,
                         String passwordHash, java.util.function.Function<Account, T> then) {
        return transactions.execute(tx -> {
            Instant now = clock.instant();
            SignUpStore.Waiting signUp = signUps.usable(tokenHash, now).orElseThrow(AccountProblem.SignUpLinkUnusable::new);
            if (signUps.markUsed(signUp.id(), now) == 0) throw new AccountProblem.SignUpLinkUnusable();
            if (store.taken(signUp.email(), signUp.email())) throw new AccountProblem.EmailTaken();
            Account account = accounts.create(signUp.team().orElseThrow(), details.apply(signUp), passwordHash);
            store.markEmailVerified(account.id(), now); // the link reached the mailbox
            return then.apply(account);
        });
    }

    /** Forgets sign-ups a day after their links expired: they count no mail any more, and nothing else reads them. */
    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT7M")
    int forgetExpired() {
        int deleted = signUps.deleteExpiredBefore(clock.instant().minus(Duration.ofDays(1)));
        if (deleted > 0) log.info("Forgot {} sign-ups whose links expired more than a day ago", deleted);
        return deleted;
    }
}
