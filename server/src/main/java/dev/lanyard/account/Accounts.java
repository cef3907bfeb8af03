package dev.lanyard.account;

import java.time.Clock;
import java.util.Optional;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sign-up and sign-in: the only way in and out of the account module. The work of each use case is done beside it:
 * {@link NewTeams} (a sign-up's team and admin), {@link SignInChecks} (everything checked under the sign-in throttle),
 * {@link PasswordChanges} and {@link AccountInput} (the rules of what a newcomer types). Transactions begin here, on the
 * methods marked so, or in the use case's own {@link TransactionTemplate}.
 */
@Service
public class Accounts {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Accounts.class);
    private final AccountStore store;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final NewTeams newTeams;
    private final SignInChecks signIns;
    private final PasswordChanges passwordChanges;
    private final com.github.benmanes.caffeine.cache.Cache<AccountId, Boolean> emailVerified = com.github.benmanes.caffeine.cache.Caffeine
            .newBuilder().maximumSize(100_000).expireAfterWrite(java.time.Duration.ofMinutes(1)).build();

    Accounts(AccountStore store, PasswordHasher hasher, LoginThrottle throttle, ApplicationEventPublisher events,
             MeterRegistry meters, TransactionTemplate transactions, Mailer mailer, PasswordResetStore resets, Clock clock) {
        this.store = store;
        this.events = events;
        this.transactions = transactions;
        this.clock = clock;
        this.newTeams = new NewTeams(store, hasher, throttle, events, meters, transactions, clock);
        this.signIns = new SignInChecks(store, hasher, throttle, events, meters, clock);
        this.passwordChanges = new PasswordChanges(store, hasher, throttle, events, meters, transactions, mailer, resets, clock);
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
        return newTeams.signUp(request, then);
    }

    /**
     * Creates the team {@code teamId} with the newcomer as its admin, in the caller's transaction ({@link NewTeams#create}).
     *
     * @throws AccountProblem.EmailTaken an account with the email was created meanwhile
     */
    Account create(TeamId teamId, AccountInput.Checked checked, String passwordHash) {
        return newTeams.create(teamId, checked, passwordHash);
    }

    /**
     * Checks an email and password. An email longer than {@link EmailRule#MAX_LENGTH} characters is
     * {@link AccountProblem.InvalidInput} before any work is spent on it, and so is a password longer than
     * {@link AccountInput#MAX_PASSWORD} (naming {@code password}, whether or not the email has an account). A wrong email and a wrong
     * password cost the same work, get the same answer and take the same time: recording an existing email's
     * failure in the audit log is matched by a wait as long for an unknown one ({@link RecordingTimes}). Each attempt is reserved with the throttle before the password is hashed, so
     * concurrent guesses are counted as they start, not as they finish (see {@link LoginThrottle}). A right
     * password forgives no earlier failures: the caller calls {@link #signedIn} once the sign-in is complete.
     */
    public Account authenticate(String rawEmail, String password, String address) {
        return signIns.password(rawEmail, password, address).account();
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
        signIns.reauthenticate(account, fromSession, purpose, password, address);
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
        AccountStore.Credentials credentials = signIns.password(rawEmail, password, address);
        return new PasswordChecked(credentials.account(), SignInChecks.stamp(credentials.passwordHash()));
    }

    /**
     * Refuses a sign-in whose password is no longer the member's: changed since it was checked (the member changed it to
     * lock someone out, with their other sessions ended), or the account removed. Locks the member's row for the caller's
     * transaction, as the change's update does, so the two are ordered.
     *
     * @throws AccountProblem.PasswordChanged the password checked is not the current one
     */
    @Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
    public void requireSamePassword(AccountId id, String stamp) {
        signIns.requireSamePassword(id, stamp);
    }

    /**
     * A sign-in of {@code account} from {@code address} is complete (the password was the last step): the
     * failures of this address at this email are forgiven ({@link LoginThrottle}). Not called when a second
     * factor follows the password; a right code forgives them instead.
     */
    public void signedIn(Account account, String address) {
        signIns.signedIn(account, address);
    }

    /**
     * Changes the password of {@code id} (PRODUCT.md V4) under the rules of sign-up, after checking the current
     * one. A wrong current password counts towards the sign-in throttle like a failed sign-in from
     * {@code change.origin().address()}. Both hashes are computed before the transaction; inside it the new hash
     * is stored (only if the password was not changed meanwhile), the account's unused password reset links are used up
     * (a link mailed before the change must not set another password after it), {@link AccountEvent.PasswordChanged} is
     * published (the member's other sign-ins end with it when asked) and the notification mail is queued.
     *
     * @throws AccountProblem.InvalidInput    a missing current password, a new one that breaks the rules, or both (each
     *                                        field named)
     * @throws AccountProblem.WrongPassword   the current password is wrong, with the new one's broken rules if any
     * @throws AccountProblem.TooManyAttempts too many wrong passwords lately
     */
    public Account changePassword(AccountId id, PasswordChange change) {
        return passwordChanges.change(id, change);
    }

    /**
     * Checks a one-time code of {@code account} (a second factor) under the same throttle as passwords, so
     * wrong codes and wrong passwords share one budget per email and client address; a right code completes
     * what it guards (a sign-in's second step) and forgives that budget's failures. Returns what
     * {@code check} said; throws {@link AccountProblem.TooManyAttempts} without running it when the
     * throttle asks the caller to wait.
     */
    public boolean checkThrottled(Account account, String address, java.util.function.BooleanSupplier check) {
        return signIns.code(account, address, check);
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
        return signIns.proof(proof, address);
    }

    public Optional<Account> find(AccountId id) {
        return store.find(id);
    }

    /**
     * After a complete sign-in in a browser, keeps the time zone it reported ({@code zone}, from {@code Intl}) for the times
     * in the member's mails ({@link MailTimes}), as it does an API sign-in's {@code zone}: only a region Java knows. A region
     * Java does not know (newer than its time zone data) forgets the one stored, which the member's browser has left: their
     * mails say UTC until a sign-in from a known zone. Anything else, or nothing, keeps the one stored. A hint, not something the member typed: never refused,
     * and never fails the sign-in (a failed write is logged). A sign-in alert is written before this, in the zone known
     * until then. {@code session} is the id of the session the sign-in started: if its member disowns it ("This wasn't
     * me"), the account's zone is the one of their latest sign-in not disowned ({@link #disownTimeZone}). So each
     * sign-in's zone is noted, the same zone again too: the member's own sign-in from the zone an intruder's brought
     * keeps it when they disown the intruder's.
     */
    public void noteTimeZone(AccountId id, String zone, String session) {
        noteTimeZone(id, zone, Optional.of(session));
    }

    /** As {@link #noteTimeZone(AccountId, String, String)}, for a zone a page sent without signing in (a password reset's). */
    public void noteTimeZone(AccountId id, String zone) {
        noteTimeZone(id, zone, Optional.empty());
    }

    private void noteTimeZone(AccountId id, String zone, Optional<String> session) {
        Optional<java.time.ZoneId> region = MailTimes.region(zone);
        if (region.isEmpty() && !MailTimes.unknownRegion(zone)) return;
        try {
            transactions.executeWithoutResult(tx -> store.setTimeZone(id, region, session));
        } catch (RuntimeException e) {
            log.warn("Could not keep the time zone {} of account {}: {}", region.map(java.time.ZoneId::getId).orElse("(none)"),
                    id.value(), e.toString());
        }
    }

    /**
     * A sign-in its member disowned ("This wasn't me"): the time zone it brought is not theirs, so the account gets the zone
     * of their latest sign-in not disowned, or the one it had before those noted (outside review: the intruder's zone went
     * on dating the member's mails; with two sign-ins by the intruder, the first one's did). A later sign-in's zone stays.
     * Joins the caller's transaction.
     */
    public void disownTimeZone(AccountId id, String session) {
        store.disownTimeZone(id, session);
    }

    /** One sign-in's time zone note: the zone it reported (null: one Java does not know), its session, whether disowned. */
    public record ZoneNote(String zone, Optional<String> sessionId, boolean disowned) {
    }

    /** The time zones the member's latest sign-ins reported, newest first, for their data export. */
    public java.util.List<ZoneNote> timeZoneNotes(AccountId id) {
        return store.timeZoneNotes(id);
    }

    /** The member's time zone for their mails' times, when a sign-in of theirs reported one; empty: UTC. */
    public Optional<java.time.ZoneId> timeZone(AccountId id) {
        return store.timeZone(id);
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
}
