package dev.lanyard.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * "Forgot your password?" (decision 67): a member who asks with their email is mailed a link that lets them choose a new
 * password; using it ends every sign-in of theirs. Offered only with a mail server ({@link #available()}): without one,
 * mail is kept in the outbox that admins read, and an admin must never hold a link that acts as a member.
 *
 * <p>Asking answers the same whether or not the email has an account, and writes one row either way (only an account's
 * row carries a token, and only it is mailed). Each request counts under the throttle from its address, and one email is
 * asked for at most {@link #MAILS_PER_HOUR} times in any hour, whoever asks. A second factor, if the member has one, is
 * still asked for at the next sign-in: the link replaces the password only.
 *
 * <p>The server's operator may also make a link for an account ({@link OperatorResetLinks}, {@code reset-link}) and hand it
 * over themselves. Such a link works on the same pages, with or without a mail server; without one, no other link does.
 */
@Service
public class PasswordResets {
    private static final Logger log = LoggerFactory.getLogger(PasswordResets.class);
    static final Duration LINK_LIFETIME = Duration.ofHours(1);
    static final int MAILS_PER_HOUR = 3;
    static final String PATH = "/login/reset/";

    private final AccountStore store;
    private final PasswordResetStore resets;
    private final PasswordHasher hasher;
    private final LoginThrottle throttle;
    private final TransactionTemplate transactions;
    private final Mailer mailer;
    private final ApplicationEventPublisher events;
    private final MeterRegistry meters;
    private final Clock clock;

    PasswordResets(AccountStore store, PasswordResetStore resets, PasswordHasher hasher, LoginThrottle throttle,
                   TransactionTemplate transactions, Mailer mailer, ApplicationEventPublisher events, MeterRegistry meters, Clock clock) {
        this.store = store;
        this.resets = resets;
        this.hasher = hasher;
        this.throttle = throttle;
        this.transactions = transactions;
        this.mailer = mailer;
        this.events = events;
        this.meters = meters;
        this.clock = clock;
    }

    /** Who made a link: asked for on {@code /login/forgot} and mailed, or made by the server's operator and handed over. */
    public enum Origin {
        MAIL("mail"), OPERATOR("operator");

        private final String code;

        Origin(String code) {
            this.code = code;
        }

        /** As stored. */
        String code() {
            return code;
        }

        static Origin of(String code) {
            for (Origin origin : values()) if (origin.code.equals(code)) return origin;
            throw new IllegalArgumentException("unknown reset link origin " + code);
        }
    }

    /** Whether members can ask for a link to reset a forgotten password: only when mail goes to a mail server, not to the admins' outbox. */
    public boolean available() {
        return !mailer.usesOutbox();
    }

    /**
     * Whether the page of the link {@code token} is served: always with a mail server; without one only for a link the
     * operator made (used or expired too, to say so), since no mailed link may exist then.
     */
    public boolean linkPageServed(String token) {
        if (available()) return true;
        return LinkTokens.plausible(token) && resets.origin(Members.hash(token)).filter(o -> o == Origin.OPERATOR).isPresent();
    }

    /** A link that may be used now: any with a mail server, only the operator's without one. */
    private Optional<PasswordResetStore.Request> usable(String tokenHash, Instant now) {
        return resets.usable(tokenHash, now).filter(r -> r.origin() == Origin.OPERATOR || available());
    }

    /** What asking answers, whoever owns the email: where a link went if there is an account, and how long it works. */
    public record Requested(String email, Duration linkLifetime) {
    }

    /**
     * Mails a reset link to {@code email} if an account has it; answers the same either way.
     *
     * @throws AccountProblem.InvalidInput    the email is missing or too long
     * @throws AccountProblem.TooManyAttempts too many requests from this address, or for this email in the last hour
     * @throws IllegalStateException          resets are not {@link #available()}
     */
    public Requested request(String rawEmail, String address) {
        if (!available()) throw new IllegalStateException("password resets need a mail server");
        if (rawEmail == null || rawEmail.isBlank()) throw new AccountProblem.InvalidInput("email", "Enter your email address.");
        String email = EmailRule.forSignIn(rawEmail);
        LoginThrottle.Attempt attempt;
        try {
            attempt = throttle.begin(LoginThrottle.What.PASSWORD_RESET, address);
        } catch (AccountProblem.TooManyAttempts tooMany) {
            meters.counter("lanyard.password.reset.failures", "reason", "throttled").increment();
            throw AccountProblem.TooManyAttempts.resetsFromAddress(tooMany.retryAfterSeconds());
        }
        try (attempt) {
            // Each request may send a mail: each counts, whether or not the email has an account.
            attempt.failed();
            requireRoomForMail(email, clock.instant());
            transactions.executeWithoutResult(tx -> record(email, rawEmail, address));
        }
        return new Requested(email, LINK_LIFETIME);
    }

    private void requireRoomForMail(String email, Instant now) {
        var recent = resets.askedSince(email, now.minus(Duration.ofHours(1)));
        if (recent.size() >= MAILS_PER_HOUR) {
            meters.counter("lanyard.password.reset.failures", "reason", "mails-per-hour").increment();
            long wait = Duration.between(now, recent.get(0).plus(Duration.ofHours(1))).toSeconds() + 1;
            throw AccountProblem.TooManyAttempts.resetMails(MAILS_PER_HOUR, Math.max(1, wait));
        }
    }

    private void record(String email, String rawEmail, String address) {
        Instant now = clock.instant();
        resets.lockEmail(email);
        requireRoomForMail(email, now); // again, after any other request for this email
        String id = Ids.random("reset_", 12);
        Optional<Account> owner = store.holder(email, rawEmail);
        if (owner.isEmpty()) {
            resets.insert(new PasswordResetStore.Request(id, email, Optional.empty(), Optional.empty(), now, now.plus(LINK_LIFETIME),
                    Origin.MAIL));
            meters.counter("lanyard.password.reset.requests", "email", "unknown").increment();
            return;
        }
        Account account = owner.get();
        String token = Ids.random("", 32);
        Instant expires = now.plus(LINK_LIFETIME);
        resets.insert(new PasswordResetStore.Request(id, email, Optional.of(account.id()), Optional.of(Members.hash(token)), now,
                expires, Origin.MAIL));
        mailer.send(account.team(), account.email(), "Reset your Lanyard password", """
                Hello %s,

                Someone, we hope you, asked to reset the password of your Lanyard account %s on %s, from %s.
                To choose a new password, open this link within an hour:

                %s%s%s

                Choosing a new password signs out every session of your account (API keys keep working).
                If you use an authenticator app or a passkey, you still need it to sign in.

                If it wasn't you, ignore this mail: your password stays as it is.
                """.formatted(Mailer.isolated(account.name()), Mailer.isolated(account.email()),
                MailTimes.in(store.timeZone(account.id()), now), address,
                mailer.baseUrl(), PATH, token), expires);
        meters.counter("lanyard.password.reset.requests", "email", "known").increment();
    }

    /** The email whose password a link resets, while the link can be used. */
    public Optional<String> waiting(String token) {
        if (!LinkTokens.plausible(token)) return Optional.empty();
        // As the reset itself: a link whose account was removed since, or whose email now belongs to another, shows no form
        // that could only be refused (outside review AG).
        return usable(Members.hash(token), clock.instant())
                .filter(link -> link.account().flatMap(store::find).filter(a -> a.email().equals(link.email())).isPresent())
                .map(PasswordResetStore.Request::email);
    }

    /**
     * Sets the password of the link's account to {@code password} under the rules of sign-up, uses up the link and every
     * other unused link of that account, and ends every sign-in of theirs ({@link AccountEvent.PasswordReset}); the
     * member is mailed that the password was changed. A mailed link also shows that the member reads mail at the address.
     *
     * @throws AccountProblem.ResetLinkUnusable the link is unknown, expired or used, or its account is gone
     * @throws AccountProblem.InvalidInput      the password breaks a rule
     */
    public Account reset(String token, String password, String address) {
        if (!LinkTokens.plausible(token)) throw new AccountProblem.ResetLinkUnusable();
        String tokenHash = Members.hash(token);
        PasswordResetStore.Request link = usable(tokenHash, clock.instant()).orElseThrow(AccountProblem.ResetLinkUnusable::new);
        // The link's own account only: its holder reads the address on the page and is about to sign in as it.
        AccountInput.checkPassword(password, link.email(), link.account().flatMap(store::find).map(Account::name).orElse(""));
        String hash = hasher.hash(password);
        return transactions.execute(tx -> {
            Instant now = clock.instant();
            PasswordResetStore.Request request = usable(tokenHash, now).orElseThrow(AccountProblem.ResetLinkUnusable::new);
            if (resets.markUsed(request.id(), now) == 0) throw new AccountProblem.ResetLinkUnusable();
            // Removed since, or the email now belongs to someone else: the link was for that account only.
            Account account = request.account().flatMap(store::find).filter(a -> a.email().equals(request.email()))
                    .orElseThrow(AccountProblem.ResetLinkUnusable::new);
            String current = store.passwordHash(account.id()).orElseThrow(AccountProblem.ResetLinkUnusable::new);
            if (store.updatePassword(account.id(), current, hash) == 0) throw new AccountProblem.ResetLinkUnusable();
            resets.useAll(account.id(), now);
            if (request.origin() == Origin.MAIL) store.markEmailVerified(account.id(), now); // the link reached the mailbox
            events.publishEvent(new AccountEvent.PasswordReset(account, request.origin(), address, now));
            mailer.send(account.team(), account.email(), PasswordChangedMail.SUBJECT,
                    PasswordChangedMail.reset(account, store.timeZone(account.id()), request.origin(), address, now, mailer.baseUrl(),
                            available()));
            meters.counter("lanyard.password.resets").increment();
            return account;
        });
    }

    /** Forgets requests a day after their links expired: they count no mail any more, and nothing else reads them. */
    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT9M")
    int forgetExpired() {
        int deleted = resets.deleteExpiredBefore(clock.instant().minus(Duration.ofDays(1)));
        if (deleted > 0) log.info("Forgot {} password reset requests whose links expired more than a day ago", deleted);
        return deleted;
    }
}
