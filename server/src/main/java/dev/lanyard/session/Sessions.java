package dev.lanyard.session;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.AccountProblem;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Starting, checking, reading and ending sessions, as the other modules do it: the session module's service, whose
 * work is done by a class per use case ({@link SessionStarts}, {@link SessionChecks}, {@link SessionReads},
 * {@link SessionChanges}, {@link SessionEnds}). Every way a session ends goes through {@link SessionEnds}, which
 * ends rows idempotently, announces it to other nodes, and publishes one {@link SessionsEnded} for the sessions it ended
 * (the cache evicts after the commit). A session it reaches that had expired but that the sweep had not ended yet ends
 * as expired, when it expired, whatever the ending, and is not among the sessions a method here returns as ended. Transactions begin here, on the methods marked so; the use cases join them.
 *
 * <p>What only a member does to their own sessions on this module's pages and API (signing out one, some, the others
 * or all of them; naming a session; its alerts; the page's counts, map and policy) is no other module's business: those
 * pages call the use case itself, whose methods that change something begin their own transaction.
 */
@Service
public class Sessions {
    public static final int MAX_PAGE = 100;
    static final int MAX_NAME = 100;

    private final SessionStarts starts;
    private final SessionChecks checks;
    private final SessionReads reads;
    private final SessionChanges changes;
    private final SessionEnds ends;

    Sessions(SessionStarts starts, SessionChecks checks, SessionReads reads, SessionChanges changes, SessionEnds ends) {
        this.starts = starts;
        this.checks = checks;
        this.reads = reads;
        this.changes = changes;
        this.ends = ends;
    }

    /** A new session and the secret token that proves it; the token is not kept anywhere. */
    public record Started(Session session, String token) {
    }

    /** A page of a list and the cursor of the next one, if any. */
    public record Page<T>(List<T> items, Optional<String> nextCursor) {
    }

    /** The outcome of checking a token. */
    public sealed interface Check {
        record Valid(CurrentSession session) implements Check {
        }

        /** The session ended, and why; {@code apiKey}: it was an API key, which is told so in its own words. */
        record Ended(EndReason reason, boolean apiKey) implements Check {
            public Ended(EndReason reason) {
                this(reason, false);
            }
        }

        record Unknown() implements Check {
        }
    }

    /**
     * How a request uses its session: from which client address, whether it is a page view, and
     * whether it counts as activity (an open live-update stream does not).
     */
    public record Use(String ip, Optional<String> page, boolean counts) {
    }

    /**
     * A session started for an app (an OAuth grant) rather than a browser: the session, and the
     * key its checks go by (the hash of a session token no one holds, so it is no secret).
     */
    public record AppSession(Session session, String key) {
    }

    /** What the session of a new API key holds: whose it is, its name, its secret and when it expires, if ever. */
    public record NewKey(AccountId account, String name, String token, Optional<Instant> expiresAt) {
        public NewKey {
            java.util.Objects.requireNonNull(account, "account");
            java.util.Objects.requireNonNull(name, "name");
            if (!ApiKeyToken.wellFormed(token)) throw new IllegalArgumentException("not an API key");
            expiresAt = java.util.Objects.requireNonNullElse(expiresAt, Optional.empty());
        }
    }

    /** A key that never expires lasts until the end of year 9999, which every database and Instant can hold. */
    static final Instant NEVER = Instant.parse("9999-12-31T23:59:59Z");

    // Starting sessions: SessionStarts.

    @Transactional
    public Started start(NewSession request) {
        return starts.start(request);
    }

    /**
     * Starts the session of a fresh sign-in (log in, sign-up, invitation accepted), ending first the session the request
     * presented, in the same transaction ({@link SessionStarts#signIn}).
     */
    public Started signIn(NewSession request, Optional<CurrentSession> presented) {
        return starts.signIn(request, presented);
    }

    /**
     * Holds, in the caller's transaction, what {@link #signIn} holds before the session starts ({@link SessionStarts#holdForSignIn}):
     * the member's team, then their row, with the password the sign-in checked ({@code stamp}) confirmed. A sign-in whose
     * last step is checked and used up in the session's transaction (a second factor) holds them before it checks
     * anything, in the order every sign-in takes them: a password change then commits before the check (which is refused,
     * and uses nothing up) or after the session started (and ends it with the others).
     *
     * @throws AccountProblem.PasswordChanged the password checked is no longer the member's
     */
    @Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
    public void holdForSignIn(AccountId account, Optional<String> stamp) {
        starts.holdForSignIn(account, stamp);
    }

    /**
     * Refuses early a sign-in that {@link #signIn} would refuse at the session limit ({@link SessionStarts#requireRoom}).
     *
     * @throws AccountProblem.SessionLimitReached when the member is at the limit and the team refuses
     */
    public void requireRoom(AccountId owner, String address) {
        starts.requireRoom(owner, address);
    }

