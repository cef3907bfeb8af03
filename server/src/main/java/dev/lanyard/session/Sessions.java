package dev.lanyard.session;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TeamPolicy;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Starting, checking, listing and ending sessions. Every way a session ends goes through
 * {@link #finish}, which ends rows idempotently, announces it to other nodes, and publishes one
 * {@link SessionsEnded} for the sessions it ended (the cache evicts after the commit).
 */
@Service
public class Sessions {
    public static final int MAX_PAGE = 100;
    static final int MAX_NAME = 100;

    private final SessionStore store;
    private final SessionCache cache;
    private final ActivityRecorder activity;
    private final SessionBroadcast broadcast;
    private final AddressChanges addresses;
    private final Accounts accounts;
    private final SessionSettings settings;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final org.springframework.beans.factory.ObjectProvider<CredentialScopes> scopes;
    private final org.springframework.transaction.support.TransactionTemplate transactions;

    Sessions(SessionStore store, SessionCache cache, ActivityRecorder activity, SessionBroadcast broadcast,
             AddressChanges addresses, Accounts accounts, SessionSettings settings, ApplicationEventPublisher events,
             Clock clock, org.springframework.beans.factory.ObjectProvider<CredentialScopes> scopes,
             org.springframework.transaction.support.TransactionTemplate transactions) {
        this.scopes = scopes;
        this.transactions = transactions;
        this.addresses = addresses;
        this.store = store;
        this.cache = cache;
        this.activity = activity;
        this.broadcast = broadcast;
        this.accounts = accounts;
        this.settings = settings;
        this.events = events;
        this.clock = clock;
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

    @Transactional
    public Started start(NewSession request) {
        return start(request, heldMemberPolicy(request.account()));
    }

    /**
     * {@link #memberPolicy(AccountId)}, read with the team held ({@link SessionStore#holdTeam}): a policy or
     * high-security change either committed before (this session gets it) or waits for this session's commit
     * (its rewrite of the team's open sessions then includes it).
     */
    private TeamPolicy heldMemberPolicy(AccountId account) {
        Optional<dev.lanyard.account.Account> found = accounts.find(account);
        found.ifPresent(a -> store.holdTeam(a.team().value()));
        return found.map(this::memberPolicy).orElseGet(() -> memberPolicy(account));
    }

    /** The session policy of the member's team (the default one for an account no longer found). */
    private TeamPolicy policy(AccountId account) {
        return accounts.find(account).map(a -> accounts.policy(a.team())).orElse(TeamPolicy.DEFAULT);
    }

    /** The team's policy as it applies to the member: their own session limit, "Remember me" not allowed (L3, L5). */
    TeamPolicy memberPolicy(AccountId account) {
        return accounts.memberRules(account).applyTo(policy(account));
    }

    /** {@link #memberPolicy(AccountId)} for an account already read (the sessions page's). */
    TeamPolicy memberPolicy(dev.lanyard.account.Account account) {
        return accounts.memberRules(account.id()).applyTo(accounts.policy(account.team()));
    }

    private Started start(NewSession request, TeamPolicy policy) {
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        String token = SessionToken.generate();
        var origin = request.origin();
        Session session = new Session(SessionId.random(), request.account(), "", request.appType(),
                policy.remembers(request.rememberMe()), request.verified(), true, origin.device(), origin.userAgent(), origin.ip(),
                origin.location(), now, now, policy.idleTimeout(), now.plus(policy.lifetime(request.rememberMe())),
                Session.Activity.NONE, Optional.empty());
        store.insert(session, SessionToken.hash(token), request.bearer());
        events.publishEvent(new SessionEvent.Started(session.id(), session.account(), now, session, request.verification()));
        broadcast.started(session.account());
        return new Started(session, token);
    }

    /**
     * Starts the session of a fresh sign-in (log in, sign-up, invitation accepted). The session the
     * request presented, if it is still valid, is ended first as signed out, in the same transaction:
     * a sign-in never leaves the browser's previous session usable (ASVS 5.0 V7.2.4), whoever it
     * belonged to. An API key presented is left alone: it is no browser's sign-in that this one
     * replaces, and the sign-in endpoints, open to anyone, never check its scopes.
     */
    public Started signIn(NewSession request, Optional<CurrentSession> presented) {
        try {
            return transactions.execute(tx -> signInHeld(request, presented));
        } catch (AccountProblem.SessionLimitReached refused) {
            events.publishEvent(new SignInRefused(request.account(), refused.limit(), request.origin().ip(), clock.instant()));
            throw refused;
        }
    }

    private Started signInHeld(NewSession request, Optional<CurrentSession> presented) {
        // The team first, then the sessions: the order of policy changes and force sign-outs, which lock the team
        // and then rewrite or end its sessions (the other order deadlocks with them on PostgreSQL).
        TeamPolicy policy = heldMemberPolicy(request.account());
        // With the member's row locked: a password change commits before (and this sign-in's password is refused) or after
        // (and ends this session with the others).
        request.password().ifPresent(stamp -> accounts.requireSamePassword(request.account(), stamp));
        presented.filter(session -> !session.apiKey()).ifPresent(this::logout);
        if (policy.sessionLimit() > 0) makeRoom(request.account(), policy);
        return start(request, policy);
    }

    /**
     * Refuses early a sign-in that {@link #signIn} would refuse at the session limit, so a member
     * whose team refuses sign-ins at the limit is told before giving a second factor (and spending a
     * recovery code) rather than after. {@link #signIn} still decides, with the member's row locked.
     *
     * @throws AccountProblem.SessionLimitReached when the member is at the limit and the team refuses
     */
    public void requireRoom(AccountId owner, String address) {
        TeamPolicy policy = memberPolicy(owner);
        if (policy.sessionLimit() > 0 && policy.refuseAtLimit() && store.signInsOldestFirst(owner, clock.instant()).size() >= policy.sessionLimit()) {
            events.publishEvent(new SignInRefused(owner, policy.sessionLimit(), address, clock.instant()));
            throw new AccountProblem.SessionLimitReached(policy.sessionLimit());
        }
    }

    /**
     * PRODUCT.md L5: a member has at most the team's limit of sign-ins at once. A sign-in that would
     * pass it ends the member's oldest sign-ins (each device told why on its next request or open
     * page) or is refused, as the team chose. API keys and apps' grants are not sign-ins and neither
     * count nor end (decision 48). The member's row is locked first, so two sign-ins at once cannot
     * both find room for one.
     *
     * @throws AccountProblem.SessionLimitReached when the team refuses sign-ins at the limit
     */
    private void makeRoom(AccountId owner, TeamPolicy policy) {
        accounts.lockSignIns(owner);
        List<SessionId> signedIn = store.signInsOldestFirst(owner, clock.instant());
        int over = signedIn.size() + 1 - policy.sessionLimit();
        if (over <= 0) return;
        if (policy.refuseAtLimit()) throw new AccountProblem.SessionLimitReached(policy.sessionLimit());
        finish(signedIn.subList(0, over), owner,
                new Session.Ending(clock.instant(), EndReason.SESSION_LIMIT, Optional.empty(), Optional.empty(), Optional.empty()));
    }

    /**
     * The hot path, run on every request: token → hash → cache → checks → activity. Needs no
     * database access on a cache hit; ends the session on the spot when it has expired.
     *
     * @param page the path when the request is a page view, counted in the session's activity
     */
    public Check check(String token, Optional<String> page) {
        return check(token, new Use("", page, true));
    }

    /**
     * How a request uses its session: from which client address, whether it is a page view, and
     * whether it counts as activity (an open live-update stream does not).
     */
    public record Use(String ip, Optional<String> page, boolean counts) {
    }

    /** {@link #check(String, Optional)} with the client address, so a change of address is noticed. */
    public Check check(String token, Use use) {
        if (SessionToken.plausible(token)) return checkHash(SessionToken.hash(token), false, use);
        if (ApiKeyToken.wellFormed(token)) return checkHash(SessionToken.hash(token), true, use);
        return new Check.Unknown();
    }

    /**
     * A session started for an app (an OAuth grant) rather than a browser: the session, and the
     * key its checks go by (the hash of a session token no one holds, so it is no secret).
     */
    public record AppSession(Session session, String key) {
    }

    /** Starts the session of an app's grant, named {@code name}; nothing can present it as a cookie or bearer. */
    @Transactional
    public AppSession startApp(NewSession request, String name) {
        Started started = start(request);
        String clean = name.strip();
        clean = clean.length() > MAX_NAME ? clean.substring(0, MAX_NAME) : clean;
        store.rename(started.session().id(), request.account(), clean);
        return new AppSession(started.session(), SessionToken.hash(started.token()));
    }

    /** {@link #check(String, Use)} for an app's session by its {@link AppSession#key()}: from the cache, like any check. */
    public Check checkApp(String key, Use use) {
        if (key == null || key.length() != 64) return new Check.Unknown();
        return checkHash(key, false, use);
    }

    /**
     * Ends sessions of apps' grants held by {@code owner}, by the owner or an admin ({@code by}); one no person ended goes
     * through {@link #endApp(Collection, AccountId, EndReason)}. Returns those ended; safe to repeat.
     */
    @Transactional
    public List<SessionId> endApp(Collection<SessionId> ids, AccountId owner, AccountId by) {
        if (ids.isEmpty()) return List.of();
        EndReason reason = by.equals(owner) ? EndReason.REVOKED : EndReason.ADMIN_REVOKED;
        return finish(ids, owner, new Session.Ending(clock.instant(), reason, Optional.of(by), Optional.empty(), Optional.empty()));
    }

    /**
     * Ends sessions of apps' grants held by {@code owner} for a reason no person gave: the app revoked its token
     * ({@link EndReason#APP_REVOKED}), a used token came back ({@link EndReason#TOKEN_REUSED}), the app's permissions
     * changed ({@link EndReason#APP_CHANGED}), its code expired unused ({@link EndReason#CODE_UNUSED}), it signed out
     * through RP-initiated logout ({@link EndReason#APP_SIGNED_OUT}). Returns those
     * ended; safe to repeat (an ended session keeps its first reason).
     */
    @Transactional
    public List<SessionId> endApp(Collection<SessionId> ids, AccountId owner, EndReason reason) {
        if (ids.isEmpty()) return List.of();
        return finish(ids, owner, new Session.Ending(clock.instant(), reason, Optional.empty(), Optional.empty(), Optional.empty()));
    }

    private Check checkHash(String hash, boolean key, Use use) {
        Optional<CachedSession> found = cache.get(hash, key ? this::loadKey : this::load);
        if (found.isEmpty()) return new Check.Unknown();
        CachedSession entry = found.get();
        if (entry.ended().isPresent()) return new Check.Ended(entry.ended().get(), key);
        Instant now = clock.instant();
        if (entry.boundCookieStale(now.toEpochMilli())) return new Check.Unknown();
        Optional<EndReason> expired = entry.expiry(now.toEpochMilli());
        if (expired.isPresent()) {
            expire(entry.id, entry.account().id(), expired.get(), now);
            return new Check.Ended(expired.get(), key);
        }
        if (use.counts()) {
            entry.used(now, use.page());
            activity.record(entry.id, now, use.page(), entry.keyScopes().isPresent());
        }
        if (!use.ip().isEmpty() && !entry.seenFrom(use.ip())) {
            AddressChanges.Address seen = entry.seen();
            AddressChanges.Address to = addresses.at(use.ip());
            if (entry.move(seen, to)) addresses.moved(entry.id, entry.account().id(), seen, to, now);
        }
        return new Check.Valid(new CurrentSession(entry.id, entry.account(), entry.appType(), entry.keyScopes()));
    }

    private CachedSession load(String hash) {
        return load(hash, false);
    }

    /** An API key's session: its token has the key format, which no sign-in's token has. */
    private CachedSession loadKey(String hash) {
        return load(hash, true);
    }

    private CachedSession load(String hash, boolean key) {
        return store.findByTokenHash(hash)
                // A removed member's account is gone for sign-in, but their ended sessions must still say why.
                .flatMap(s -> (s.active() ? accounts.find(s.account()) : accounts.findIncludingRemoved(s.account()))
                        .map(a -> CachedSession.of(activity.withPending(s), a,
                                key ? Optional.of(keyScopes(s.id())) : Optional.empty())))
                .orElse(null);
    }

    /** The scopes of an API key's session; none if the keys module does not know it. */
    private java.util.Set<String> keyScopes(SessionId id) {
        return scopes.stream().map(c -> c.of(id)).flatMap(Optional::stream).findFirst().orElse(java.util.Set.of());
    }

    /** Active sessions of {@code owner}, most recently active first; API keys never used after them, newest first. */
    public Page<Session> active(AccountId owner, ListFilter filter, int limit, Optional<String> cursor) {
        int size = pageSize(limit);
        Instant now = clock.instant();
        Instant inactiveBefore = now.minus(ListFilter.INACTIVE_AFTER);
        List<Session> rows = store.active(owner, filter, inactiveBefore, size + 1,
                cursor.flatMap(SessionStore.PageCursor::decode));
        Optional<String> next = rows.size() > size
                ? Optional.of(new SessionStore.PageCursor(rows.get(size - 1).lastActiveAt(), rows.get(size - 1).id().value(),
                SessionView.neverUsed(rows.get(size - 1))).encode())
                : Optional.empty();
        // A session that has expired but that the sweep has not ended yet is no longer usable: it is not listed.
        List<Session> items = new ArrayList<>(rows.subList(0, Math.min(size, rows.size())).stream().map(activity::withPending)
                .filter(session -> session.expiry(now).isEmpty()).toList());
        // As the store orders them, with the activity not yet written: a key never used has no "last active" of its own
        // (it is when it was made), so it comes after every session that was used, as "Never used" comes last.
        items.sort(Comparator.comparing((Session s) -> SessionView.neverUsed(s))
                .thenComparing(Comparator.comparing(Session::lastActiveAt).reversed()));
        return new Page<>(List.copyOf(items), next);
    }

    /**
     * Every active session of {@code owner}, a page at a time, in an order no use of a session changes (by id):
     * for reading all of them, where {@link #active}'s order would let a session used meanwhile jump over the
     * cursor and be missed. The cursor is the last id of the page before.
     */
    public Page<Session> everyActive(AccountId owner, int limit, Optional<String> cursor) {
        int size = pageSize(limit);
        List<Session> rows = store.activeById(owner, size + 1, cursor);
        Optional<String> next = rows.size() > size ? Optional.of(rows.get(size - 1).id().value()) : Optional.empty();
        return new Page<>(rows.subList(0, Math.min(size, rows.size())).stream().map(activity::withPending).toList(), next);
    }

    /** How many of {@code owner}'s active sessions each filter matches. */
    public ListFilter.Counts counts(AccountId owner) {
        Instant now = clock.instant();
        return store.count(owner, now, now.minus(ListFilter.INACTIVE_AFTER), Optional.empty());
    }

    /**
     * {@link #counts} of the sessions besides {@code current}: what a sessions page's filters and recommendations count,
     * as its lists show the others (this one has its own card). Read from the rows like the lists, so the two agree: this
     * session, in use now, may still be inactive in its row until its activity is written.
     */
    public ListFilter.Counts countsOfOthers(CurrentSession current) {
        Instant now = clock.instant();
        return store.count(current.account().id(), now, now.minus(ListFilter.INACTIVE_AFTER), Optional.of(current.id()));
    }

    /** Where {@code owner}'s active sessions are, by place, most sessions first (the sessions page's map). */
    List<SessionStore.Place> places(AccountId owner) {
        return store.places(owner, clock.instant());
    }

    /** Ended sessions of {@code owner}, most recently ended first. */
    public Page<Session> history(AccountId owner, int limit, Optional<String> cursor) {
        int size = pageSize(limit);
        List<Session> rows = store.ended(owner, size + 1, cursor.flatMap(SessionStore.PageCursor::decode));
        Optional<String> next = rows.size() > size
                ? Optional.of(new SessionStore.PageCursor(rows.get(size - 1).ending().orElseThrow().at(), rows.get(size - 1).id().value()).encode())
                : Optional.empty();
        return new Page<>(List.copyOf(rows.subList(0, Math.min(size, rows.size()))), next);
    }

    /**
     * The session a request is made with, with everything this node has seen of it up to this
     * request. Served from the validation cache, which the request's check has just filled: the
     * first call after the entry was loaded reads the row once and keeps it on the entry, later
     * ones read nothing (decision 0031). Reads the database every time while the cache cannot be trusted.
     */
    public Session current(CurrentSession current) {
        Supplier<Session> read = () -> get(current.id(), current.account().id());
        return cache.cached(current.id()).map(e -> cache.now(e, read)).orElseGet(read);
    }

    /** One session of {@code owner}, active or ended; someone else's is {@link SessionProblem.NotFound}. */
    public Session get(SessionId id, AccountId owner) {
        return store.find(id, owner).map(activity::withPending).orElseThrow(SessionProblem.NotFound::new);
    }

    /**
     * Whether the session was signed in for a bearer token ({@code tokenType=bearer}): a program's, not a browser's,
     * even when its token comes in the session cookie, which {@link CurrentSession#browser} cannot tell (decision 65,
     * addendum). Read from the database, not kept in the validation cache: only the authorize endpoint asks. False for
     * a session signed in before Lanyard recorded it (schema V30).
     */
    public boolean issuedForBearer(SessionId id) {
        return store.issuedForBearer(id);
    }

    /**
     * Refuses an API key acting on an API key (itself included) through the sessions: a key never ends or
     * changes a key (decision 0018), where keys are managed under {@code /api-keys}, which a key may only read.
     * Sessions of someone else are left to the caller's own {@link SessionProblem.NotFound}.
     */
    public void refuseKeyOnKey(CurrentSession by, Collection<SessionId> targets) {
        if (!by.apiKey()) return;
        for (SessionId id : targets) {
            if (store.find(id, by.account().id()).filter(Session::apiKey).isPresent()) throw new SessionProblem.KeyOnKey();
        }
    }

    /** Signs out one other session of the caller. Safe to repeat: one that already ended is left as it ended. */
    @Transactional
    public void revoke(SessionId id, CurrentSession by) {
        if (id.equals(by.id())) throw new SessionProblem.CurrentSession();
        refuseKeyOnKey(by, List.of(id));
        AccountId owner = by.account().id();
        if (finish(List.of(id), owner, Session.Ending.by(EndReason.REVOKED, clock.instant(), owner, by.id())).isEmpty()
                && store.find(id, owner).isEmpty())
            throw new SessionProblem.NotFound();
    }

    /**
     * Signs out the chosen sign-ins of the caller ("Sign out selected"); the current one cannot be among them.
     * Returns those ended. An API key among them refuses the whole request and ends nothing: a key is revoked on
     * its own, after a confirmation that names it as a key (decision 0018), never ticked among devices.
     *
     * @throws SessionProblem.KeysSelected an API key of the caller is among {@code ids}
     */
    @Transactional
    public List<SessionId> revoke(Collection<SessionId> ids, CurrentSession by) {
        if (ids.contains(by.id())) throw new SessionProblem.CurrentSession();
        refuseKeyOnKey(by, ids);
        refuseKeys(store.find(ids, by.account().id()));
        return finish(ids, by.account().id(), Session.Ending.by(EndReason.REVOKED, clock.instant(), by.account().id(), by.id()));
    }

    /** Refuses a choice of sessions to sign out together that holds API keys, naming them. */
    static void refuseKeys(Collection<Session> chosen) {
        List<String> keys = chosen.stream().filter(Session::apiKey).map(Session::displayName).toList();
        if (!keys.isEmpty()) throw new SessionProblem.KeysSelected(keys);
    }

    /** Signs out every session of the caller but the current one. Returns those ended. */
    @Transactional
    public List<SessionId> revokeOthers(CurrentSession by) {
        AccountId owner = by.account().id();
        Session.Ending ending = Session.Ending.by(EndReason.REVOKED, clock.instant(), owner, by.id());
        // API keys stay: they are ended by revoking them (decision 0018).
        List<SessionId> ended = store.endSignIns(owner, Optional.of(by.id()), ending);
        broadcast.ended(ended, owner, ending);
        return ended;
    }

    /**
     * Logs out every device, the current one included. API keys stay; so does the key the
     * request is made with, if it is one.
     */
    @Transactional
    public List<SessionId> revokeAll(CurrentSession by) {
        List<SessionId> ended = new ArrayList<>(revokeOthers(by));
        if (by.apiKey()) return ended;
        logout(by);
        ended.add(by.id());
        return ended;
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

    /**
     * Starts the session that is an API key: app type API, no idle timeout, the key's own expiry
     * (team policy does not apply to it), no address until it is first used. Joins the caller's
     * transaction; publishes no sign-in (the keys module records the key's creation).
     */
    @Transactional
    public Session startKey(NewKey key) {
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Session session = new Session(SessionId.random(), key.account(), key.name(), AppType.API, false, false, false,
                dev.lanyard.device.Device.unknown(), "", "", dev.lanyard.geo.GeoLocation.unknown(), now, now,
                java.time.Duration.ZERO, key.expiresAt().orElse(NEVER), new Session.Activity(0, 0, 0, ""), Optional.empty(), true);
        store.insertKey(session, ApiKeyToken.hash(key.token()));
        broadcast.started(session.account());
        return session;
    }

    /**
     * Ends the session of an API key of {@code owner} through {@link #finish}, so it is refused on
     * the very next request on every node. Returns whether it was active. Safe to repeat.
     *
     * @param by   who ended it, and from which session (absent: the system, e.g. a removal)
     * @param note an admin's reason, if any
     */
    @Transactional
    public boolean endKey(SessionId key, AccountId owner, EndReason reason, Optional<AccountId> by,
                          Optional<SessionId> from, Optional<String> note) {
        return !finish(List.of(key), owner, new Session.Ending(clock.instant(), reason, by, from, note)).isEmpty();
    }

    /** Sessions of {@code owner} among {@code ids}, active or ended, with this node's unwritten activity. */
    public java.util.Map<SessionId, Session> find(AccountId owner, Collection<SessionId> ids) {
        java.util.Map<SessionId, Session> found = new java.util.LinkedHashMap<>();
        store.find(ids, owner).forEach(s -> found.put(s.id(), activity.withPending(s)));
        return found;
    }

    /**
     * Requests per hour of each session since {@code from}, written and still in memory on this
     * node; counted for API keys only. Keys: hour starts.
     */
    public java.util.Map<SessionId, java.util.SortedMap<Instant, Long>> hourlyRequests(Collection<SessionId> ids, Instant from) {
        java.util.Map<SessionId, java.util.SortedMap<Instant, Long>> out = new java.util.HashMap<>();
        List<ActivityRecorder.Hourly> counts = new ArrayList<>(store.hourly(ids, from));
        counts.addAll(activity.pendingHourly(ids));
        for (ActivityRecorder.Hourly h : counts) {
            if (h.hour().isBefore(from)) continue;
            out.computeIfAbsent(h.id(), id -> new java.util.TreeMap<>()).merge(h.hour(), h.requests(), Long::sum);
        }
        return out;
    }

    /** Ends the current session. Safe to repeat. */
    @Transactional
    public void logout(CurrentSession current) {
        AccountId owner = current.account().id();
        finish(List.of(current.id()), owner, Session.Ending.by(EndReason.SIGNED_OUT, clock.instant(), owner, current.id()));
    }

    @Transactional
    public void rename(SessionId id, AccountId owner, String name) {
        // A name of nothing visible is no name: the session shows its device again.
        String clean = dev.lanyard.FreeText.strip(name);
        if (dev.lanyard.FreeText.length(clean) > MAX_NAME) throw new SessionProblem.InvalidInput("name", "Use a name of at most " + MAX_NAME + " characters.");
        dev.lanyard.FreeText.refusal(clean, false).ifPresent(what -> {
            throw new SessionProblem.InvalidInput("name", "The name cannot contain " + what + ".");
        });
        Session session = store.find(id, owner).filter(Session::active).orElseThrow(SessionProblem.NotFound::new);
        if (session.name().equals(clean)) return; // already so: no timeline line "Renamed" for a name it had
        if (store.rename(id, owner, clean) == 0) throw new SessionProblem.NotFound();
        events.publishEvent(new SessionEvent.Renamed(id, owner, clean, clock.instant()));
        broadcast.changed(List.of(id));
    }

    /**
     * Replaces the flags the risk assessment found on {@code owner}'s session (PRODUCT.md V3). Joins the
     * caller's transaction; every node drops its cached copy after the commit. Returns whether the session exists.
     */
    @Transactional
    public boolean flag(SessionId id, AccountId owner, List<SessionFlag> flags) {
        if (store.setFlags(id, owner, flags) == 0) return false;
        broadcast.changed(List.of(id));
        return true;
    }

    /**
     * Adds to {@code owner}'s session the flags it does not carry yet, reading what it carries with its row locked: two
     * assessments at once (two addresses, two nodes) both stay, where writing back what each read would keep only the
     * last. A flag is carried when the session has one of the same code about the same thing: {@code subject} names what
     * a flag is about (a country; a travel between two), and is the same for every flag of a code that is raised once
     * (a new address, an old session). So a session that moves on to a third country is flagged for it too, and its
     * earlier flags stay: each says where it has been. Joins the caller's transaction. Returns the flags added.
     */
    @Transactional
    public List<SessionFlag> addFlags(SessionId id, AccountId owner, List<SessionFlag> flags,
                                      java.util.function.Function<SessionFlag, String> subject) {
        Optional<Session> session = store.findLocked(id, owner);
        if (session.isEmpty()) return List.of();
        Set<List<String>> had = new java.util.HashSet<>();
        for (SessionFlag f : session.get().flags()) had.add(List.of(f.code(), subject.apply(f)));
        List<SessionFlag> added = new ArrayList<>();
        // One of each among the new ones too: the same thing found twice in one assessment is one flag.
        for (SessionFlag f : flags) if (had.add(List.of(f.code(), subject.apply(f)))) added.add(f);
        if (added.isEmpty()) return List.of();
        List<SessionFlag> all = new ArrayList<>(session.get().flags());
        all.addAll(added);
        flag(id, owner, all);
        return List.copyOf(added);
    }

    /**
     * Ends {@code owner}'s session from the "This wasn't me" link of a sign-in alert, which whoever holds the
     * mail may use, signed in or not: {@link EndReason#NOT_ME}, in the owner's name but from no session of
     * theirs. Returns whether it was active. Safe to repeat.
     */
    @Transactional
    public boolean endReported(SessionId id, AccountId owner) {
        return !finish(List.of(id), owner, new Session.Ending(clock.instant(), EndReason.NOT_ME, Optional.of(owner),
                Optional.empty(), Optional.empty())).isEmpty();
    }

    /**
     * Ends every sign-in of {@code owner} (API keys stay, as with "log out all devices") from the "This wasn't me"
     * link, the one the link is being used from included if it is one: {@link EndReason#NOT_ME}. Returns those
     * ended. Safe to repeat.
     */
    @Transactional
    public List<SessionId> endAllReported(AccountId owner) {
        Session.Ending ending = new Session.Ending(clock.instant(), EndReason.NOT_ME, Optional.of(owner),
                Optional.empty(), Optional.empty());
        List<SessionId> ended = store.endSignIns(owner, Optional.empty(), ending);
        broadcast.ended(ended, owner, ending);
        return ended;
    }

    @Transactional
    public void setAlerts(SessionId id, AccountId owner, boolean alerts) {
        if (store.setAlerts(id, owner, alerts) == 0) throw new SessionProblem.NotFound();
        broadcast.changed(List.of(id));
    }

    private List<SessionId> finish(Collection<SessionId> ids, AccountId owner, Session.Ending ending) {
        List<SessionId> ended = ids.size() == 1
                ? (store.end(ids.iterator().next(), owner, ending) == 1 ? List.copyOf(ids) : List.of())
                : store.end(ids, owner, ending);
        broadcast.ended(ended, owner, ending);
        return ended;
    }

    private void expire(SessionId id, AccountId owner, EndReason reason, Instant now) {
        Session.Ending ending = Session.Ending.expired(reason, now);
        if (store.end(id, owner, ending) == 1) broadcast.ended(List.of(id), owner, ending);
        else cache.evict(List.of(id));
    }

    private static int pageSize(int limit) {
        if (limit <= 0) return 50;
        return Math.min(limit, MAX_PAGE);
    }
}
