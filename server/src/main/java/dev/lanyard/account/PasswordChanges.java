package dev.lanyard.account;

import java.time.Clock;
import java.time.Instant;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A member's change of their own password ({@link Accounts#changePassword}): the current one checked under the
 * sign-in throttle, the new one under the rules of sign-up, and the change stored, the account's unused reset links used
 * up, and the change announced and mailed in one transaction of its own.
 */
final class PasswordChanges {
    private final AccountStore store;
    private final PasswordHasher hasher;
    private final LoginThrottle throttle;
    private final ApplicationEventPublisher events;
    private final MeterRegistry meters;
    private final TransactionTemplate transactions;
    private final Mailer mailer;
    private final PasswordResetStore resets;
    private final Clock clock;

    PasswordChanges(AccountStore store, PasswordHasher hasher, LoginThrottle throttle, ApplicationEventPublisher events,
                    MeterRegistry meters, TransactionTemplate transactions, Mailer mailer, PasswordResetStore resets, Clock clock) {
        this.store = store;
        this.hasher = hasher;
        this.throttle = throttle;
        this.events = events;
        this.meters = meters;
        this.transactions = transactions;
        this.mailer = mailer;
        this.resets = resets;
        this.clock = clock;
    }

    Account change(AccountId id, PasswordChange change) {
        Account account = store.find(id).orElseThrow(AccountProblem.NotFound::new);
        // Every field at fault at once, except what depends on knowing the current password: whether the new one
        // differs from it is said only once it is known to be right.
        dev.lanyard.InputErrors<AccountProblem.InvalidInput> errors = new dev.lanyard.InputErrors<>(AccountProblem.InvalidInput.class);
        boolean currentGiven = errors.check(() -> {
            if (change.current().isEmpty()) throw new AccountProblem.InvalidInput("currentPassword", "Enter your current password.");
        });
        boolean nextKeepsTheRules = errors.check(() -> {
            // Missing is said as missing, as the current one is, not as too short.
            if (change.next().isEmpty()) throw new AccountProblem.InvalidInput("newPassword", "Enter your new password.");
            try {
                AccountInput.checkPassword(change.next(), account.email(), account.name());
            } catch (AccountProblem.InvalidInput invalid) {
                throw new AccountProblem.InvalidInput("newPassword", invalid.getMessage());
            }
        });
        if (!currentGiven) errors.throwIfAny(AccountProblem.InvalidInput::of);
        if (AccountInput.tooLong(change.current())) throw new AccountProblem.WrongPassword(errors.found());
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
        if (nextKeepsTheRules && PasswordHasher.normalized(change.next()).equals(PasswordHasher.normalized(change.current())))
            throw new AccountProblem.InvalidInput("newPassword", "Choose a new password that differs from the current one.");
        errors.throwIfAny(AccountProblem.InvalidInput::of);
        String hash = hasher.hash(change.next());
        return transactions.execute(tx -> {
            // Changed by another request since it was checked: the current password given here is no longer it.
            if (store.updatePassword(id, credentials.passwordHash(), hash) == 0) throw new AccountProblem.WrongPassword();
            Instant now = clock.instant();
            // A link mailed before the change, to whoever could read the mailbox then, must not set a password after it
            // (outside review): as a reset uses up the account's other links (decision 67), so does a change.
            resets.useAll(id, now);
            events.publishEvent(new AccountEvent.PasswordChanged(account, change.origin().session(), change.signOutOthers(),
                    change.origin().address(), now));
            mailer.send(account.team(), account.email(), PasswordChangedMail.SUBJECT,
                    PasswordChangedMail.body(account, store.timeZone(id), change, now, mailer.baseUrl(), !mailer.usesOutbox()));
            return account;
        });
    }
}