    /** Starts the session of an app's grant, named {@code name}; nothing can present it as a cookie or bearer. */
    @Transactional
    public AppSession startApp(NewSession request, String name) {
        return starts.startApp(request, name);
    }

    /** Starts the session that is an API key ({@link SessionStarts#startKey}); joins the caller's transaction. */
    @Transactional
    public Session startKey(NewKey key) {
        return starts.startKey(key);
    }

    // Checking a request's token: SessionChecks.

    /**
     * The hot path, run on every request ({@link SessionChecks}).
     *
     * @param page the path when the request is a page view, counted in the session's activity
     */
    public Check check(String token, Optional<String> page) {
        return checks.check(token, page);
    }

    /** {@link #check(String, Optional)} with the client address, so a change of address is noticed. */
    public Check check(String token, Use use) {
        return checks.check(token, use);
    }

    /** {@link #check(String, Use)} for an app's session by its {@link AppSession#key()}: from the cache, like any check. */
    public Check checkApp(String key, Use use) {
        return checks.checkApp(key, use);
    }

    // Reading sessions: SessionReads.

    /** Active sessions of {@code owner}, most recently active first; API keys never used after them, newest first. */
    public Page<Session> active(AccountId owner, ListFilter filter, int limit, Optional<String> cursor) {
        return reads.active(owner, Optional.empty(), filter, limit, cursor);
    }

    /**
     * {@link #active(AccountId, ListFilter, int, Optional)} of the current session's owner with that session first,
     * when it passes the filter, and in no later page however its use moves it meanwhile ({@link SessionReads#active}).
     */
    public Page<Session> active(CurrentSession current, ListFilter filter, int limit, Optional<String> cursor) {
        return reads.active(current.account().id(), Optional.of(current.id()), filter, limit, cursor);
    }

    /**
     * {@link #active(CurrentSession, ListFilter, int, Optional)} in {@code order}. By sign-in, no use moves a session, so a
     * walk through the pages lists each one that stays active once, the current one where it signed in
     * ({@link SessionReads#bySignIn}); most recently active first, one used during the walk can move ahead of the cursor.
     */
    public Page<Session> active(CurrentSession current, ListFilter filter, ListOrder order, int limit, Optional<String> cursor) {
        return switch (order) {
            case RECENTLY_ACTIVE -> active(current, filter, limit, cursor);
            case SIGNED_IN -> reads.bySignIn(current.account().id(), filter, limit, cursor);
        };
    }

    /**
     * Whether one of the member's active sign-ins other than {@code except} (browsers and apps that signed in, not API
     * keys nor apps' grants) passes {@code test}, all of them read: their sign-in alerts switches decide whether a new
     * device's alert is mailed (risk.SignInAlerts), and one verified lets this one be approved.
     */
    public boolean anyOtherSignIn(AccountId owner, SessionId except, Predicate<Session> test) {
        return reads.anyOtherSignIn(owner, except, test);
    }

    /**
     * Every session of {@code owner} that the sweep has not moved to the history, a page at a time, in an order no use
     * changes, as {@link #get} reads each: one that expired meanwhile reads as ended when it expired
     * ({@link SessionReads#everyActive}).
     */
    public Page<Session> everyActive(AccountId owner, int limit, Optional<String> cursor) {
        return reads.everyActive(owner, limit, cursor);
    }

    /** Ended sessions of {@code owner}, most recently ended first. */
    public Page<Session> history(AccountId owner, int limit, Optional<String> cursor) {
        return reads.history(owner, limit, cursor);
    }

    /**
     * The session a request is made with, with everything this node has seen of it up to this request; from the
     * validation cache, which the request's check has just filled ({@link SessionReads#current}).
     */
    public Session current(CurrentSession current) {
        return reads.current(current);
    }

    /**
     * One session of {@code owner}, active or ended, as it stands now: one expired that the sweep has not ended yet reads
     * as ended when it expired ({@link SessionReads#get}). Someone else's is {@link SessionProblem.NotFound}.
     */
    public Session get(SessionId id, AccountId owner) {
        return reads.get(id, owner);
    }

    /**
     * Where each of these sessions of {@code owner} signed in ({@link SignInPlace}), in one read; a session that moved
     * before Lanyard kept where sessions signed in (schema V39), or that is not {@code owner}'s, is left out.
     */
    public java.util.Map<SessionId, SignInPlace> signInPlaces(AccountId owner, Collection<Session> sessions) {
        return reads.signInPlaces(owner, sessions);
    }

    /** Whether the session was signed in for a bearer token ({@code tokenType=bearer}; {@link SessionReads#issuedForBearer}). */
    public boolean issuedForBearer(SessionId id) {
        return reads.issuedForBearer(id);
    }

