package dev.lanyard.account;

import java.time.Clock;
import java.time.Instant;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A sign-up that creates its team at once ({@link Accounts#signUp}): the email probed under the sign-up throttle, the
 * password hashed before the transaction, then the team and its admin created in it.
 */
final class NewTeams {
    private final AccountStore store;
    private final PasswordHasher hasher;
    private final LoginThrottle throttle;
    private final ApplicationEventPublisher events;
    private final MeterRegistry meters;
    private final TransactionTemplate transactions;
    private final Clock clock;

    NewTeams(AccountStore store, PasswordHasher hasher, LoginThrottle throttle, ApplicationEventPublisher events,
             MeterRegistry meters, TransactionTemplate transactions, Clock clock) {
        this.store = store;
        this.hasher = hasher;
        this.throttle = throttle;
        this.events = events;
        this.meters = meters;
        this.transactions = transactions;
        this.clock = clock;
    }

    <T> T signUp(SignUp request, java.util.function.Function<Account, T> then) {
        AccountInput.Checked checked = AccountInput.checked(request);
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

    /**
     * Creates the team {@code teamId} with the newcomer as its admin, in the caller's transaction.
     *
     * @throws AccountProblem.EmailTaken an account with the email was created meanwhile
     */
    Account create(TeamId teamId, AccountInput.Checked checked, String passwordHash) {
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
}
