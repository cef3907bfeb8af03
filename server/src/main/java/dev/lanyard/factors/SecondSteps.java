package dev.lanyard.factors;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.Accounts;
import dev.lanyard.factors.SecondFactors.Methods;
import dev.lanyard.passkeys.PasskeyProblem;
import dev.lanyard.passkeys.Passkeys;
import dev.lanyard.passkeys.RelyingParty;
import dev.lanyard.session.Approvals;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.Sessions;
import dev.lanyard.session.Verification;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The second step of a sign-in whose password was right: its challenge, passed with a TOTP code, a recovery code or
 * one of the member's passkeys. Every code and passkey assertion goes through the sign-in throttle
 * ({@link Accounts#checkThrottled}) and counts against the challenge, which is dead after {@code maxCodeFailures}.
 * The same second factors verify a session that signed in without one, later, in place ({@link #verifySession}):
 * there the throttle alone counts the failures.
 *
 * <p>A sign-in's second step is passed and its session started in one transaction ({@link #verify}, {@link #verifyPasskey}),
 * which holds the member's team and row and confirms the first step's password before any code is checked: a password
 * change commits before the check (nothing is checked or used up) or after the session started (and ends it with the
 * member's other sessions), never between the two, when the code would be used up for a session that cannot start.
 *
 * <p>A member's factors and changing them are {@link SecondFactors}'s; the checks of a code are {@link FactorCodes}'.
 * Transactions begin here on {@link #challenge}, {@link #verify} and {@link #verifyPasskey}.
 */
@Service
public class SecondSteps {
    private final FactorStore store;
    private final FactorCodes codes;
    private final Accounts accounts;
    private final Passkeys passkeys;
    private final Sessions sessions;
    private final FactorSettings settings;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;
    private final Clock clock;

    SecondSteps(FactorStore store, FactorCodes codes, Accounts accounts, Passkeys passkeys, Sessions sessions,
                FactorSettings settings, ApplicationEventPublisher events, TransactionTemplate transactions, Clock clock) {
        this.store = store;
        this.codes = codes;
        this.accounts = accounts;
        this.passkeys = passkeys;
        this.sessions = sessions;
        this.settings = settings;
        this.events = events;
        this.transactions = transactions;
        this.clock = clock;
    }

    /**
     * What a sign-in asked for, kept with its challenge; {@code passwordStamp} is the stamp of the password its first step
     * checked ({@code Accounts.PasswordChecked}), which the session it starts must still match.
     */
    public record SignInRequest(boolean rememberMe, String appType, boolean bearer, String returnPath, String passwordStamp) {
        /** {@code session} bound to the password this sign-in's first step checked, when it checked one. */
        public NewSession withPassword(NewSession session) {
            return passwordStamp == null || passwordStamp.isEmpty() ? session : session.withPassword(passwordStamp);
        }
    }

    /** A sign-in waiting for its second factor: the challenge id (given to the client, stored hashed). */
    public record Challenge(String id, Instant expiresAt) {
    }

    /** Starts the second step of a sign-in whose password was right. */
    @Transactional
    public Challenge challenge(Account account, SignInRequest request) {
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        store.deleteExpired(now);
        String id = dev.lanyard.account.Ids.random("chl_", 32);
        Instant expires = now.plus(settings.challengeTtl());
        store.insert(new FactorStore.Challenge(SecondFactors.hash(id), account.id(), request.rememberMe(), request.appType(),
                request.bearer(), request.returnPath(), now, expires, 0, Optional.empty(),
                request.passwordStamp()));
        return new Challenge(id, expires);
    }

    /** The sign-in a challenge stands for, while it can still be completed. */
    public Optional<SignInRequest> pending(String challengeId) {
        return live(challengeId).map(c -> new SignInRequest(c.rememberMe(), c.appType(), c.bearer(), c.returnPath(), c.passwordStamp()));
    }

    /**
     * How many more wrong codes (or passkeys) a live challenge takes before it ends, for the page that warns before the
     * last one.
     */
    public Optional<Integer> triesLeft(String challengeId) {
        return live(challengeId).map(c -> settings.maxCodeFailures() - c.failures());
    }

    /** The second factors a live challenge's member can pass it with, for the page that asks. */
    public Optional<Methods> methodsFor(String challengeId) {
        return live(challengeId).map(c -> codes.methods(c.account()));
    }

    /**
     * A completed second step: who signed in and what they asked for.
     *
     * @param recoveryCodesLeft present when a recovery code was used: how many are left
     */
    public record Passed(Account account, SignInRequest request, Optional<Integer> recoveryCodesLeft) {
    }

    /**
     * Completes a sign-in's second step with a TOTP code or a recovery code, then {@code start} starts its session, in the
     * same transaction: a code is used up only with the session it starts ({@link #complete}). A wrong code counts towards
     * the sign-in throttle and the challenge; after {@code maxCodeFailures} the challenge is dead.
     *
     * @throws dev.lanyard.account.AccountProblem.PasswordChanged     the password the first step checked was changed since:
     *                                                                nothing is checked, counted or used up
     * @throws dev.lanyard.account.AccountProblem.SessionLimitReached the member is at the team's limit, which refuses
     *                                                                sign-ins: nothing is checked or used up
     */
    public <T> T verify(String challengeId, String code, String address, Function<Passed, T> start) {
        return complete(challengeId, address, account -> checkCode(account, code, address), start);
    }

    /**
     * Starts checking a passkey as a sign-in's second step: the options for {@code navigator.credentials.get()},
     * which only the passkeys of the challenge's member can answer. Throws
     * {@link FactorProblem.ChallengeUnusable} for a dead challenge, {@link FactorProblem.NoPasskey} when the
     * member has no passkey, and {@code AccountProblem.TooManyAttempts} when the member started as many passkey checks
     * this minute as they may ({@link Passkeys#startVerification}); none counts as a failure.
     */
    public Passkeys.Options startPasskey(String challengeId, RelyingParty rp) {
        FactorStore.Challenge challenge = live(challengeId).orElseThrow(() -> unusable(challengeId));
        try {
            return passkeys.startVerification(challenge.account(), rp);
        } catch (PasskeyProblem.NotFound none) {
            throw new FactorProblem.NoPasskey();
        }
    }

    /**
     * Completes a sign-in's second step with a passkey assertion ({@code credential}, WebAuthn's JSON) for the
     * ceremony {@link #startPasskey} began, then {@code start} starts its session, in the same transaction, as
     * {@link #verify} does. Only a passkey of the challenge's member passes; anything else counts towards the sign-in
     * throttle and the challenge's failures, like a wrong code.
     */
    public <T> T verifyPasskey(String challengeId, String ceremony, String credential, String address, Function<Passed, T> start) {
        return complete(challengeId, address,
                account -> new Checked(checkPasskey(account, ceremony, credential, address), new FactorProblem.PasskeyRejected(),
                        Optional.empty()), start);
    }

    /**
     * A second step and the session it starts, in one transaction. First the member's team and row are held and the first
     * step's password confirmed ({@link Sessions#holdForSignIn}), and a team that refuses sign-ins at its limit refuses
     * this one; then {@code check} checks (and, when right, uses up) the code or passkey, the challenge is used up, and
     * {@code start} starts the session. A wrong code or passkey, and a refusal at the limit, commit what they record (the
     * challenge's failure, the audit entry) and are thrown after the commit; anything thrown on the way, by {@code start}
     * too, rolls everything back, the code's use included.
     */
    private <T> T complete(String challengeId, String address, Function<Account, Checked> check, Function<Passed, T> start) {
        Step<T> step = transactions.execute(tx -> {
            FactorStore.Challenge challenge = live(challengeId).orElseThrow(() -> unusable(challengeId));
            Account account = accounts.find(challenge.account()).orElseThrow(FactorProblem.ChallengeUnusable::new);
            sessions.holdForSignIn(account.id(), Optional.ofNullable(challenge.passwordStamp()).filter(stamp -> !stamp.isEmpty()));
            try {
                sessions.requireRoom(account.id(), address);
            } catch (AccountProblem.SessionLimitReached full) {
                return new Step<T>(null, full);
            }
            Checked checked = check.apply(account);
            Instant now = clock.instant();
            if (!checked.passed()) return new Step<T>(null, failed(challenge, account, address, now, checked.refusal()));
            if (store.consume(challenge.idHash(), now, settings.maxCodeFailures()) == 0) throw new FactorProblem.ChallengeUnusable();
            checked.recoveryCodesLeft().ifPresent(left -> events.publishEvent(new FactorEvent.RecoveryCodeUsed(account, left, address, now)));
            return new Step<>(start.apply(new Passed(account, request(challenge), checked.recoveryCodesLeft())), null);
        });
        if (step.refusal() != null) throw step.refusal();
        return step.started();
    }

    /** What {@link #complete}'s transaction did: started the session, or refused the step once its refusal was recorded. */
    private record Step<T>(T started, RuntimeException refusal) {
    }

    /**
     * What verifying a session found.
     *
     * @param changed           false when the session was verified already (nothing was checked or used up)
     * @param recoveryCodesLeft present when a recovery code was used: how many are left
     */
    public record Verified(boolean changed, Optional<Integer> recoveryCodesLeft) {
    }

    /**
     * Verifies the member's own signed-in session {@code session} with a TOTP code or a recovery code (PRODUCT.md V2: the
     * current session, if unverified, shows a prompt to verify it). A wrong code counts towards the sign-in throttle and is
     * audited as a failed second factor, as at sign-in; a right one is used up. A session verified already is left as it is,
     * and the code is not checked.
     *
     * @throws dev.lanyard.session.SessionProblem.NotFound   not an active session of the member
     * @throws dev.lanyard.session.SessionProblem.NotPending an API key or an app's grant
     */
    public Verified verifySession(Account account, SessionId session, String code, String address) {
        if (!verifiable(account, session)) return new Verified(false, Optional.empty());
        Checked checked = checkCode(account, code, address);
        Instant now = clock.instant();
        if (!checked.passed()) {
            events.publishEvent(new FactorEvent.SecondFactorFailed(account, address, now, false, Optional.of(session)));
            throw checked.refusal();
        }
        checked.recoveryCodesLeft().ifPresent(left -> events.publishEvent(new FactorEvent.RecoveryCodeUsed(account, left, address, now,
                Optional.of(session))));
        sessions.verify(session, account.id(), checked.recoveryCodesLeft().isPresent() ? Verification.PASSWORD_AND_RECOVERY_CODE
                : Verification.PASSWORD_AND_CODE);
        return new Verified(true, checked.recoveryCodesLeft());
    }

    /**
     * The options for {@code navigator.credentials.get()} to verify a session of the member with one of their passkeys;
     * limited as {@link #startPasskey} is, with the same count.
     */
    public Passkeys.Options startSessionPasskey(Account account, RelyingParty rp) {
        try {
            return passkeys.startVerification(account.id(), rp);
        } catch (PasskeyProblem.NotFound none) {
            throw new FactorProblem.NoPasskey();
        }
    }

    /** As {@link #verifySession} with an assertion of one of the member's passkeys for the ceremony {@link #startSessionPasskey} began. */
    public Verified verifySessionPasskey(Account account, SessionId session, String ceremony, String credential, String address) {
        if (!verifiable(account, session)) return new Verified(false, Optional.empty());
        if (!checkPasskey(account, ceremony, credential, address)) {
            events.publishEvent(new FactorEvent.SecondFactorFailed(account, address, clock.instant(), true, Optional.of(session)));
            throw new FactorProblem.PasskeyRejected();
        }
        sessions.verify(session, account.id(), Verification.PASSWORD_AND_PASSKEY);
        return new Verified(true, Optional.empty());
    }

    /**
     * A code checked (and, when right, used up) through the sign-in throttle: whether it passed, the refusal to give when
     * it did not, and how many recovery codes are left when it was one.
     */
    private record Checked(boolean passed, FactorProblem refusal, Optional<Integer> recoveryCodesLeft) {
    }

    private Checked checkCode(Account account, String code, String address) {
        Optional<Integer>[] recovery = new Optional[]{Optional.empty()};
        FactorCodes.Outcome[] outcome = {FactorCodes.Outcome.WRONG};
        boolean ok = accounts.checkThrottled(account, address, () -> {
            outcome[0] = codes.check(account, code);
            if (outcome[0] == FactorCodes.Outcome.RECOVERY) recovery[0] = Optional.of(store.unusedRecoveryCodes(account.id()));
            return outcome[0].passed();
        });
        if (ok) return new Checked(true, null, recovery[0]);
        return new Checked(false, outcome[0] == FactorCodes.Outcome.WRONG && !codes.enabled(account.id())
                ? FactorProblem.WrongCode.recoveryCodeOnly() : outcome[0].refusal(), Optional.empty());
    }

    /** An assertion of one of the member's passkeys checked through the sign-in throttle. */
    private boolean checkPasskey(Account account, String ceremony, String credential, String address) {
        return accounts.checkThrottled(account, address, () -> {
            try {
                passkeys.verify(account.id(), ceremony, credential);
                return true;
            } catch (PasskeyProblem.Rejected rejected) {
                return false;
            }
        });
    }

    /**
     * Whether {@code session} is a sign-in of the member that is still unverified; throws when it is not the member's active
     * sign-in at all. Read before a code is checked, so that a code is never used up for a session it cannot verify.
     */
    private boolean verifiable(Account account, SessionId session) {
        Session found = sessions.get(session, account.id());
        if (found.ending().isPresent()) throw new dev.lanyard.session.SessionProblem.NotFound();
        if (!Approvals.approvable(found))
            throw new dev.lanyard.session.SessionProblem.NotPending("Only sign-ins are verified. API keys and apps are not.");
        return !found.verified();
    }

    /** Counts a failed second step on its challenge; the challenge is dead after {@code maxCodeFailures}. */
    private FactorProblem failed(FactorStore.Challenge challenge, Account account, String address, Instant now, FactorProblem wrong) {
        int failures = store.fail(challenge.idHash());
        events.publishEvent(new FactorEvent.SecondFactorFailed(account, address, now, wrong instanceof FactorProblem.PasskeyRejected));
        return failures >= settings.maxCodeFailures() ? FactorProblem.ChallengeUnusable.failedTooOften() : wrong;
    }

    /** Why a challenge is not live: ended by too many wrong codes or passkeys, or expired, used, or never given. */
    private FactorProblem.ChallengeUnusable unusable(String challengeId) {
        boolean failedTooOften = found(challengeId).filter(c -> c.usedAt().isEmpty() && c.failures() >= settings.maxCodeFailures())
                .isPresent();
        return failedTooOften ? FactorProblem.ChallengeUnusable.failedTooOften() : new FactorProblem.ChallengeUnusable();
    }

    private static SignInRequest request(FactorStore.Challenge challenge) {
        return new SignInRequest(challenge.rememberMe(), challenge.appType(), challenge.bearer(), challenge.returnPath(),
                challenge.passwordStamp());
    }

    private Optional<FactorStore.Challenge> live(String challengeId) {
        Instant now = clock.instant();
        return found(challengeId).filter(c -> c.usedAt().isEmpty() && c.expiresAt().isAfter(now) && c.failures() < settings.maxCodeFailures());
    }

    /** The challenge with this id, live or not, while it is kept. */
    private Optional<FactorStore.Challenge> found(String challengeId) {
        if (challengeId == null || challengeId.isEmpty() || challengeId.length() > 100) return Optional.empty();
        return store.findChallenge(SecondFactors.hash(challengeId));
    }
}