    /**
     * Sessions of {@code owner} among {@code ids}, active or ended, with this node's unwritten activity, as they stand now
     * (as {@link #get} reads one).
     */
    public java.util.Map<SessionId, Session> find(AccountId owner, Collection<SessionId> ids) {
        return reads.find(owner, ids);
    }

    /**
     * Requests per hour of each session since {@code from}, written and still in memory on this
     * node; counted for API keys only. Keys: hour starts.
     */
    public java.util.Map<SessionId, java.util.SortedMap<Instant, Long>> hourlyRequests(Collection<SessionId> ids, Instant from) {
        return reads.hourlyRequests(ids, from);
    }

    // Ending sessions: SessionEnds.

    /**
     * Ends sessions of apps' grants held by {@code owner}, by the owner or an admin ({@code by}); one no person ended goes
     * through {@link #endApp(Collection, AccountId, EndReason)}. Returns those ended (not those that had expired, which
     * end as expired); safe to repeat.
     */
    @Transactional
    public List<SessionId> endApp(Collection<SessionId> ids, AccountId owner, AccountId by) {
        return ends.endApp(ids, owner, by);
    }

    /**
     * Ends sessions of apps' grants held by {@code owner} for a reason no person gave ({@link SessionEnds#endApp}).
     * Returns those ended (not those that had expired, which end as expired); safe to repeat (an ended session keeps its
     * first reason).
     */
    @Transactional
    public List<SessionId> endApp(Collection<SessionId> ids, AccountId owner, EndReason reason) {
        return ends.endApp(ids, owner, reason);
    }

    /**
     * Ends the session of an API key of {@code owner} through {@link SessionEnds#finish}, so it is refused on
     * the very next request on every node. Returns whether this ended it: false for one ended already, or past its expiry,
     * which ends as expired. Safe to repeat.
     *
     * @param by   who ended it, and from which session (absent: the system, e.g. a removal)
     * @param note an admin's reason, if any
     */
    @Transactional
    public boolean endKey(SessionId key, AccountId owner, EndReason reason, Optional<AccountId> by,
                          Optional<SessionId> from, Optional<String> note) {
        return ends.endKey(key, owner, reason, by, from, note);
    }

    /** Ends the current session. Safe to repeat. */
    @Transactional
    public void logout(CurrentSession current) {
        ends.logout(current);
    }

    /**
     * Ends {@code owner}'s session from the "This wasn't me" link ({@link SessionEnds#endReported}). Returns whether this
     * ended it: false for one ended already, or expired, which ends as expired.
     */
    @Transactional
    public boolean endReported(SessionId id, AccountId owner) {
        return ends.endReported(id, owner);
    }

    /**
     * Ends every sign-in of {@code owner} from the "This wasn't me" link ({@link SessionEnds#endAllReported}). Returns those
     * it ended, not those that had expired, which end as expired.
     */
    @Transactional
    public List<SessionId> endAllReported(AccountId owner) {
        return ends.endAllReported(owner);
    }

    // Changing a session: SessionChanges.

    /**
     * Makes {@code owner}'s active sign-in {@code id} verified by a second factor passed after it signed in ({@code how}:
     * a code, a recovery code or a passkey; PRODUCT.md V2), as if it had signed in with it. Returns whether it changed:
     * a session verified already stays as it was.
     *
     * @throws SessionProblem.NotFound   no such active session of the member
     * @throws SessionProblem.NotPending an API key or an app's grant, which no second factor verifies
     */
    @Transactional
    public boolean verify(SessionId id, AccountId owner, Verification how) {
        return changes.verify(id, owner, how);
    }

    /**
     * As {@link #verify}, for the session that just turned on a second factor by passing it (decision 0025, addendum of
     * 2026-12-06); anything but an active sign-in of {@code owner} is left as it is rather than refused, in the caller's transaction.
     */
    @Transactional
    public boolean verifyIfSignedIn(SessionId id, AccountId owner, Verification how) {
        return changes.verifyIfSignedIn(id, owner, how);
    }

    /**
     * Replaces the flags the risk assessment found on {@code owner}'s session (PRODUCT.md V3). Joins the
     * caller's transaction; every node drops its cached copy after the commit. Returns whether the session exists.
     */
    @Transactional
    public boolean flag(SessionId id, AccountId owner, List<SessionFlag> flags) {
        return changes.flag(id, owner, flags);
    }

    /**
     * Adds to {@code owner}'s session the flags it does not carry yet, one of a code about the same {@code subject}
     * at most, with its row locked so that two assessments at once both stay ({@link SessionChanges#addFlags}). Joins
     * the caller's transaction. Returns the flags added.
     */
    @Transactional
    public List<SessionFlag> addFlags(SessionId id, AccountId owner, List<SessionFlag> flags,
                                      java.util.function.Function<SessionFlag, String> subject) {
        return changes.addFlags(id, owner, flags, subject);
    }
}
